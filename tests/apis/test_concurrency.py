"""32 concurrent episodes on one domain end in 32 correct, independent database states."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.apis.helpers import write_actions
from toolgym.agents import ReferenceAgent
from toolgym.apis import local_backend
from toolgym.apis.service import ServiceThread
from toolgym_envs.retail import RetailEnv

N = 32


def run_episode(env: RetailEnv, task_id: str, barrier: threading.Barrier) -> tuple[float, str]:
    agent = ReferenceAgent()
    obs, _ = env.reset(options={"task_id": task_id})
    agent.begin(env)
    barrier.wait(timeout=60)
    done, reward = False, 0.0
    while not done:
        obs, reward, term, trunc, info = env.step(agent.act(env, obs))
        assert info["error"] is None, info
        done = term or trunc
    return reward, env.api.state_hash()


@pytest.mark.parametrize("via", ["in-process", "http"])
def test_32_concurrent_episodes_have_independent_correct_states(via):
    probe = RetailEnv(split="all")
    tasks = [t for t in probe.tasks if write_actions(probe, t)][:N]
    probe.close()
    assert len(tasks) == N
    service = ServiceThread(local_backend("retail")) if via == "http" else None
    url = service.__enter__() if service else None
    try:
        envs = [RetailEnv(split="all", api_url=url) for _ in range(N)]
        barrier = threading.Barrier(N)
        with ThreadPoolExecutor(N) as pool:
            results = list(pool.map(lambda pair: run_episode(pair[0], pair[1].id, barrier), zip(envs, tasks)))
        gold = [envs[0].api.backend.replay_hash(t.gold["actions"]) for t in tasks]
        for env in envs:
            env.close()
    finally:
        if service:
            service.__exit__(None, None, None)
    assert [r for r, _ in results] == [1.0] * N
    assert [h for _, h in results] == gold  # each database holds exactly its own task's writes
    assert len(set(gold)) == N and local_backend("retail").replay_hash([]) not in gold
