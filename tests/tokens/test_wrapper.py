"""TokenEnv: the token-mode API, the stream it keeps, and how it plugs into gym.make."""

from __future__ import annotations

import json
import math
import random
import warnings

import gymnasium as gym

from toolgym.modes import mode_entry_point
import numpy as np
import pytest
from gymnasium.error import ResetNeeded
from gymnasium.utils.env_checker import check_env

from tests.tokens.episodes import make_env
from toolgym.env import ToolEnv
from toolgym.tokens import (
    TokenAction,
    TokenActionError,
    TokenEnv,
    make_token_env,
)
from toolgym.tools import Tool


def ids_of(tok, text, close="<|im_end|>"):
    return tok(text, add_special_tokens=False)["input_ids"] + ([tok.convert_tokens_to_ids(close)] if close else [])


@pytest.fixture
def tenv(tokenizers):
    env = TokenEnv(make_env(random.Random(0)), tokenizers["chatml"])
    yield env
    env.close()


def test_reset_returns_prompt_ids(tenv):
    obs, info = tenv.reset(options={"task_id": "rand-3"})
    assert obs.dtype == np.int64 and obs.ndim == 1 and obs.size == info["prompt_tokens"]
    text = tenv.tokenizer.decode(obs.tolist())
    assert text.startswith("<|im_start|>system\n") and text.endswith("<|im_start|>assistant\n")
    assert tenv.base.task.question in text
    assert tenv.trajectory.prompt_length == obs.size and not any(tenv.trajectory.loss_mask)


def test_step_returns_only_the_new_observation_and_masks_it(tenv):
    tok = tenv.tokenizer
    prompt, _ = tenv.reset(options={"task_id": "rand-3"})
    task = tenv.base.task
    a, b = (int(x) for x in task.question.rsplit("What is ", 1)[1].rstrip("?").split(" + "))
    call = ids_of(tok, f'<tool_call>\n{{"name": "add", "arguments": {{"a": {a}, "b": {b}}}}}\n</tool_call>')
    logprobs = [-0.5] * len(call)
    obs, r, term, trunc, info = tenv.step(TokenAction(call, logprobs))
    assert tok.decode(obs.tolist()) == (
        f"\n<|im_start|>user\n<tool_response>\n{task.answer}\n</tool_response><|im_end|>\n<|im_start|>assistant\n"
    )
    assert (r, term, trunc) == (0.0, False, False)
    assert info["policy_tokens"] == len(call) and info["observation_tokens"] == obs.size
    answer = ids_of(tok, f"<answer>{task.answer}</answer>")
    obs2, r, term, trunc, info = tenv.step(answer)
    assert obs2.size == 0 and (r, term, trunc) == (1.0, True, False)
    traj = tenv.trajectory
    assert traj.input_ids == prompt.tolist() + call + obs.tolist() + answer
    assert traj.loss_mask == [0] * prompt.size + [1] * len(call) + [0] * obs.size + [1] * len(answer)
    assert traj.logprobs[prompt.size : prompt.size + len(call)] == logprobs
    assert all(math.isnan(x) for x in traj.logprobs[-len(answer) :])  # no logprobs given
    assert [(t.tool_calls, t.has_answer, t.is_void) for t in traj.turns] == [(1, False, False), (0, True, False)]
    assert traj.turn_rewards == [0.0, 1.0] and traj.final_reward == 1.0 and traj.terminated
    assert traj.policy_tokens == len(call) + len(answer) and traj.num_tool_calls == 1
    with pytest.raises(ResetNeeded):
        tenv.step(answer)


def test_exports_are_plain_and_consistent(tenv):
    tok = tenv.tokenizer
    tenv.reset(seed=1)
    tenv.step(ids_of(tok, "hmm"))
    tenv.step(ids_of(tok, "<answer>1</answer>"))
    traj = tenv.trajectory
    d = json.loads(json.dumps(traj.to_dict()))
    assert d["input_ids"] == traj.input_ids and d["loss_mask"] == traj.loss_mask
    assert d["turns"][0]["tool_calls"] == 0 and traj.has_void_turn
    arr = traj.to_numpy()
    assert arr["input_ids"].dtype == np.int64 and arr["loss_mask"].dtype == np.int8
    assert arr["turn_spans"].shape == (2, 4) and arr["turn_rewards"].tolist() == traj.turn_rewards
    assert traj.response_ids == traj.input_ids[traj.prompt_length :]
    assert len(traj.response_mask) == len(traj.response_ids)


