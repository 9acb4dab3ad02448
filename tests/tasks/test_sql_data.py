"""The Text2SQL data: three seeded databases and 400+ well-posed questions that cannot drift."""

import json
from collections import Counter

import duckdb
import pytest

from toolgym.sql.engine import DuckDBEngine
from toolgym_tasks.sql import DATABASES, build_database, database_path, generate_records, load_tasks
from toolgym.cache import cache_dir
from toolgym_tasks.sql.dataset import DATA_FILE


@pytest.mark.parametrize("db", DATABASES)
def test_schemas_are_realistic(db):
    eng = DuckDBEngine(database_path(db))
    tables = eng.schema()
    fks = eng.foreign_keys()
    assert len(tables) >= 5
    assert len(fks) >= 4 and {t for t, *_ in fks} <= set(tables)
    counts = {t: eng.execute(f"SELECT COUNT(*) FROM {t}").rows[0][0] for t in tables}
    assert all(n > 0 for n in counts.values()), counts
    for table, column, ref_table, ref_column in fks:  # every reference resolves
        orphans = eng.execute(
            f"SELECT COUNT(*) FROM {table} c LEFT JOIN {ref_table} p ON p.{ref_column} = c.{column} WHERE p.{ref_column} IS NULL"
        ).rows[0][0]
        assert orphans == 0, (table, column)
    eng.close()


def test_at_least_10k_rows_in_all():
    total = 0
    for db in DATABASES:
        eng = DuckDBEngine(database_path(db))
        total += sum(eng.execute(f"SELECT COUNT(*) FROM {t}").rows[0][0] for t in eng.schema())
        eng.close()
    assert total >= 10_000


def test_build_is_deterministic_and_atomic(tmp_path):
    a = build_database("clinic", tmp_path / "a.duckdb", seed=7)
    b = build_database("clinic", tmp_path / "b.duckdb", seed=7)
    c = build_database("clinic", tmp_path / "c.duckdb", seed=8)
    digest = "SELECT md5(string_agg(a::VARCHAR, ',' ORDER BY appointment_id)) FROM appointments a"
    sums = [duckdb.connect(str(p), read_only=True).execute(digest).fetchone()[0] for p in (a, b, c)]
    assert sums[0] == sums[1] != sums[2]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.duckdb", "b.duckdb", "c.duckdb"]  # no temp files left


def test_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TOOLGYM_CACHE", str(tmp_path))
    assert cache_dir() == tmp_path
    monkeypatch.delenv("TOOLGYM_CACHE")
    assert cache_dir().parts[-2:] == (".cache", "toolgym")


def test_question_counts_splits_and_coverage():
    tasks = load_tasks()
    assert len(tasks) >= 400
    splits = Counter(t.split for t in tasks)
    assert splits["train"] >= 250 and splits["test"] >= 100
    assert Counter(t.metadata["db"] for t in tasks).keys() == set(DATABASES)
    by_level = Counter(t.metadata["difficulty"] for t in tasks)
    assert all(by_level[d] >= 80 for d in ("easy", "medium", "hard")), by_level
    skills = {s for t in tasks for s in t.metadata["skills"]}
    assert {"join", "group_by", "having", "window", "correlated_subquery", "dates", "subquery"} <= skills
    for t in tasks:
        assert t.tools == ("sql",) and t.gold["sql"] == t.reference[-1].answer
        assert t.reference[0].tool_calls[0].name == "sql"
    templates = {t.metadata["template"] for t in tasks}
    assert all(any(t.split == "test" for t in tasks if t.metadata["template"] == k) for k in templates if
               sum(1 for t in tasks if t.metadata["template"] == k) >= 3)


def test_committed_tasks_match_a_fresh_generation():
    fresh = [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in generate_records()]
    committed = DATA_FILE.read_text(encoding="utf-8").splitlines()
    assert fresh == committed
