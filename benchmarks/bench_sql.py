"""SQL tool latency: p50 of a point query and of a 3-way join on the generated ``retail`` database.

Four layers are timed on the same queries, in the same run:

* ``raw``: a bare DuckDB cursor (``execute`` + ``fetchmany``), the baseline;
* ``in-proc``: the connection code the engine worker runs (DuckDB's statement check, the watchdog,
  execution, fetch), called in this process: what a query cost before engines moved to a worker;
* ``tool``: the ``sql`` tool (argument validation, the lexical guard, then the query in the engine's
  worker process: a pickle and pipe round trip each way, and table rendering);
* ``env step``: one ``ToolGym/Text2SQL-v1`` step carrying the query (parsing, tool, observation).

Ratios are against ``raw``. Prints medians (p50) and p90 in milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Callable

import duckdb

from toolgym.sql.engine import DEFAULT_MEMORY_LIMIT_MB, DUCKDB_CONFIG, DuckDBEngine
from toolgym.sql.local import LocalDuckDB
from toolgym.sql.tool import SQLTool
from toolgym_envs.sql import Text2SQLEnv
from toolgym_tasks.sql import database_path

QUERIES = {
    "point query": "SELECT name, city, segment FROM customers WHERE customer_id = 123",
    "3-way join": (
        "SELECT c.name, SUM(oi.quantity * oi.unit_price) AS spent FROM customers c "
        "JOIN orders o ON o.customer_id = c.customer_id JOIN order_items oi ON oi.order_id = o.order_id "
        "WHERE o.status = 'delivered' GROUP BY c.name ORDER BY spent DESC LIMIT 10"
    ),
}


def timings_ms(fn: Callable[[], object], n: int) -> list[float]:
    """``n`` wall-clock timings of ``fn`` in milliseconds, after 10 warm-up calls."""
    for _ in range(10):
        fn()
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1e3)
    return out


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if q != 50 else statistics.median(values)


def main(argv: list[str] | None = None) -> dict[str, float]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300, help="timed calls per layer and query")
    args = ap.parse_args(argv)
    path = str(database_path("retail"))
    config = {**DUCKDB_CONFIG, "memory_limit": f"{DEFAULT_MEMORY_LIMIT_MB}MB"}  # same settings as the tool
    raw = duckdb.connect(path, read_only=True, config=config)
    local = LocalDuckDB(path, DEFAULT_MEMORY_LIMIT_MB)
    tool = SQLTool(DuckDBEngine(path), max_rows=20)
    env = Text2SQLEnv(split="all")
    task = next(t for t in env.tasks if t.metadata["db"] == "retail")

    state = {"over": False}

    def env_step(sql: str) -> None:
        if state["over"]:  # a fresh episode when the turn budget ran out (reset is included)
            env.reset(options={"task_id": task.id})
        _, _, terminated, truncated, _ = env.step(f"<sql>{sql}</sql>")
        state["over"] = terminated or truncated

    env.reset(options={"task_id": task.id})
    results: dict[str, float] = {}
    print(f"{'query':12s} {'layer':9s} {'p50 ms':>8s} {'p90 ms':>8s} {'x raw':>7s}")
    for name, sql in QUERIES.items():
        layers = {
            "raw": lambda sql=sql: raw.execute(sql).fetchmany(21),
            "in-proc": lambda sql=sql: local.run(sql, 20, 5.0),
            "tool": lambda sql=sql: tool({"query": sql}),
            "env step": lambda sql=sql: env_step(sql),
        }
        base = None
        for layer, fn in layers.items():
            t = timings_ms(fn, args.n)
            p50 = p(t, 50)
            base = base or p50
            results[f"{name} {layer} p50 ms"] = p50
            print(f"{name:12s} {layer:9s} {p50:8.3f} {p(t, 90):8.3f} {p50 / base:7.2f}")
    env.close()
    tool.engine.close()
    raw.close()
    return results


if __name__ == "__main__":
    main()
