"""Rubric: weighted sums, logged-only components, and misconfiguration errors."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from toolgym.errors import RewardError
from toolgym.rewards import Component, FormatReward, MathAnswerReward, RewardResult, Rubric
from toolgym.tasks.model import Task
from toolgym.types import Trajectory

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
TRAJ = Trajectory(task_id="t1", answers=["42"], final_answer="42")


def const(value: float) -> Callable[[Task, Trajectory], float]:
    """A reward fn that always returns ``value``."""

    def fn(task: Task, trajectory: Trajectory) -> float:
        return value

    return fn


def test_weighted_sum_and_components() -> None:
    rubric = Rubric([Component("a", const(1.0), 0.7), Component("b", const(0.5), 0.6)])
    result = rubric(TASK, TRAJ)
    assert isinstance(result, RewardResult)
    assert result.total == pytest.approx(0.7 * 1.0 + 0.6 * 0.5)
    assert result.components == {"a": 1.0, "b": 0.5}
    assert rubric.weights == {"a": 0.7, "b": 0.6}


def test_mapping_form_with_real_rewards() -> None:
    rubric = Rubric({"correct": (MathAnswerReward(), 1.0), "format": (FormatReward(), 0.1)})
    result = rubric(TASK, TRAJ)
    assert result.total == pytest.approx(1.1)
    wrong = rubric(TASK, Trajectory(task_id="t1", answers=["41"], final_answer="41"))
    assert wrong.components == {"correct": 0.0, "format": 1.0}
    assert wrong.total == pytest.approx(0.1)


def test_weight_zero_component_is_logged_not_paid() -> None:
    rubric = Rubric([Component("paid", const(1.0), 1.0), Component("logged", const(0.9), 0.0)])
    result = rubric(TASK, TRAJ)
    assert result.components["logged"] == 0.9
    assert result.total == pytest.approx(1.0)


def test_duplicate_names_raise() -> None:
    with pytest.raises(RewardError, match="duplicate"):
        Rubric([Component("a", const(1.0)), Component("a", const(0.0))])


def test_wrong_signature_raises() -> None:
    def one_arg(task: Task) -> float:
        return 1.0

    with pytest.raises(RewardError):
        Rubric([Component("bad", one_arg)])  # type: ignore[arg-type]
    with pytest.raises(RewardError):
        Rubric([Component("not_callable", 3.0)])  # type: ignore[arg-type]


def test_non_finite_weight_raises() -> None:
    with pytest.raises(RewardError):
        Rubric([Component("a", const(1.0), float("inf"))])


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_non_finite_component_value_raises(bad: float) -> None:
    rubric = Rubric([Component("ok", const(1.0)), Component("broken", const(bad))])
    with pytest.raises(RewardError, match="broken"):
        rubric(TASK, TRAJ)


def test_component_exception_becomes_reward_error() -> None:
    def crash(task: Task, trajectory: Trajectory) -> float:
        raise ZeroDivisionError

    with pytest.raises(RewardError, match="crash"):
        Rubric([Component("crash", crash)])(TASK, TRAJ)


def test_gated_component_is_paid_only_with_its_outcome() -> None:
    calls: list[str] = []

    def bonus(task: Task, trajectory: Trajectory) -> float:
        calls.append("bonus")
        return 1.0

    for outcome, expected in ((0.0, {"correct": 0.0, "bonus": 0.0}), (1.0, {"correct": 1.0, "bonus": 1.0})):
        rubric = Rubric([Component("correct", const(outcome)), Component("bonus", bonus, 0.1, requires="correct")])
        result = rubric(TASK, TRAJ)
        assert result.components == expected
        assert result.total == pytest.approx(outcome * 1.1)
    assert calls == ["bonus"]  # not even computed when the outcome was not paid


def test_gate_must_name_an_earlier_component() -> None:
    with pytest.raises(RewardError, match="requires"):
        Rubric([Component("bonus", const(1.0), requires="correct"), Component("correct", const(1.0))])
