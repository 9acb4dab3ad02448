"""DuckDB and SQLite connections as they run *inside* an engine worker process.

These classes hold the real connection and do the database-side work: DuckDB's statement check,
the read-only settings, the SQLite authorizer, interrupting a query at its deadline, fetching at
most ``max_rows + 1`` rows and sorting every failure into a :class:`~toolgym.failures.FailureKind`.
They are only ever used by :mod:`toolgym.sql.worker`, in a child process that the host can kill and
whose address space is capped (:mod:`toolgym.sql.process`); the host-side engines in
:mod:`toolgym.sql.engine` never open a database file themselves.

The worker loads this file on its own (no ``toolgym`` package import, which would cost half a second
per worker start), so it needs only the standard library and DuckDB; failure kinds are the plain
string values of :class:`toolgym.failures.FailureKind`.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable


class FailureKind:
    """The :class:`toolgym.failures.FailureKind` values this module reports (plain strings)."""

    EXCEPTION = "exception"
    TIMEOUT = "timeout"
    MEMORY = "memory"
    OUTPUT_LIMIT = "output_limit"
    REFUSED = "refused"
    INFRA = "infra"

#: Settings of every DuckDB connection (external access off and locked, one thread).
DUCKDB_CONFIG: dict[str, Any] = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "lock_configuration": True,
    "threads": 1,
}

#: Longest string or blob SQLite may build (bytes): ``randomblob(900000000)`` fails at once.
SQLITE_MAX_LENGTH = 64 * 1024 * 1024


class QueryError(Exception):
    """A query ended without a result; ``kind`` says why (and so who is to blame)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass
class Fetched:
    """Column names, at most ``max_rows`` rows, and whether more existed."""

    columns: list[str]
    rows: list[tuple[Any, ...]]
    truncated: bool


class Watchdog:
    """Calls ``interrupt()`` when an armed deadline passes: one sleeping daemon thread per connection.

    Arming and disarming cost a lock and a notify instead of a timer thread per query. An interrupt
    that lands just after a query finished hits an idle connection, which ignores it.
    """

    def __init__(self, interrupt: Callable[[], object]) -> None:
        self._interrupt = interrupt
        self._cond = threading.Condition()
        self._deadline: float | None = None
        self._thread = threading.Thread(target=self._run, name="toolgym-sql-watchdog", daemon=True)
        self._thread.start()

    def arm(self, timeout_s: float) -> None:
        with self._cond:
            self._deadline = time.monotonic() + timeout_s
            self._cond.notify()

    def disarm(self) -> None:
        with self._cond:
            self._deadline = None

    def _run(self) -> None:
        with self._cond:
            while True:
                if self._deadline is None:
                    self._cond.wait()
                    continue
                remaining = self._deadline - time.monotonic()
                if remaining > 0:
                    self._cond.wait(remaining)
                    continue
                self._deadline = None
                self._interrupt()


def _fetch(cursor: Any, max_rows: int) -> Fetched:
    columns = [d[0] for d in cursor.description] if cursor.description else []
    rows = [tuple(r) for r in cursor.fetchmany(max_rows + 1)] if columns else []
    return Fetched(columns, rows[:max_rows], len(rows) > max_rows)


class LocalDuckDB:
    """A read-only DuckDB connection with external access disabled and the configuration locked."""

    dialect = "duckdb"

    def __init__(self, path: str, memory_limit_mb: int) -> None:
        import duckdb

        self._duckdb = duckdb
        config = {**DUCKDB_CONFIG, "memory_limit": f"{memory_limit_mb}MB"}
        self._con = duckdb.connect(path, read_only=True, config=config)
        self._watchdog = Watchdog(self._con.interrupt)

    def run(self, sql: str, max_rows: int, timeout_s: float) -> Fetched:
        duckdb = self._duckdb
        try:
            statements = self._con.extract_statements(sql)
        except duckdb.Error as exc:
            raise QueryError(FailureKind.EXCEPTION, _short(exc)) from None
        if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
            kinds = ", ".join(s.type.name for s in statements) or "nothing"
            raise QueryError(FailureKind.REFUSED, f"Refused: only one read-only SELECT query is allowed (got {kinds}).")
        self._watchdog.arm(timeout_s)
        try:
            return _fetch(self._con.execute(sql), max_rows)
        except duckdb.InterruptException:
            raise QueryError(FailureKind.TIMEOUT, f"Query interrupted: it ran longer than {timeout_s:g} s.") from None
        except duckdb.OutOfMemoryException as exc:
            raise QueryError(FailureKind.MEMORY, f"Query stopped: it needed more memory than allowed ({_short(exc, 1)})") from None
        except MemoryError:
            raise QueryError(FailureKind.MEMORY, "Query stopped: its result needed more memory than allowed.") from None
        except (duckdb.FatalException, duckdb.InternalException) as exc:
            # This query broke the connection; the worker exits and the host starts a fresh one.
            raise QueryError(FailureKind.EXCEPTION, f"DuckDB failed on this query: {_short(exc)}") from None
        except duckdb.Error as exc:
            raise QueryError(FailureKind.EXCEPTION, _short(exc)) from None
        except (RuntimeError, ValueError, OverflowError) as exc:  # result values Python cannot hold
            raise QueryError(FailureKind.EXCEPTION, f"The result could not be converted: {exc}") from None
        finally:
            self._watchdog.disarm()

    def schema(self) -> dict[str, list[tuple[str, str]]]:
        rows = self._con.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position"
        ).fetchall()
        out: dict[str, list[tuple[str, str]]] = {}
        for table, column, dtype in rows:
            out.setdefault(table, []).append((column, dtype))
        return out

    def foreign_keys(self) -> list[tuple[str, str, str, str]]:
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

    def execute_raw(self, sql: str) -> Any:
        """The connection's own ``execute`` (tests use it to show the configuration is locked)."""
        return self._con.execute(sql)