def test_policy_that_stops_without_a_closing_token_gets_one_from_the_env(tenv):
    tok = tenv.tokenizer
    tenv.reset(seed=2)
    ids = ids_of(tok, "let me think", close=None)
    _, _, _, _, info = tenv.step(ids)
    span = tenv.trajectory.turns[0]
    assert info["closed_by_env"] and span.closed_by_env
    assert tenv.trajectory.input_ids[span.end - 1] == tok.convert_tokens_to_ids("<|im_end|>")
    assert tenv.trajectory.loss_mask[span.start : span.end] == [1] * len(ids) + [0]
    assert tenv.drift_report().mismatches == 0


def test_bad_actions_raise_token_action_errors(tenv):
    tok = tenv.tokenizer
    tenv.reset(seed=0)
    end = tok.convert_tokens_to_ids("<|im_end|>")
    with pytest.raises(TokenActionError, match="outside"):
        tenv.step([len(tok) + 5])
    with pytest.raises(TokenActionError, match="before the end"):
        tenv.step([5, end, 6])
    with pytest.raises(TokenActionError, match="logprobs"):
        tenv.step(TokenAction([5, 6], [-1.0]))
    with pytest.raises(TokenActionError, match="1-D"):
        tenv.step([[1, 2]])
    with pytest.raises(TokenActionError):
        tenv.step(TokenAction([5], [0.5]))
    assert len(tenv.trajectory.turns) == 0  # nothing reached the env


def test_dict_and_array_actions(tenv):
    tok = tenv.tokenizer
    tenv.reset(seed=0)
    ids = ids_of(tok, "hmm")
    tenv.step({"token_ids": np.asarray(ids), "logprobs": [-1.0] * len(ids)})
    tenv.step(np.asarray(ids, dtype=np.int32))
    assert len(tenv.trajectory.turns) == 2


def test_check_env_passes(tenv):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_env(tenv, skip_render_check=True)
    unexpected = [str(w.message) for w in caught if "different from the unwrapped" not in str(w.message)]
    assert unexpected == []


def test_action_space_samples_are_well_formed_turns(tenv):
    tenv.action_space.seed(0)
    stop = set(tenv.stop_token_ids)
    for _ in range(50):
        a = tenv.action_space.sample()
        assert tenv.action_space.contains(a)
        assert not any(int(t) in stop for t in a[:-1])
    assert not tenv.action_space.contains(np.asarray([len(tenv.tokenizer)]))
    assert not tenv.action_space.contains(np.asarray([1.5]))


def test_gym_make_with_tokenizer(tokenizers):
    env_id = "ToolGymTest/TokenAdd-v0"
    gym.register(env_id, entry_point=mode_entry_point("tests.tokens.episodes:make_env_default"))
    try:
        text_env = gym.make(env_id, disable_env_checker=True)
        assert isinstance(text_env.reset(seed=0)[0], str)  # text mode stays as it is
        env = gym.make(env_id, tokenizer=tokenizers["llama3"], check_drift=True, disable_env_checker=True)
        obs, _ = env.reset(seed=0)
        assert obs.dtype == np.int64
        assert isinstance(env.unwrapped, type(text_env.unwrapped))
        with pytest.raises(TypeError, match="tokenizer"):
            gym.make(env_id, check_drift=True)
    finally:
        del gym.registry[env_id]


def test_make_token_env_over_a_registered_id(tokenizers):
    env = make_token_env("ToolGym/MathTIR-v1", tokenizers["chatml"], token_budget={"max_total_tokens": 4096})
    try:
        obs, info = env.reset(seed=0)
        assert obs.size == info["prompt_tokens"] and env.budget.max_total_tokens == 4096
        assert "python" in env.tokenizer.decode(obs.tolist())
    finally:
        env.close()


def test_wrapping_a_non_toolgym_env_is_refused(tokenizers):
    with pytest.raises(TypeError):
        TokenEnv(gym.make("CartPole-v1"), tokenizers["chatml"])


class _Broken(Tool):
    """A tool whose ``run`` has a bug: the env blames itself (``infra_error``)."""

    def __init__(self) -> None:
        self.name = "broken"
        self.description = "always fails"
        self.parameters = {"type": "object", "properties": {}}

    def run(self, arguments):
        raise RuntimeError("sandbox died")


def test_infra_errors_and_void_turns_are_recorded_per_turn(tokenizers):
    tok = tokenizers["chatml"]
    tenv = TokenEnv(ToolEnv(make_env(random.Random(0)).tasks, [_Broken()], max_turns=3), tok)
    tenv.reset(seed=0)
    _, _, _, _, info = tenv.step(ids_of(tok, '<tool_call>\n{"name": "broken", "arguments": {}}\n</tool_call>'))
    assert info["error"] == "infra_error"
    tenv.step(ids_of(tok, "hmm"))
    traj = tenv.trajectory
    assert [t.error for t in traj.turns] == ["infra_error", None]
    assert traj.has_infra_error and traj.has_void_turn and not traj.turns[0].is_void
