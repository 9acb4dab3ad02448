"""Seeded row generators for the three Text2SQL databases.

Each generator takes a ``random.Random`` and returns ``table -> rows`` in the column order of
:mod:`toolgym_tasks.sql.schemas`. Only ``random.Random`` methods whose streams Python keeps stable
across versions are used (``random``, ``randint``, ``choice``, ``choices``, ``sample``, ``shuffle``),
so a seed names one database everywhere. Distributions are skewed on purpose (popular products,
busy doctors, seasonal orders) so that grouping and ranking questions have clear answers.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any, Callable

from toolgym_tasks.sql.names import NameBook, word

Rows = dict[str, list[tuple[Any, ...]]]


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _money(rng: random.Random, low: float, high: float) -> float:
    """A price-like amount, skewed towards ``low``, with two decimals."""
    return round(low + (high - low) * rng.random() ** 2, 2)


def retail(rng: random.Random) -> Rows:
    """An online store: regions, customers, categories, suppliers, products, orders, items, reviews."""
    names = NameBook(rng)
    regions = [(i + 1, f"{names.place()} Region") for i in range(8)]
    cities = {r[0]: [names.place() for _ in range(5)] for r in regions}
    segments = ["consumer"] * 6 + ["business"] * 3 + ["student"] * 2
    customers = []
    for cid in range(1, 701):
        region = rng.choice(regions)[0]
        customers.append(
            (cid, names.person(), rng.choice(cities[region]), region, rng.choice(segments),
             _day(rng, dt.date(2019, 1, 1), dt.date(2023, 12, 31)))
        )
    category_names = ["Kitchen", "Garden", "Toys", "Books", "Audio", "Outdoor", "Stationery", "Lighting",
                      "Bath", "Pet Supplies", "Crafts", "Fitness"]
    categories = [(i + 1, n) for i, n in enumerate(category_names)]
    suppliers = [(i + 1, names.thing(["Works", "Trading", "Supply", "Goods", "Makers"]), rng.choice(regions)[0])
                 for i in range(30)]
    products = []
    for pid in range(1, 321):
        cat = rng.choice(categories)[0]
        products.append(
            (pid, names.thing(["Lamp", "Kit", "Set", "Box", "Pack", "Mug", "Chair", "Ball", "Pad", "Board", "Brush"]),
             cat, rng.choice(suppliers)[0], _money(rng, 3, 400), _day(rng, dt.date(2018, 6, 1), dt.date(2024, 6, 30)))
        )
    popularity = [rng.random() ** 3 + 0.01 for _ in products]
    price_of = {p[0]: p[4] for p in products}
    launched = {p[0]: p[5] for p in products}
    orders, items = [], []
    statuses = ["delivered"] * 15 + ["shipped"] * 2 + ["cancelled"] * 2 + ["returned"]
    channels = ["web"] * 5 + ["app"] * 4 + ["store"] * 2
    activity = [rng.random() ** 2 + 0.05 for _ in customers]
    for oid in range(1, 3601):
        cust = rng.choices(customers, weights=activity)[0]
        start = max(cust[5], dt.date(2021, 1, 1))
        date = _day(rng, start, dt.date(2024, 12, 31))
        if date.month in (11, 12) and rng.random() < 0.3:  # holiday rush: a second order
            date = _day(rng, start, dt.date(2024, 12, 31))
        orders.append((oid, cust[0], date, rng.choice(statuses), rng.choice(channels)))
        chosen: set[int] = set()
        wanted = rng.choices([1, 2, 3, 4], weights=[4, 3, 2, 1])[0]
        while len(chosen) < wanted:
            pid = rng.choices(products, weights=popularity)[0][0]
            if pid in chosen or launched[pid] > date:
                continue
            chosen.add(pid)
            discount = rng.choice([1.0, 1.0, 1.0, 0.9, 0.8])
            items.append((oid, pid, rng.choices([1, 2, 3, 5], weights=[6, 3, 2, 1])[0], round(price_of[pid] * discount, 2)))
    lines_of: dict[int, list[tuple[Any, ...]]] = {}
    for item in items:
        lines_of.setdefault(item[0], []).append(item)
    reviews = []
    rid = 0
    for order in orders:
        if order[3] != "delivered":
            continue
        for line in lines_of[order[0]]:
            if rng.random() < 0.45:
                rid += 1
                rating = rng.choices([1, 2, 3, 4, 5], weights=[1, 1, 2, 4, 5])[0]
                reviews.append((rid, line[1], order[1], rating, order[2] + dt.timedelta(days=rng.randint(3, 60))))
    return {
        "regions": regions, "customers": customers, "categories": categories, "suppliers": suppliers,
        "products": products, "orders": orders, "order_items": items, "reviews": reviews,
    }


def clinic(rng: random.Random) -> Rows:
    """A hospital network: hospitals, departments, doctors, patients, appointments, medications, prescriptions."""
    names = NameBook(rng)
    cities = [names.place() for _ in range(12)]
    hospitals = [(i + 1, f"{names.place()} {rng.choice(['General', 'Memorial', 'Care', 'Medical Center'])}",
                  cities[i], rng.randint(1952, 2015), rng.randint(80, 900)) for i in range(7)]
    specialties = ["Cardiology", "Neurology", "Pediatrics", "Oncology", "Orthopedics", "Dermatology",
                   "Radiology", "Emergency", "Psychiatry"]
    departments = []
    for h in hospitals:
        for name in sorted(rng.sample(specialties, rng.randint(4, 7))):
            departments.append((len(departments) + 1, h[0], name))
    doctors = []
    for did in range(1, 171):
        dep = rng.choice(departments)
        base = {"Cardiology": 260, "Neurology": 250, "Oncology": 270, "Radiology": 230}.get(dep[2], 200)
        doctors.append((did, names.person(), dep[0], _day(rng, dt.date(2000, 1, 1), dt.date(2023, 6, 30)),
                        (base + rng.randint(-40, 90)) * 1000))
    insurance = ["public"] * 5 + ["private"] * 3 + ["none"]
    patients = [(pid, names.person(), _day(rng, dt.date(1935, 1, 1), dt.date(2020, 12, 31)), rng.choice(["F", "M"]),
                 rng.choice(cities), rng.choice(insurance)) for pid in range(1, 1601)]
    load = [rng.random() ** 2 + 0.05 for _ in doctors]
    appointments = []
    statuses = ["completed"] * 8 + ["no_show"] + ["cancelled"]
    for aid in range(1, 5201):
        doc = rng.choices(doctors, weights=load)[0]
        date = _day(rng, max(doc[3], dt.date(2022, 1, 1)), dt.date(2024, 12, 31))
        appointments.append((aid, rng.choice(patients)[0], doc[0], date, rng.choice(statuses), _money(rng, 40, 450)))
    forms = ["tablet"] * 4 + ["syrup", "injection", "cream"]
    medications = [(mid, word(rng, 3) + rng.choice(["ex", "ol", "ine", "amab", "pril"]), rng.choice(forms),
                    _money(rng, 0.1, 40)) for mid in range(1, 61)]
    prescriptions = []
    for appt in appointments:
        if appt[4] != "completed":
            continue
        for _ in range(rng.choices([0, 1, 2], weights=[4, 4, 1])[0]):
            prescriptions.append((len(prescriptions) + 1, appt[0], rng.choice(medications)[0],
                                  rng.choice([3, 5, 7, 10, 14, 30, 90]), rng.choice([1, 1, 2, 3])))
    return {
        "hospitals": hospitals, "departments": departments, "doctors": doctors, "patients": patients,
        "appointments": appointments, "medications": medications, "prescriptions": prescriptions,
    }


def university(rng: random.Random) -> Rows:
    """A university: departments, instructors, students, courses, sections, enrollments."""
    names = NameBook(rng)
    disciplines = ["Mathematics", "Physics", "Chemistry", "Biology", "History", "Linguistics", "Economics",
                   "Philosophy", "Computer Science", "Music", "Geology"]
    departments = [(i + 1, d, f"{names.place()} Hall", rng.randint(8, 60) * 50_000) for i, d in enumerate(disciplines)]
    ranks = ["lecturer", "assistant professor", "associate professor", "professor"]
    instructors = []
    for iid in range(1, 141):
        r = rng.choices(range(4), weights=[3, 4, 3, 2])[0]
        instructors.append((iid, names.person(), rng.choice(departments)[0], ranks[r],
                            rng.randint(1990, 2023), 52_000 + r * 18_000 + rng.randint(0, 25) * 1000))
    cities = [names.place() for _ in range(25)]
    students = [(sid, names.person(), rng.choice(departments)[0], rng.randint(2018, 2024), rng.choice(cities))
                for sid in range(1, 2201)]
    topics = ["Analysis", "Methods", "Theory", "Systems", "Foundations", "Seminar", "Laboratory", "Topics", "Practice"]
    adjectives = ["Applied", "Advanced", "Introductory", "Computational", "Historical", "Quantitative", "Modern",
                  "Experimental", "Structural"]
    courses = []
    for cid in range(1, 171):
        dep = rng.choice(departments)
        level = rng.choice([100, 200, 300, 400])
        title = f"{rng.choice(adjectives)} {dep[1]} {rng.choice(topics)}"
        courses.append((cid, f"{dep[1][:4].upper().strip()}{level + rng.randint(1, 99)}", title, dep[0],
                        rng.choice([2, 3, 3, 4, 5]), level))
    by_dep: dict[int, list[int]] = {}
    for ins in instructors:
        by_dep.setdefault(ins[2], []).append(ins[0])
    sections = []
    terms = [(y, t) for y in range(2020, 2025) for t in ("spring", "fall")]
    for course in courses:
        staff = by_dep.get(course[3]) or [rng.choice(instructors)[0]]
        for year, term in rng.sample(terms, rng.randint(2, 7)):
            sections.append((len(sections) + 1, course[0], rng.choice(staff), year, term, rng.choice([20, 30, 40, 60, 120])))
    enrollments: list[tuple[Any, ...]] = []
    taken: set[tuple[int, int]] = set()
    grades = [4.0, 3.7, 3.3, 3.0, 2.7, 2.3, 2.0, 1.7, 1.0, 0.0]
    for st in students:
        eligible = [s for s in sections if s[3] >= st[3]]
        if not eligible:
            continue
        for sec in rng.sample(eligible, min(len(eligible), rng.randint(2, 8))):
            if (st[0], sec[0]) in taken:
                continue
            taken.add((st[0], sec[0]))
            if rng.random() < 0.08:
                enrollments.append((st[0], sec[0], "withdrawn", None))
            else:
                enrollments.append((st[0], sec[0], "completed", rng.choices(grades, weights=[5, 6, 7, 8, 6, 5, 4, 2, 2, 1])[0]))
    return {
        "departments": departments, "instructors": instructors, "students": students, "courses": courses,
        "sections": sections, "enrollments": enrollments,
    }


#: Database name -> generator.
GENERATORS: dict[str, Callable[[random.Random], Rows]] = {"retail": retail, "clinic": clinic, "university": university}