#: SQLite authorizer actions a read-only query needs.
_SQLITE_ALLOWED = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION}
_SQLITE_ALLOWED.add(getattr(sqlite3, "SQLITE_RECURSIVE", 33))
_SQLITE_DENIED_FUNCTIONS = {"load_extension", "readfile", "writefile", "edit", "fts3_tokenizer"}


def _sqlite_authorizer(action: int, arg1: str | None, arg2: str | None, db: str | None, trigger: str | None) -> int:
    """Allow reads and ordinary functions; deny writes, ATTACH, PRAGMA and file functions."""
    if action == sqlite3.SQLITE_FUNCTION:
        return sqlite3.SQLITE_DENY if (arg2 or "").lower() in _SQLITE_DENIED_FUNCTIONS else sqlite3.SQLITE_OK
    return sqlite3.SQLITE_OK if action in _SQLITE_ALLOWED else sqlite3.SQLITE_DENY


class LocalSQLite:
    """A SQLite file opened ``mode=ro`` with ``query_only``, an authorizer and a string-length limit."""

    dialect = "sqlite"

    def __init__(self, path: str, memory_limit_mb: int) -> None:
        from pathlib import Path

        uri = Path(path).resolve().as_uri() + "?mode=ro"
        self._con = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
        self._con.execute("PRAGMA query_only = ON")
        self._schema, self._fks = self._read_schema()  # PRAGMAs: before the authorizer denies them
        self._con.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, min(SQLITE_MAX_LENGTH, memory_limit_mb * 1024 * 1024 // 4))
        self._con.set_authorizer(_sqlite_authorizer)
        self._watchdog = Watchdog(self._con.interrupt)

    def _read_schema(self) -> tuple[dict[str, list[tuple[str, str]]], list[tuple[str, str, str, str]]]:
        tables = [r[0] for r in self._con.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        schema = {t: [(c[1], c[2]) for c in self._con.execute("SELECT * FROM pragma_table_info(?)", (t,))] for t in tables}
        fks = [(t, r[0], r[1], r[2]) for t in tables
               for r in self._con.execute('SELECT "from", "table", "to" FROM pragma_foreign_key_list(?)', (t,))]
        return schema, fks

    def run(self, sql: str, max_rows: int, timeout_s: float) -> Fetched:
        self._watchdog.arm(timeout_s)
        cursor = self._con.cursor()
        try:
            return _fetch(cursor.execute(sql), max_rows)
        except MemoryError:
            raise QueryError(FailureKind.MEMORY, "Query stopped: it needed more memory than allowed.") from None
        except sqlite3.Error as exc:
            text = str(exc)
            if "interrupted" in text:
                raise QueryError(FailureKind.TIMEOUT, f"Query interrupted: it ran longer than {timeout_s:g} s.") from None
            if "out of memory" in text or "too big" in text:
                raise QueryError(FailureKind.MEMORY, f"Query stopped: {text} (memory limit)") from None
            if any(m in text for m in ("not authorized", "prohibited", "readonly database", "query_only")):
                raise QueryError(FailureKind.REFUSED, f"Refused by the read-only database: {text}") from None
            raise QueryError(FailureKind.EXCEPTION, text) from None
        except (ValueError, OverflowError) as exc:
            raise QueryError(FailureKind.EXCEPTION, f"The result could not be converted: {exc}") from None
        finally:
            self._watchdog.disarm()
            cursor.close()

    def schema(self) -> dict[str, list[tuple[str, str]]]:
        return self._schema

    def foreign_keys(self) -> list[tuple[str, str, str, str]]:
        return list(self._fks)


def _short(exc: BaseException, lines: int = 6) -> str:
    """An engine's error text, kept short: the first lines carry the reason and the position."""
    return "\n".join(str(exc).strip().splitlines()[:lines])
