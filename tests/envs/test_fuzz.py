"""Fuzzing step(): random and mutated actions never raise and always give a valid 5-tuple."""

import json
import math

import gymnasium as gym
import numpy as np
import pytest

import toolgym  # noqa: F401  (registers the envs)
from toolgym.agents import ReferenceAgent

N_ACTIONS = 1200
FRAGMENTS = [
    "<tool_call>", "</tool_call>", "<answer>", "</answer>", "\\boxed{", "}", "{", '"', "```python\n", "```",
    "<code>", "</code>", '{"name": "python", "arguments": {"code": ', '{"name": "nope", "arguments": {}}',
    '{"name": "python", "arguments": {"cod": "1"}}', '{"name": "python", "arguments": "not json"}',
    "\ud800", "\udfff", "\x00", "\u202e", "😀", "[" * 50, "{" * 200,
]


def mutate(rng: np.random.Generator, text: str) -> str:
    """One random edit: cut, splice a fragment, duplicate, delete a span, or wrap in tags."""
    op = int(rng.integers(6))
    i = int(rng.integers(len(text) + 1))
    frag = FRAGMENTS[int(rng.integers(len(FRAGMENTS)))]
    if op == 0:
        return text[:i]
    if op == 1:
        return text[:i] + frag + text[i:]
    if op == 2:
        return text + text
    if op == 3:
        j = int(rng.integers(i, len(text) + 1))
        return text[:i] + text[j:]
    if op == 4:
        return f"<tool_call>{text}</tool_call>"
    return text[:i] + frag * int(rng.integers(1, 5)) + text[i:]


def special_actions() -> list[str]:
    big = "x" * 1_000_000
    return [
        big,
        "<tool_call>" + big,
        "<answer>" + big,
        "<tool_call>" * 100_000,
        "\\boxed{" * 100_000,
        "<tool_call>" + json.dumps({"name": "python", "arguments": {"code": "print('" + "y" * 500_000 + "')"}}) + "</tool_call>",
        '<tool_call>{"name": "python", "arguments": {"code": "print(1)"}}</tool_call>' * 20,
        '<tool_call>{"name": "python", "arguments": {"code": "\\ud800"}}</tool_call>',
        "<answer>\ud800</answer>",
        "",
    ]


def check_transition(env, result) -> None:
    assert isinstance(result, tuple) and len(result) == 5
    obs, reward, terminated, truncated, info = result
    assert obs in env.observation_space
    assert isinstance(reward, float) and math.isfinite(reward)
    assert isinstance(terminated, bool) and isinstance(truncated, bool)
    assert isinstance(info, dict) and {"tool_calls", "reward_components", "format_ok", "error", "task_id", "turn"} <= set(info)
    assert info["error"] in (None, "tool_error", "infra_error")


@pytest.mark.parametrize("env_id", sorted(i for i in gym.registry if i.startswith("ToolGym/")))
def test_fuzzed_actions_never_raise(env_id):
    env = gym.make(env_id, python_timeout_s=2.0) if "MathTIR" in env_id else gym.make(env_id)
    base = env.unwrapped
    rng = np.random.default_rng(1234)
    env.action_space.seed(1234)
    ref = ReferenceAgent()
    obs, _ = env.reset(seed=0)
    ref.begin(base)
    actions = special_actions()
    while len(actions) < N_ACTIONS:
        kind = rng.random()
        if kind < 0.4:
            actions.append(env.action_space.sample())
        else:
            seedling = ref.act(base, obs) if base.task.reference else "<answer>1</answer>"
            ref.begin(base)
            for _ in range(int(rng.integers(1, 4))):
                seedling = mutate(rng, seedling)
            actions.append(seedling)
    seen_errors = set()
    for action in actions:
        result = env.step(action)
        check_transition(env, result)
        obs, _, terminated, truncated, info = result
        seen_errors.add(info["error"])
        if terminated or truncated:
            obs, _ = env.reset()
            ref.begin(base)
    assert len(actions) >= 1000
    assert "tool_error" in seen_errors
    assert "infra_error" not in seen_errors
    env.close()
