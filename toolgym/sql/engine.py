"""Database engines behind the SQL tool: DuckDB (default), SQLite, and PostgreSQL via SQLAlchemy.

Every engine is read-only *by construction*, underneath the lexical guard of :mod:`toolgym.sql.guard`:

* **DuckDB** opens the file with ``read_only=True`` and external access disabled (no file reads or
  writes, no ``ATTACH``, no extension install/load), then locks the configuration so a query cannot
  turn it back on. DuckDB's own parser must also classify the text as exactly one ``SELECT``.
* **SQLite** opens the file with ``mode=ro``, sets ``PRAGMA query_only``, caps the length of any
  string or blob, and installs an authorizer that denies every action except reading tables and
  calling harmless functions.
* **PostgreSQL** (via SQLAlchemy) runs each query in a ``READ ONLY`` transaction that is always rolled
  back, with ``statement_timeout`` as the time limit. Use a role without write grants as well.

**Limits that hold.** DuckDB and SQLite run in a worker process per engine
(:mod:`toolgym.sql.process`): its address space is capped at what it needs once open plus
``memory_limit_mb``, its own watchdog interrupts a query at ``timeout_s``, and the host kills it
``GRACE_S`` later if the query is still running (one expensive function call is not interruptible),
then starts a fresh worker on the same database for the next query. A query therefore ends within
``timeout_s + 1 s`` and the host process never holds more than one capped reply. Every engine
fetches at most ``max_rows + 1`` rows so it can say whether it truncated.
"""

from __future__ import annotations

import abc
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolgym.extras import require_installed
from toolgym.sql.errors import (
    DatabaseUnavailable,
    QueryFailed,
    QueryMemoryExceeded,
    QueryOutputTooLarge,
    QueryRefused,
    QueryTimeout,
)
from toolgym.sql.guard import check_read_only
from toolgym.sql.local import DUCKDB_CONFIG  # noqa: F401 - re-exported: benchmarks compare with the same settings
from toolgym.sql.process import DEFAULT_MAX_REPLY_BYTES, EngineProcess

#: Default memory cap of a DuckDB or SQLite worker, on top of what it needs once the database is open.
DEFAULT_MEMORY_LIMIT_MB = 1024


@dataclass
class QueryResult:
    """Column names, up to ``max_rows`` rows, and whether more rows existed."""

    columns: list[str]
    rows: list[tuple[Any, ...]]
    truncated: bool = False


class SQLEngine(abc.ABC):
    """A read-only database connection that runs one guarded query at a time."""

    #: Short dialect name shown to the policy (``duckdb``, ``sqlite``, ``postgresql``).
    dialect: str = ""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def execute(self, sql: str, *, max_rows: int = 1000, timeout_s: float = 5.0) -> QueryResult:
        """Guard, run and fetch ``sql``.

        Raises one of :data:`toolgym.sql.errors.QUERY_ERRORS`; each names its failure kind in ``kind``.
        """
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


# --------------------------------------------------------------------------- worker-backed engines
_ERRORS: dict[str, type[Exception]] = {
    "refused": QueryRefused,
    "timeout": QueryTimeout,
    "memory": QueryMemoryExceeded,
    "output_limit": QueryOutputTooLarge,
    "exception": QueryFailed,
    "infra": DatabaseUnavailable,
}


class WorkerEngine(SQLEngine):
    """An engine whose connection lives in a killable, memory-capped worker process."""

    def __init__(self, dialect: str, path: str, *, memory_limit_mb: int, max_reply_bytes: int) -> None:
        super().__init__()
        if memory_limit_mb < 16:
            raise ValueError("memory_limit_mb must be at least 16")
        self.dialect = dialect
        self.path = path
        self.memory_limit_mb = memory_limit_mb
        self._worker: EngineProcess | None = EngineProcess(
            dialect, path, memory_limit_mb=memory_limit_mb, max_reply_bytes=max_reply_bytes)

    @property
    def worker(self) -> EngineProcess:
        """The worker process (for tests and monitoring); :class:`DatabaseUnavailable` once closed."""
        if self._worker is None:
            raise DatabaseUnavailable(f"the {self.dialect} engine is closed")
        return self._worker

    def _execute(self, sql: str, max_rows: int, timeout_s: float) -> QueryResult:
        reply = self.worker.query(sql, max_rows, timeout_s)
        if reply[0] == "ok":
            return QueryResult(list(reply[1]), list(reply[2]), bool(reply[3]))
        raise _ERRORS.get(reply[1], QueryFailed)(reply[2])

    def schema(self) -> dict[str, list[tuple[str, str]]]:
        return {t: [tuple(c) for c in cols] for t, cols in self.worker.info["schema"].items()}  # type: ignore[misc]

    def foreign_keys(self) -> list[tuple[str, str, str, str]]:
        """``(table, column, referenced_table, referenced_column)`` for every foreign key."""
        return [tuple(fk) for fk in self.worker.info["foreign_keys"]]  # type: ignore[misc]

    def close(self) -> None:
        with self._lock:
            if self._worker is not None:
                self._worker.close()
                self._worker = None


