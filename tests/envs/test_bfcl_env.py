"""``ToolGym/BFCL-v0``: BFCL's cases from the installed bfcl-eval, graded by the call matcher."""

from __future__ import annotations

import json
import warnings

import gymnasium as gym
import jsonschema
import pytest
from gymnasium.utils.env_checker import check_env

import toolgym  # noqa: F401  (registers the envs)
from toolgym.agents import ReferenceAgent
from toolgym.extras import MissingExtraError
from toolgym.runner import play_episode

from toolgym_envs.bfcl import BFCLEnv
from toolgym_envs.bfcl import data as bfcl_data
from toolgym_envs.bfcl.data import DEFAULT_CATEGORIES, LIVE_CATEGORIES, load_category
from toolgym_envs.bfcl.schema import to_json_schema
from toolgym_envs.bfcl.tasks import bfcl_tasks, skipped_cases

ENV_ID = "ToolGym/BFCL-v0"


@pytest.fixture(scope="module")
def env():
    e = BFCLEnv(split="all")
    yield e
    e.close()


def play(env, task_id: str, action: str):
    env.reset(options={"task_id": task_id})
    return env.step(action)


def test_check_env_passes_without_warnings():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        e = gym.make(ENV_ID)
        check_env(e)
        check_env(e.unwrapped)
        e.close()
    assert [str(w.message) for w in caught] == []


def test_the_tasks_are_bfcls_four_ast_categories(env):
    counts = {c: len(load_category(c)) for c in DEFAULT_CATEGORIES}
    assert counts == {"simple": 400, "multiple": 200, "parallel": 200, "parallel_multiple": 200}
    assert len(env.tasks) == sum(counts.values())
    train, test = bfcl_tasks(DEFAULT_CATEGORIES, "train"), bfcl_tasks(DEFAULT_CATEGORIES, "test")
    assert len(train) + len(test) == len(env.tasks) and 150 < len(test) < 250
    assert not {t.id for t in train} & {t.id for t in test}


def test_reference_calls_score_one_on_every_task(env):
    agent = ReferenceAgent()
    for task in env.tasks:
        rec = play_episode(env, agent, seed=None, task_id=task.id)
        assert rec.reward == 1.0 and rec.terminated and not rec.errors, task.id


@pytest.mark.parametrize("action", ["", "   ", "I don't know.", "<answer>1</answer>", "<answer></answer>",
                                    '<tool_call>{"name": "noop", "arguments": {}}</tool_call>'])
def test_null_agents_score_zero_on_every_task_and_every_component(env, action):
    for task in env.tasks:
        env.reset(options={"task_id": task.id})
        done, reward = False, 0.0
        while not done:
            _, reward, terminated, truncated, info = env.step(action)
            done = terminated or truncated
        assert reward == 0.0, task.id
        assert set(info["reward_components"].values()) == {0.0}, (task.id, info["reward_components"])


def test_one_wrong_argument_scores_zero(env):
    task = next(t for t in env.tasks if t.id == "simple_python_0")
    call = task.reference[0].tool_calls[0]
    right = {"name": call.name, "arguments": dict(call.arguments)}
    wrong = {"name": call.name, "arguments": {**call.arguments, "base": call.arguments["base"] + 1}}
    assert play(env, task.id, f"<tool_call>{json.dumps(right)}</tool_call>")[1] == 1.0
    _, reward, terminated, _, info = play(env, task.id, f"<tool_call>{json.dumps(wrong)}</tool_call>")
    assert reward == 0.0 and terminated
    assert info["reward_components"]["tool_names"] == 1.0 and 0 < info["reward_components"]["param_values"] < 1


def test_parallel_calls_in_any_order_but_not_duplicated(env):
    task = next(t for t in env.tasks if t.id.startswith("parallel_") and len(t.reference[0].tool_calls) >= 3)
    blocks = [f'<tool_call>{json.dumps({"name": c.name, "arguments": c.arguments})}</tool_call>' for c in task.reference[0].tool_calls]
    assert play(env, task.id, "\n".join(blocks[::-1]))[1] == 1.0
    assert play(env, task.id, "\n".join(blocks + blocks[:1]))[1] == 0.0
    assert play(env, task.id, "\n".join(blocks[1:]))[1] == 0.0


def test_text_without_calls_gets_feedback_then_the_budget_ends_it(env):
    env.reset(options={"task_id": "simple_python_0"})
    obs, reward, terminated, truncated, info = env.step("Let me think about it.")
    assert not terminated and not truncated and obs and reward == 0.0
    _, reward, terminated, truncated, info = env.step("Still thinking.")
    assert truncated and reward == 0.0 and info["end_reason"] == "turn_budget"


def test_bad_calls_are_the_policys_fault_and_end_the_episode(env):
    _, reward, terminated, _, info = play(env, "simple_python_0", '<tool_call>{"name": "rm_rf", "arguments": {}}</tool_call>')
    assert terminated and reward == 0.0 and info["error"] == "tool_error"
    _, reward, terminated, _, info = play(env, "simple_python_0", "<tool_call>{not json</tool_call>")
    assert terminated and reward == 0.0 and info["error"] == "tool_error"


def test_each_episode_offers_its_own_functions(env):
    seen = set()
    for task_id in ("simple_python_0", "multiple_0", "parallel_multiple_0"):
        obs, _ = env.reset(options={"task_id": task_id})
        names = [s["function"]["name"] for s in env.tool_schemas]
        assert names == list(env.task.tools)
        assert all(json.dumps(s, ensure_ascii=False) in obs for s in env.tool_schemas)
        seen.add(tuple(names))
    assert len(seen) == 3


