"""Per-episode databases: one template SQLite database per domain, copied fresh for each episode.

The template is built once per process (schema from the domain's SQLAlchemy metadata, rows from
its seed) in memory; every episode gets its own copy through SQLite's online backup API, which
costs tens of microseconds for the built-in domains. Copies share nothing, so concurrent episodes
can never see each other's writes. A released copy is kept with its SQLAlchemy engine and
overwritten by the next ``acquire``: SQLAlchemy caches compiled statements per engine, so reusing
engines avoids recompiling every query in every episode (a 4x difference on the retail domain). :func:`state_hash` fingerprints a whole database (every table,
rows in primary-key order), which is how the τ-bench reward compares final states.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from dataclasses import dataclass
from typing import Any, Mapping

from sqlalchemy import Engine, MetaData, create_engine, insert
from sqlalchemy.pool import StaticPool


def engine_for(conn: sqlite3.Connection) -> Engine:
    """A SQLAlchemy engine that always uses the given SQLite connection (never opens another)."""
    return create_engine("sqlite://", creator=lambda: conn, poolclass=StaticPool)


def new_memory_connection() -> sqlite3.Connection:
    """An empty in-memory SQLite connection usable from any thread (callers serialise access)."""
    return sqlite3.connect(":memory:", check_same_thread=False)


@dataclass(frozen=True)
class Replica:
    """One copy of a template database and the engine bound to it."""

    conn: sqlite3.Connection
    engine: Engine


class TemplateDB:
    """The domain's initial database, built once; :meth:`acquire` hands out independent copies."""

    def __init__(self, metadata: MetaData, rows: Mapping[str, list[dict[str, Any]]], max_idle: int = 64) -> None:
        unknown = set(rows) - set(metadata.tables)
        if unknown:
            raise ValueError(f"seed rows for unknown tables: {sorted(unknown)}")
        self.metadata = metadata
        self._conn = new_memory_connection()
        self._lock = threading.Lock()
        self._idle: list[Replica] = []
        self._max_idle = max_idle
        # Kept for the template's lifetime: disposing the engine would close the connection.
        self._engine = engine_for(self._conn)
        metadata.create_all(self._engine)
        with self._engine.begin() as db:
            for table in metadata.sorted_tables:
                if rows.get(table.name):
                    db.execute(insert(table), rows[table.name])

    def acquire(self) -> Replica:
        """A copy of the template that nobody else uses until :meth:`release`."""
        with self._lock:
            replica = self._idle.pop() if self._idle else None
        if replica is None:
            conn = new_memory_connection()
            replica = Replica(conn, engine_for(conn))
        with self._lock:
            self._conn.backup(replica.conn)
        return replica

    def release(self, replica: Replica) -> None:
        """Give a copy back; it is overwritten before anyone sees it again."""
        with self._lock:
            if len(self._idle) < self._max_idle:
                self._idle.append(replica)
                return
        replica.engine.dispose()
        replica.conn.close()


def state_hash(conn: sqlite3.Connection, metadata: MetaData) -> str:
    """SHA-256 over every table's rows, tables by name, rows in primary-key order."""
    digest = hashlib.sha256()
    for name in sorted(metadata.tables):
        table = metadata.tables[name]
        cols = ", ".join(f'"{c.name}"' for c in table.columns)
        order = ", ".join(f'"{c.name}"' for c in (table.primary_key.columns or table.columns))
        digest.update(f"\x00{name}\x00".encode())
        rows = conn.execute(f'SELECT {cols} FROM "{name}" ORDER BY {order}').fetchall()
        digest.update(repr(rows).encode())
    return digest.hexdigest()
