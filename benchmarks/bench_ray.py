"""Ray actors vs in-process: what a step costs through :class:`toolgym.vector.RayEnvPool`.

One trajectory of ``ToolGym/MathTIR-v1`` at a time, stepped with a python tool call
(``print(1)``, the local sandbox) and awaited before the next, so the numbers are per-step latency,
not throughput. Measured in the same run: ``env.step`` called directly (baseline), the in-process
:class:`toolgym.vector.EnvPool` (a thread hop), and ``RayEnvPool`` with 2 actors on a local Ray
(serialisation + an actor call), interleaved over rounds. Prints p50s and the overhead per step over the baseline. Ray's own
start-up (``ray.init`` + actors) is printed too.

    python benchmarks/bench_ray.py --n 300
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

import gymnasium as gym

import toolgym
from toolgym.vector import EnvPool

CALL = '<tool_call>{"name": "python", "arguments": {"code": "print(1)"}}</tool_call>'
MAX_TURNS = 8


def direct_ms(env_id: str, n: int) -> list[float]:
    env = gym.make(env_id, split="test", max_turns=MAX_TURNS)
    out = []
    try:
        for i in range(n):
            if i % (MAX_TURNS - 1) == 0:
                env.reset(seed=i)
                env.step(CALL)  # the first call after a reset forks the interpreter: not timed
            start = time.perf_counter()
            env.step(CALL)
            out.append((time.perf_counter() - start) * 1000)
    finally:
        env.close()
    return out


async def pool_ms(pool, n: int) -> list[float]:
    out: list[float] = []
    traj = None
    for i in range(n):
        if i % (MAX_TURNS - 1) == 0:
            if traj is not None:
                await _release(pool, traj)
            traj = (await pool.reset(seed=i)).traj_id
            await pool.step(traj, CALL)
        start = time.perf_counter()
        step = await pool.step(traj, CALL)
        out.append((time.perf_counter() - start) * 1000)
        assert step.info["error"] is None, step.info
    return out


async def _release(pool, traj: str) -> None:
    result = pool.release(traj)
    if asyncio.iscoroutine(result):
        await result


def main(argv: list[str] | None = None) -> dict[str, float]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300, help="timed steps per layer")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds the steps are split into")
    args = ap.parse_args(argv)
    env_id = next(i for i in toolgym.env_ids() if i.startswith("ToolGym/MathTIR"))
    try:
        import ray

        from toolgym.vector import RayEnvPool
    except ImportError:
        print("Ray is not installed (pip install 'toolgym[ray]'): nothing to compare; measured nothing.")
        return {}
    res: dict[str, float] = {}
    start = time.perf_counter()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    rpool = RayEnvPool(env_id, num_actors=2, max_concurrency=4, split="test", max_turns=MAX_TURNS,
                       actor_options={"num_cpus": 0})
    rpool.placement()
    res["ray_startup_s"] = time.perf_counter() - start
    samples: dict[str, list[float]] = {"direct": [], "pool": [], "ray": []}
    per_round = max(args.n // args.rounds, MAX_TURNS)
    try:
        with EnvPool(env_id, max_concurrency=4, split="test", max_turns=MAX_TURNS) as pool:
            for _ in range(args.rounds):  # interleaved, so load from other jobs hits all three alike
                samples["direct"] += direct_ms(env_id, per_round)
                samples["pool"] += asyncio.run(pool_ms(pool, per_round))
                samples["ray"] += asyncio.run(pool_ms(rpool, per_round))
    finally:
        rpool.close()
        ray.shutdown()
    for name, values in samples.items():
        res[f"{name}_step_p50_ms"] = statistics.median(values)
    res["pool_overhead_ms"] = res["pool_step_p50_ms"] - res["direct_step_p50_ms"]
    res["ray_overhead_ms"] = res["ray_step_p50_ms"] - res["direct_step_p50_ms"]
    res["ray_over_direct_ratio"] = res["ray_step_p50_ms"] / res["direct_step_p50_ms"]
    print(f"{'metric':34s} value")
    for k, v in res.items():
        print(f"{k:34s} {v:,.3f}")
    return res


if __name__ == "__main__":
    main()