def test_chat_mode_sends_the_functions_as_native_tools():
    e = gym.make(ENV_ID, mode="chat")
    e.reset(options={"task_id": "simple_python_0"})
    base = e.unwrapped
    assert [s["function"]["name"] for s in base.tool_schemas] == ["calculate_triangle_area"]
    assert "<tools>" not in base.system_prompt
    call = base.task.reference[0].tool_calls[0]
    message = {"role": "assistant", "content": "", "tool_calls": [
        {"id": "c1", "type": "function", "function": {"name": call.name, "arguments": json.dumps(call.arguments)}}]}
    assert e.step(message)[1:3] == (1.0, True)
    e.close()


@pytest.mark.parametrize("category", DEFAULT_CATEGORIES + LIVE_CATEGORIES)
def test_every_function_document_maps_to_a_valid_json_schema(category):
    documents = {json.dumps(doc["parameters"], sort_keys=True) for case in load_category(category) for doc in case.functions}
    for text in documents:
        schema = to_json_schema(json.loads(text))
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["type"] == "object"
        assert not _keys_named("optional", schema)  # BFCL's non-standard flag is not a JSON Schema keyword


def _keys_named(key, schema) -> bool:
    if isinstance(schema, dict):
        props = schema.get("properties", {})
        return key in schema or any(_keys_named(key, p) for p in props.values()) or _keys_named(key, schema.get("items"))
    return False


def test_bfcl_types_map_to_json_schema_types():
    spec = {"type": "dict", "required": ["a"], "optional": ["x"], "properties": {
        "a": {"type": "float"}, "b": {"type": "tuple", "items": {"type": "integer"}}, "c": {"type": "any", "description": "d"},
        "d": {"type": "dict", "properties": {"e": {"type": "boolean", "enum": [True]}}}}}
    assert to_json_schema(spec) == {"type": "object", "required": ["a"], "properties": {
        "a": {"type": "number"}, "b": {"type": "array", "items": {"type": "integer"}}, "c": {"description": "d"},
        "d": {"type": "object", "properties": {"e": {"type": "boolean", "enum": [True]}}}}}


def test_live_categories_load_and_their_references_score_one():
    e = BFCLEnv(categories="live", split="all")
    skipped = sum(len(skipped_cases(c)) for c in LIVE_CATEGORIES)
    assert len(e.tasks) + skipped == sum(len(load_category(c)) for c in LIVE_CATEGORIES)
    assert skipped <= 10
    agent = ReferenceAgent()
    for task in list(e.tasks)[::25]:
        assert play_episode(e, agent, seed=None, task_id=task.id).reward == 1.0, task.id
    e.close()


def test_unknown_categories_and_splits_are_refused():
    with pytest.raises(ValueError):
        BFCLEnv(categories=["simple", "multi_turn_base"])
    with pytest.raises(ValueError):
        BFCLEnv(split="dev")


def test_a_missing_bfcl_eval_names_the_install_command(monkeypatch):
    monkeypatch.setattr(bfcl_data.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(MissingExtraError, match=r"pip install 'toolgym\[bfcl\]'"):
        bfcl_data.bfcl_data_dir()


def _junk(rng, depth=0):
    pick = rng.randrange(12 if depth < 3 else 7)
    if pick == 0:
        return None
    if pick == 1:
        return rng.choice([float("nan"), float("inf"), -0.0, 1e308, 2**70])
    if pick == 2:
        return rng.choice([True, False, 0, 1, -1])
    if pick == 3:
        return rng.choice(["", " ", "'", "-", "\u0130", "x" * 10_000, "\ud800"])
    if pick == 4:
        return rng.random()
    if pick == 5:
        return rng.randrange(-5, 5)
    if pick == 6:
        return "value"
    if pick in (7, 8):
        return [_junk(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {rng.choice(["a", "", "mode", "0"]): _junk(rng, depth + 1) for _ in range(rng.randrange(4))}


def test_junk_arguments_never_make_the_rewards_raise(env):
    import random

    from toolgym.rewards.call_match import match_calls
    from toolgym.rewards.toolrl import call_gold, toolrl_scores

    rng = random.Random(7)
    tasks = list(env.tasks)
    for _ in range(3000):
        task = rng.choice(tasks)
        functions, answers = call_gold(task)
        calls = []
        for ref in task.reference[0].tool_calls:
            args = {k: (_junk(rng) if rng.random() < 0.5 else v) for k, v in ref.arguments.items()}
            if rng.random() < 0.3:
                args[rng.choice(["extra", *ref.arguments])] = _junk(rng)
            calls.append((ref.name, args if rng.random() < 0.95 else _junk(rng)))
        rng.shuffle(calls)
        assert isinstance(match_calls(calls, functions, answers).ok, bool)
        assert all(0.0 <= v <= 1.0 for v in toolrl_scores(calls, functions, answers, True).as_dict().values())


def test_a_huge_integer_for_a_float_parameter_is_the_policys_zero_not_an_infra_error(env):
    task, call, name = next(
        (t, c, p)
        for t in env.tasks if len(t.reference[0].tool_calls) == 1
        for c in t.reference[0].tool_calls
        for p, spec in t.gold["functions"][0]["parameters"]["properties"].items()
        if spec.get("type") == "float" and p in c.arguments and t.gold["functions"][0]["name"] == c.name
    )
    payload = json.dumps({"name": call.name, "arguments": {**call.arguments, name: "HUGE"}}).replace('"HUGE"', "9" * 400)
    _, reward, terminated, _, info = play(env, task.id, f"<tool_call>{payload}</tool_call>")
    assert terminated and reward == 0.0 and info["error"] is None, info
    assert info["tool_calls"][0]["arguments"][name] == int("9" * 400)
