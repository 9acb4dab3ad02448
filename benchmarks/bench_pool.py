"""Async env pool vs lock-step batches: rollout throughput under a heavy-tailed policy latency.

64 trajectories of ``ToolGym/MathTIR-v1`` (real env, real python tool in the local sandbox), each
of a different length (1 to ``--max-turns`` tool-call turns, then an answer). A simulated policy
takes a log-normal time per turn (median ``--median-ms``, shape ``--sigma``: a heavy tail, as LLM
turns have), then emits the action. Both schedules use the same :class:`toolgym.vector.EnvPool`
and the same pre-drawn latencies, so only the scheduling differs:

* baseline, lock-step batches (what a synchronous vector env or a batched generate-then-step loop
  does): every turn waits for the slowest policy call of the batch, then steps all envs;
* async pool: each trajectory steps as soon as its own action is ready.

Prints, per repeat and as medians: wall time, env steps per second, the throughput ratio
async / lock-step (target >= 1.7x), and the ratio the latencies alone would give if env steps were
free (the scheduling bound; env work on a small CPU pulls the measured ratio below it).

    python benchmarks/bench_pool.py --trajectories 64 --repeats 3
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

import toolgym
from toolgym.vector import EnvPool

CALL = '<tool_call>{"name": "python", "arguments": {"code": "print(%d * 7)"}}</tool_call>'


def plan(n: int, max_turns: int, median_s: float, sigma: float, seed: int) -> list[list[float]]:
    """Per trajectory, the policy latency of each turn (its length = tool turns + the answer)."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, max_turns + 1, size=n) + 1
    return [list(median_s * np.exp(sigma * rng.standard_normal(int(k)))) for k in lengths]


def ideal_ratio(latencies: list[list[float]]) -> float:
    """The ratio if env steps were free: sum of per-turn maxima over the longest sum."""
    turns = max(len(lat) for lat in latencies)
    lockstep = sum(max(lat[t] for lat in latencies if t < len(lat)) for t in range(turns))
    return lockstep / max(sum(lat) for lat in latencies)


def action(turn: int, last: bool) -> str:
    return "<answer>0</answer>" if last else CALL % turn


async def run_async(pool: EnvPool, latencies: list[list[float]]) -> int:
    async def one(i: int, lat: list[float]) -> int:
        r = await pool.reset(seed=i)
        for t, delay in enumerate(lat):
            await asyncio.sleep(delay)  # the policy is thinking; other trajectories step meanwhile
            await pool.step(r.traj_id, action(t, t == len(lat) - 1))
        pool.release(r.traj_id)
        return len(lat)

    return sum(await asyncio.gather(*(one(i, lat) for i, lat in enumerate(latencies))))


async def run_lockstep(pool: EnvPool, latencies: list[list[float]]) -> int:
    starts = await asyncio.gather(*(pool.reset(seed=i) for i in range(len(latencies))))
    steps = 0
    for t in range(max(len(lat) for lat in latencies)):
        live = [i for i, lat in enumerate(latencies) if t < len(lat)]
        await asyncio.sleep(max(latencies[i][t] for i in live))  # the batch waits for its slowest turn
        await asyncio.gather(
            *(pool.step(starts[i].traj_id, action(t, t == len(latencies[i]) - 1)) for i in live)
        )
        steps += len(live)
    for s in starts:
        pool.release(s.traj_id)
    return steps


def main(argv: list[str] | None = None) -> dict[str, float]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trajectories", type=int, default=64)
    ap.add_argument("--max-turns", type=int, default=6, help="most tool-call turns before the answer")
    ap.add_argument("--median-ms", type=float, default=100.0,
                    help="median policy latency per turn (real LLM turns take seconds; 100 ms is conservative)")
    ap.add_argument("--sigma", type=float, default=1.0, help="log-normal shape (1.0: p99 is ~10x the median)")
    ap.add_argument("--concurrency", type=int, default=16, help="EnvPool threads")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    env_id = next(i for i in toolgym.env_ids() if i.startswith("ToolGym/MathTIR"))
    rows = []
    with EnvPool(env_id, max_concurrency=args.concurrency, split="test") as pool:
        asyncio.run(run_lockstep(pool, plan(args.trajectories, 1, 0.0, 0.0, 0)))  # warm the envs and sandboxes
        for rep in range(args.repeats):
            latencies = plan(args.trajectories, args.max_turns, args.median_ms / 1000, args.sigma, seed=rep)
            row = {}
            for name, runner in (("lockstep", run_lockstep), ("async", run_async)):
                start = time.perf_counter()
                steps = asyncio.run(runner(pool, latencies))
                wall = time.perf_counter() - start
                row[f"{name}_wall_s"], row[f"{name}_steps_per_s"] = wall, steps / wall
            row["ratio"] = row["async_steps_per_s"] / row["lockstep_steps_per_s"]
            row["ideal_ratio"] = ideal_ratio(latencies)
            rows.append(row)
            print(
                f"repeat {rep}: {steps} steps; lock-step {row['lockstep_wall_s']:.2f} s "
                f"({row['lockstep_steps_per_s']:.0f} steps/s), async {row['async_wall_s']:.2f} s "
                f"({row['async_steps_per_s']:.0f} steps/s), ratio {row['ratio']:.2f}x "
                f"(latency-only bound {row['ideal_ratio']:.2f}x)"
            )
    res = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
    print(f"\n{'metric (median of repeats)':34s} value")
    for k, v in res.items():
        print(f"{k:34s} {v:,.2f}")
    print(f"async / lock-step throughput: {res['ratio']:.2f}x (target >= 1.7x)")
    return res


if __name__ == "__main__":
    main()
