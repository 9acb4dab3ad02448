"""Latency of the local Python sandbox against the per-call subprocess baseline.

Measures, in one run: a warm ``exec("print(1)")`` round trip in a LocalSandbox (p50/p99), the
same call through the ``python`` tool (argument validation included, p50/p99), spawning
``python -c "print(1)"`` with subprocess (p50; what a per-call tool pays), their ratio, and
``reset()`` (p50; old processes killed, work dir and private /tmp wiped; the sandbox's supervisor
forks the fresh interpreter right after answering) and ``reset()`` followed by the first call (p50;
includes that fork). Target: warm round trip p50 <= 0.5 ms.

Issue 13's targets, also printed: the tool's p99 / p50 (target <= 5 at low load); latency of turns
1..10 after a reset (median over episodes, each turn over its own median of later turns); and the
episode reset as a policy sees it: after an episode that used the interpreter and a pause (the
policy finishing its last turn), ``reset()`` alone, the first call after another pause (the policy
reading the prompt; ``--think-ms``), and ``reset()`` + first call back to back (no pause at all:
the worst case, where the call waits for the wipe and the fork). The same through ``gym.make``
against OpenEnv's coding container: ``bench_episode_reset.py``. ``--backend docker`` measures a
DockerSandbox instead of a LocalSandbox.

    python benchmarks/bench_python_tool.py --n 2000
    python benchmarks/bench_python_tool.py --backend docker --n 1000
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


def episode_resets_ms(sandbox, n: int, think_s: float) -> tuple[list[float], list[float], list[float]]:
    """``(reset alone, first call after a pause, reset + first call back to back)`` over ``n``
    episodes that each used the interpreter."""
    alone, first, back_to_back = [], [], []
    for _ in range(n):
        sandbox.exec("x = [1] * 1000\nprint(len(x))")  # the episode used the interpreter
        time.sleep(think_s)
        start = time.perf_counter()
        sandbox.reset()
        alone.append((time.perf_counter() - start) * 1000)
        time.sleep(think_s)
        start = time.perf_counter()
        sandbox.exec("print(1)")
        first.append((time.perf_counter() - start) * 1000)
        sandbox.exec("x = [1] * 1000\nprint(len(x))")
        time.sleep(think_s)
        start = time.perf_counter()
        sandbox.reset()
        sandbox.exec("print(1)")
        back_to_back.append((time.perf_counter() - start) * 1000)
    return alone, first, back_to_back


def turns_after_reset_ms(sandbox, episodes: int, turns: int, think_s: float, reset: bool = True) -> list[float]:
    """Median latency of turn ``k`` (1-based) after a reset (or, the control, after the same pause
    without a reset: what waking the idle processes costs on this machine), over ``episodes``."""
    per_turn: list[list[float]] = [[] for _ in range(turns)]
    for _ in range(episodes):
        if reset:
            sandbox.reset()
        time.sleep(think_s)
        for k in range(turns):
            start = time.perf_counter()
            sandbox.exec("print(1)")
            per_turn[k].append((time.perf_counter() - start) * 1000)
    return [statistics.median(t) for t in per_turn]


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="warm exec round trips to time")
    parser.add_argument("--spawn-n", type=int, default=100, help="python -c spawns to time (each ~20 ms)")
    parser.add_argument("--reset-n", type=int, default=200, help="reset() calls to time")
    parser.add_argument("--think-ms", type=float, default=20.0, help="the policy's pause around a reset")
    parser.add_argument("--episodes", type=int, default=100, help="episodes for the turns-after-reset profile")
    parser.add_argument("--backend", choices=("local", "docker"), default="local")
    args = parser.parse_args(argv)
    if args.backend == "docker":
        from toolgym.sandbox.docker import DockerSandbox

        make_sandbox: Callable[[], object] = DockerSandbox
    else:
        make_sandbox = LocalSandbox

    with make_sandbox() as sandbox:  # type: ignore[attr-defined]
        for _ in range(50):  # start the zygote and warm the interpreter
            sandbox.exec("print(1)")
        warm = _timings_ms(lambda: sandbox.exec("print(1)"), args.n)
        reset = _timings_ms(sandbox.reset, args.reset_n)
        # The supervisor forks the next interpreter after answering a reset: time the first call too.
        fresh = _timings_ms(lambda: (sandbox.reset(), sandbox.exec("print(1)")), args.reset_n)
        think = args.think_ms / 1000
        alone, first, back_to_back = episode_resets_ms(sandbox, args.reset_n, think)
        turns = turns_after_reset_ms(sandbox, args.episodes, 10, think)
        idle_turns = turns_after_reset_ms(sandbox, args.episodes, 10, think, reset=False)
    tool = PythonTool(make_sandbox)
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
    results["warm_exec_p99_over_p50"] = results["warm_exec_p99_ms"] / results["warm_exec_p50_ms"]
    results["python_tool_p99_over_p50"] = results["python_tool_p99_ms"] / results["python_tool_p50_ms"]
    results["episode_reset_p50_ms"] = statistics.median(alone)
    results["episode_reset_p99_ms"] = _percentile(alone, 99)
    results["first_call_after_think_p50_ms"] = statistics.median(first)
    results["episode_reset_plus_first_call_p50_ms"] = statistics.median(alone) + statistics.median(first)
    results["reset_then_call_no_think_p50_ms"] = statistics.median(back_to_back)
    later = statistics.median(turns[6:])
    for k, value in enumerate(turns, 1):
        results[f"turn_{k}_after_reset_p50_ms"] = value
    results["turns_2_6_over_turns_7_10"] = statistics.median(turns[1:6]) / later
    for k in (1, 2, 3):
        results[f"turn_{k}_after_idle_no_reset_p50_ms"] = idle_turns[k - 1]
    results["idle_control_turns_2_6_over_7_10"] = statistics.median(idle_turns[1:6]) / statistics.median(idle_turns[6:])
    width = max(map(len, results))
    for name, value in results.items():
        print(f"{name:<{width}}  {value:10.3f}")
    print(
        f"python tool p99/p50 = {results['python_tool_p99_over_p50']:.2f} (target <= 5); "
        f"turns 2-6 / turns 7-10 after a reset = {results['turns_2_6_over_turns_7_10']:.2f} "
        f"(after the same pause without a reset: {results['idle_control_turns_2_6_over_7_10']:.2f})"
    )
    return results


if __name__ == "__main__":
    main()
