"""Execution match: multiset vs ordered comparison, tolerance, normalization, and the reward."""

import datetime as dt
from decimal import Decimal

import pytest

from toolgym.errors import RewardError
from toolgym.sql.engine import DuckDBEngine
from toolgym.sql.match import ExecutionMatch, extract_sql, normalize_rows, results_match
from toolgym.tasks import Task
from toolgym.types import Trajectory


def rows(*r):
    return normalize_rows(list(r))


def test_unordered_is_a_multiset():
    a = rows((1, "x"), (2, "y"), (2, "y"))
    assert results_match(rows((2, "y"), (1, "x"), (2, "y")), a, ordered=False)
    assert not results_match(rows((2, "y"), (1, "x"), (1, "x")), a, ordered=False)  # multiplicity
    assert not results_match(rows((1, "x"), (2, "y")), a, ordered=False)


def test_ordered_compares_positions():
    gold = rows((1,), (2,), (3,))
    assert results_match(rows((1,), (2,), (3,)), gold, ordered=True)
    assert not results_match(rows((3,), (2,), (1,)), gold, ordered=True)
    assert results_match(rows((3,), (2,), (1,)), gold, ordered=False)


def test_numbers_compare_across_types_with_tolerance():
    gold = rows((Decimal("2.50"), 3))
    assert results_match(rows((2.5, 3.0)), gold, ordered=False)
    assert results_match(rows((2.5000000001, 3)), gold, ordered=False)
    assert not results_match(rows((2.51, 3)), gold, ordered=False)
    assert not results_match(rows(("2.5", 3)), gold, ordered=False)  # text is not a number


def test_near_equal_floats_that_sort_differently_still_match():
    gold = rows((0.1234565, "a"), (0.1234575, "b"))
    pred = rows((0.12345650000001, "a"), (0.12345749999999, "b"))
    assert results_match(pred, gold, ordered=False)


def test_dates_nulls_and_column_order():
    gold = rows((dt.date(2024, 1, 2), None))
    assert results_match(rows((dt.date(2024, 1, 2), None)), gold, ordered=False)
    assert not results_match(rows((None, dt.date(2024, 1, 2))), gold, ordered=False)
    assert not results_match(rows((dt.date(2024, 1, 2),)), gold, ordered=False)


def test_extract_sql_strips_fences():
    assert extract_sql("```sql\nSELECT 1\n```") == "SELECT 1"
    assert extract_sql("  SELECT 2  ") == "SELECT 2"


def _task(sql, ordered=None):
    gold = {"db": "mini", "sql": sql}
    if ordered is not None:
        gold["ordered"] = ordered
    return Task.from_dict({"id": "t", "env": "text2sql", "question": "q", "split": "test", "tools": ["sql"],
                           "gold": gold, "reference": {"turns": [{"answer": sql}]}})


def test_reward_scores_final_answers(duck_path):
    eng = DuckDBEngine(duck_path)
    ex = ExecutionMatch(lambda task: eng, timeout_s=0.5)
    task = _task("SELECT name FROM people WHERE city = 'Lisbon' ORDER BY age DESC")
    traj = Trajectory(task_id="t")
    assert ex(task, traj) == 0.0  # no answer
    for answer, score in [
        ("SELECT name FROM people WHERE city = 'Lisbon' ORDER BY age DESC", 1.0),
        ("select p.name from people p where p.city in ('Lisbon') order by p.age desc;", 1.0),
        ("SELECT name FROM people WHERE city = 'Lisbon' ORDER BY age", 0.0),  # order matters here
        ("SELECT name FROM people WHERE city = 'Lisbon'", 0.0),  # same rows, but unordered output
        ("DROP TABLE people", 0.0),
        ("SELECT nosuch FROM people", 0.0),
        ("SELECT COUNT(*) FROM range(100000000000)", 0.0),
    ]:
        traj.final_answer = answer
        assert ex.score_sql(task, answer) == score, answer
        assert ex(task, traj) == score
    eng.close()


def test_explicit_ordered_flag_and_broken_gold(duck_path):
    eng = DuckDBEngine(duck_path)
    ex = ExecutionMatch(lambda task: eng, timeout_s=1.0)
    unordered = _task("SELECT name FROM people ORDER BY name", ordered=False)
    assert ex.score_sql(unordered, "SELECT name FROM people ORDER BY name DESC") == 1.0
    with pytest.raises(RewardError):
        ex.score_sql(_task("SELECT nosuch FROM people"), "SELECT 1")
    eng.close()


def test_oversized_answers_score_zero_without_running(duck_path):
    eng = DuckDBEngine(duck_path)
    ex = ExecutionMatch(lambda task: eng)
    task = _task("SELECT 1")
    assert ex.score_sql(task, "SELECT 1") == 1.0
    assert ex.score_sql(task, "SELECT 1" + " " * 20_000) == 0.0
    eng.close()
