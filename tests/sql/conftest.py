"""Small real databases for the SQL tests: a DuckDB file and a SQLite file with the same two tables."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import duckdb
import pytest

ROWS_PEOPLE = [(1, "Ana", "Lisbon", 34), (2, "Bo", "Oslo", 28), (3, "Cy", "Lisbon", 45), (4, "Di", None, 51)]
ROWS_PETS = [(10, 1, "cat", 3.5), (11, 1, "dog", 12.25), (12, 3, "fish", 0.1), (13, 2, "cat", 4.0)]


@pytest.fixture
def duck_path(tmp_path: Path) -> Path:
    path = tmp_path / "mini.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE people (id INTEGER PRIMARY KEY, name VARCHAR, city VARCHAR, age INTEGER)")
    con.execute("CREATE TABLE pets (id INTEGER PRIMARY KEY, owner_id INTEGER REFERENCES people (id), kind VARCHAR, weight DOUBLE)")
    con.executemany("INSERT INTO people VALUES (?, ?, ?, ?)", ROWS_PEOPLE)
    con.executemany("INSERT INTO pets VALUES (?, ?, ?, ?)", ROWS_PETS)
    con.close()
    return path


@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    path = tmp_path / "mini.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, city TEXT, age INTEGER)")
    con.execute("CREATE TABLE pets (id INTEGER PRIMARY KEY, owner_id INTEGER REFERENCES people (id), kind TEXT, weight REAL)")
    con.executemany("INSERT INTO people VALUES (?, ?, ?, ?)", ROWS_PEOPLE)
    con.executemany("INSERT INTO pets VALUES (?, ?, ?, ?)", ROWS_PETS)
    con.commit()
    con.close()
    return path
