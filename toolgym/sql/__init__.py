"""Read-only SQL for agents: engines (DuckDB, SQLite, PostgreSQL), the guard, the ``sql`` tool and the EX reward."""

from toolgym.sql.engine import (
    DuckDBEngine,
    QueryResult,
    SQLAlchemyEngine,
    SQLEngine,
    SQLiteEngine,
    WorkerEngine,
    open_engine,
)
from toolgym.sql.errors import (
    DatabaseUnavailable,
    QueryFailed,
    QueryMemoryExceeded,
    QueryOutputTooLarge,
    QueryRefused,
    QueryTimeout,
)
from toolgym.sql.guard import check_read_only, has_top_level_order_by
from toolgym.sql.match import ExecutionMatch, extract_sql, results_match
from toolgym.sql.render import render_table
from toolgym.sql.tool import SQLTool

__all__ = [
    "DatabaseUnavailable",
    "DuckDBEngine",
    "ExecutionMatch",
    "QueryFailed",
    "QueryMemoryExceeded",
    "QueryOutputTooLarge",
    "QueryRefused",
    "QueryResult",
    "QueryTimeout",
    "SQLAlchemyEngine",
    "SQLEngine",
    "SQLTool",
    "SQLiteEngine",
    "WorkerEngine",
    "check_read_only",
    "extract_sql",
    "has_top_level_order_by",
    "open_engine",
    "render_table",
    "results_match",
]
