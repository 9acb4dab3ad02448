"""Render query results as a compact, aligned text table for the policy to read.

Cells are shortened to ``max_cell_chars`` (marked with ``…``), floats lose float noise
(``0.30000000000000004`` shows as ``0.3``), ``NULL`` is spelled out, and a row count closes the table,
saying plainly when rows were cut by the row limit.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

from toolgym.sql.engine import QueryResult


def format_value(value: Any, max_chars: int = 40) -> str:
    """One cell as text: NULL, trimmed floats, ISO dates, one-line strings cut at ``max_chars``."""
    if value is None:
        text = "NULL"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float):
        text = repr(value) if not math.isfinite(value) else f"{value:.10g}"
    elif isinstance(value, Decimal):
        text = format(value, "f")
    elif isinstance(value, (dt.date, dt.time)):  # datetime is a date
        text = value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    else:
        text = str(value)
    text = text.replace("\r", " ").replace("\n", " ").replace("\t", " ")
    if len(text) > max_chars:
        text = text[: max(max_chars - 1, 1)] + "…"
    return text


def render_table(result: QueryResult, *, max_cell_chars: int = 40) -> str:
    """The result as ``col | col`` lines under a dashed rule, then ``(N rows)``."""
    if not result.columns:
        return "(the statement returned no result set)"
    header = [format_value(c, max_cell_chars) for c in result.columns]
    body = [[format_value(v, max_cell_chars) for v in row] for row in result.rows]
    widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(header)]
    lines = [" | ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip()]
    lines.append("-+-".join("-" * w for w in widths))
    lines.extend(" | ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in body)
    n = len(result.rows)
    if result.truncated:
        lines.append(f"({n} rows shown; the result has more rows, cut at the row limit)")
    else:
        lines.append(f"({n} row{'s' if n != 1 else ''})")
    return "\n".join(lines)
