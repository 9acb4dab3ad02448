"""``ToolGym/BFCLMultiTurn-v0``: BFCL's API classes in a sandbox, graded per user turn like BFCL."""

from __future__ import annotations

import copy
import itertools
import json
import random
import warnings

import gymnasium as gym
import pytest
from gymnasium.utils.env_checker import check_env

import toolgym  # noqa: F401  (registers the envs)
from toolgym.agents import ReferenceAgent
from toolgym.runner import play_episode
from toolgym_envs.bfcl.backend import parse_call
from toolgym_envs.bfcl.multi_turn import BFCLMultiTurnEnv

ENV_ID = "ToolGym/BFCLMultiTurn-v0"


@pytest.fixture(scope="module")
def env():
    e = BFCLMultiTurnEnv(split="all")
    yield e
    e.close()


def block(name: str, arguments: dict) -> str:
    return f"<tool_call>{json.dumps({'name': name, 'arguments': arguments})}</tool_call>"


def test_check_env_passes_without_warnings():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        e = gym.make(ENV_ID)
        check_env(e)
        check_env(e.unwrapped)
        e.close()
    assert [str(w.message) for w in caught] == []


@pytest.mark.parametrize("category", ["base", "long_context"])
def test_reference_trajectories_score_one_on_every_task(category):
    e = BFCLMultiTurnEnv(category=category, split="all")
    assert len(e.tasks) == 200
    agent = ReferenceAgent()
    for task in e.tasks:
        rec = play_episode(e, agent, seed=None, task_id=task.id)
        assert rec.reward == 1.0 and rec.terminated and not rec.errors, task.id
    e.close()


@pytest.mark.parametrize("action", ["", "Done.", "<answer>done</answer>", block("ls", {"a": True})])
def test_null_agents_score_zero_on_every_task(env, action):
    for task in env.tasks:
        env.reset(options={"task_id": task.id})
        done = False
        while not done:
            _, reward, terminated, truncated, info = env.step(action)
            done = terminated or truncated
        assert reward == 0.0 and set(info["reward_components"].values()) == {0.0}, task.id


def test_user_turns_follow_one_another_and_state_persists(env):
    obs, _ = env.reset(options={"task_id": "multi_turn_base_0"})
    gold = env.task.gold
    assert gold["turns"][0] in obs
    name, _, kwargs = parse_call(gold["ground_truth"][0][0])  # cd(folder='document')
    obs, reward, terminated, *_ = env.step(block(name, kwargs))
    assert "document" in obs and not terminated
    obs, reward, terminated, *_ = env.step(block("pwd", {}))
    assert "document" in obs  # the cd above persisted


def test_a_wrong_call_fails_the_turn_and_ends_the_episode(env):
    env.reset(options={"task_id": "multi_turn_base_0"})
    env.step(block("mkdir", {"dir_name": "elsewhere"}))
    _, reward, terminated, truncated, info = env.step("Done.")
    assert terminated and reward == 0.0 and info["error"] is None


def test_policy_code_cannot_hang_or_poison_the_host(env):
    import mpmath

    task = next(t for t in env.tasks if "MathAPI" in t.gold["spec"]["classes"])
    before = mpmath.mp.dps
    env.reset(options={"task_id": task.id})
    obs, *_ = env.step(block("logarithm", {"value": 10, "base": 2, "precision": 50}))
    assert "3.32192809488736234787031942948939017586483139302" in obs  # computed at the asked precision...
    assert mpmath.mp.dps == before  # ...in the sandbox, not in this process
    obs, reward, terminated, truncated, info = env.step(block("power", {"base": 7, "exponent": 10**12}))
    assert info["error"] == "tool_error" and terminated and reward == 0.0  # a timeout is the policy's
    env.reset(options={"task_id": task.id})  # and the next episode starts clean
    obs, *_ = env.step(block("add", {"a": 1, "b": 2}))
    assert '"result": 3' in obs


def test_junk_calls_are_tool_errors_not_crashes(env):
    env.reset(options={"task_id": "multi_turn_base_0"})
    for action in [block("cd", {"folder": 5}), block("cd", {"nope": 1}), block("_load_scenario", {}),
                   block("__init__", {}), "<tool_call>{bad</tool_call>", block("ls", {"a": "x" * 100_000})]:
        _, _, terminated, _, info = env.step(action)
        assert info["error"] in (None, "tool_error") and not terminated, action


