"""DDL of the three Text2SQL databases: ``retail``, ``clinic`` and ``university``.

Each has at least five tables tied by foreign keys. The DDL is the source of truth for table order
(parents before children, so foreign keys hold while rows are inserted) and for the schema text the
env shows the policy.
"""

from __future__ import annotations

RETAIL = """
CREATE TABLE regions (
    region_id INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL
);
CREATE TABLE customers (
    customer_id INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,
    city VARCHAR NOT NULL,
    region_id INTEGER NOT NULL REFERENCES regions (region_id),
    segment VARCHAR NOT NULL,
    signup_date DATE NOT NULL
);
CREATE TABLE categories (
    category_id INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL
);
CREATE TABLE suppliers (
    supplier_id INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,
    region_id INTEGER NOT NULL REFERENCES regions (region_id)
);
CREATE TABLE products (
    product_id INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,
    category_id INTEGER NOT NULL REFERENCES categories (category_id),
    supplier_id INTEGER NOT NULL REFERENCES suppliers (supplier_id),
    price DECIMAL(10, 2) NOT NULL,
    launch_date DATE NOT NULL
);
CREATE TABLE orders (
    order_id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (customer_id),
    order_date DATE NOT NULL,
    status VARCHAR NOT NULL,
    channel VARCHAR NOT NULL
);
CREATE TABLE order_items (
    order_id INTEGER NOT NULL REFERENCES orders (order_id),
    product_id INTEGER NOT NULL REFERENCES products (product_id),
    quantity INTEGER NOT NULL,
    unit_price DECIMAL(10, 2) NOT NULL,
    PRIMARY KEY (order_id, product_id)
);
CREATE TABLE reviews (
    review_id INTEGER PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES products (product_id),
    customer_id INTEGER NOT NULL REFERENCES customers (customer_id),
    rating INTEGER NOT NULL,
    review_date DATE NOT NULL
);
"""

CLINIC = """
CREATE TABLE hospitals (
    hospital_id INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,
    city VARCHAR NOT NULL,
    opened_year INTEGER NOT NULL,
    beds INTEGER NOT NULL
);
CREATE TABLE departments (
    department_id INTEGER PRIMARY KEY,
    hospital_id INTEGER NOT NULL REFERENCES hospitals (hospital_id),
    name VARCHAR NOT NULL
);
CREATE TABLE doctors (
    doctor_id INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,
    department_id INTEGER NOT NULL REFERENCES departments (department_id),
    hire_date DATE NOT NULL,
    salary INTEGER NOT NULL
);
CREATE TABLE patients (
    patient_id INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,
    birth_date DATE NOT NULL,
    sex VARCHAR NOT NULL,
    city VARCHAR NOT NULL,
    insurance VARCHAR NOT NULL
);
CREATE TABLE appointments (
    appointment_id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patients (patient_id),
    doctor_id INTEGER NOT NULL REFERENCES doctors (doctor_id),
    appointment_date DATE NOT NULL,
    status VARCHAR NOT NULL,
    fee DECIMAL(8, 2) NOT NULL
);
CREATE TABLE medications (
    medication_id INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,
    form VARCHAR NOT NULL,
    unit_cost DECIMAL(8, 2) NOT NULL
);
CREATE TABLE prescriptions (
    prescription_id INTEGER PRIMARY KEY,
    appointment_id INTEGER NOT NULL REFERENCES appointments (appointment_id),
    medication_id INTEGER NOT NULL REFERENCES medications (medication_id),
    days INTEGER NOT NULL,
    daily_doses INTEGER NOT NULL
);
"""

UNIVERSITY = """
CREATE TABLE departments (
    department_id INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,
    building VARCHAR NOT NULL,
    budget INTEGER NOT NULL
);
CREATE TABLE instructors (
    instructor_id INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,
    department_id INTEGER NOT NULL REFERENCES departments (department_id),
    rank VARCHAR NOT NULL,
    hire_year INTEGER NOT NULL,
    salary INTEGER NOT NULL
);
CREATE TABLE students (
    student_id INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,
    department_id INTEGER NOT NULL REFERENCES departments (department_id),
    enrollment_year INTEGER NOT NULL,
    home_city VARCHAR NOT NULL
);
CREATE TABLE courses (
    course_id INTEGER PRIMARY KEY,
    code VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    department_id INTEGER NOT NULL REFERENCES departments (department_id),
    credits INTEGER NOT NULL,
    level INTEGER NOT NULL
);
CREATE TABLE sections (
    section_id INTEGER PRIMARY KEY,
    course_id INTEGER NOT NULL REFERENCES courses (course_id),
    instructor_id INTEGER NOT NULL REFERENCES instructors (instructor_id),
    year INTEGER NOT NULL,
    term VARCHAR NOT NULL,
    capacity INTEGER NOT NULL
);
CREATE TABLE enrollments (
    student_id INTEGER NOT NULL REFERENCES students (student_id),
    section_id INTEGER NOT NULL REFERENCES sections (section_id),
    status VARCHAR NOT NULL,
    grade DECIMAL(2, 1),
    PRIMARY KEY (student_id, section_id)
);
"""

#: Database name -> DDL (tables in insertion order).
SCHEMAS: dict[str, str] = {"retail": RETAIL, "clinic": CLINIC, "university": UNIVERSITY}
