"""skyrl-gym's real registry and ``make`` run ToolGymSkyRLEnv on MathTIR rows, driven the way SkyRL's
generator drives an env: ``init`` the row's prompt, template the chat with a real tokenizer,
``step`` the model's text, append the observations, until ``done``."""

from __future__ import annotations

import importlib
import sys

import pytest

skyrl_gym = pytest.importorskip("skyrl_gym", reason='pip install -e ".[dev]"')

from omegaconf import OmegaConf
from skyrl_gym.envs.base_text_env import BaseTextEnv

from tests.tokens.real_tokenizers import load_case
from toolgym.extras import MissingExtraError
from toolgym.integrations import skyrl_env as adapter

ENV = "ToolGym/MathTIR-v1"
TASK = "mathtir-curated-0003"
GOLD = "386359911614477"
TOOL_CALL = '<tool_call>{"name": "python", "arguments": {"code": "print(6*7)"}}</tool_call>'


@pytest.fixture(scope="module")
def rows():
    return adapter.skyrl_rows(ENV, split="test", limit=3)


def extras(row, **override):
    """What SkyRL's dataset passes as ``extras``: the row without prompt and env_class."""
    return {**{k: v for k, v in row.items() if k not in ("prompt", "env_class")}, **override}


def play(env, prompt, actions, tok=None):
    chat, _ = env.init(prompt)
    outputs = []
    for action in actions:
        out = env.step(action)
        outputs.append(out)
        chat += [{"role": "assistant", "content": action}, *out["observations"]]
        if tok is not None:  # SkyRL templates the growing chat itself: every turn must render
            tok.apply_chat_template(chat, tokenize=False)
        if out["done"]:
            break
    return chat, outputs


def test_registered_in_skyrl_gyms_registry():
    assert skyrl_gym.registry[adapter.ENV_CLASS].entry_point == "toolgym.integrations.skyrl_env:ToolGymSkyRLEnv"


def test_rows_carry_env_class_env_id_and_task_id(rows):
    assert {r["env_class"] for r in rows} == {"toolgym"} and {r["env_id"] for r in rows} == {ENV}
    assert len({r["task_id"] for r in rows}) == 3 and rows[0]["env_kwargs"] == {"split": "test"}


def test_tool_call_then_answer_through_skyrl_make(rows):
    tok = load_case("qwen2.5")[1]
    row = rows[0]
    env = skyrl_gym.make("toolgym", env_config=OmegaConf.create({}), extras=extras(row, task_id=TASK))
    assert isinstance(env, BaseTextEnv)
    try:
        chat, outs = play(env, row["prompt"], [TOOL_CALL, f"<answer>{GOLD}</answer>"], tok)
        assert chat[0]["role"] == "system" and "python" in chat[0]["content"]
        assert outs[0]["done"] is False and outs[0]["observations"][0]["role"] == "tool"
        assert "42" in outs[0]["observations"][0]["content"] and outs[0]["reward"] == 0.0
        assert outs[1]["done"] is True and outs[1]["reward"] == 1.0 and outs[1]["observations"] == []
        assert outs[1]["metadata"]["end_reason"] == "answer" and outs[1]["metadata"]["toolgym_infra_error"] is False
        assert env.get_metrics() == {"toolgym_reward": 1.0, "toolgym_turns": 2, "toolgym_infra_error": 0.0,
                                     "toolgym_turn_budget": 0.0}
        # stepping after the end changes nothing (no second reward to farm)
        again = env.step(f"<answer>{GOLD}</answer>")
        assert again["done"] is True and again["reward"] == 0.0
    finally:
        env.close()


def test_wrong_answer_scores_zero(rows):
    env = skyrl_gym.make("toolgym", env_config={}, extras=extras(rows[0], task_id=TASK))
    try:
        _, outs = play(env, rows[0]["prompt"], ["<answer>386359911614478</answer>"])
        assert outs[-1]["done"] and outs[-1]["reward"] == 0.0
    finally:
        env.close()


def test_turn_budget_from_env_config(rows):
    env = skyrl_gym.make("toolgym", env_config={"max_turns": 2}, extras=extras(rows[0], task_id=TASK))
    try:
        _, outs = play(env, rows[0]["prompt"], [TOOL_CALL] * 5)
        assert len(outs) == 2 and outs[-1]["done"] and outs[-1]["metadata"]["end_reason"] == "turn_budget"
        assert env.get_metrics()["toolgym_turn_budget"] == 1.0
    finally:
        env.close()


def test_bad_row_is_an_infra_sample_not_a_crash(rows):
    env = skyrl_gym.make("toolgym", env_config={}, extras=extras(rows[0], task_id="no-such-task"))
    try:
        _, meta = env.init(rows[0]["prompt"])
        assert meta["toolgym_infra_error"] is True
        out = env.step(f"<answer>{GOLD}</answer>")
        assert out["done"] and out["reward"] == 0.0 and out["metadata"]["toolgym_infra_error"] is True
        assert env.get_metrics()["toolgym_infra_error"] == 1.0
    finally:
        env.close()


def test_row_without_env_id_is_refused():
    with pytest.raises(adapter.SkyRLIntegrationError, match="env_id"):
        skyrl_gym.make("toolgym", env_config={}, extras={"task_id": TASK})


def test_missing_skyrl_gym_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "skyrl_gym", None)
    monkeypatch.delitem(sys.modules, "toolgym.integrations.skyrl_env")
    with pytest.raises(MissingExtraError, match=r"toolgym\[skyrl\]"):
        importlib.import_module("toolgym.integrations.skyrl_env")
