"""TTRL-style majority vote: labels from groups, never paying empty, hedged or constant answers."""

from __future__ import annotations

import pytest

from toolgym.errors import RewardError
from toolgym.rewards.base import Component, Rubric
from toolgym.rewards.majority import (
    PseudoLabelReward,
    is_vote,
    majority_vote_labels,
    majority_vote_rewards,
)
from toolgym.tasks.model import Task
from toolgym.types import Trajectory


def task(tid: str) -> Task:
    return Task.from_dict(
        {"id": tid, "env": "math_tir", "question": "q", "split": "test", "tools": [], "reference": {"turns": [{"answer": "1"}]}}
    )


DIVERSE = [["4", "4", "5", "4"], ["1/2", "0.5", "3", "7"], ["9", "8", "9", "9"], ["2", "3", "2", "x"]]


def test_majority_rewards_agreeing_rollouts_under_the_verifier() -> None:
    assert majority_vote_rewards(DIVERSE) == [
        [1.0, 1.0, 0.0, 1.0],
        [1.0, 1.0, 0.0, 0.0],  # 1/2 and 0.5 are one answer
        [1.0, 0.0, 1.0, 1.0],
        [1.0, 0.0, 1.0, 0.0],
    ]
    assert majority_vote_labels(DIVERSE) == ["4", "1/2", "9", "2"]


@pytest.mark.parametrize(
    "batch",
    [
        [["0"] * 8 for _ in range(4)],  # a constant agent: same answer on every task
        [["0"] * 8 for _ in range(16)],
        [[""] * 8 for _ in range(4)],  # empty answers
        [[None] * 8 for _ in range(4)],
        [["   "] * 8 for _ in range(4)],
        [["anything but 12"] * 8, ["not 3"] * 8, ["\\neq 5"] * 8, ["1 or 2"] * 8],  # hedges never vote
        [["I don't know"] * 8 for _ in range(4)],
        [["0", "0", "0", "1"], ["0", "0", "2", "3"], ["0", "0", "5", "6"], ["0", "0", "7", "8"]],  # mostly constant
        [["0.0"] * 4, ["0"] * 4, ["0/5"] * 4, ["-0"] * 4],  # one constant written four ways
    ],
)
def test_null_agents_are_never_paid(batch: list[list[str | None]]) -> None:
    rewards = majority_vote_rewards(batch)
    assert all(r == 0.0 for group in rewards for r in group)


def test_ties_and_lone_votes_pay_nobody() -> None:
    batch = [["1", "2"], ["3", "4", "4"], ["5"], ["6", "6", "7", "7"]]
    assert majority_vote_rewards(batch) == [[0.0, 0.0], [0.0, 1.0, 1.0], [0.0], [0.0] * 4]


def test_one_group_cannot_be_scored() -> None:
    with pytest.raises(RewardError):
        majority_vote_rewards([["4", "4", "5"]])
    with pytest.raises(RewardError):
        majority_vote_rewards(DIVERSE, min_votes=1)


def test_is_vote() -> None:
    assert is_vote("12") and is_vote("\\frac{1}{2}") and is_vote("x = 3")
    assert not any(is_vote(a) for a in (None, "", " ", "not 12", "12 or 13", "lambda: 12", 12))


def test_pseudo_label_component() -> None:
    labels = dict(zip(["a", "b", "c", "d"], majority_vote_labels(DIVERSE)))
    rubric = Rubric([Component("majority", PseudoLabelReward(labels), 1.0)])
    assert rubric(task("a"), Trajectory(task_id="a", answers=["4.0"], final_answer="4.0")).total == 1.0
    assert rubric(task("a"), Trajectory(task_id="a", answers=["5"], final_answer="5")).total == 0.0
    assert rubric(task("a"), Trajectory(task_id="a", answers=["4", "5"], final_answer="5")).total == 0.0
    assert rubric(task("a"), Trajectory(task_id="a")).total == 0.0
    assert rubric(task("zzz"), Trajectory(task_id="zzz", answers=["4"], final_answer="4")).total == 0.0
