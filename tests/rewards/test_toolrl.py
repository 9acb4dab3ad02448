"""ToolRL-style partial credit and the strict call-match reward, on hand-made call-graded tasks."""

from __future__ import annotations

import pytest

from toolgym.errors import RewardError
from toolgym.rewards.base import Component, Rubric
from toolgym.rewards.toolrl import (
    TOOLRL_PARTS,
    CallMatchReward,
    ToolRLPart,
    toolrl_components,
    toolrl_scores,
)
from toolgym.tasks import Task
from toolgym.types import ParseResult, ToolCall, Trajectory, TurnRecord

SEND = {
    "name": "send",
    "parameters": {
        "type": "dict",
        "required": ["to"],
        "properties": {"to": {"type": "string"}, "n": {"type": "integer"}, "urgent": {"type": "boolean"}},
    },
}
LOOKUP = {"name": "lookup", "parameters": {"type": "dict", "required": ["q"], "properties": {"q": {"type": "string"}}}}
FUNCTIONS = [SEND, LOOKUP]
ANSWERS = [{"send": {"to": ["ann"], "n": [2], "urgent": [True, ""]}}, {"lookup": {"q": ["weather"]}}]
PERFECT = [("send", {"to": "ann", "n": 2}), ("lookup", {"q": "weather"})]


def scores(calls, format_ok=True, answers=ANSWERS):
    return toolrl_scores(calls, FUNCTIONS, answers, format_ok).as_dict()


def task() -> Task:
    return Task.from_dict(
        {
            "id": "t", "env": "calls", "question": "Send ann 2 and look up the weather.", "split": "test",
            "tools": ["send", "lookup"], "gold": {"functions": FUNCTIONS, "answers": ANSWERS},
            "reference": {"turns": [{"tool_calls": [{"name": n, "arguments": a} for n, a in PERFECT]}]},
        }
    )


def trajectory(*turns: list[ToolCall], format_ok: bool = True) -> Trajectory:
    traj = Trajectory(task_id="t")
    for calls in turns:
        traj.turns.append(TurnRecord(action="", parse=ParseResult(text="", calls=calls, format_ok=format_ok), results=[], observation=""))
    return traj


# ------------------------------------------------------------------ attacks first
@pytest.mark.parametrize("calls", [[], [("nothing", {})], [("", {})]])
def test_null_and_junk_calls_score_zero_on_every_part(calls):
    assert scores(calls) == dict.fromkeys(TOOLRL_PARTS, 0.0)


def test_extra_and_duplicated_calls_cost():
    full = scores(PERFECT)
    assert full == dict.fromkeys(TOOLRL_PARTS, 1.0)
    spam = scores(PERFECT + PERFECT)
    assert spam["tool_names"] == 0.5 and spam["param_names"] == 0.5 and spam["param_values"] == 0.5
    assert scores(PERFECT + [("send", {"to": "bob"})])["param_values"] == pytest.approx(2 / 3)


def test_a_call_to_an_unoffered_function_breaks_the_format_part():
    assert scores([*PERFECT, ("delete_all", {})])["call_format"] == 0.0
    assert scores(PERFECT, format_ok=False)["call_format"] == 0.0


def test_partial_credit_per_part():
    s = scores([("send", {"to": "ann", "n": 3}), ("lookup", {"q": "weather"})])
    assert s["tool_names"] == 1.0 and s["param_names"] == 1.0
    assert s["param_values"] == pytest.approx((2 / 3 + 1) / 2)  # n wrong; urgent rightly left out
    s = scores([("send", {"to": "ann", "n": 2, "cc": "x"}), ("lookup", {})])
    assert s["param_names"] == pytest.approx((2 / 3 + 0) / 2)  # hits 2, unexpected 1 | hits 0, missing 1
    s = scores([("send", {"to": "ann", "n": 2})])
    assert s["tool_names"] == 0.5 and s["param_values"] == 0.5


def test_pairing_picks_the_best_same_name_call():
    answers = [{"send": {"to": ["ann"]}}, {"send": {"to": ["bob"]}}]
    calls = [("send", {"to": "bob"}), ("send", {"to": "ann"})]
    assert scores(calls, answers=answers)["param_values"] == 1.0


def test_call_match_reward_is_all_or_nothing_over_the_whole_episode():
    reward = CallMatchReward()
    good = [ToolCall(n, dict(a)) for n, a in PERFECT]
    assert reward(task(), trajectory(good)) == 1.0
    assert reward(task(), trajectory(good[::-1])) == 1.0
    # A wrong call in an earlier turn is not forgiven by a right one later.
    assert reward(task(), trajectory([ToolCall("send", {"to": "bob"})], good)) == 0.0
    assert reward(task(), trajectory(good + [ToolCall("", {}, parse_error="bad")])) == 0.0
    assert reward(task(), trajectory()) == 0.0


def test_components_are_logged_with_configurable_weights():
    rubric = Rubric([Component("correct", CallMatchReward(), 1.0), *toolrl_components({"param_values": 0.5})])
    half = trajectory([ToolCall("send", {"to": "ann", "n": 2})])
    result = rubric(task(), half)
    assert set(result.components) == {"correct", *TOOLRL_PARTS}
    assert result.components["correct"] == 0.0
    assert result.total == pytest.approx(0.5 * result.components["param_values"])
    with pytest.raises(RewardError):
        toolrl_components({"style": 1.0})
    with pytest.raises(RewardError):
        ToolRLPart("style")


def test_a_task_without_call_gold_is_a_reward_error():
    plain = Task.from_dict({"id": "p", "env": "x", "question": "q", "split": "test", "tools": [], "answer": "1",
                            "reference": {"turns": [{"answer": "1"}]}})
    with pytest.raises(RewardError):
        CallMatchReward()(plain, trajectory())
