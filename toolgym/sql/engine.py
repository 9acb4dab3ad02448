"""Database engines behind the SQL tool: DuckDB (default) and any SQLAlchemy URL (SQLite, PostgreSQL).

Every engine is read-only *by construction*, underneath the lexical guard of :mod:`toolgym.sql.guard`:

* **DuckDB** opens the file with ``read_only=True`` and external access disabled (no file reads or
  writes, no ``ATTACH``, no extension install/load), then locks the configuration so a query cannot
  turn it back on. DuckDB's own parser must also classify the text as exactly one ``SELECT``.
* **SQLite** (via SQLAlchemy) opens the file with ``mode=ro``, sets ``PRAGMA query_only`` and installs
  an authorizer that denies every action except reading tables and calling harmless functions.
* **PostgreSQL** (via SQLAlchemy) runs each query in a ``READ ONLY`` transaction that is always rolled
  back, with ``statement_timeout`` as the time limit. Use a role without write grants as well.

Timeouts interrupt the running query (DuckDB ``interrupt()``, SQLite ``interrupt()``, PostgreSQL
``statement_timeout``), raise :class:`QueryTimeout`, and leave the connection usable for the next
query. Every engine fetches at most ``max_rows + 1`` rows so it can say whether it truncated.
"""

from __future__ import annotations

import abc
import atexit
import sqlite3
import threading
import time
import weakref
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from toolgym.sql.errors import DatabaseUnavailable, QueryFailed, QueryRefused, QueryTimeout
from toolgym.sql.guard import check_read_only


@dataclass
class QueryResult:
    """Column names, up to ``max_rows`` rows, and whether more rows existed."""

    columns: list[str]
    rows: list[tuple[Any, ...]]
    truncated: bool = False


#: Watchdogs still running; stopped at exit so no thread holds a connection while Python shuts down.
_LIVE_WATCHDOGS: "weakref.WeakSet[Watchdog]" = weakref.WeakSet()


@atexit.register
def _stop_watchdogs() -> None:
    for watchdog in list(_LIVE_WATCHDOGS):
        watchdog.close()


class Watchdog:
    """Calls ``interrupt()`` when an armed deadline passes: one sleeping daemon thread per engine.

    Arming and disarming cost a lock and a notify, instead of starting a timer thread per query
    (about 1 ms on a loaded machine). An interrupt that lands just after a query finished hits an
    idle connection, where DuckDB and SQLite ignore it. The thread ends after ``IDLE_EXIT_S`` without
    queries, so engines nobody closes hold no thread.
    """

    IDLE_EXIT_S = 10.0

    def __init__(self, interrupt: Callable[[], object]) -> None:
        self._interrupt = interrupt
        self._cond = threading.Condition()
        self._deadline: float | None = None
        self._closed = False
        self._thread: threading.Thread | None = None
        _LIVE_WATCHDOGS.add(self)

    def arm(self, timeout_s: float) -> None:
        with self._cond:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="toolgym-sql-watchdog", daemon=True)
                self._thread.start()
            self._deadline = time.monotonic() + timeout_s
            self._cond.notify()

    def disarm(self) -> None:
        with self._cond:
            self._deadline = None

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(1.0)

    def _run(self) -> None:
        with self._cond:
            while not self._closed:
                if self._deadline is None:
                    if not self._cond.wait(self.IDLE_EXIT_S) and self._deadline is None:
                        break  # idle: end the thread; the next arm() starts a new one
                    continue
                remaining = self._deadline - time.monotonic()
                if remaining > 0:
                    self._cond.wait(remaining)
                    continue
                self._deadline = None
                self._interrupt()
            self._thread = None


