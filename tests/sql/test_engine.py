"""Engines: DuckDB and SQLite are read-only underneath the guard, interrupt slow queries, keep
working afterwards, and cap the rows they fetch. (Limits that must hold: tests/sql/test_limits.py.)"""

import pytest

from toolgym.sql.engine import DuckDBEngine, SQLAlchemyEngine, SQLiteEngine, open_engine
from toolgym.sql.engine import sqlite_path as url_path
from toolgym.sql.errors import DatabaseUnavailable, QueryFailed, QueryRefused, QueryTimeout

SLOW_DUCK = "SELECT COUNT(*) FROM range(100000000000) a"
SLOW_SQLITE = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT COUNT(*) FROM c"


def test_duckdb_runs_queries_and_caps_rows(duck_path):
    eng = DuckDBEngine(duck_path)
    res = eng.execute("SELECT name, age FROM people ORDER BY id", max_rows=2)
    assert res.columns == ["name", "age"]
    assert res.rows == [("Ana", 34), ("Bo", 28)] and res.truncated
    full = eng.execute("SELECT COUNT(*) AS n FROM pets", max_rows=5)
    assert full.rows == [(4,)] and not full.truncated
    eng.close()


def test_duckdb_timeout_interrupts_and_next_query_works(duck_path):
    eng = DuckDBEngine(duck_path)
    with pytest.raises(QueryTimeout):
        eng.execute(SLOW_DUCK, timeout_s=0.3)
    assert eng.execute("SELECT 42").rows == [(42,)]
    eng.close()


@pytest.mark.parametrize(
    "sql",
    ["COPY people TO '/tmp/toolgym_out.csv'", "ATTACH '/tmp/toolgym_other.db'", "PRAGMA database_list", "SET threads = 4"],
)
def test_duckdb_second_layer_refuses_without_the_guard(duck_path, sql):
    """Bypassing the lexical guard, DuckDB's own parser still refuses anything but SELECT."""
    eng = DuckDBEngine(duck_path)
    with pytest.raises(QueryRefused):
        eng._execute(sql, 10, 5.0)
    eng.close()


def test_duckdb_connection_has_no_file_access(duck_path):
    """A file-reading SELECT that slipped past the guard fails on the locked, read-only connection."""
    eng = DuckDBEngine(duck_path)
    with pytest.raises(QueryFailed, match="(?i)permission|disabled"):
        eng._execute("SELECT * FROM read_csv('/etc/passwd')", 10, 5.0)
    eng.close()


def test_duckdb_configuration_is_locked_on_the_connection(duck_path):
    """Even the raw connection (inside the worker) cannot turn external access back on."""
    import duckdb

    from toolgym.sql.local import LocalDuckDB

    con = LocalDuckDB(str(duck_path), 256)
    with pytest.raises(duckdb.Error, match="(?i)locked"):
        con.execute_raw("SET enable_external_access = true")


def test_duckdb_errors_are_query_failures(duck_path):
    eng = DuckDBEngine(duck_path)
    with pytest.raises(QueryFailed, match="(?i)nosuch"):
        eng.execute("SELECT nosuch FROM people")
    with pytest.raises(QueryFailed):
        eng.execute("SELECT name FROM people WHERE")
    eng.close()


def test_duckdb_schema_and_foreign_keys(duck_path):
    eng = DuckDBEngine(duck_path)
    assert eng.schema()["pets"][1] == ("owner_id", "INTEGER")
    assert eng.foreign_keys() == [("pets", "owner_id", "people", "id")]
    eng.close()


def test_missing_duckdb_file_is_unavailable(tmp_path):
    with pytest.raises(DatabaseUnavailable):
        DuckDBEngine(tmp_path / "nope.duckdb")


def test_sqlite_engine_reads(sqlite_path):
    eng = open_engine(f"sqlite:///{sqlite_path}")
    assert isinstance(eng, SQLiteEngine) and eng.dialect == "sqlite"
    res = eng.execute("SELECT p.name, COUNT(*) FROM people p JOIN pets x ON x.owner_id = p.id GROUP BY p.name ORDER BY p.name")
    assert res.rows == [("Ana", 2), ("Bo", 1), ("Cy", 1)]
    assert set(eng.schema()) == {"people", "pets"}
    assert eng.schema()["pets"][1] == ("owner_id", "INTEGER")
    assert eng.foreign_keys() == [("pets", "owner_id", "people", "id")]
    eng.close()


@pytest.mark.parametrize(
    "sql",
    ["DELETE FROM people", "INSERT INTO people VALUES (9, 'x', 'y', 1)", "ATTACH DATABASE ':memory:' AS m",
     "PRAGMA query_only = 0", "CREATE TABLE t (x)"],
)
def test_sqlite_refuses_writes_without_the_guard(sqlite_path, sql):
    eng = SQLiteEngine(sqlite_path)
    with pytest.raises((QueryRefused, QueryFailed)):
        eng._execute(sql, 10, 5.0)
    assert eng.execute("SELECT COUNT(*) FROM people").rows == [(4,)]
    eng.close()


def test_sqlite_timeout_interrupts_and_next_query_works(sqlite_path):
    eng = SQLiteEngine(sqlite_path)
    with pytest.raises(QueryTimeout):
        eng.execute(SLOW_SQLITE, timeout_s=0.3)
    assert eng.execute("SELECT 7").rows == [(7,)]
    eng.close()


def test_unsupported_dialect_is_refused_clearly():
    with pytest.raises(DatabaseUnavailable, match="not supported"):
        SQLAlchemyEngine("mysql://user@localhost/db")


def test_open_engine_accepts_duckdb_urls(duck_path):
    eng = open_engine(f"duckdb:///{duck_path}")
    assert isinstance(eng, DuckDBEngine)
    eng.close()


def test_sqlite_urls_go_to_the_worker_engine():
    assert url_path("sqlite:////abs/x.db") == "/abs/x.db"
    assert url_path("sqlite:///rel/x.db?mode=ro") == "rel/x.db"
    assert url_path("sqlite+pysqlite:///x.db") == "x.db"
    assert url_path("postgresql://u@h/db") is None
    with pytest.raises(DatabaseUnavailable, match="SQLiteEngine"):
        SQLAlchemyEngine("sqlite:///x.db")
    with pytest.raises(DatabaseUnavailable):
        open_engine("sqlite:///:memory:")


def test_postgresql_urls_still_reach_sqlalchemy():
    """A PostgreSQL URL is still handed to SQLAlchemy (no server here: it fails as infra, not a crash)."""
    with pytest.raises(DatabaseUnavailable, match="cannot connect|no driver"):
        open_engine("postgresql://reader@127.0.0.1:9/db?connect_timeout=2")


def test_worker_watchdog_interrupts_without_a_kill(duck_path):
    """An interruptible slow query is stopped by the worker's own watchdog: the worker stays warm."""
    eng = DuckDBEngine(duck_path)
    pid = eng.worker.pid
    for _ in range(3):
        with pytest.raises(QueryTimeout, match="interrupted"):
            eng.execute(SLOW_DUCK, timeout_s=0.2)
    assert eng.worker.pid == pid and eng.worker.restarts == 0
    assert eng.execute("SELECT 1").rows == [(1,)]
    eng.close()
    with pytest.raises(DatabaseUnavailable):
        eng.execute("SELECT 1")
