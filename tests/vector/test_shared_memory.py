"""gym.make_vec with Gymnasium's defaults (async = shared memory on), autoreset, episode statistics."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.wrappers.vector import RecordEpisodeStatistics

import toolgym
from tests.vector.envs import MATH_ID
from toolgym.vector.shared_memory import ObjectSlots, SlotView

ENV_ID = MATH_ID  # its python tool runs in a sandbox inside each worker
CALL = '<tool_call>{"name": "python", "arguments": {"code": "print(6*7)"}}</tool_call>'


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_make_vec_defaults_autoreset_and_episode_statistics(mode: str) -> None:
    envs = RecordEpisodeStatistics(gym.make_vec(ENV_ID, 2, vectorization_mode=mode, split="test"))
    try:
        obs, info = envs.reset(seed=0)
        assert len(obs) == 2 and all(isinstance(o, str) and "Python" in o for o in obs)
        first_tasks = list(info["task_id"])
        # env 0 answers at once; env 1 runs the tool, then answers
        obs, reward, term, trunc, info = envs.step(("<answer>none</answer>", CALL))
        assert list(term) == [True, False] and "42" in obs[1]
        assert info["episode"]["l"][0] == 1 and info["_episode"].tolist() == [True, False]
        obs, reward, term, trunc, info = envs.step(("ignored: autoreset", "<answer>none</answer>"))
        # NEXT_STEP autoreset: env 0 starts a new episode (reward 0, a fresh prompt), env 1 ends after 2 turns
        assert "Python" in obs[0] and reward[0] == 0.0 and not term[0]
        assert term[1] and info["episode"]["l"][1] == 2 and info["_episode"].tolist() == [False, True]
        assert info["turn"][0] == 0 and info["task_id"][0] is not None
        assert all(t is not None for t in first_tasks)
    finally:
        envs.close()


def test_async_chat_mode_with_shared_memory() -> None:
    envs = gym.make_vec(ENV_ID, 2, vectorization_mode="async", split="test", mode="chat")
    try:
        obs, _ = envs.reset(seed=1)
        assert isinstance(obs, tuple) and [m["role"] for m in obs[0]["messages"]] == ["system", "user"]
        msg = {"role": "assistant", "content": "<answer>3</answer>"}
        obs, reward, term, _, info = envs.step((msg, msg))
        assert term.all() and isinstance(reward, np.ndarray)
        assert obs[0]["messages"][-1]["role"] == "assistant"
    finally:
        envs.close()


def test_async_without_copy_returns_a_live_view() -> None:
    envs = gym.make_vec(ENV_ID, 2, vectorization_mode="async", split="test", vector_kwargs={"copy": False})
    try:
        obs, _ = envs.reset(seed=0)
        assert isinstance(obs, SlotView) and len(obs) == 2
        before = obs.snapshot()
        envs.step(("<answer>1</answer>", CALL))
        assert obs[1] != before[1] and "42" in obs[1]  # the same view object now shows the new observations
    finally:
        envs.close()


def test_object_slots_travel_pickled_without_their_manager() -> None:
    import pickle

    slots = ObjectSlots(2)
    copy = pickle.loads(pickle.dumps(slots))  # what a spawned worker receives
    assert copy._manager is None and copy.n == 2 and bool(copy)  # the worker tests `if shared_memory:`
    copy.values[1] = "written by a worker"
    assert SlotView(slots)[1] == "written by a worker" and list(SlotView(slots)) == [None, "written by a worker"]


@pytest.mark.parametrize("env_id", toolgym.env_ids())
def test_every_id_runs_as_an_async_vector_env_with_defaults(env_id: str) -> None:
    envs = gym.make_vec(env_id, 2, vectorization_mode="async")
    try:
        obs, _ = envs.reset(seed=0)
        assert len(obs) == 2 and all(isinstance(o, str) and o for o in obs)
        obs, reward, term, trunc, info = envs.step(("no tool call, no answer", "<answer>1</answer>"))
        assert all(isinstance(o, str) for o in obs) and "infra_error" not in list(info["error"])
    finally:
        envs.close()
