"""DuckDB and SQLite databases queried inside the ``sql`` image's container (``sandbox="docker"``).

A :class:`ContainerEngine` mounts the database's folder read-only and runs every query with the
same code the host's worker process runs (:mod:`toolgym.sql.local`: read-only connection, external
access off, locked configuration, watchdog), in a leased sandbox of ``toolgym/sql``. The container
bounds what a query can take: its memory cgroup and the supervisor's wall clock (``timeout_s`` +
:data:`GRACE_S`: a query DuckDB cannot interrupt is killed with every process of the container,
a fresh interpreter is forked, and the next query works). Rows come back as tagged JSON, so dates
and decimals compare exactly as on the host. URLs of database servers (PostgreSQL...) never come
here: they keep running from the host (:func:`toolgym.sql.engine.open_engine`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from toolgym.failures import FailureKind
from toolgym.sandbox.base import SandboxLimits
from toolgym.sandbox.service_runtime import decode_value
from toolgym.sandbox.services import DATA_DIR, SQL_IMAGE, ServiceFailure, ServiceSandbox
from toolgym.sql.engine import _ERRORS, DEFAULT_MEMORY_LIMIT_MB, QueryResult, SQLEngine
from toolgym.sql.errors import DatabaseUnavailable, QueryFailed

#: Seconds the container's supervisor waits past a query's timeout before it kills the interpreter.
GRACE_S = 1.0
#: Schema reads and other control requests.
CONTROL_TIMEOUT_S = 30.0


class ContainerEngine(SQLEngine):
    """A read-only DuckDB (or SQLite) file served from the ``sql`` container; see the module doc."""

    def __init__(self, path: str | Path, *, dialect: str = "duckdb", memory_limit_mb: int = DEFAULT_MEMORY_LIMIT_MB,
                 image: str = SQL_IMAGE, share_with: ContainerEngine | None = None) -> None:
        super().__init__()
        file = Path(path).resolve()
        if not file.is_file():
            raise DatabaseUnavailable(f"database file {str(file)!r} does not exist")
        self.dialect = dialect
        self.path = str(file)
        self.memory_limit_mb = memory_limit_mb
        if share_with is not None and Path(share_with.path).parent == file.parent:
            # one container for every database of a folder (an env's databases): fewer containers
            self.service, self._users = share_with.service, share_with._users
        else:
            limits = SandboxLimits(memory_bytes=(memory_limit_mb + 512) * 1024**2, timeout_s=CONTROL_TIMEOUT_S)
            self.service = ServiceSandbox(image, limits, mounts=((str(file.parent), f"{DATA_DIR}/db"),))
            self._users = [0]
        self._users[0] += 1
        self._closed = False
        self._inside = f"{DATA_DIR}/db/{file.name}"
        self._info: dict[str, Any] | None = None

    def _request(self, op: str, timeout: float, **fields: Any) -> dict[str, Any]:
        payload = {"op": op, "dialect": self.dialect, "path": self._inside, "memory_limit_mb": self.memory_limit_mb, **fields}
        try:
            return self.service.request(payload, timeout)
        except ServiceFailure as exc:
            if exc.kind == FailureKind.INFRA:
                raise DatabaseUnavailable(f"the sql container failed: {exc}") from exc
            error = _ERRORS.get(exc.kind.value, QueryFailed)
            if exc.kind == FailureKind.TIMEOUT:
                raise error(f"Query killed: it ran longer than {fields.get('timeout_s', timeout):g} s.") from exc
            if exc.kind == FailureKind.MEMORY:
                raise error("Query stopped: it needed more memory than the sql container allows.") from exc
            raise QueryFailed(f"The query crashed the database engine (it was restarted): {exc}") from exc

    def _execute(self, sql: str, max_rows: int, timeout_s: float) -> QueryResult:
        reply = self._request("sql.query", timeout_s + GRACE_S, sql=sql, max_rows=max_rows, timeout_s=timeout_s)
        if not reply.get("ok"):
            raise _ERRORS.get(str(reply.get("kind")), QueryFailed)(str(reply.get("message")))
        return QueryResult(list(reply["columns"]), [decode_value(r) for r in reply["rows"]], bool(reply["truncated"]))

    def _load_info(self) -> dict[str, Any]:
        if self._info is None:
            with self._lock:
                reply = self._request("sql.schema", CONTROL_TIMEOUT_S)
            if not reply.get("ok"):
                raise DatabaseUnavailable(str(reply.get("message")))
            self._info = reply
        return self._info

    def schema(self) -> dict[str, list[tuple[str, str]]]:
        return {t: [tuple(c) for c in cols] for t, cols in self._load_info()["schema"].items()}  # type: ignore[misc]

    def foreign_keys(self) -> list[tuple[str, str, str, str]]:
        """``(table, column, referenced_table, referenced_column)`` for every foreign key."""
        return [tuple(fk) for fk in self._load_info()["foreign_keys"]]  # type: ignore[misc]

    def close(self) -> None:
        """Let go of the container; the last engine sharing it gives it back to its pool."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._users[0] -= 1
            last = self._users[0] == 0
        if last:
            self.service.close()


def container_engine(target: str | Path, *, memory_limit_mb: int = DEFAULT_MEMORY_LIMIT_MB,
                     share_with: ContainerEngine | None = None) -> ContainerEngine | None:
    """A :class:`ContainerEngine` for a DuckDB path (``duckdb:///path`` too) or a ``sqlite:///path`` URL;
    ``None`` for a database server's URL, which keeps running from the host. ``share_with``: an engine
    whose container this one joins when both files are in the same folder."""
    from toolgym.sql.engine import sqlite_path

    text = str(target)
    if text.startswith("duckdb:///"):
        return ContainerEngine(text[len("duckdb:///"):], memory_limit_mb=memory_limit_mb, share_with=share_with)
    sqlite_file = sqlite_path(text)
    if sqlite_file:
        return ContainerEngine(sqlite_file, dialect="sqlite", memory_limit_mb=memory_limit_mb, share_with=share_with)
    if "://" in text:
        return None
    return ContainerEngine(text, memory_limit_mb=memory_limit_mb, share_with=share_with)
