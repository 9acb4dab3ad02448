"""The sql tool: results, refusals, errors and timeouts as observations, never exceptions."""

from toolgym.sql.engine import DuckDBEngine
from toolgym.sql.tool import SQLTool

ACCEPTANCE_REFUSALS = [
    "DROP TABLE people",
    "INSERT INTO people VALUES (5, 'Ed', 'Rome', 3)",
    "ATTACH '/tmp/evil.duckdb' AS evil",
    "COPY people TO '/tmp/people.csv'",
    "INSTALL httpfs",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT 1; SELECT 2",
]


def test_results_render_as_a_table(duck_path):
    tool = SQLTool(DuckDBEngine(duck_path), max_rows=2)
    res = tool({"query": "SELECT name FROM people ORDER BY id"})
    assert res.ok and res.content.splitlines()[:4] == ["name", "----", "Ana", "Bo"]
    assert "cut at the row limit" in res.content and res.metadata == {"rows": 2, "truncated": True}


def test_acceptance_refusals(duck_path):
    tool = SQLTool(DuckDBEngine(duck_path))
    for sql in ACCEPTANCE_REFUSALS:
        res = tool({"query": sql})
        assert not res.ok and res.error_kind == "refused" and res.content.startswith("Refused"), sql
    assert tool({"query": "SELECT COUNT(*) FROM people"}).content.splitlines()[2] == "4"


def test_timeout_then_next_query_works(duck_path):
    tool = SQLTool(DuckDBEngine(duck_path), timeout_s=0.3)
    slow = tool({"query": "SELECT COUNT(*) FROM range(100000000000) a, range(10) b"})
    assert not slow.ok and slow.error_kind == "timeout" and "0.3 s" in slow.content
    assert slow.latency_s < 5
    ok = tool({"query": "SELECT 1 AS one"})
    assert ok.ok and "1 row" in ok.content


def test_errors_and_bad_arguments(duck_path):
    tool = SQLTool(DuckDBEngine(duck_path))
    err = tool({"query": "SELECT nosuch FROM people"})
    assert not err.ok and err.error_kind == "exception" and "nosuch" in err.content
    assert tool({"query": ""}).error_kind == "invalid_arguments"
    assert tool({"sql": "SELECT 1"}).error_kind == "invalid_arguments"
    assert tool({"query": "x" * 20_001}).error_kind == "invalid_arguments"


def test_unbound_tool_is_infra():
    res = SQLTool()({"query": "SELECT 1"})
    assert not res.ok and res.is_infra
