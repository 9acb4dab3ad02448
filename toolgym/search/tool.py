"""The ``search(query)`` tool: top-k passages from a retriever, rendered as Search-R1 documents.

Results read ``Doc 1 (Title: ...) text`` one per line, long passages cut with ``…``. A query that
matches nothing is a normal result (``No passages found``), not an error; a retriever service that
is down is ``infra`` (ours).
"""

from __future__ import annotations

from typing import Any

from toolgym.errors import EndpointError
from toolgym.search.base import Hit, Retriever
from toolgym.tools.base import Tool
from toolgym.types import ToolResult

MAX_QUERY_CHARS = 1000


def render_hits(hits: list[Hit], max_passage_chars: int = 600) -> str:
    """Hits as ``Doc i (Title: t) text`` lines."""
    if not hits:
        return "No passages found for this query."
    lines = []
    for h in hits:
        text = h.text if len(h.text) <= max_passage_chars else h.text[: max_passage_chars - 1] + "…"
        lines.append(f"Doc {h.rank} (Title: {h.title}) {text}")
    return "\n".join(lines)


class SearchTool(Tool):
    """Passage search over a :class:`Retriever` (in process or over HTTP)."""

    name = "search"

    def __init__(self, retriever: Retriever, *, k: int = 3, max_passage_chars: int = 600) -> None:
        if k < 1 or max_passage_chars < 2:
            raise ValueError("k must be >= 1 and max_passage_chars >= 2")
        self.retriever = retriever
        self.k = k
        self.max_passage_chars = max_passage_chars
        self.description = f"Search the encyclopedia and return the {k} most relevant passages for a query."
        self.parameters: dict[str, Any] = {
            "type": "object",
            "properties": {
                "query": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": MAX_QUERY_CHARS,
                    "pattern": r"\S",
                    "description": "Keywords or a question to search for.",
                }
            },
            "required": ["query"],
            "additionalProperties": False,
        }

    def run(self, arguments: dict[str, Any]) -> ToolResult:
        try:
            hits = self.retriever.search(arguments["query"], self.k)
        except EndpointError as exc:
            return ToolResult.unavailable("search service", exc)
        return ToolResult(
            ok=True,
            content=render_hits(hits, self.max_passage_chars),
            metadata={"passage_ids": [h.id for h in hits]},
        )
