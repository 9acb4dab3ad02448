"""From finished rollouts to training samples: filtering, rewards, group-relative advantages.

* ``infra_error`` trajectories (a sandbox died: our fault) are dropped before anything else,
  so they neither get punished nor skew their group's statistics.
* Rewards are the env's final rewards, or with OTC the group's tool-efficiency rewards
  (:func:`toolgym.rewards.otc_group_rewards`) computed from each rollout's correctness component.
* Advantages are relative to the rollout's group (same task): GRPO ``(r - mean) / (std + eps)``
  (sample std), Dr. GRPO ``r - mean``.
* SimpleTIR void-turn filtering: trajectories with a turn that has neither a tool call nor an
  answer keep their place in the group statistics but are removed from the loss.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from toolgym.rewards.efficiency import otc_group_rewards
from toolgym.train.config import AdvantageMode
from toolgym.train.rollout import Rollout


@dataclass
class Sample:
    """One rollout prepared for the loss."""

    rollout: Rollout
    reward: float
    advantage: float
    #: False when filtered out of the loss (void turn); it still counted in its group's statistics.
    trained: bool


@dataclass
class FilterStats:
    """What filtering removed, as fractions of all rollouts of the step."""

    total: int
    infra_dropped: int
    void_filtered: int

    @property
    def infra_ratio(self) -> float:
        return self.infra_dropped / self.total if self.total else 0.0

    @property
    def void_ratio(self) -> float:
        return self.void_filtered / self.total if self.total else 0.0


def group_advantages(rewards: Sequence[float], groups: Sequence[int], mode: AdvantageMode, eps: float = 1e-6) -> list[float]:
    """Advantage of each reward relative to the others of its group."""
    if len(rewards) != len(groups):
        raise ValueError("rewards and groups differ in length")
    members: dict[int, list[int]] = defaultdict(list)
    for i, g in enumerate(groups):
        members[g].append(i)
    out = [0.0] * len(rewards)
    for idx in members.values():
        r = np.asarray([rewards[i] for i in idx], dtype=np.float64)
        centred = r - r.mean()
        if mode == "grpo":
            std = r.std(ddof=1) if len(r) > 1 else 0.0
            centred = centred / (std + eps)
        elif mode != "dr_grpo":
            raise ValueError(f"unknown advantage mode {mode!r}")
        for i, a in zip(idx, centred):
            out[i] = float(a)
    return out


def rollout_rewards(
    rollouts: Sequence[Rollout], *, otc: bool, correct_component: str, otc_alpha: float = 1.0, otc_c: float = 1.0
) -> list[float]:
    """Final rewards, or OTC-GRPO rewards computed per group from correctness and tool calls."""
    if not otc:
        return [r.trajectory.final_reward for r in rollouts]
    rewards = [0.0] * len(rollouts)
    by_group: dict[int, list[int]] = defaultdict(list)
    for i, r in enumerate(rollouts):
        by_group[r.request.group].append(i)
    for idx in by_group.values():
        correct = [_correctness(rollouts[i], correct_component) for i in idx]
        calls = [rollouts[i].trajectory.num_tool_calls for i in idx]
        for i, value in zip(idx, otc_group_rewards(calls, correct, alpha=otc_alpha, c=otc_c)):
            rewards[i] = value
    return rewards


def prepare_samples(
    rollouts: Sequence[Rollout],
    *,
    mode: AdvantageMode,
    filter_void_turns: bool,
    drop_infra_errors: bool,
    otc: bool = False,
    correct_component: str = "correct",
    otc_alpha: float = 1.0,
    otc_c: float = 1.0,
) -> tuple[list[Sample], FilterStats]:
    """Filter, reward and compute advantages for one step's rollouts."""
    kept = [r for r in rollouts if not (drop_infra_errors and r.trajectory.has_infra_error)]
    rewards = rollout_rewards(kept, otc=otc, correct_component=correct_component, otc_alpha=otc_alpha, otc_c=otc_c)
    advantages = group_advantages(rewards, [r.request.group for r in kept], mode)
    samples = [
        Sample(r, rew, adv, trained=not (filter_void_turns and r.trajectory.has_void_turn))
        for r, rew, adv in zip(kept, rewards, advantages)
    ]
    stats = FilterStats(len(rollouts), len(rollouts) - len(kept), sum(not s.trained for s in samples))
    return samples, stats


def _correctness(rollout: Rollout, component: str) -> float:
    """The rollout's correctness in [0, 1]: its ``component`` reward, else its final reward."""
    traj = rollout.trajectory
    value = traj.reward_components.get(component, traj.final_reward)
    return float(min(max(value, 0.0), 1.0))