class SQLEngine(abc.ABC):
    """A read-only database connection that runs one guarded query at a time."""

    #: Short dialect name shown to the policy (``duckdb``, ``sqlite``, ``postgresql``).
    dialect: str = ""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def execute(self, sql: str, *, max_rows: int = 1000, timeout_s: float = 5.0) -> QueryResult:
        """Guard, run and fetch ``sql``; raises QueryRefused / QueryFailed / QueryTimeout / DatabaseUnavailable."""
        if max_rows < 0 or not timeout_s > 0:
            raise ValueError("max_rows must be >= 0 and timeout_s > 0")
        query = check_read_only(sql)
        with self._lock:
            return self._execute(query, max_rows, timeout_s)

    @abc.abstractmethod
    def _execute(self, sql: str, max_rows: int, timeout_s: float) -> QueryResult:
        """Run an already-guarded query under the engine lock."""

    @abc.abstractmethod
    def schema(self) -> dict[str, list[tuple[str, str]]]:
        """Table name -> [(column, type)], for prompts and exploration."""

    def close(self) -> None:
        """Close the connection (idempotent)."""


def _fetch(cursor: Any, max_rows: int) -> QueryResult:
    """Columns and at most ``max_rows`` rows of a DB-API cursor, flagging truncation."""
    columns = [d[0] for d in cursor.description] if cursor.description else []
    rows = [tuple(r) for r in cursor.fetchmany(max_rows + 1)] if columns else []
    truncated = len(rows) > max_rows
    return QueryResult(columns, rows[:max_rows], truncated)


# --------------------------------------------------------------------------- DuckDB
#: Settings of every DuckDB connection the tool opens (a second in-process connection to the same
#: file must use the same settings, as DuckDB requires).
DUCKDB_CONFIG = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "lock_configuration": True,
    "threads": 1,
    "memory_limit": "1GB",
}


@lru_cache(maxsize=32)
def _duckdb_root(path: str) -> Any:
    """One read-only DuckDB database handle per file and process; engines take cursors from it.

    Cursors share the opened database (cheap to make), while each keeps its own ``interrupt``.
    """
    import duckdb

    try:
        return duckdb.connect(path, read_only=True, config=dict(DUCKDB_CONFIG))
    except duckdb.Error as exc:
        raise DatabaseUnavailable(f"cannot open DuckDB database {path!r}: {exc}") from exc


class DuckDBEngine(SQLEngine):
    """A read-only cursor on a DuckDB file."""

    dialect = "duckdb"

    def __init__(self, path: str | Path) -> None:
        super().__init__()
        self.path = str(Path(path).resolve())
        if not Path(self.path).is_file():
            raise DatabaseUnavailable(f"DuckDB database {self.path!r} does not exist")
        self._con: Any = _duckdb_root(self.path).cursor()
        self._watchdog = Watchdog(lambda: self._con.interrupt())

    def _reopen(self) -> None:
        """Replace a connection that DuckDB invalidated after a fatal error."""
        _duckdb_root.cache_clear()
        self._con = _duckdb_root(self.path).cursor()

    def _execute(self, sql: str, max_rows: int, timeout_s: float) -> QueryResult:
        import duckdb

        if self._con is None:
            raise DatabaseUnavailable("the DuckDB engine is closed")
        try:
            statements = self._con.extract_statements(sql)
        except duckdb.Error as exc:
            raise QueryFailed(_duckdb_message(exc)) from None
        if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
            kinds = ", ".join(s.type.name for s in statements) or "nothing"
            raise QueryRefused(f"Refused: only one read-only SELECT query is allowed (got {kinds}).")
        self._watchdog.arm(timeout_s)
        try:
            return _fetch(self._con.execute(sql), max_rows)
        except duckdb.InterruptException:
            raise QueryTimeout(f"Query interrupted: it ran longer than {timeout_s:g} s.") from None
        except duckdb.FatalException as exc:  # the database handle is invalidated: ours
            self._reopen()
            raise DatabaseUnavailable(f"DuckDB failed fatally: {exc}") from exc
        except duckdb.InternalException as exc:  # a DuckDB bug hit by this query: report, carry on
            self._reopen()
            raise QueryFailed(f"DuckDB internal error for this query: {_duckdb_message(exc)}") from None
        except duckdb.Error as exc:
            raise QueryFailed(_duckdb_message(exc)) from None
        except (RuntimeError, ValueError, OverflowError) as exc:  # result values Python cannot hold
            raise QueryFailed(f"The result could not be converted: {exc}") from None
        finally:
            self._watchdog.disarm()

    def schema(self) -> dict[str, list[tuple[str, str]]]:
        with self._lock:
            rows = self._con.execute(
                "SELECT table_name, column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position"
            ).fetchall()
        out: dict[str, list[tuple[str, str]]] = {}
        for table, column, dtype in rows:
            out.setdefault(table, []).append((column, dtype))
        return out

    def foreign_keys(self) -> list[tuple[str, str, str, str]]:
        """``(table, column, referenced_table, referenced_column)`` for every foreign key."""
        with self._lock:
            rows = self._con.execute(
                "SELECT table_name, constraint_text FROM duckdb_constraints() "
                "WHERE constraint_type = 'FOREIGN KEY' ORDER BY table_name, constraint_index"
            ).fetchall()
        out = []
        for table, text in rows:
            # e.g. "FOREIGN KEY (customer_id) REFERENCES customers(customer_id)"
            cols, _, ref = text.partition(" REFERENCES ")
            ref_table, _, ref_col = ref.partition("(")
            out.append((table, cols.split("(")[1].rstrip(")"), ref_table.strip(), ref_col.rstrip(")")))
        return out

    def close(self) -> None:
        if self._con is not None:
            self._watchdog.close()
            self._con.close()
            self._con = None


