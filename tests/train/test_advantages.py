"""Group advantages (GRPO, Dr. GRPO), infra_error dropping, SimpleTIR void filtering, OTC rewards."""

from __future__ import annotations

import math

import pytest

from toolgym.tokens.trajectory import TokenTrajectory, TurnSpan
from toolgym.train.advantages import group_advantages, prepare_samples, rollout_rewards
from toolgym.train.rollout import Rollout, RolloutRequest


def rollout(group: int, reward: float, *, calls: int = 1, void: bool = False, infra: bool = False, correct: float | None = None) -> Rollout:
    turns = [TurnSpan(0, 1, 1, 1, tool_calls=calls, has_answer=False, error="infra_error" if infra else None)]
    if void:
        turns.append(TurnSpan(1, 2, 2, 2, tool_calls=0, has_answer=False))
    turns.append(TurnSpan(2, 3, 3, 3, tool_calls=0, has_answer=True))
    comps = {"correct": correct if correct is not None else reward}
    traj = TokenTrajectory("t", turns=turns, final_reward=reward, reward_components=comps)
    return Rollout(RolloutRequest(f"task-{group}", group, 0), traj)


def test_grpo_advantages_normalise_per_group():
    adv = group_advantages([1.0, 0.0, 0.0, 0.0, 5.0, 5.0], [0, 0, 0, 0, 1, 1], "grpo")
    std = math.sqrt(((0.75**2) + 3 * (0.25**2)) / 3)  # sample std of (1, 0, 0, 0)
    assert adv[:4] == pytest.approx([0.75 / std, -0.25 / std, -0.25 / std, -0.25 / std], rel=1e-5)
    assert adv[4:] == [0.0, 0.0]  # identical rewards: no signal


def test_dr_grpo_advantages_only_centre():
    adv = group_advantages([1.0, 0.0, 0.0, 0.0], [0, 0, 0, 0], "dr_grpo")
    assert adv == pytest.approx([0.75, -0.25, -0.25, -0.25])


def test_single_member_group_has_zero_advantage():
    assert group_advantages([3.0], [7], "grpo") == [0.0]
    with pytest.raises(ValueError):
        group_advantages([1.0], [0, 1], "grpo")
    with pytest.raises(ValueError):
        group_advantages([1.0], [0], "ppo")  # type: ignore[arg-type]


def test_infra_errors_are_dropped_before_group_statistics():
    rs = [rollout(0, 1.0), rollout(0, 0.0), rollout(0, 0.0, infra=True), rollout(1, 1.0)]
    samples, stats = prepare_samples(rs, mode="dr_grpo", filter_void_turns=True, drop_infra_errors=True)
    assert [s.rollout for s in samples] == [rs[0], rs[1], rs[3]]
    assert [s.advantage for s in samples] == pytest.approx([0.5, -0.5, 0.0])
    assert stats.infra_dropped == 1 and stats.infra_ratio == pytest.approx(0.25)
    kept, _ = prepare_samples(rs, mode="dr_grpo", filter_void_turns=True, drop_infra_errors=False)
    assert len(kept) == 4


def test_void_trajectories_count_in_the_group_but_are_not_trained():
    rs = [rollout(0, 1.0), rollout(0, 0.0, void=True), rollout(0, 0.0)]
    samples, stats = prepare_samples(rs, mode="dr_grpo", filter_void_turns=True, drop_infra_errors=True)
    assert [s.trained for s in samples] == [True, False, True]
    assert samples[0].advantage == pytest.approx(2 / 3)  # the group mean includes the void rollout
    assert stats.void_filtered == 1 and stats.void_ratio == pytest.approx(1 / 3)
    unfiltered, stats = prepare_samples(rs, mode="dr_grpo", filter_void_turns=False, drop_infra_errors=True)
    assert all(s.trained for s in unfiltered) and stats.void_ratio == 0.0


def test_otc_rewards_pay_fewest_calls_among_correct_rollouts():
    rs = [rollout(0, 1.0, calls=1), rollout(0, 1.0, calls=3), rollout(0, 0.0, calls=1), rollout(1, 0.0, calls=2)]
    rewards = rollout_rewards(rs, otc=True, correct_component="correct")
    assert rewards[0] == pytest.approx(1.0)  # m = n = 1
    assert 0.0 < rewards[1] < 1.0  # more calls than the group's best
    assert rewards[2] == 0.0 and rewards[3] == 0.0  # wrong answers are never paid
    assert rollout_rewards(rs, otc=False, correct_component="correct") == [1.0, 1.0, 0.0, 0.0]
