"""ToolGym/Retail-v1: tools, prompt, and the acceptance bar on every task (both splits)."""

import gymnasium as gym
import pytest

import toolgym  # noqa: F401
from tests.apis.helpers import MutatedWriteAgent, SilentAgent, WrongWriteAgent, play_all, write_actions
from toolgym.agents import ReferenceAgent
from toolgym_envs.retail import RetailEnv
from toolgym_tasks.retail import load_db

OTHER_ADDRESS = {"address1": "1 Wrong Way", "address2": "", "city": "Nowhere", "state": "KS", "zip": "66000"}


@pytest.fixture(scope="module")
def env():
    e = RetailEnv(split="all")
    yield e
    e.close()


def task_user(task) -> str:
    for a in task.gold["actions"]:
        if "user_id" in a["arguments"]:
            return a["arguments"]["user_id"]
    return load_db()["users"][0]["user_id"]


def test_tools_and_prompt(env):
    kinds = [s.kind for s in env.api.backend.specs]
    assert len(kinds) >= 12 and kinds.count("read") >= 5 and kinds.count("write") >= 5
    obs, info = env.reset(seed=3)
    assert "# Retail customer-service policy" in obs and '"name": "cancel_pending_order"' in obs
    assert obs.endswith(env.task.question) and info["task_id"] == env.task.id


def test_gym_make_splits():
    train, test = gym.make("ToolGym/Retail-v1"), gym.make("ToolGym/Retail-v1", split="test")
    assert {t.split for t in train.unwrapped.tasks} == {"train"} and {t.split for t in test.unwrapped.tasks} == {"test"}
    assert len(train.unwrapped.tasks) + len(test.unwrapped.tasks) >= 100
    with pytest.raises(ValueError, match="split"):
        RetailEnv(split="validation")


def test_gold_actions_with_the_scripted_user_score_one_on_every_task(env):
    results = play_all(env, ReferenceAgent(), list(env.tasks))
    assert {tid: r for tid, r in results.items() if not (r[0] == 1.0 and r[3] and not r[2])} == {}


def test_doing_nothing_scores_zero_on_every_task(env):
    results = play_all(env, SilentAgent(), list(env.tasks))
    assert {tid for tid, r in results.items() if r[0] != 0.0} == set()
    assert all(r[3] for r in results.values())  # the user gives up and leaves


def test_an_extra_wrong_write_scores_zero_on_every_task(env):
    agent = WrongWriteAgent(lambda t: {"name": "modify_user_address", "arguments": {"user_id": task_user(t), **OTHER_ADDRESS}})
    results = play_all(env, agent, list(env.tasks))
    assert {tid for tid, r in results.items() if r[0] != 0.0 or r[1]["db_match"] != 0.0} == set()
    assert all(r[1]["outputs"] == 1.0 for r in results.values())  # only the write is wrong


def mutate(action):
    args = action["arguments"]
    if "reason" in args:
        args["reason"] = "ordered by mistake" if args["reason"] == "no longer needed" else "no longer needed"
    elif "zip" in args:
        args["zip"] = "00000"
    return action


def test_a_write_with_a_wrong_argument_scores_zero(env):
    tasks = [t for t in env.tasks if any("reason" in a["arguments"] or "zip" in a["arguments"] for a in write_actions(env, t))]
    assert len(tasks) >= 40
    results = play_all(env, MutatedWriteAgent(mutate), tasks)
    assert {tid for tid, r in results.items() if r[0] != 0.0} == set()