class DuckDBEngine(WorkerEngine):
    """A read-only DuckDB file, served by a worker process with a memory cap and kill-on-timeout.

    >>> import duckdb, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "x.duckdb")
    >>> duckdb.connect(path).execute("CREATE TABLE t AS SELECT 42 AS n").close()
    >>> eng = DuckDBEngine(path, memory_limit_mb=256)
    >>> eng.execute("SELECT n FROM t").rows
    [(42,)]
    >>> eng.close()
    """

    def __init__(self, path: str | Path, *, memory_limit_mb: int = DEFAULT_MEMORY_LIMIT_MB,
                 max_reply_bytes: int = DEFAULT_MAX_REPLY_BYTES) -> None:
        resolved = str(Path(path).resolve())
        if not Path(resolved).is_file():
            raise DatabaseUnavailable(f"DuckDB database {resolved!r} does not exist")
        super().__init__("duckdb", resolved, memory_limit_mb=memory_limit_mb, max_reply_bytes=max_reply_bytes)


class SQLiteEngine(WorkerEngine):
    """A read-only SQLite file (``sqlite:///path`` URLs), served like :class:`DuckDBEngine`."""

    def __init__(self, path: str | Path, *, memory_limit_mb: int = DEFAULT_MEMORY_LIMIT_MB,
                 max_reply_bytes: int = DEFAULT_MAX_REPLY_BYTES) -> None:
        resolved = str(Path(path).resolve())
        if not Path(resolved).is_file():
            raise DatabaseUnavailable(f"SQLite database file {resolved!r} does not exist")
        super().__init__("sqlite", resolved, memory_limit_mb=memory_limit_mb, max_reply_bytes=max_reply_bytes)


def sqlite_path(url: str) -> str | None:
    """The file of a ``sqlite:///path`` (or ``sqlite+driver:///path``) URL; ``None`` for other URLs."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.split("+")[0].lower() != "sqlite":
        return None
    path = rest[1:] if rest.startswith("/") else rest  # sqlite:///rel/x.db -> rel/x.db; sqlite:////abs -> /abs
    return path.split("?")[0]


# --------------------------------------------------------------------------- SQLAlchemy
class SQLAlchemyEngine(SQLEngine):
    """A read-only connection to a server database through SQLAlchemy (``postgresql://...``).

    The server enforces the limits: ``statement_timeout`` ends a query at ``timeout_s`` and the
    query's memory is the server's. ``sqlite:///`` URLs are served by :class:`SQLiteEngine`
    (:func:`open_engine` picks it), because an in-process SQLite query cannot be stopped or capped.
    """

    def __init__(self, url: str) -> None:
        super().__init__()
        if sqlite_path(url) is not None:
            raise DatabaseUnavailable(
                "sqlite URLs are served by SQLiteEngine (a killable, memory-capped worker); use open_engine(url)")
        try:
            import sqlalchemy
            from sqlalchemy.pool import NullPool
        except ImportError as exc:
            raise DatabaseUnavailable(f"{url.split(':')[0]} URLs need SQLAlchemy: pip install sqlalchemy ({exc})") from None

        parsed = sqlalchemy.make_url(url)
        backend = parsed.get_backend_name()
        if backend != "postgresql":
            raise DatabaseUnavailable(
                f"dialect {backend!r} is not supported: the SQL tool can enforce read-only access and "
                "interrupt queries only for DuckDB, SQLite and PostgreSQL"
            )
        self.dialect = backend
        self.url = url
        try:
            self._engine = sqlalchemy.create_engine(parsed, poolclass=NullPool)
            self._conn: Any = self._engine.connect()
        except ImportError as exc:
            raise DatabaseUnavailable(f"no driver for {parsed.drivername!r} URLs (pip install psycopg): {exc}") from None
        except sqlalchemy.exc.SQLAlchemyError as exc:
            raise DatabaseUnavailable(f"cannot connect to {parsed.render_as_string(hide_password=True)}: {exc}") from exc
        self._dbapi = self._conn.connection.driver_connection

    def _execute(self, sql: str, max_rows: int, timeout_s: float) -> QueryResult:
        import sqlalchemy

        if self._conn is None:
            raise DatabaseUnavailable("the SQLAlchemy engine is closed")
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
            if code == "53200":  # out_of_memory, for this query
                raise QueryMemoryExceeded(f"Query stopped: the server ran out of memory for it ({exc})") from None
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
            inspector = sqlalchemy.inspect(self._conn)
            return {
                t: [(c["name"], str(c["type"])) for c in inspector.get_columns(t)]
                for t in sorted(inspector.get_table_names())
            }

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._engine.dispose()
            self._conn = None


def open_engine(target: str | Path, *, memory_limit_mb: int = DEFAULT_MEMORY_LIMIT_MB) -> SQLEngine:
    """An engine for a DuckDB file path (or ``duckdb:///path``), a ``sqlite:///path`` URL or a PostgreSQL URL."""
    text = str(target)
    if text.startswith("duckdb:///"):
        require_installed("duckdb", "sql", "DuckDB databases")  # one line naming the extra
        return DuckDBEngine(text[len("duckdb:///") :], memory_limit_mb=memory_limit_mb)
    sqlite_file = sqlite_path(text)
    if sqlite_file is not None:
        if not sqlite_file or sqlite_file == ":memory:":
            raise DatabaseUnavailable(f"SQLite database file {sqlite_file!r} does not exist")
        return SQLiteEngine(sqlite_file, memory_limit_mb=memory_limit_mb)
    if "://" in text:
        require_installed("sqlalchemy", "sql", "database URLs")
        return SQLAlchemyEngine(text)
    require_installed("duckdb", "sql", "DuckDB databases")
    return DuckDBEngine(text, memory_limit_mb=memory_limit_mb)
