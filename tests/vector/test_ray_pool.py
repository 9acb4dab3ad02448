"""RayEnvPool on a local Ray with 2 actors: pinning, spreading, an actor's death as infra_error.

Ray starts once for the module (about 5-10 s on a 2-core machine); ``pip install toolgym[ray]``.
"""

from __future__ import annotations

import asyncio
import time

import pytest

ray = pytest.importorskip("ray", reason="Ray is not installed: pip install 'toolgym[ray]'")

import toolgym  # noqa: F401
from tests.vector.envs import MATH_ID
from toolgym.vector import PoolError, RayEnvPool

ENV_ID = MATH_ID  # its python tool runs in a sandbox inside each worker
CALL = '<tool_call>{"name": "python", "arguments": {"code": "x = 6 * 7\\nprint(x)"}}</tool_call>'
AGAIN = '<tool_call>{"name": "python", "arguments": {"code": "print(x + 1)"}}</tool_call>'


@pytest.fixture(scope="module")
def pool():
    start = time.perf_counter()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    p = RayEnvPool(ENV_ID, num_actors=2, max_concurrency=4, split="test", actor_options={"num_cpus": 0})
    p.placement()  # wait until both actors are up
    print(f"\nray start + 2 actors: {time.perf_counter() - start:.1f} s")
    yield p
    p.close()
    ray.shutdown()


def test_trajectories_spread_over_actors_and_stay_pinned(pool: RayEnvPool) -> None:
    async def main():
        starts = await asyncio.gather(*(pool.reset(seed=i) for i in range(4)))
        actors = [pool.actor_of(s.traj_id) for s in starts]
        first = await asyncio.gather(*(pool.step(s.traj_id, CALL) for s in starts))
        # interpreter state survives between steps: the same actor (and sandbox) serves every step
        second = await asyncio.gather(*(pool.step(s.traj_id, AGAIN) for s in starts))
        end = await pool.step(starts[0].traj_id, "<answer>0</answer>")
        for s in starts:
            await pool.release(s.traj_id)
        return actors, first, second, end

    actors, first, second, end = asyncio.run(main())
    assert sorted(actors) == [0, 0, 1, 1]
    assert all("42" in s.observation and s.info["error"] is None for s in first)
    assert all("43" in s.observation for s in second)
    assert end.terminated and end.info["turn"] == 3
    hosts = pool.placement()
    assert len({h["pid"] for h in hosts}) == 2  # two actor processes


def test_thread_api(pool: RayEnvPool) -> None:
    r = pool.submit_reset(seed=5).result(timeout=60)
    step = pool.submit_step(r.traj_id, CALL).result(timeout=60)
    pool.submit_release(r.traj_id).result(timeout=60)
    assert "42" in step.observation
    with pytest.raises(PoolError):
        pool.submit_step("nope", CALL).result(timeout=60)


def test_policy_code_cannot_kill_its_actor_to_earn_an_infra_error(pool: RayEnvPool) -> None:
    """An actor's death is blamed on infra, so the policy must not be able to cause one: its code
    runs in the sandbox (own pid namespace), where the actor's pid does not exist."""
    import json

    async def main():
        r = await pool.reset(seed=3)
        pid = pool.placement()[pool.actor_of(r.traj_id)]["pid"]
        code = (
            "import os, signal\n"
            f"for sig in (signal.SIGKILL, signal.SIGTERM):\n"
            f"    try:\n        os.kill({pid}, sig)\n    except OSError as e:\n        print('refused', e.errno)\n"
        )
        attack = await pool.step(r.traj_id, '<tool_call>' + json.dumps({"name": "python", "arguments": {"code": code}}) + '</tool_call>')
        after = await pool.step(r.traj_id, CALL)
        await pool.release(r.traj_id)
        return attack, after

    attack, after = asyncio.run(main())
    assert attack.info["error"] != "infra_error" and "refused" in attack.observation
    assert after.info["error"] is None and "42" in after.observation and all(pool.alive())


def test_a_dead_actor_turns_its_trajectories_into_infra_errors(pool: RayEnvPool) -> None:
    async def main():
        a, b = await pool.reset(seed=0), await pool.reset(seed=1)
        assert pool.actor_of(a.traj_id) != pool.actor_of(b.traj_id)
        victim = pool.actor_of(a.traj_id)
        ray.kill(pool.actors[victim], no_restart=True)
        lost = await pool.step(a.traj_id, CALL)
        lost_again = await pool.step(a.traj_id, CALL)
        fine = await pool.step(b.traj_id, CALL)
        fresh = await pool.reset(seed=2)  # goes to the survivor
        return victim, a, lost, lost_again, fine, fresh, pool.actor_of(fresh.traj_id), pool.actor_of(b.traj_id)

    victim, a, lost, lost_again, fine, fresh, fresh_actor, survivor = asyncio.run(main())
    for step in (lost, lost_again):
        assert step.info["error"] == "infra_error" and step.info["end_reason"] == "infra"
        assert step.truncated and step.reward == 0.0 and step.info["task_id"] == a.info["task_id"]
    assert "died" in lost.info["error_message"] or "dead" in lost.info["error_message"]
    assert "42" in fine.observation and fine.info["error"] is None
    assert fresh.info.get("error") is None and fresh_actor == survivor != victim
    assert pool.alive()[victim] is False
