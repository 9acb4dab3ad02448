"""The ``sql(query)`` tool: run one read-only query on the bound database and show the result table.

Refusals, database errors, timeouts, memory and output limits come back as failed results the
policy can read and learn from (:class:`~toolgym.failures.FailureKind` ``refused``, ``exception``,
``timeout``, ``memory``, ``output_limit``: the policy's fault); a database that cannot be reached or
whose engine was killed from outside is ``infra`` (ours). The tool can be re-bound to another database between episodes, which is
how one env serves tasks over several databases.
"""

from __future__ import annotations

from typing import Any

from toolgym.sql.engine import SQLEngine
from toolgym.failures import FailureKind
from toolgym.sql.errors import QUERY_ERRORS, DatabaseUnavailable, QueryRefused
from toolgym.sql.render import render_table
from toolgym.tools.base import Tool
from toolgym.types import ToolResult

#: Longest query text accepted (characters); longer calls fail argument validation.
MAX_QUERY_CHARS = 20_000


class SQLTool(Tool):
    """Read-only SQL over one database at a time, with a row limit and a per-query timeout."""

    name = "sql"

    def __init__(
        self,
        engine: SQLEngine | None = None,
        *,
        max_rows: int = 20,
        timeout_s: float = 5.0,
        max_cell_chars: int = 40,
    ) -> None:
        if max_rows < 1 or not timeout_s > 0 or max_cell_chars < 2:
            raise ValueError("max_rows must be >= 1, timeout_s > 0 and max_cell_chars >= 2")
        self.engine = engine
        self.max_rows = max_rows
        self.timeout_s = timeout_s
        self.max_cell_chars = max_cell_chars
        self.description = (
            f"Run one read-only SQL query (SELECT) on the database and see up to {max_rows} result rows. "
            f"Writes, several statements and file access are refused; queries stop after {timeout_s:g} s."
        )
        self.parameters: dict[str, Any] = {
            "type": "object",
            "properties": {
                "query": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": MAX_QUERY_CHARS,
                    "description": "One SQL SELECT statement.",
                }
            },
            "required": ["query"],
            "additionalProperties": False,
        }

    def bind(self, engine: SQLEngine) -> None:
        """Point the tool at ``engine`` (the env does this when an episode's task changes database)."""
        self.engine = engine

    def run(self, arguments: dict[str, Any]) -> ToolResult:
        if self.engine is None:
            return ToolResult.unavailable("database", DatabaseUnavailable("no database is connected"))
        try:
            result = self.engine.execute(arguments["query"], max_rows=self.max_rows, timeout_s=self.timeout_s)
        except DatabaseUnavailable as exc:
            return ToolResult.unavailable("database", exc)
        except QueryRefused as exc:
            return ToolResult(ok=False, content=str(exc), error_kind=FailureKind.REFUSED)
        except QUERY_ERRORS as exc:
            return ToolResult(ok=False, content=f"Error: {exc}", error_kind=exc.kind)
        return ToolResult(
            ok=True,
            content=render_table(result, max_cell_chars=self.max_cell_chars),
            metadata={"rows": len(result.rows), "truncated": result.truncated},
        )
