"""Reward functions ``fn(task, trajectory) -> float`` and the :class:`Rubric` that weighs them."""

from toolgym.rewards.base import Component, RewardResult, Rubric
from toolgym.rewards.efficiency import otc_group_rewards, otc_tool_reward
from toolgym.rewards.format import FormatReward
from toolgym.rewards.math import MathAnswerReward, extract_boxed, math_equal

__all__ = [
    "Component",
    "FormatReward",
    "MathAnswerReward",
    "RewardResult",
    "Rubric",
    "extract_boxed",
    "math_equal",
    "otc_group_rewards",
    "otc_tool_reward",
]
