"""Latency of the local Python sandbox against the per-call subprocess baseline.

Measures, in one run: a warm ``exec("print(1)")`` round trip in a LocalSandbox (p50/p99), the
same call through the ``python`` tool (argument validation included, p50/p99), spawning
``python -c "print(1)"`` with subprocess (p50; what a per-call tool pays), their ratio, and
``reset()`` (p50; old processes killed, work dir and private /tmp wiped; the sandbox's supervisor
forks the fresh interpreter right after answering) and ``reset()`` followed by the first call (p50;
includes that fork). Target: warm round trip p50 <= 0.5 ms.

    python benchmarks/bench_python_tool.py --n 2000
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from toolgym.sandbox import LocalSandbox  # noqa: E402
from toolgym.tools.python import PythonTool  # noqa: E402


def _timings_ms(fn: Callable[[], object], n: int) -> list[float]:
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="warm exec round trips to time")
    parser.add_argument("--spawn-n", type=int, default=100, help="python -c spawns to time (each ~20 ms)")
    parser.add_argument("--reset-n", type=int, default=200, help="reset() calls to time")
    args = parser.parse_args(argv)

    with LocalSandbox() as sandbox:
        for _ in range(50):  # start the zygote and warm the interpreter
            sandbox.exec("print(1)")
        warm = _timings_ms(lambda: sandbox.exec("print(1)"), args.n)
        reset = _timings_ms(sandbox.reset, args.reset_n)
        # The supervisor forks the next interpreter after answering a reset: time the first call too.
        fresh = _timings_ms(lambda: (sandbox.reset(), sandbox.exec("print(1)")), args.reset_n)
    tool = PythonTool(LocalSandbox)
    tool({"code": "print(1)"})
    tool_rt = _timings_ms(lambda: tool({"code": "print(1)"}), args.n)
    tool.close()
    spawn = _timings_ms(
        lambda: subprocess.run([sys.executable, "-c", "print(1)"], capture_output=True, check=True), args.spawn_n
    )
    results = {
        "warm_exec_p50_ms": statistics.median(warm),
        "warm_exec_p99_ms": _percentile(warm, 99),
        "python_tool_p50_ms": statistics.median(tool_rt),
        "python_tool_p99_ms": _percentile(tool_rt, 99),
        "python_c_spawn_p50_ms": statistics.median(spawn),
        "reset_p50_ms": statistics.median(reset),
        "reset_then_first_exec_p50_ms": statistics.median(fresh),
    }
    results["spawn_over_warm_ratio"] = results["python_c_spawn_p50_ms"] / results["warm_exec_p50_ms"]
    results["spawn_over_tool_ratio"] = results["python_c_spawn_p50_ms"] / results["python_tool_p50_ms"]
    width = max(map(len, results))
    for name, value in results.items():
        print(f"{name:<{width}}  {value:10.3f}")
    return results


if __name__ == "__main__":
    main()
