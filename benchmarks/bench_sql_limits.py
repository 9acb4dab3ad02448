"""SQL limits, measured: wall time, blame and memory of hostile queries against the ``sql`` tool.

Each query runs in a fresh host process (so its peak RSS is that query's alone) through
``SQLTool(engine, timeout_s=5)`` with the default 1024 MB engine memory limit, then one ordinary
query on the same engine shows the next query works. Printed per query: the wall time, the failure
kind the tool reported, the host's peak RSS, the engine worker's peak RSS (largest reaped child),
and the wall time of the next query (which may include starting a fresh worker).

The queries are the issue's (``repeat('x', 2000000000)`` ran 46.9 s against a 5 s timeout with a
3.9 GB host peak; SQLite ``randomblob(900000000)`` took 7 s) and the ones that stress each path:
the worker's own interrupt, the host's kill of an uninterruptible call, memory growth, a result
larger than the reply cap.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from toolgym_tasks.sql import database_path

CASES = [
    ("duckdb", "SELECT length(repeat('x', 2000000000))"),
    ("duckdb", "SELECT length(string_agg(repeat('x', 100000), '')) FROM range(30000)"),
    ("duckdb", "SELECT length(regexp_replace(repeat('ab', 100000000), '(a)(b)', '\\2\\1', 'g'))"),
    ("duckdb", "SELECT COUNT(*) FROM range(100000000000) a"),
    ("duckdb", "SELECT repeat('x', 100000000) AS big"),
    ("sqlite", "SELECT length(randomblob(900000000))"),
    ("sqlite", "SELECT instr(printf('%.30000000c','a'), printf('%.100000c','a') || 'b')"),
    ("sqlite", "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT COUNT(*) FROM c"),
]

CHILD = r"""
import json, resource, sys, time
from toolgym.sql.engine import open_engine
from toolgym.sql.tool import SQLTool
engine = open_engine(sys.argv[1])
tool = SQLTool(engine, timeout_s=float(sys.argv[3]))
start = time.monotonic()
result = tool({"query": sys.argv[2]})
wall = time.monotonic() - start
start = time.monotonic()
after = tool({"query": "SELECT 1 AS one"})
next_wall = time.monotonic() - start
engine.close()
print(json.dumps({
    "wall_s": wall, "kind": str(result.error_kind.value if hasattr(result.error_kind, "value") else result.error_kind),
    "next_ok": after.ok, "next_wall_s": next_wall,
    "host_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "worker_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
}))
"""


def sqlite_db(folder: Path) -> str:
    path = folder / "bench.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (x INTEGER)")
    con.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(1000)])
    con.commit()
    con.close()
    return f"sqlite:///{path}"


def main(argv: list[str] | None = None) -> list[dict[str, object]]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--timeout", type=float, default=5.0, help="the sql tool's per-query timeout (s)")
    args = ap.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        targets = {"duckdb": str(database_path("retail")), "sqlite": sqlite_db(Path(tmp))}
        print(f"timeout {args.timeout:g} s, engine memory limit 1024 MB")
        print(f"{'engine':7s} {'wall s':>7s} {'kind':13s} {'host MB':>8s} {'worker MB':>9s} {'next s':>7s}  query")
        for engine, sql in CASES:
            out = subprocess.run([sys.executable, "-c", CHILD, targets[engine], sql, str(args.timeout)],
                                 capture_output=True, text=True, timeout=120, check=True)
            got = json.loads(out.stdout.strip().splitlines()[-1])
            got.update(engine=engine, sql=sql)
            rows.append(got)
            print(f"{engine:7s} {got['wall_s']:7.2f} {got['kind']:13s} {got['host_peak_mb']:8.0f} "
                  f"{got['worker_peak_mb']:9.0f} {got['next_wall_s']:7.3f}  {sql[:70]}")
    return rows


if __name__ == "__main__":
    main()
