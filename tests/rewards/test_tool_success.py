"""THOR-style tool-success reward: per-step credit, never payable to a null agent, never farmable."""

from __future__ import annotations

import pytest

from toolgym.errors import RewardError
from toolgym.failures import FailureKind
from toolgym.rewards.base import Component, Rubric
from toolgym.rewards.math import MathAnswerReward
from toolgym.rewards.tool_success import (
    ToolSuccessReward,
    policy_failures,
    tool_success_component,
    tool_success_steps,
)
from toolgym.tasks.model import Task
from toolgym.types import ParseResult, ToolCall, ToolResult, Trajectory, TurnRecord

TASK = Task.from_dict(
    {
        "id": "t1",
        "env": "math_tir",
        "question": "q",
        "split": "test",
        "tools": ["python"],
        "answer": "42",
        "reference": {"turns": [{"answer": "42"}]},
    }
)

OK = ToolResult(ok=True, content="1")
FAIL = ToolResult(ok=False, content="Traceback", error_kind=FailureKind.EXCEPTION)
INFRA = ToolResult(ok=False, content="down", error_kind=FailureKind.INFRA)


def call_turn(*results: ToolResult) -> TurnRecord:
    calls = [ToolCall("python", {"code": "print(1)"}) for _ in results]
    return TurnRecord(action="...", parse=ParseResult(text="...", calls=calls), results=list(results), observation="")


def answer_turn(answer: str) -> TurnRecord:
    parse = ParseResult(text=answer, answer=answer, answers=[answer])
    return TurnRecord(action=answer, parse=parse, results=[], observation="")


def episode(answer: str | None, *turns: TurnRecord) -> Trajectory:
    all_turns = [*turns, *([answer_turn(answer)] if answer is not None else [])]
    return Trajectory(task_id="t1", turns=all_turns, answers=[answer] if answer else [], final_answer=answer)


RUBRIC = Rubric([Component("correct", MathAnswerReward(), 1.0), tool_success_component(0.2)])


def test_per_step_credit() -> None:
    traj = episode("42", call_turn(OK, OK), call_turn(OK, FAIL), call_turn(INFRA))
    assert tool_success_steps(traj) == [1.0, 0.0, 1.0, None]
    assert policy_failures(traj) == 1


@pytest.mark.parametrize(
    ("traj", "expected"),
    [
        (episode("42"), 1.0),  # correct without tools: full bonus, no push to make a call
        (episode("42", call_turn(OK)), 1.0),
        (episode("42", call_turn(FAIL), call_turn(OK)), 0.5),
        (episode("42", call_turn(FAIL, FAIL)), 1 / 3),
        (episode("42", call_turn(INFRA)), 1.0),  # infrastructure failures are not the policy's
    ],
)
def test_episode_value(traj: Trajectory, expected: float) -> None:
    assert ToolSuccessReward()(TASK, traj) == pytest.approx(expected)


@pytest.mark.parametrize(
    "traj",
    [
        episode(None),  # empty: no answer at all
        episode("0"),  # null agent: constant answer, no calls
        episode(""),
        episode("41", call_turn(OK), call_turn(OK), call_turn(OK)),  # trivial successful calls, wrong answer
        episode(None, *[call_turn(OK)] * 10),  # only calls, never an answer
        episode("anything but 42", call_turn(OK)),
    ],
)
def test_never_paid_to_null_or_farming_agents(traj: Trajectory) -> None:
    result = RUBRIC(TASK, traj)
    assert result.components["tool_success"] == 0.0
    assert result.total == 0.0


def test_padding_with_trivial_calls_does_not_raise_it() -> None:
    one_failure = episode("42", call_turn(FAIL), call_turn(OK))
    padded = episode("42", call_turn(FAIL), *[call_turn(OK)] * 20)
    assert RUBRIC(TASK, padded).total <= RUBRIC(TASK, one_failure).total
    clean = episode("42", call_turn(OK))
    assert RUBRIC(TASK, clean).total == pytest.approx(1.2)


def test_gate_must_name_an_earlier_component() -> None:
    with pytest.raises(RewardError):
        Rubric([tool_success_component(0.1)])
    with pytest.raises(RewardError):
        tool_success_component(float("nan"))