def _duckdb_message(exc: Exception) -> str:
    """DuckDB's error text, kept short: the first lines carry the reason and the position."""
    lines = str(exc).strip().splitlines()
    return "\n".join(lines[:6])


# --------------------------------------------------------------------------- SQLAlchemy
#: SQLite authorizer actions a read-only query needs.
_SQLITE_ALLOWED = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION}
_SQLITE_ALLOWED.add(getattr(sqlite3, "SQLITE_RECURSIVE", 33))
_SQLITE_DENIED_FUNCTIONS = {"load_extension", "readfile", "writefile", "edit", "fts3_tokenizer"}


def _sqlite_authorizer(action: int, arg1: str | None, arg2: str | None, db: str | None, trigger: str | None) -> int:
    """Allow reads and ordinary functions; deny writes, ATTACH, PRAGMA and file functions."""
    if action == sqlite3.SQLITE_FUNCTION:
        name = (arg2 or "").lower()
        return sqlite3.SQLITE_DENY if name in _SQLITE_DENIED_FUNCTIONS else sqlite3.SQLITE_OK
    return sqlite3.SQLITE_OK if action in _SQLITE_ALLOWED else sqlite3.SQLITE_DENY


class SQLAlchemyEngine(SQLEngine):
    """A read-only connection to a SQLAlchemy URL: ``sqlite:///path.db`` or ``postgresql://...``."""

    def __init__(self, url: str) -> None:
        super().__init__()
        import sqlalchemy
        from sqlalchemy.pool import NullPool

        parsed = sqlalchemy.make_url(url)
        backend = parsed.get_backend_name()
        if backend == "sqlite":
            db = parsed.database
            if not db or db == ":memory:" or not Path(db).is_file():
                raise DatabaseUnavailable(f"SQLite database file {db!r} does not exist")
            parsed = parsed.set(database=f"file:{Path(db).resolve()}?mode=ro", query={"uri": "true"})
        elif backend != "postgresql":
            raise DatabaseUnavailable(
                f"dialect {backend!r} is not supported: the SQL tool can enforce read-only access and "
                "interrupt queries only for DuckDB, SQLite and PostgreSQL"
            )
        self.dialect = backend
        self.url = url
        try:
            self._engine = sqlalchemy.create_engine(parsed, poolclass=NullPool)
            self._conn: Any = self._engine.connect()
        except sqlalchemy.exc.SQLAlchemyError as exc:
            raise DatabaseUnavailable(f"cannot connect to {parsed.render_as_string(hide_password=True)}: {exc}") from exc
        self._dbapi = self._conn.connection.driver_connection
        if backend == "sqlite":
            self._dbapi.execute("PRAGMA query_only = ON")
            self._dbapi.set_authorizer(_sqlite_authorizer)
        self._watchdog = Watchdog(self._interrupt)  # armed by SQLite queries; PostgreSQL uses statement_timeout

    def _interrupt(self) -> None:
        self._dbapi.interrupt()

    def _execute(self, sql: str, max_rows: int, timeout_s: float) -> QueryResult:
        if self._conn is None:
            raise DatabaseUnavailable("the SQLAlchemy engine is closed")
        if self.dialect == "sqlite":
            return self._execute_sqlite(sql, max_rows, timeout_s)
        return self._execute_postgresql(sql, max_rows, timeout_s)

    def _execute_sqlite(self, sql: str, max_rows: int, timeout_s: float) -> QueryResult:
        self._watchdog.arm(timeout_s)
        cursor = self._dbapi.cursor()
        try:
            return _fetch(cursor.execute(sql), max_rows)
        except sqlite3.Error as exc:
            text = str(exc)
            if "interrupted" in text:
                raise QueryTimeout(f"Query interrupted: it ran longer than {timeout_s:g} s.") from None
            if any(m in text for m in ("not authorized", "prohibited", "readonly database", "query_only")):
                raise QueryRefused(f"Refused by the read-only database: {text}") from None
            if isinstance(exc, (sqlite3.OperationalError, sqlite3.ProgrammingError, sqlite3.DataError,
                                sqlite3.IntegrityError, sqlite3.Warning)):
                raise QueryFailed(text) from None
            raise DatabaseUnavailable(f"SQLite failed: {text}") from exc
        finally:
            self._watchdog.disarm()
            cursor.close()

    def _execute_postgresql(self, sql: str, max_rows: int, timeout_s: float) -> QueryResult:
        import sqlalchemy

        cursor = self._dbapi.cursor()
        try:
            # The driver opened a transaction implicitly; make it read-only and time-limited.
            cursor.execute("SET TRANSACTION READ ONLY")
            cursor.execute(f"SET LOCAL statement_timeout = {max(int(timeout_s * 1000), 1)}")
            cursor.execute(sql)  # no parameters, so '%' in the query needs no escaping
            return _fetch(cursor, max_rows)
        except Exception as exc:
            code = getattr(exc, "pgcode", None) or getattr(getattr(exc, "diag", None), "sqlstate", None)
            if code == "57014":  # query_canceled
                raise QueryTimeout(f"Query interrupted: it ran longer than {timeout_s:g} s.") from None
            if code == "25006":  # read_only_sql_transaction
                raise QueryRefused(f"Refused by the read-only transaction: {exc}") from None
            if code and code[:2] in ("08", "53", "57", "58", "XX"):  # connection, resources, system
                raise DatabaseUnavailable(f"PostgreSQL failed: {exc}") from exc
            if isinstance(exc, sqlalchemy.exc.SQLAlchemyError) or code is not None:
                raise QueryFailed(str(exc).strip().splitlines()[0]) from None
            raise
        finally:
            try:
                self._dbapi.rollback()
            finally:
                cursor.close()

    def schema(self) -> dict[str, list[tuple[str, str]]]:
        import sqlalchemy

        with self._lock:
            if self.dialect == "sqlite":  # introspection uses PRAGMAs, which the authorizer denies to queries
                self._dbapi.set_authorizer(None)
            try:
                inspector = sqlalchemy.inspect(self._conn)
                return {
                    t: [(c["name"], str(c["type"])) for c in inspector.get_columns(t)]
                    for t in sorted(inspector.get_table_names())
                }
            finally:
                if self.dialect == "sqlite":
                    self._dbapi.set_authorizer(_sqlite_authorizer)

    def close(self) -> None:
        if self._conn is not None:
            self._watchdog.close()
            self._conn.close()
            self._engine.dispose()
            self._conn = None


def open_engine(target: str | Path) -> SQLEngine:
    """An engine for a DuckDB file path (``.duckdb``/``.db`` path or ``duckdb:///path``) or a SQLAlchemy URL."""
    text = str(target)
    if text.startswith("duckdb:///"):
        return DuckDBEngine(text[len("duckdb:///") :])
    if "://" in text:
        return SQLAlchemyEngine(text)
    return DuckDBEngine(text)
