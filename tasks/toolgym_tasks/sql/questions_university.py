"""Question templates over the ``university`` database (departments, courses, sections, enrollments)."""

from __future__ import annotations

from toolgym_tasks.sql.templates import Sampler, Template

DEPARTMENTS = "SELECT name FROM departments ORDER BY 1"
COURSES = "SELECT code FROM courses ORDER BY 1"
RANKS = ["lecturer", "assistant professor", "associate professor", "professor"]
YEARS = [2020, 2021, 2022, 2023, 2024]
SECTION_COURSE = "JOIN sections s ON s.section_id = e.section_id JOIN courses c ON c.course_id = s.course_id"


def _dept_year(s: Sampler) -> dict:
    return {"department": s.pick(DEPARTMENTS), "year": s.choice(YEARS)}


def _year_span(s: Sampler) -> dict:
    y1 = s.choice(YEARS[:-1])
    return {"y1": y1, "y2": s.choice([y for y in YEARS if y > y1]), "k": s.randint(3, 6)}


TEMPLATES: tuple[Template, ...] = (
    Template(
        key="majors_enrolled_in_year", difficulty="easy", skills=("join", "filter", "count"),
        question="How many students majoring in {department} enrolled in {year}?",
        sql="SELECT COUNT(*) FROM students st JOIN departments d ON d.department_id = st.department_id WHERE d.name = '{department}' AND st.enrollment_year = {year}",
        explore="SELECT * FROM departments",
        equivalent=("SELECT COUNT(student_id) FROM students WHERE enrollment_year = {year} AND department_id IN (SELECT department_id FROM departments WHERE name = '{department}')",),
        wrong=("SELECT COUNT(*) FROM students st JOIN departments d ON d.department_id = st.department_id WHERE d.name = '{department}' AND st.enrollment_year >= {year}",),
        params=lambda s: {"department": s.pick(DEPARTMENTS), "year": s.choice([2018, 2019, 2020, 2021, 2022, 2023])}, count=12,
    ),
    Template(
        key="courses_level_credits", difficulty="easy", skills=("join", "filter"),
        question="List the code and title of every {level}-level course offered by the {department} department that is worth at least {credits} credits.",
        sql="SELECT c.code, c.title FROM courses c JOIN departments d ON d.department_id = c.department_id WHERE d.name = '{department}' AND c.level = {level} AND c.credits >= {credits}",
        explore="SELECT code, title, level, credits FROM courses LIMIT 5",
        equivalent=("SELECT code, title FROM courses WHERE level = {level} AND credits > {credits} - 1 AND department_id = (SELECT department_id FROM departments WHERE name = '{department}')",),
        wrong=("SELECT c.code, c.title FROM courses c JOIN departments d ON d.department_id = c.department_id WHERE d.name = '{department}' AND c.level = {level} AND c.credits > {credits}",),
        params=lambda s: {"department": s.pick(DEPARTMENTS), "level": s.choice([100, 200, 300, 400]), "credits": s.choice([3, 4])},
    ),
    Template(
        key="max_salary_rank", difficulty="easy", skills=("filter", "aggregate"),
        question="What is the highest salary among instructors with the rank '{rank}' who were hired before {year}?",
        sql="SELECT MAX(salary) FROM instructors WHERE rank = '{rank}' AND hire_year < {year}",
        explore="SELECT DISTINCT rank FROM instructors",
        equivalent=("SELECT salary FROM instructors WHERE rank = '{rank}' AND hire_year <= {year} - 1 ORDER BY salary DESC LIMIT 1",),
        wrong=("SELECT MAX(salary) FROM instructors WHERE rank = '{rank}' AND hire_year <= {year}",),
        params=lambda s: {"rank": s.choice(RANKS), "year": s.pick("SELECT DISTINCT hire_year FROM instructors WHERE hire_year > 1995 ORDER BY 1")},
    ),
    Template(
        key="students_from_city", difficulty="easy", skills=("filter", "order_by"),
        question="List the names of the students from {city} who enrolled in {year}, in alphabetical order.",
        sql="SELECT name FROM students WHERE home_city = '{city}' AND enrollment_year = {year} ORDER BY name",
        explore="SELECT DISTINCT home_city FROM students LIMIT 10",
        equivalent=("SELECT name FROM students WHERE enrollment_year = {year} AND home_city IN ('{city}') ORDER BY 1 ASC",),
        wrong=("SELECT name FROM students WHERE home_city = '{city}' AND enrollment_year = {year} ORDER BY name DESC",),
        params=lambda s: {"city": s.pick("SELECT DISTINCT home_city FROM students ORDER BY 1"), "year": s.choice([2018, 2019, 2020, 2021, 2022, 2023, 2024])},
        order_col=0, count=12,
    ),
    Template(
        key="course_average_grade", difficulty="medium", skills=("join", "aggregate", "nulls"),
        question="What is the average grade of course {code} over all its sections? Withdrawn enrollments have no grade and must not count.",
        sql=f"SELECT AVG(e.grade) FROM enrollments e {SECTION_COURSE} WHERE c.code = '{{code}}' AND e.status = 'completed'",
        explore="SELECT status, grade FROM enrollments LIMIT 5",
        equivalent=("SELECT SUM(grade) / COUNT(grade) FROM enrollments WHERE section_id IN (SELECT section_id FROM sections WHERE course_id IN (SELECT course_id FROM courses WHERE code = '{code}'))",),
        wrong=(f"SELECT SUM(e.grade) / COUNT(*) FROM enrollments e {SECTION_COURSE} WHERE c.code = '{{code}}'",),
        params=lambda s: {"code": s.pick("SELECT DISTINCT code FROM courses WHERE code IN (SELECT code FROM courses GROUP BY code HAVING COUNT(*) = 1) ORDER BY 1")},
        count=12,
    ),
    Template(
        key="distinct_students_department_courses", difficulty="medium", skills=("join", "distinct", "dates"),
        question="How many different students completed at least one course offered by the {department} department in {year}?",
        sql=f"SELECT COUNT(DISTINCT e.student_id) FROM enrollments e {SECTION_COURSE} JOIN departments d ON d.department_id = c.department_id WHERE d.name = '{{department}}' AND s.year = {{year}} AND e.status = 'completed'",
        explore="SELECT section_id, course_id, year, term FROM sections LIMIT 5",
        equivalent=("SELECT COUNT(*) FROM (SELECT DISTINCT e.student_id FROM enrollments e, sections s, courses c, departments d WHERE s.section_id = e.section_id AND c.course_id = s.course_id AND d.department_id = c.department_id AND d.name = '{department}' AND s.year = {year} AND e.status = 'completed')",),
        wrong=(f"SELECT COUNT(*) FROM enrollments e {SECTION_COURSE} JOIN departments d ON d.department_id = c.department_id WHERE d.name = '{{department}}' AND s.year = {{year}} AND e.status = 'completed'",),
        params=_dept_year, count=12,
    ),
    Template(
        key="busiest_instructors", difficulty="medium", skills=("join", "group_by", "order_by", "limit"),
        question="Which {k} instructors taught the most students from {y1} to {y2} (both years included), counting every enrollment in their sections that was not withdrawn? Give each name and the number of enrollments, most first.",
        sql="SELECT i.name, COUNT(*) AS students FROM sections s JOIN instructors i ON i.instructor_id = s.instructor_id JOIN enrollments e ON e.section_id = s.section_id WHERE s.year BETWEEN {y1} AND {y2} AND e.status <> 'withdrawn' GROUP BY i.instructor_id, i.name ORDER BY students DESC LIMIT {k}",
        explore="SELECT instructor_id, COUNT(*) FROM sections GROUP BY 1 ORDER BY 2 DESC LIMIT 5",
        equivalent=("SELECT i.name, t.n FROM (SELECT s.instructor_id, COUNT(e.student_id) AS n FROM sections s JOIN enrollments e USING (section_id) WHERE s.year >= {y1} AND s.year <= {y2} AND e.status = 'completed' GROUP BY s.instructor_id) t JOIN instructors i USING (instructor_id) ORDER BY t.n DESC LIMIT {k}",),
        wrong=("SELECT i.name, COUNT(*) AS students FROM sections s JOIN instructors i ON i.instructor_id = s.instructor_id JOIN enrollments e ON e.section_id = s.section_id WHERE s.year > {y1} AND s.year < {y2} AND e.status <> 'withdrawn' GROUP BY i.instructor_id, i.name ORDER BY students DESC LIMIT {k}",),
        params=_year_span, order_col=1, limit_param="k",
    ),
    Template(
        key="budget_per_major", difficulty="medium", skills=("join", "group_by", "arithmetic", "order_by"),
        question="For each department, divide its budget by the number of its majors who enrolled in {year} or later. Return the department name and that amount, from the highest amount to the lowest.",
        sql="SELECT d.name, d.budget / COUNT(*) AS per_student FROM departments d JOIN students st ON st.department_id = d.department_id WHERE st.enrollment_year >= {year} GROUP BY d.department_id, d.name, d.budget ORDER BY per_student DESC",
        explore="SELECT name, budget FROM departments",
        equivalent=("SELECT d.name, d.budget / n.cnt FROM departments d JOIN (SELECT department_id, COUNT(*) AS cnt FROM students WHERE enrollment_year > {year} - 1 GROUP BY department_id) n ON n.department_id = d.department_id ORDER BY 2 DESC",),
        wrong=("SELECT d.name, d.budget / COUNT(*) AS per_student FROM departments d JOIN students st ON st.department_id = d.department_id GROUP BY d.department_id, d.name, d.budget ORDER BY per_student DESC",),
        params=lambda s: {"year": s.choice([2019, 2020, 2021, 2022, 2023, 2024])}, order_col=1, count=6,
    ),
    Template(
        key="cross_department_students", difficulty="medium", skills=("join", "distinct", "filter"),
        question="How many students majoring in {department} completed at least one course offered by a different department in {year}?",
        sql=f"SELECT COUNT(DISTINCT st.student_id) FROM students st JOIN departments d ON d.department_id = st.department_id JOIN enrollments e ON e.student_id = st.student_id {SECTION_COURSE} WHERE d.name = '{{department}}' AND c.department_id <> st.department_id AND s.year = {{year}} AND e.status = 'completed'",
        explore="SELECT * FROM students LIMIT 3",
        equivalent=("SELECT COUNT(*) FROM students st WHERE st.department_id = (SELECT department_id FROM departments WHERE name = '{department}') AND EXISTS (SELECT 1 FROM enrollments e JOIN sections s ON s.section_id = e.section_id JOIN courses c ON c.course_id = s.course_id WHERE e.student_id = st.student_id AND e.status = 'completed' AND s.year = {year} AND c.department_id != st.department_id)",),
        wrong=(f"SELECT COUNT(st.student_id) FROM students st JOIN departments d ON d.department_id = st.department_id JOIN enrollments e ON e.student_id = st.student_id {SECTION_COURSE} WHERE d.name = '{{department}}' AND c.department_id <> st.department_id AND s.year = {{year}} AND e.status = 'completed'",),
        params=_dept_year, count=12,
    ),
    Template(
        key="top_weighted_gpa", difficulty="hard", skills=("join", "group_by", "having", "order_by", "limit", "arithmetic"),
        question="Among students who completed at least {n} enrollments, which {k} have the highest credit-weighted GPA (sum of grade times course credits divided by the sum of credits, completed enrollments only)? Return the student name and the GPA, highest first.",
        sql="SELECT st.name, SUM(e.grade * c.credits) / SUM(c.credits) AS gpa FROM students st JOIN enrollments e ON e.student_id = st.student_id JOIN sections s ON s.section_id = e.section_id JOIN courses c ON c.course_id = s.course_id WHERE e.status = 'completed' GROUP BY st.student_id, st.name HAVING COUNT(*) >= {n} ORDER BY gpa DESC LIMIT {k}",
        explore="SELECT e.student_id, e.grade, c.credits FROM enrollments e JOIN sections s ON s.section_id = e.section_id JOIN courses c ON c.course_id = s.course_id LIMIT 5",
        equivalent=("WITH g AS (SELECT e.student_id, e.grade * c.credits AS points, c.credits FROM enrollments e JOIN sections s USING (section_id) JOIN courses c USING (course_id) WHERE e.status = 'completed') SELECT st.name, SUM(points) / SUM(credits) FROM g JOIN students st USING (student_id) GROUP BY st.student_id, st.name HAVING COUNT(*) > {n} - 1 ORDER BY 2 DESC LIMIT {k}",),
        wrong=("SELECT st.name, AVG(e.grade) AS gpa FROM students st JOIN enrollments e ON e.student_id = st.student_id WHERE e.status = 'completed' GROUP BY st.student_id, st.name HAVING COUNT(*) >= {n} ORDER BY gpa DESC LIMIT {k}",),
        params=lambda s: {"n": s.randint(3, 7), "k": s.randint(3, 5)}, order_col=1, limit_param="k",
    ),
    Template(
        key="instructors_idle_in_year", difficulty="hard", skills=("anti_join", "exists"),
        question="Which instructors of the {department} department taught no section at all in {year}? List their names.",
        sql="SELECT i.name FROM instructors i JOIN departments d ON d.department_id = i.department_id WHERE d.name = '{department}' AND NOT EXISTS (SELECT 1 FROM sections s WHERE s.instructor_id = i.instructor_id AND s.year = {year})",
        explore="SELECT instructor_id, year, COUNT(*) FROM sections GROUP BY 1, 2 LIMIT 10",
        equivalent=("SELECT i.name FROM instructors i JOIN departments d ON d.department_id = i.department_id LEFT JOIN sections s ON s.instructor_id = i.instructor_id AND s.year = {year} WHERE d.name = '{department}' AND s.section_id IS NULL",),
        wrong=("SELECT i.name FROM instructors i JOIN departments d ON d.department_id = i.department_id LEFT JOIN sections s ON s.instructor_id = i.instructor_id WHERE d.name = '{department}' AND s.year = {year} AND s.section_id IS NULL",),
        params=_dept_year, count=12,
    ),
    Template(
        key="section_grade_ranking", difficulty="hard", skills=("window", "dense_rank", "join"),
        question="For section {section} (a section of {code}), rank the students who completed it by grade with a dense ranking (1 for the highest grade, equal grades share a rank). Return the student name, the grade and the rank.",
        sql="SELECT st.name, e.grade, DENSE_RANK() OVER (ORDER BY e.grade DESC) AS grade_rank FROM enrollments e JOIN students st ON st.student_id = e.student_id WHERE e.section_id = {section} AND e.status = 'completed'",
        explore="SELECT * FROM sections WHERE section_id = {section}",
        equivalent=("SELECT st.name, e.grade, (SELECT COUNT(DISTINCT e2.grade) FROM enrollments e2 WHERE e2.section_id = {section} AND e2.status = 'completed' AND e2.grade > e.grade) + 1 FROM enrollments e JOIN students st USING (student_id) WHERE e.section_id = {section} AND e.status = 'completed'",),
        wrong=("SELECT st.name, e.grade, RANK() OVER (ORDER BY e.grade DESC) AS grade_rank FROM enrollments e JOIN students st ON st.student_id = e.student_id WHERE e.section_id = {section} AND e.status = 'completed'",),
        params=lambda s: (lambda row: {"section": row[0], "code": row[1]})(s.pick_row("SELECT s.section_id, c.code FROM sections s JOIN courses c ON c.course_id = s.course_id WHERE s.section_id IN (SELECT section_id FROM enrollments GROUP BY section_id HAVING COUNT(*) BETWEEN 8 AND 30) ORDER BY 1")),
        count=12,
    ),
    Template(
        key="rank_salary_above_department", difficulty="hard", skills=("correlated_subquery",),
        question="List the name and salary of every instructor with the rank '{rank}' whose salary is above the average salary of all instructors in their department.",
        sql="SELECT i.name, i.salary FROM instructors i WHERE i.rank = '{rank}' AND i.salary > (SELECT AVG(i2.salary) FROM instructors i2 WHERE i2.department_id = i.department_id)",
        explore="SELECT department_id, AVG(salary) FROM instructors GROUP BY 1",
        equivalent=("SELECT name, salary FROM (SELECT name, salary, rank, AVG(salary) OVER (PARTITION BY department_id) AS dept_avg FROM instructors) t WHERE rank = '{rank}' AND salary > dept_avg",),
        wrong=("SELECT i.name, i.salary FROM instructors i WHERE i.rank = '{rank}' AND i.salary > (SELECT AVG(i2.salary) FROM instructors i2 WHERE i2.rank = i.rank)",),
        params=lambda s: {"rank": s.choice(RANKS)}, count=4, max_rows=60,
    ),
    Template(
        key="yearly_enrollment_change", difficulty="hard", skills=("window", "lag", "group_by"),
        question="For the {department} department, give each year from 2020 to 2024 that has enrollments in its courses, the number of enrollments that were not withdrawn, and the change from the previous such year (NULL for the first), ordered by year.",
        sql=f"WITH y AS (SELECT s.year, COUNT(*) AS n FROM enrollments e {SECTION_COURSE} JOIN departments d ON d.department_id = c.department_id WHERE d.name = '{{department}}' AND e.status <> 'withdrawn' GROUP BY s.year) SELECT year, n, n - LAG(n) OVER (ORDER BY year) FROM y ORDER BY year",
        explore="SELECT DISTINCT year FROM sections ORDER BY 1",
        equivalent=(f"WITH y AS (SELECT s.year, COUNT(*) AS n FROM enrollments e {SECTION_COURSE} JOIN departments d ON d.department_id = c.department_id WHERE d.name = '{{department}}' AND e.status = 'completed' GROUP BY s.year) SELECT a.year, a.n, a.n - b.n FROM y a LEFT JOIN y b ON b.year = (SELECT MAX(year) FROM y WHERE year < a.year) ORDER BY a.year",),
        wrong=(f"WITH y AS (SELECT s.year, COUNT(*) AS n FROM enrollments e {SECTION_COURSE} JOIN departments d ON d.department_id = c.department_id WHERE d.name = '{{department}}' GROUP BY s.year) SELECT year, n, n - LAG(n) OVER (ORDER BY year) FROM y ORDER BY year",),
        params=lambda s: {"department": s.pick(DEPARTMENTS)}, order_col=0, count=11,
    ),
    Template(
        key="students_all_levels", difficulty="hard", skills=("group_by", "having", "distinct", "join"),
        question="How many students majoring in {department} have completed at least one course at each of the four levels (100, 200, 300 and 400)?",
        sql=f"SELECT COUNT(*) FROM (SELECT e.student_id FROM enrollments e {SECTION_COURSE} JOIN students st ON st.student_id = e.student_id JOIN departments d ON d.department_id = st.department_id WHERE d.name = '{{department}}' AND e.status = 'completed' GROUP BY e.student_id HAVING COUNT(DISTINCT c.level) = 4) t",
        explore="SELECT DISTINCT level FROM courses",
        equivalent=("SELECT COUNT(*) FROM students st WHERE st.department_id = (SELECT department_id FROM departments WHERE name = '{department}') AND (SELECT COUNT(DISTINCT c.level) FROM enrollments e JOIN sections s ON s.section_id = e.section_id JOIN courses c ON c.course_id = s.course_id WHERE e.student_id = st.student_id AND e.status = 'completed') = 4",),
        wrong=(f"SELECT COUNT(*) FROM (SELECT e.student_id FROM enrollments e {SECTION_COURSE} JOIN students st ON st.student_id = e.student_id JOIN departments d ON d.department_id = st.department_id WHERE d.name = '{{department}}' AND e.status = 'completed' GROUP BY e.student_id HAVING COUNT(c.level) >= 4) t",),
        params=lambda s: {"department": s.pick(DEPARTMENTS)}, count=11,
    ),
    Template(
        key="section_fill_rate", difficulty="hard", skills=("join", "group_by", "having", "arithmetic"),
        question="In the {term} {year} term, which sections were filled to more than {pct}% of their capacity, counting enrollments that were not withdrawn? Return the course code, the section id and the number of such enrollments.",
        sql="SELECT c.code, s.section_id, COUNT(*) AS enrolled FROM sections s JOIN courses c ON c.course_id = s.course_id JOIN enrollments e ON e.section_id = s.section_id WHERE s.term = '{term}' AND s.year = {year} AND e.status <> 'withdrawn' GROUP BY c.code, s.section_id, s.capacity HAVING COUNT(*) > s.capacity * {pct} / 100.0",
        explore="SELECT section_id, capacity FROM sections LIMIT 5",
        equivalent=("SELECT code, section_id, enrolled FROM (SELECT c.code, s.section_id, s.capacity, (SELECT COUNT(*) FROM enrollments e WHERE e.section_id = s.section_id AND e.status = 'completed') AS enrolled FROM sections s JOIN courses c ON c.course_id = s.course_id WHERE s.term = '{term}' AND s.year = {year}) t WHERE enrolled * 100.0 / capacity > {pct}",),
        wrong=("SELECT c.code, s.section_id, COUNT(*) AS enrolled FROM sections s JOIN courses c ON c.course_id = s.course_id JOIN enrollments e ON e.section_id = s.section_id WHERE s.term = '{term}' AND s.year = {year} GROUP BY c.code, s.section_id, s.capacity HAVING COUNT(*) > s.capacity * {pct} / 100.0",),
        params=lambda s: {"term": s.choice(["spring", "fall"]), "year": s.choice(YEARS), "pct": s.choice([40, 50, 60, 75])},
    ),
)
