"""Question templates over the ``clinic`` database (a hospital network)."""

from __future__ import annotations

from toolgym_tasks.sql.templates import Sampler, Template

YEARS = [2022, 2023, 2024]
CITIES = "SELECT DISTINCT city FROM patients ORDER BY 1"
HOSPITALS = "SELECT name FROM hospitals ORDER BY 1"
HOSPITAL_DEPARTMENTS = "SELECT h.name, d.name FROM departments d JOIN hospitals h ON h.hospital_id = d.hospital_id ORDER BY 1, 2"
DOCTOR_DEPT = "JOIN doctors d ON d.doctor_id = a.doctor_id JOIN departments dp ON dp.department_id = d.department_id JOIN hospitals h ON h.hospital_id = dp.hospital_id"
COST = "m.unit_cost * p.days * p.daily_doses"


def _hospital_department(s: Sampler) -> dict:
    hospital, department = s.pick_row(HOSPITAL_DEPARTMENTS)
    return {"hospital": hospital, "department": department}


def _hospital_year(s: Sampler) -> dict:
    return {"hospital": s.pick(HOSPITALS), "year": s.choice(YEARS)}


TEMPLATES: tuple[Template, ...] = (
    Template(
        key="patients_city_insurance", difficulty="easy", skills=("filter", "count"),
        question="How many patients from {city} have {insurance} insurance?",
        sql="SELECT COUNT(*) FROM patients WHERE city = '{city}' AND insurance = '{insurance}'",
        explore="SELECT DISTINCT insurance FROM patients",
        equivalent=("SELECT COUNT(patient_id) FROM patients WHERE insurance = '{insurance}' AND city IN ('{city}')",),
        wrong=("SELECT COUNT(*) FROM patients WHERE city = '{city}' OR insurance = '{insurance}'",),
        params=lambda s: {"city": s.pick(CITIES), "insurance": s.choice(["public", "private", "none"])}, count=12,
    ),
    Template(
        key="doctors_hired_since", difficulty="easy", skills=("filter", "dates", "order_by"),
        question="List the name and hire date of every doctor hired on or after {date}, earliest hire first.",
        sql="SELECT name, hire_date FROM doctors WHERE hire_date >= DATE '{date}' ORDER BY hire_date",
        explore="SELECT MIN(hire_date), MAX(hire_date) FROM doctors",
        equivalent=("SELECT name, hire_date FROM doctors WHERE NOT hire_date < DATE '{date}' ORDER BY hire_date ASC",),
        wrong=("SELECT name, hire_date FROM doctors WHERE hire_date > DATE '{date}' ORDER BY hire_date",),
        params=lambda s: {"date": s.pick("SELECT hire_date FROM doctors WHERE hire_date >= DATE '2019-01-01' ORDER BY 1")},
        order_col=1, max_rows=40,
    ),
    Template(
        key="medication_forms_cheap", difficulty="easy", skills=("group_by", "filter"),
        question="Counting only medications whose unit cost is at most {cost} dollars, how many medications are there of each form? Return the form and the count.",
        sql="SELECT form, COUNT(*) FROM medications WHERE unit_cost <= {cost} GROUP BY form",
        explore="SELECT * FROM medications LIMIT 5",
        equivalent=("SELECT form, COUNT(medication_id) FROM medications WHERE NOT unit_cost > {cost} GROUP BY 1",),
        wrong=("SELECT form, COUNT(*) FROM medications WHERE unit_cost < {cost} GROUP BY form",),
        params=lambda s: {"cost": s.pick("SELECT unit_cost FROM medications ORDER BY 1")},
    ),
    Template(
        key="hospital_opened_before", difficulty="easy", skills=("filter", "order_by"),
        question="Which hospitals opened before {year}? Give each name and its number of beds, largest first.",
        sql="SELECT name, beds FROM hospitals WHERE opened_year < {year} ORDER BY beds DESC",
        explore="SELECT * FROM hospitals",
        equivalent=("SELECT name, beds FROM hospitals WHERE opened_year <= {year} - 1 ORDER BY 2 DESC",),
        wrong=("SELECT name, beds FROM hospitals WHERE opened_year <= {year} ORDER BY beds DESC",),
        params=lambda s: {"year": s.pick("SELECT opened_year FROM hospitals ORDER BY 1")}, order_col=1, count=6,
    ),
    Template(
        key="department_avg_fee", difficulty="medium", skills=("join", "aggregate"),
        question="What is the average fee of the completed appointments with doctors of the {department} department at {hospital}?",
        sql=f"SELECT AVG(a.fee) FROM appointments a {DOCTOR_DEPT} WHERE h.name = '{{hospital}}' AND dp.name = '{{department}}' AND a.status = 'completed'",
        explore="SELECT h.name, dp.name FROM departments dp JOIN hospitals h ON h.hospital_id = dp.hospital_id LIMIT 10",
        equivalent=("SELECT SUM(fee) / COUNT(*) FROM appointments WHERE status = 'completed' AND doctor_id IN (SELECT doctor_id FROM doctors WHERE department_id IN (SELECT department_id FROM departments WHERE name = '{department}' AND hospital_id = (SELECT hospital_id FROM hospitals WHERE name = '{hospital}')))",),
        wrong=(f"SELECT AVG(a.fee) FROM appointments a {DOCTOR_DEPT} WHERE h.name = '{{hospital}}' AND dp.name = '{{department}}'",),
        params=_hospital_department, count=12,
    ),
    Template(
        key="busiest_doctors", difficulty="medium", skills=("join", "group_by", "order_by", "limit", "dates"),
        question="Which {k} doctors had the most completed appointments in {year}? Give each doctor's name and number of completed appointments, most first.",
        sql="SELECT d.name, COUNT(*) AS n FROM appointments a JOIN doctors d ON d.doctor_id = a.doctor_id WHERE a.status = 'completed' AND year(a.appointment_date) = {year} GROUP BY d.doctor_id, d.name ORDER BY n DESC LIMIT {k}",
        explore="SELECT status, COUNT(*) FROM appointments GROUP BY status",
        equivalent=("WITH c AS (SELECT doctor_id, COUNT(*) AS n FROM appointments WHERE status = 'completed' AND appointment_date BETWEEN DATE '{year}-01-01' AND DATE '{year}-12-31' GROUP BY doctor_id) SELECT d.name, c.n FROM c JOIN doctors d USING (doctor_id) ORDER BY c.n DESC LIMIT {k}",),
        wrong=("SELECT d.name, COUNT(*) AS n FROM appointments a JOIN doctors d ON d.doctor_id = a.doctor_id WHERE year(a.appointment_date) = {year} GROUP BY d.doctor_id, d.name ORDER BY n DESC LIMIT {k}",),
        params=lambda s: {"k": s.randint(2, 6), "year": s.choice(YEARS)}, order_col=1, limit_param="k",
    ),
    Template(
        key="no_show_rate", difficulty="medium", skills=("join", "conditional_aggregate", "dates"),
        question="For each hospital, what percentage (0 to 100) of its appointments in {year} were no-shows? Return the hospital name and the percentage.",
        sql=f"SELECT h.name, 100.0 * SUM(CASE WHEN a.status = 'no_show' THEN 1 ELSE 0 END) / COUNT(*) FROM appointments a {DOCTOR_DEPT} WHERE year(a.appointment_date) = {{year}} GROUP BY h.hospital_id, h.name",
        explore="SELECT DISTINCT status FROM appointments",
        equivalent=(f"SELECT h.name, 100.0 * COUNT(*) FILTER (WHERE a.status = 'no_show') / COUNT(*) FROM appointments a {DOCTOR_DEPT} WHERE a.appointment_date >= DATE '{{year}}-01-01' AND a.appointment_date < DATE '{{ny}}-01-01' GROUP BY h.name",),
        wrong=(f"SELECT h.name, 100.0 * SUM(CASE WHEN a.status = 'no_show' THEN 1 ELSE 0 END) / SUM(CASE WHEN a.status = 'completed' THEN 1 ELSE 0 END) FROM appointments a {DOCTOR_DEPT} WHERE year(a.appointment_date) = {{year}} GROUP BY h.hospital_id, h.name",),
        params=lambda s: (lambda y: {"year": y, "ny": y + 1})(s.choice(YEARS)), count=3,
    ),
    Template(
        key="patients_many_doctors", difficulty="medium", skills=("group_by", "having", "distinct"),
        question="How many patients had completed appointments with at least {n} different doctors?",
        sql="SELECT COUNT(*) FROM (SELECT patient_id FROM appointments WHERE status = 'completed' GROUP BY patient_id HAVING COUNT(DISTINCT doctor_id) >= {n}) t",
        explore="SELECT patient_id, doctor_id, status FROM appointments LIMIT 5",
        equivalent=("WITH pairs AS (SELECT DISTINCT patient_id, doctor_id FROM appointments WHERE status = 'completed') SELECT COUNT(*) FROM (SELECT patient_id FROM pairs GROUP BY patient_id HAVING COUNT(*) > {n} - 1)",),
        wrong=("SELECT COUNT(*) FROM (SELECT patient_id FROM appointments WHERE status = 'completed' GROUP BY patient_id HAVING COUNT(*) >= {n}) t",),
        params=lambda s: {"n": s.randint(2, 6)}, count=5,
    ),
    Template(
        key="patient_medication_cost", difficulty="medium", skills=("join", "aggregate", "arithmetic"),
        question="What is the total medication cost of all prescriptions written for the patient {patient}, where a prescription costs unit cost times days times daily doses?",
        sql=f"SELECT SUM({COST}) FROM prescriptions p JOIN medications m ON m.medication_id = p.medication_id JOIN appointments a ON a.appointment_id = p.appointment_id JOIN patients pt ON pt.patient_id = a.patient_id WHERE pt.name = '{{patient}}'",
        explore="SELECT * FROM prescriptions LIMIT 5",
        equivalent=(f"SELECT SUM({COST}) FROM prescriptions p, medications m WHERE m.medication_id = p.medication_id AND p.appointment_id IN (SELECT appointment_id FROM appointments WHERE patient_id = (SELECT patient_id FROM patients WHERE name = '{{patient}}'))",),
        wrong=("SELECT SUM(m.unit_cost * p.days) FROM prescriptions p JOIN medications m ON m.medication_id = p.medication_id JOIN appointments a ON a.appointment_id = p.appointment_id JOIN patients pt ON pt.patient_id = a.patient_id WHERE pt.name = '{patient}'",),
        params=lambda s: {"patient": s.pick("SELECT DISTINCT pt.name FROM patients pt JOIN appointments a ON a.patient_id = pt.patient_id JOIN prescriptions p ON p.appointment_id = a.appointment_id ORDER BY 1")},
    ),
    Template(
        key="department_salary_by_hospital", difficulty="medium", skills=("join", "group_by", "order_by"),
        question="For the {department} departments, list each hospital's name with the average salary of its {department} doctors, from the highest average to the lowest.",
        sql="SELECT h.name, AVG(d.salary) AS avg_salary FROM doctors d JOIN departments dp ON dp.department_id = d.department_id JOIN hospitals h ON h.hospital_id = dp.hospital_id WHERE dp.name = '{department}' GROUP BY h.name ORDER BY avg_salary DESC",
        explore="SELECT DISTINCT name FROM departments",
        equivalent=("SELECT (SELECT name FROM hospitals WHERE hospital_id = dp.hospital_id) AS hospital, AVG(d.salary) FROM departments dp JOIN doctors d ON d.department_id = dp.department_id WHERE dp.name = '{department}' GROUP BY dp.hospital_id ORDER BY 2 DESC",),
        wrong=("SELECT h.name, AVG(d.salary) AS avg_salary FROM doctors d JOIN departments dp ON dp.department_id = d.department_id JOIN hospitals h ON h.hospital_id = dp.hospital_id GROUP BY h.name ORDER BY avg_salary DESC",),
        params=lambda s: {"department": s.pick("SELECT DISTINCT name FROM departments ORDER BY 1")}, order_col=1, count=9,
    ),
    Template(
        key="young_patient_appointments", difficulty="hard", skills=("dates", "join", "age"),
        question="How many completed appointments in {year} were for patients who were younger than {age} years on the day of the appointment?",
        sql="SELECT COUNT(*) FROM appointments a JOIN patients p ON p.patient_id = a.patient_id WHERE a.status = 'completed' AND year(a.appointment_date) = {year} AND a.appointment_date < p.birth_date + INTERVAL {age} YEAR",
        explore="SELECT birth_date FROM patients LIMIT 5",
        equivalent=("SELECT COUNT(*) FROM appointments a JOIN patients p USING (patient_id) WHERE a.status = 'completed' AND a.appointment_date BETWEEN DATE '{year}-01-01' AND DATE '{year}-12-31' AND NOT (a.appointment_date >= p.birth_date + INTERVAL {age} YEAR)",),
        wrong=("SELECT COUNT(*) FROM appointments a JOIN patients p ON p.patient_id = a.patient_id WHERE a.status = 'completed' AND year(a.appointment_date) = {year} AND year(a.appointment_date) - year(p.birth_date) < {age}",),
        params=lambda s: {"year": s.choice(YEARS), "age": s.choice([6, 12, 18, 21, 30, 40, 50, 65, 70, 80])}, count=12,
    ),
    Template(
        key="top_medication_per_hospital", difficulty="hard", skills=("window", "cte", "join", "dates"),
        question="For each hospital, which medication was prescribed most often in {year} (by number of prescriptions)? Return the hospital name, the medication name and the count; if several medications tie, list them all.",
        sql="WITH counts AS (SELECT h.name AS hospital, m.name AS medication, COUNT(*) AS n FROM prescriptions p JOIN medications m ON m.medication_id = p.medication_id JOIN appointments a ON a.appointment_id = p.appointment_id JOIN doctors d ON d.doctor_id = a.doctor_id JOIN departments dp ON dp.department_id = d.department_id JOIN hospitals h ON h.hospital_id = dp.hospital_id WHERE year(a.appointment_date) = {year} GROUP BY h.name, m.name) SELECT hospital, medication, n FROM (SELECT *, RANK() OVER (PARTITION BY hospital ORDER BY n DESC) AS rk FROM counts) WHERE rk = 1",
        explore="SELECT COUNT(*) FROM prescriptions",
        equivalent=("WITH counts AS (SELECT h.name AS hospital, m.name AS medication, COUNT(*) AS n FROM prescriptions p JOIN medications m ON m.medication_id = p.medication_id JOIN appointments a ON a.appointment_id = p.appointment_id JOIN doctors d ON d.doctor_id = a.doctor_id JOIN departments dp ON dp.department_id = d.department_id JOIN hospitals h ON h.hospital_id = dp.hospital_id WHERE year(a.appointment_date) = {year} GROUP BY ALL) SELECT * FROM counts c WHERE n = (SELECT MAX(n) FROM counts c2 WHERE c2.hospital = c.hospital)",),
        wrong=("WITH counts AS (SELECT h.name AS hospital, m.name AS medication, SUM(p.days) AS n FROM prescriptions p JOIN medications m ON m.medication_id = p.medication_id JOIN appointments a ON a.appointment_id = p.appointment_id JOIN doctors d ON d.doctor_id = a.doctor_id JOIN departments dp ON dp.department_id = d.department_id JOIN hospitals h ON h.hospital_id = dp.hospital_id WHERE year(a.appointment_date) = {year} GROUP BY h.name, m.name) SELECT hospital, medication, n FROM (SELECT *, RANK() OVER (PARTITION BY hospital ORDER BY n DESC) AS rk FROM counts) WHERE rk = 1",),
        params=lambda s: {"year": s.choice(YEARS)}, count=3,
    ),
    Template(
        key="doctors_above_department_average", difficulty="hard", skills=("correlated_subquery", "join"),
        question="List the names of the doctors at {hospital} whose salary is higher than the average salary of the doctors in their own department.",
        sql="SELECT d.name FROM doctors d JOIN departments dp ON dp.department_id = d.department_id JOIN hospitals h ON h.hospital_id = dp.hospital_id WHERE h.name = '{hospital}' AND d.salary > (SELECT AVG(d2.salary) FROM doctors d2 WHERE d2.department_id = d.department_id)",
        explore="SELECT dp.department_id, dp.name, COUNT(*) FROM doctors d JOIN departments dp ON dp.department_id = d.department_id GROUP BY 1, 2 LIMIT 10",
        equivalent=("WITH avgs AS (SELECT department_id, AVG(salary) AS a FROM doctors GROUP BY department_id) SELECT d.name FROM doctors d JOIN avgs USING (department_id) JOIN departments dp USING (department_id) JOIN hospitals h USING (hospital_id) WHERE h.name = '{hospital}' AND d.salary > avgs.a",),
        wrong=("SELECT d.name FROM doctors d JOIN departments dp ON dp.department_id = d.department_id JOIN hospitals h ON h.hospital_id = dp.hospital_id WHERE h.name = '{hospital}' AND d.salary > (SELECT AVG(d2.salary) FROM doctors d2 JOIN departments dp2 ON dp2.department_id = d2.department_id WHERE dp2.hospital_id = dp.hospital_id)",),
        params=lambda s: {"hospital": s.pick(HOSPITALS)}, count=7,
    ),
    Template(
        key="monthly_fee_change", difficulty="hard", skills=("window", "lag", "dates", "join"),
        question="For {hospital}, show each month number of {year} that had completed appointments, the total fees of those completed appointments, and the change from the previous such month (NULL for the first one), ordered by month.",
        sql=f"WITH m AS (SELECT month(a.appointment_date) AS month, SUM(a.fee) AS total FROM appointments a {DOCTOR_DEPT} WHERE h.name = '{{hospital}}' AND a.status = 'completed' AND year(a.appointment_date) = {{year}} GROUP BY 1) SELECT month, total, total - LAG(total) OVER (ORDER BY month) AS change FROM m ORDER BY month",
        explore="SELECT h.name, COUNT(*) FROM appointments a JOIN doctors d ON d.doctor_id = a.doctor_id JOIN departments dp ON dp.department_id = d.department_id JOIN hospitals h ON h.hospital_id = dp.hospital_id GROUP BY 1",
        equivalent=(f"WITH m AS (SELECT month(a.appointment_date) AS month, SUM(a.fee) AS total FROM appointments a {DOCTOR_DEPT} WHERE h.name = '{{hospital}}' AND a.status = 'completed' AND year(a.appointment_date) = {{year}} GROUP BY 1) SELECT m.month, m.total, m.total - (SELECT p.total FROM m p WHERE p.month = (SELECT MAX(q.month) FROM m q WHERE q.month < m.month)) FROM m ORDER BY m.month",),
        wrong=(f"WITH m AS (SELECT month(a.appointment_date) AS month, SUM(a.fee) AS total FROM appointments a {DOCTOR_DEPT} WHERE h.name = '{{hospital}}' AND year(a.appointment_date) = {{year}} GROUP BY 1) SELECT month, total, total - LAG(total) OVER (ORDER BY month) AS change FROM m ORDER BY month",),
        params=_hospital_year, order_col=0,
    ),
    Template(
        key="patients_without_prescriptions", difficulty="hard", skills=("exists", "anti_join", "subquery"),
        question="How many patients from {city} had at least one completed appointment but never received any prescription?",
        sql="SELECT COUNT(*) FROM patients pt WHERE pt.city = '{city}' AND EXISTS (SELECT 1 FROM appointments a WHERE a.patient_id = pt.patient_id AND a.status = 'completed') AND NOT EXISTS (SELECT 1 FROM appointments a JOIN prescriptions p ON p.appointment_id = a.appointment_id WHERE a.patient_id = pt.patient_id)",
        explore="SELECT COUNT(DISTINCT appointment_id) FROM prescriptions",
        equivalent=("SELECT COUNT(*) FROM (SELECT a.patient_id FROM appointments a JOIN patients pt ON pt.patient_id = a.patient_id WHERE pt.city = '{city}' AND a.status = 'completed' EXCEPT SELECT a.patient_id FROM appointments a JOIN prescriptions p ON p.appointment_id = a.appointment_id)",),
        wrong=("SELECT COUNT(DISTINCT pt.patient_id) FROM patients pt JOIN appointments a ON a.patient_id = pt.patient_id WHERE pt.city = '{city}' AND a.status = 'completed' AND a.appointment_id NOT IN (SELECT appointment_id FROM prescriptions)",),
        params=lambda s: {"city": s.pick(CITIES)}, count=12,
    ),
    Template(
        key="second_visit_date", difficulty="hard", skills=("window", "row_number", "dates"),
        question="For the patients from {city} with {insurance} insurance, list each patient's name and the date of their second completed appointment (patients with fewer than two completed appointments are left out).",
        sql="SELECT name, appointment_date FROM (SELECT pt.name, a.appointment_date, ROW_NUMBER() OVER (PARTITION BY pt.patient_id ORDER BY a.appointment_date, a.appointment_id) AS rn FROM patients pt JOIN appointments a ON a.patient_id = pt.patient_id WHERE pt.city = '{city}' AND pt.insurance = '{insurance}' AND a.status = 'completed') t WHERE rn = 2",
        explore="SELECT name, city, insurance FROM patients LIMIT 5",
        equivalent=("SELECT pt.name, a.appointment_date FROM patients pt JOIN appointments a ON a.patient_id = pt.patient_id WHERE pt.city = '{city}' AND pt.insurance = '{insurance}' AND a.status = 'completed' AND (SELECT COUNT(*) FROM appointments b WHERE b.patient_id = a.patient_id AND b.status = 'completed' AND (b.appointment_date < a.appointment_date OR (b.appointment_date = a.appointment_date AND b.appointment_id < a.appointment_id))) = 1",),
        wrong=("SELECT name, appointment_date FROM (SELECT pt.name, a.appointment_date, ROW_NUMBER() OVER (PARTITION BY pt.patient_id ORDER BY a.appointment_date, a.appointment_id) AS rn FROM patients pt JOIN appointments a ON a.patient_id = pt.patient_id WHERE pt.city = '{city}' AND pt.insurance = '{insurance}') t WHERE rn = 2",),
        params=lambda s: {"city": s.pick(CITIES), "insurance": s.choice(["public", "private"])}, max_rows=80,
    ),
)
