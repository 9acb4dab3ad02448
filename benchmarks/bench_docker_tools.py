"""Per-call cost of the SQL, search and API tools in their containers vs the local path (issue 15).

Same run, same machine: for each family, ``--n`` warm calls through the tool's backend on the local
path and in Docker (p50/p90 in ms, and the Docker/local ratio and difference at p50), plus the
episode reset (``env.reset()`` then the first tool call). Needs the ``sql``, ``search`` and
``apis`` images (``toolgym sandbox build``).

    python benchmarks/bench_docker_tools.py --n 300 --resets 30
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import gymnasium as gym

import toolgym  # noqa: F401


def timings(fn: Callable[[], object], n: int) -> list[float]:
    fn()
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1e3)
    return out


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 2 else max(values)


def calls(kind: str) -> dict[str, Callable[[], object]]:
    sql = gym.make("ToolGym/Text2SQL-v1", split="test", sandbox=kind).unwrapped
    sql.reset(seed=0)
    engine = sql._engine_for(sql.task)
    search = gym.make("ToolGym/SearchQA-v1", split="test", sandbox=kind).unwrapped
    retriever = search.search_tool
    api = gym.make("ToolGym/Retail-v1", split="test", sandbox=kind).unwrapped
    api.reset(seed=0)
    name = api.api.backend.specs[0].name
    read = next(a for t in api.tasks for a in t.gold.get("actions", [])
                if next(s for s in api.api.backend.specs if s.name == a["name"]).kind == "read")
    return {
        "sql call (SELECT ... LIMIT 5)": lambda: engine.execute(f"SELECT * FROM {min(engine.schema())} LIMIT 5"),
        "search call (top 3)": lambda: retriever.run({"query": "capital of the river kingdom"}),
        f"api call ({read['name']}, a gold read)": lambda: api.api.call(read["name"], read.get("arguments", {})),
        f"api call ({name}, invalid args)": lambda: api.api.call(name, {}),
        "sql reset + first call": lambda: (sql.reset(seed=1), sql.sql_tool.run({"query": "SELECT 1"})),
        "api reset + first call": lambda: (api.reset(seed=1), api.api.call(name, {})),
    }, (sql, search, api)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--resets", type=int, default=30)
    args = parser.parse_args()
    results: dict[str, dict[str, list[float]]] = {}
    for kind in ("local", "docker"):
        fns, envs = calls(kind)
        for label, fn in fns.items():
            results.setdefault(label, {})[kind] = timings(fn, args.resets if "reset" in label else args.n)
        for env in envs:
            env.close()
    print("| call | local p50 / p90 ms | docker p50 / p90 ms | docker/local p50 | docker - local p50 ms |")
    print("|---|---|---|---|---|")
    for label, by in results.items():
        lo, do = by["local"], by["docker"]
        print(f"| {label} | {pct(lo, 50):.3f} / {pct(lo, 90):.3f} | {pct(do, 50):.3f} / {pct(do, 90):.3f} | "
              f"{pct(do, 50) / pct(lo, 50):.2f} | {pct(do, 50) - pct(lo, 50):+.3f} |")


if __name__ == "__main__":
    main()
