"""EnvPool: overlap, the concurrency limit, a free event loop, infra_error isolation, caller errors."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from tests.vector.envs import MATH_ID, Breaks, Gauge, wait_call, wait_env
from toolgym.vector import EnvPool, PoolError


def test_trajectories_step_concurrently_within_the_limit() -> None:
    gauge = Gauge()

    async def one(pool: EnvPool, i: int) -> float:
        r = await pool.reset(seed=i)
        await pool.step(r.traj_id, wait_call(0.2))
        step = await pool.step(r.traj_id, f"<answer>{r.info['task_id'][1:]}</answer>")
        pool.release(r.traj_id)
        return step.reward

    async def main() -> list[float]:
        with EnvPool(lambda: wait_env(gauge), max_concurrency=4) as pool:
            return await asyncio.gather(*(one(pool, i) for i in range(8)))

    start = time.perf_counter()
    rewards = asyncio.run(main())
    elapsed = time.perf_counter() - start
    assert rewards == [1.0] * 8
    assert gauge.peak == 4  # the limit is reached and never passed
    assert elapsed < 8 * 0.2 * 0.75  # two waves of 0.2 s, not eight in a row


def test_the_event_loop_keeps_running_during_a_slow_step() -> None:
    ticks = 0

    async def ticker(stop: asyncio.Event) -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            await asyncio.sleep(0.01)

    async def main() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(ticker(stop))
        with EnvPool(wait_env, max_concurrency=1) as pool:
            r = await pool.reset(seed=0)
            await pool.step(r.traj_id, wait_call(0.3))
        stop.set()
        await task

    asyncio.run(main())
    assert ticks >= 10  # a blocked loop would tick once or twice


def test_an_env_exception_is_that_trajectorys_infra_error_only() -> None:
    async def main():
        with EnvPool(lambda: Breaks(wait_env()), max_concurrency=2) as pool:
            a, b = await pool.reset(seed=0), await pool.reset(seed=1)
            bad, good = await asyncio.gather(pool.step(a.traj_id, "boom"), pool.step(b.traj_id, wait_call(0)))
            with pytest.raises(PoolError, match="is over"):
                await pool.step(a.traj_id, "<answer>0</answer>")
            # the pool and the other trajectory go on; the broken env is not reused
            last = await pool.step(b.traj_id, f"<answer>{b.info['task_id'][1:]}</answer>")
            pool.release(a.traj_id)
            again = await pool.reset(traj_id=a.traj_id, seed=2)
            return a, bad, good, last, again

    a, bad, good, last, again = asyncio.run(main())
    assert bad.info["error"] == "infra_error" and "env exploded" in bad.info["error_message"]
    assert bad.truncated and not bad.terminated and bad.reward == 0.0 and bad.info["end_reason"] == "infra"
    assert bad.observation == a.observation and bad.info["task_id"] == a.info["task_id"]
    assert good.info["error"] is None and last.reward == 1.0
    assert again.info.get("error") is None and again.observation


def test_a_factory_that_fails_gives_an_infra_error_reset() -> None:
    def broken():
        raise OSError("no sandbox today")

    async def main():
        with EnvPool(broken) as pool:
            r = await pool.reset()
            with pytest.raises(PoolError):
                await pool.step(r.traj_id, "x")
            return r

    r = asyncio.run(main())
    assert r.done and r.observation is None and "no sandbox today" in r.info["error_message"]


def test_caller_mistakes_raise_pool_error() -> None:
    async def main():
        with EnvPool(wait_env) as pool:
            r = await pool.reset(seed=0)
            first = asyncio.ensure_future(pool.step(r.traj_id, wait_call(0.2)))
            await asyncio.sleep(0.02)
            with pytest.raises(PoolError, match="in flight"):
                await pool.step(r.traj_id, "<answer>1</answer>")
            await first
            with pytest.raises(PoolError, match="unknown"):
                await pool.step("nope", "x")
        with pytest.raises(PoolError, match="closed"):
            await pool.reset()

    asyncio.run(main())


def test_thread_api_and_several_event_loops_share_one_pool() -> None:
    pool = EnvPool(wait_env, max_concurrency=4)
    try:
        results: list[float] = []

        def worker(i: int) -> None:
            r = pool.submit_reset(seed=i).result()
            step = pool.submit_step(r.traj_id, f"<answer>{r.info['task_id'][1:]}</answer>").result()
            results.append(step.reward)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        async def in_a_loop() -> float:
            r = await pool.reset(seed=9)
            return (await pool.step(r.traj_id, f"<answer>{r.info['task_id'][1:]}</answer>")).reward

        loop_results = [asyncio.run(in_a_loop()) for _ in range(2)]
    finally:
        pool.close()
    assert results == [1.0] * 4 and loop_results == [1.0, 1.0]


def test_registered_ids_in_chat_mode_and_reading_the_env_at_the_end() -> None:
    env_id = MATH_ID

    async def main():
        with EnvPool(env_id, mode="chat", split="test", max_concurrency=2) as pool:
            r = await pool.reset(seed=0)
            call = {"role": "assistant", "content": "", "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "python", "arguments": '{"code": "print(6*7)"}'}}]}
            step = await pool.step(r.traj_id, call)
            messages = await pool.call(r.traj_id, lambda env: env.unwrapped.messages)
            return r, step, messages

    r, step, messages = asyncio.run(main())
    assert set(r.observation) == {"messages", "tools"}
    assert step.info["error"] is None and step.observation["messages"][-1]["content"].strip() == "42"
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "tool"]
