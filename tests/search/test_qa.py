"""QA rewards: SQuAD normalization, exact match, token F1 and the OTC term."""

import math

import pytest

from toolgym.errors import RewardError
from toolgym.search.qa import ExactMatchReward, F1Reward, OTCReward, exact_match, normalize_answer, token_f1
from toolgym.tasks import Task
from toolgym.types import ParseResult, ToolCall, Trajectory, TurnRecord


def test_normalize():
    assert normalize_answer("  The Sel   River. ") == "sel river"
    assert normalize_answer("An apple, a day!") == "apple day"


def test_exact_match():
    assert exact_match("the Sel River", ["Sel River"]) == 1.0
    assert exact_match("Sel", ["Sel River"]) == 0.0
    assert exact_match("1961", ["1962", "1961"]) == 1.0


def test_token_f1():
    assert token_f1("Sel River", ["Sel River"]) == 1.0
    assert math.isclose(token_f1("Sel", ["Sel River"]), 2 / 3)
    assert token_f1("Brisk", ["Sel River"]) == 0.0
    assert token_f1("", [""]) == 1.0 and token_f1("the", ["Sel"]) == 0.0


def _task(hops=2):
    return Task.from_dict({
        "id": "q", "env": "searchqa", "question": "?", "split": "test", "tools": ["search"], "answer": "Sel River",
        "gold": {"answers": ["Sel River", "the Sel"], "hops": [{"query": "x"}] * hops},
        "reference": {"turns": [{"answer": "Sel River"}]},
    })


def _traj(answer, searches):
    turns = [TurnRecord("a", ParseResult("a", calls=[ToolCall("search", {"query": "x"})]), [], "") for _ in range(searches)]
    return Trajectory(task_id="q", turns=turns, final_answer=answer)


def test_reward_classes():
    task = _task()
    assert ExactMatchReward()(task, _traj("The Sel.", 2)) == 1.0
    assert ExactMatchReward()(task, _traj(None, 2)) == 0.0
    assert math.isclose(F1Reward()(task, _traj("River", 2)), 2 / 3)
    otc = OTCReward()
    assert otc(task, _traj("Sel River", 2)) == 1.0
    fewer, more = otc(task, _traj("Sel River", 1)), otc(task, _traj("Sel River", 4))
    assert 0 < more < 1 and 0 < fewer < 1
    assert otc(task, _traj("Brisk", 2)) == 0.0


def test_missing_gold_is_a_reward_error():
    task = Task.from_dict({"id": "q", "env": "e", "question": "?", "split": "test", "tools": [],
                           "reference": {"turns": [{"answer": "x"}]}})
    with pytest.raises(RewardError):
        ExactMatchReward()(task, _traj("x", 0))
