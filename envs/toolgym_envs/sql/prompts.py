"""The Text2SQL system-prompt preamble and the schema text shown for each database."""

from __future__ import annotations

from toolgym.sql.engine import DuckDBEngine, SQLEngine

PREAMBLE = (
    "You are an expert data analyst. Answer the user's question with one SQL query over the database "
    "described below. You may first run exploratory read-only queries with the sql tool to look at "
    "the data (values, spellings, date ranges); each result shows at most a few rows. When you are "
    "sure, give your final SQL query as the answer: it is executed and its full result is compared "
    "with the correct result, so return exactly the columns the question asks for, in that order, "
    "and sort only when the question asks for an order."
)


def schema_text(name: str, engine: SQLEngine) -> str:
    """``Database "name" (dialect):`` then one ``table(column TYPE, ...)`` line per table.

    Foreign keys are shown as ``column TYPE -> table.column`` where the engine can list them.
    """
    refs: dict[tuple[str, str], str] = {}
    if isinstance(engine, DuckDBEngine):
        refs = {(t, c): f"{rt}.{rc}" for t, c, rt, rc in engine.foreign_keys()}
    lines = [f'Database "{name}" ({engine.dialect} SQL dialect). Tables:']
    for table, columns in engine.schema().items():
        cols = ", ".join(
            f"{c} {dtype}" + (f" -> {refs[(table, c)]}" if (table, c) in refs else "") for c, dtype in columns
        )
        lines.append(f"{table}({cols})")
    return "\n".join(lines)
