"""Result tables: alignment, NULLs, float noise, long cells and the truncation marker."""

import datetime as dt
from decimal import Decimal

from toolgym.sql.engine import QueryResult
from toolgym.sql.render import format_value, render_table


def test_table_is_aligned_and_counted():
    out = render_table(QueryResult(["name", "n"], [("Ana", 2), ("Bo", 10)]))
    assert out.splitlines() == ["name | n", "-----+---", "Ana  | 2", "Bo   | 10", "(2 rows)"]


def test_truncation_is_marked():
    out = render_table(QueryResult(["x"], [(1,), (2,)], truncated=True))
    assert out.splitlines()[-1] == "(2 rows shown; the result has more rows, cut at the row limit)"


def test_single_row_and_empty_results():
    assert render_table(QueryResult(["x"], [(1,)])).endswith("(1 row)")
    assert render_table(QueryResult(["x"], [])).endswith("(0 rows)")
    assert render_table(QueryResult([], [])) == "(the statement returned no result set)"


def test_values_are_compact():
    assert format_value(None) == "NULL"
    assert format_value(0.1 + 0.2) == "0.3"
    assert format_value(Decimal("12.50")) == "12.50"
    assert format_value(dt.date(2024, 2, 29)) == "2024-02-29"
    assert format_value(dt.datetime(2024, 1, 2, 3, 4, 5)) == "2024-01-02 03:04:05"
    assert format_value(True) == "true"
    assert format_value("a\nb") == "a b"
    long = format_value("x" * 100, max_chars=10)
    assert long == "x" * 9 + "…" and len(long) == 10
