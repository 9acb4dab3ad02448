"""ToolGym/ReasoningGym-v0: reasoning-gym datasets, its own score_answer, and no pay for junk."""

from __future__ import annotations

import random
import time
import warnings

import gymnasium as gym
import pytest
from gymnasium.utils.env_checker import check_env
from toolgym_envs.reasoning_gym.tasks import JUNK_PROBES, raw_score, reasoning_gym_tasks

import toolgym  # noqa: F401  (registers the ids)
from toolgym.agents import ReferenceAgent
from toolgym.runner import play_episode

ENV_ID = "ToolGym/ReasoningGym-v0"

# Datasets whose score_answer pays something (0.01 to 0.2, or full credit) to junk answers, measured
# with reasoning-gym 0.1.25: the env must still pay nothing for them.
PAYS_JUNK = ["advanced_geometry", "color_cube_rotation", "countdown", "figlet_font",
             "fraction_simplification", "emoji_mystery", "complex_arithmetic", "gsm_symbolic"]
CONSTANTS = ["", " ", "0", "1", "-1", "None", "a", "yes", "True", "False", "[]", "{}", "\\boxed{}", "x" * 60]


def _play_constant(env, task, answer: str) -> float:
    env.reset(options={"task_id": task.id})
    _, reward, terminated, _, info = env.step(f"<answer>{answer}</answer>")
    assert terminated and info["error"] is None
    return reward


@pytest.mark.parametrize("dataset", ["basic_arithmetic", "chain_sum", "gcd", "countdown", "figlet_font"])
def test_references_score_one_on_both_splits(dataset: str) -> None:
    for split in ("train", "test"):
        env = gym.make(ENV_ID, dataset=dataset, split=split, size=6)
        for task in env.unwrapped.tasks:
            rec = play_episode(env.unwrapped, ReferenceAgent(), seed=None, task_id=task.id)
            assert rec.reward == 1.0 and rec.terminated and not rec.errors, (task.id, rec.turns[-1])
        env.close()


@pytest.mark.parametrize("dataset", ["basic_arithmetic", *PAYS_JUNK])
def test_a_null_agent_scores_zero(dataset: str) -> None:
    env = gym.make(ENV_ID, dataset=dataset, size=6)
    for task in env.unwrapped.tasks:
        for answer in CONSTANTS:
            if answer.strip().lower() == str(task.answer).strip().lower():
                continue  # a constant that happens to be this task's answer is right, not junk
            reward = _play_constant(env.unwrapped, task, answer)
            assert reward == 0.0, (dataset, task.id, answer, task.answer)
    env.close()


def test_partial_credit_is_logged_not_paid() -> None:
    env = gym.make(ENV_ID, dataset="figlet_font", size=6)
    task = env.unwrapped.tasks[0]
    env.reset(options={"task_id": task.id})
    _, reward, _, _, info = env.step(f"<answer>{task.answer[:-1] + 'Q'}</answer>")
    assert reward == 0.0 and 0.0 < info["reward_components"]["score"] < 1.0
    env.close()


def test_entries_whose_scorer_pays_junk_in_full_are_left_out() -> None:
    # game_of_life_halting's score_answer pays 1.0 to any answer on some entries (reasoning-gym 0.1.25)
    try:
        tasks, entries = reasoning_gym_tasks("game_of_life_halting", size=12)
    except ValueError as exc:
        assert "no usable" in str(exc)
        return
    for task in tasks:
        assert all(raw_score(entries[task.id], probe) < 1.0 for probe in JUNK_PROBES)


def test_a_scorer_that_raises_on_junk_scores_zero() -> None:
    # prime_factorization's score_answer raises ValueError on "None" (reasoning-gym 0.1.25)
    env = gym.make(ENV_ID, dataset="prime_factorization", size=4)
    for task in env.unwrapped.tasks:
        assert _play_constant(env.unwrapped, task, "None") == 0.0
    env.close()


def test_conflicting_answers_score_zero() -> None:
    env = gym.make(ENV_ID, size=4)
    task = env.unwrapped.tasks[0]
    env.reset(options={"task_id": task.id})
    _, reward, *_ = env.step(f"<answer>{task.answer}</answer><answer>7</answer>")
    assert reward == 0.0
    env.close()


def test_config_is_passed_through_and_bad_names_fail_at_make() -> None:
    small = gym.make(ENV_ID, dataset="chain_sum", size=8, config={"min_terms": 2, "max_terms": 2, "min_digits": 1, "max_digits": 1})
    big = gym.make(ENV_ID, dataset="chain_sum", size=8, config={"min_terms": 6, "max_terms": 6, "min_digits": 4, "max_digits": 4})
    q_small = small.unwrapped.tasks[0].question
    q_big = big.unwrapped.tasks[0].question
    assert len(q_big) > len(q_small)
    assert small.unwrapped.tasks[0].metadata["dataset"] == "chain_sum"
    small.close(), big.close()
    with pytest.raises(ValueError, match="cannot make dataset"):
        gym.make(ENV_ID, dataset="no_such_dataset")
    with pytest.raises(ValueError, match="cannot make dataset"):
        gym.make(ENV_ID, dataset="chain_sum", config={"no_such_key": 1})


def test_splits_are_disjoint_and_seeded() -> None:
    train, _ = reasoning_gym_tasks("basic_arithmetic", split="train", size=10)
    test, _ = reasoning_gym_tasks("basic_arithmetic", split="test", size=10)
    assert not {t.question for t in train} & {t.question for t in test}
    again, _ = reasoning_gym_tasks("basic_arithmetic", split="train", size=10)
    assert [t.to_dict() for t in train] == [t.to_dict() for t in again]


def test_check_env_without_warnings_on_another_dataset() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        env = gym.make(ENV_ID, dataset="gcd", size=4)
        check_env(env)
        env.close()
    assert [str(w.message) for w in caught] == []


def test_fuzzed_actions_never_raise() -> None:
    env = gym.make(ENV_ID, dataset="countdown", size=4)
    rng = random.Random(0)
    pieces = ["<answer>", "</answer>", "<tool_call>", "</tool_call>", '{"name": "python"', "\x00", "\ud800"[:0],
              "\\boxed{", "}", "1+", "None", " " * 10, "é", "{", "]", "\n"]
    for episode in range(30):
        env.reset(seed=episode)
        for _ in range(3):
            action = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
            _, reward, terminated, truncated, _ = env.step(action)
            assert 0.0 <= reward <= 1.0
            if terminated or truncated:
                break
    env.close()


def test_without_reasoning_gym_the_cli_names_the_extra() -> None:
    from tests.test_cli import cli_without, one_line_error

    res = cli_without(("reasoning_gym",), "run", ENV_ID, "--episodes", "1", "--no-progress")
    one_line_error(res, "reasoning_gym is not installed", "pip install 'toolgym[reasoning-gym]'")


def test_an_answer_whose_scoring_runs_forever_scores_zero_in_time() -> None:
    # countdown's score_answer evaluates the expression, and swallows signal.alarm (reasoning-gym 0.1.25)
    env = gym.make(ENV_ID, dataset="countdown", size=2, score_timeout_s=1.0)
    task = env.unwrapped.tasks[0]
    start = time.perf_counter()
    assert _play_constant(env.unwrapped, task, "9**9**9**9") == 0.0
    assert time.perf_counter() - start < 15
    # the worker was replaced: an equivalent answer that is not the stored one is still scored, and paid
    assert _play_constant(env.unwrapped, task, f"({task.answer})") == 1.0
    env.close()