# ------------------------------------------------------------------ agreement with BFCL's checker
def _render(name: str, args: dict) -> str:
    return f"{name}({', '.join(f'{k}={v!r}' for k, v in args.items())})"


def _plan(task, kind: str, rng: random.Random) -> list[list[tuple[str, dict]]]:
    """Per user turn, the calls to make: the reference, or one perturbation of it."""
    plan, current = [], []
    for t in task.reference:
        current.extend((c.name, copy.deepcopy(c.arguments)) for c in t.tool_calls)
        if t.answer is not None:
            plan.append(current)
            current = []
    assert len(plan) == len(task.gold["turns"])
    spots = [(i, j) for i, calls in enumerate(plan) for j in range(len(calls))]
    if kind == "reference" or not spots:
        return plan
    i, j = rng.choice(spots)
    name, args = plan[i][j]
    if kind == "drop_call":
        plan[i].pop(j)
    elif kind == "duplicate_call":
        plan[i].insert(j, (name, copy.deepcopy(args)))
    elif kind == "reorder_turn":
        rng.shuffle(plan[i])
    elif kind == "change_argument" and args:
        key = rng.choice(sorted(args))
        value = args[key]
        args[key] = value + 1 if isinstance(value, (int, float)) and not isinstance(value, bool) else (
            not value if isinstance(value, bool) else f"{value}x" if isinstance(value, str) else value)
    elif kind == "skip_turn":
        plan[i] = []
    return plan


def _ours(env, task, plan) -> bool:
    env.reset(options={"task_id": task.id})
    reward = 0.0
    for calls in plan:
        for k in range(0, len(calls), 8):
            _, reward, terminated, truncated, _ = env.step("\n".join(block(n, a) for n, a in calls[k : k + 8]))
            if terminated or truncated:
                return reward == 1.0
        _, reward, terminated, truncated, _ = env.step("Done.")
        if terminated or truncated:
            return reward == 1.0
    return reward == 1.0


_ORACLE_RUNS = itertools.count()


def _theirs(task, plan, record) -> bool:
    from bfcl_eval.eval_checker.multi_turn_eval.multi_turn_checker import multi_turn_checker

    model = [[[_render(n, a) for n, a in calls[k : k + 8]] for k in range(0, len(calls), 8)] for calls in plan]
    entry = {"id": task.id, "initial_config": copy.deepcopy(record["initial_config"]), "involved_classes": record["involved_classes"]}
    try:
        result = multi_turn_checker(model, task.gold["ground_truth"], entry, "multi_turn_base", f"oracle{next(_ORACLE_RUNS)}")
    except Exception:  # noqa: BLE001
        return False
    return bool(result["valid"])


def test_grading_agrees_with_bfcls_multi_turn_checker(env):
    pytest.importorskip("bfcl_eval.eval_checker.multi_turn_eval.multi_turn_checker")
    from toolgym_envs.bfcl.data import bfcl_data_dir, newest_file, read_records

    records = {r["id"]: r for r in read_records(newest_file(bfcl_data_dir(), "multi_turn_base"))}
    kinds = ("reference", "drop_call", "duplicate_call", "reorder_turn", "change_argument", "skip_turn")
    tally, disagreements = {k: [0, 0, 0] for k in kinds}, []
    for task in list(env.tasks)[::4]:  # 50 of the 200 cases, every kind each
        for kind in kinds:
            plan = _plan(task, kind, random.Random(f"{task.id}/{kind}"))
            ours, theirs = _ours(env, task, plan), _theirs(task, plan, records[task.id])
            tally[kind][0] += 1
            tally[kind][1] += ours == theirs
            tally[kind][2] += theirs
            if ours != theirs:
                disagreements.append((task.id, kind, ours, theirs))
    total = sum(t[0] for t in tally.values())
    agree = sum(t[1] for t in tally.values())
    assert agree / total >= 0.99, (tally, disagreements)
    assert tally["reference"][2] == tally["reference"][0]  # BFCL accepts every reference plan
    assert tally["skip_turn"][2] == 0
