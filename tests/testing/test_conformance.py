"""The conformance kit: every registered env passes it, and each check catches the break it is for."""

import functools
import random

import gymnasium as gym
import pytest

import toolgym
from toolgym.custom import CustomEnv
from toolgym.testing import EnvConformanceMixin, check_conformance
from toolgym.testing.conformance import ConformanceError, check_token_drift


@pytest.mark.parametrize("env_id", toolgym.env_ids())
def test_every_registered_env_conforms(env_id):
    report = check_conformance(functools.partial(gym.make, env_id), episodes=2, fuzz_steps=30)
    assert report.ok, report.failures
    assert set(report.passed) >= {"check_env", "determinism", "fuzz", "null_agent", "reference"}, report


def test_token_drift_is_really_checked():
    make = functools.partial(gym.make, "ToolGym/Custom-v0")
    check_token_drift(make, 1)  # passes
    env = make(tokenizer=_tokenizer(), check_drift=True)
    env.reset(options={"task_id": "demo-add"})
    tok = env.tokenizer
    for action in ['<tool_call>{"name": "add", "arguments": {"a": 1234, "b": 5678}}</tool_call>', "<answer>6912</answer>"]:
        *_, info = env.step(tok(action, add_special_tokens=False)["input_ids"] + [tok.convert_tokens_to_ids("<|im_end|>")])
    assert info["token_drift"]["checked"] is True and info["token_drift"]["mismatches"] == 0
    env.close()


def _tokenizer():
    from toolgym.tokens.local import build_local_tokenizer

    return build_local_tokenizer(["hello <tool_call> add answer 6912"], "chatml", vocab_size=300)


# ---- attacks: envs that break one rule each must fail exactly that check

def _make(**overrides):
    def make(**kwargs):
        return CustomEnv(**{**overrides, **{k: v for k, v in kwargs.items() if k != "mode"}}) if kwargs.get("mode") != "chat" else _chat(CustomEnv(**overrides))
    return make


def _chat(env):
    env.set_mode("chat")
    return env


def test_a_reward_that_pays_anything_fails_the_null_agent_check():
    report = check_conformance(_make(reward=lambda task, traj: 1.0), episodes=1, tokens=False)
    assert "null_agent" in report.failures, report


def test_a_random_reward_fails_determinism():
    rng = random.Random()
    report = check_conformance(_make(reward=lambda task, traj: rng.random()), episodes=1, tokens=False)
    assert "determinism" in report.failures, report


def test_a_wrong_gold_fails_the_reference_check():
    tasks = [{"id": "t", "question": "1+1?", "answer": "3", "reference": [{"answer": "2"}]}]
    report = check_conformance(_make(tasks=tasks), episodes=1, tokens=False)
    assert "reference" in report.failures and "null_agent" not in report.failures, report


class _Raises(CustomEnv):
    def step(self, action):
        if isinstance(action, str) and "\x00" in action:
            raise RuntimeError("boom")
        return super().step(action)


def test_an_env_that_raises_on_odd_input_fails_fuzz():
    report = check_conformance(lambda **kw: _Raises(), episodes=1, tokens=False)
    assert "fuzz" in report.failures and "boom" in report.failures["fuzz"], report


def test_a_non_toolenv_fails_with_a_clear_message():
    report = check_conformance(lambda **kw: gym.make("CartPole-v1"), episodes=1, tokens=False)
    assert not report.ok
    with pytest.raises(ConformanceError):
        report.raise_for_failures()


class TestCustomEnvWithTheMixin(EnvConformanceMixin):
    env_id = "ToolGym/Custom-v0"
    episodes = 2


class _BlamesInfra(toolgym.Tool):
    """A tool that calls the policy's odd arguments an infrastructure failure (the bug the kit must catch)."""

    name = "lookup"
    description = "Look something up."
    parameters = {"type": "object"}

    def run(self, arguments):
        from toolgym.types import ToolResult

        if arguments:
            return ToolResult.unavailable("lookup service", RuntimeError("odd arguments"))
        return ToolResult(ok=True, content="nothing")


def test_a_tool_that_blames_policy_input_on_infra_fails_fuzz():
    report = check_conformance(lambda **kw: CustomEnv(tools=[_BlamesInfra()], tasks=[{"id": "a", "question": "q", "answer": "1"}]),
                               episodes=1, tokens=False)
    assert "fuzz" in report.failures and "infra_error" in report.failures["fuzz"], report
