"""Reward functions ``fn(task, trajectory) -> float`` and the :class:`Rubric` that weighs them."""

from toolgym.rewards.base import Component, RewardResult, Rubric
from toolgym.rewards.call_match import MatchResult, match_calls
from toolgym.rewards.efficiency import otc_group_rewards, otc_tool_reward
from toolgym.rewards.format import FormatReward
from toolgym.rewards.majority import PseudoLabelReward, majority_vote_labels, majority_vote_rewards
from toolgym.rewards.math import AnswerRules, MathAnswerReward, extract_boxed, math_equal
from toolgym.rewards.tool_success import ToolSuccessReward, tool_success_component, tool_success_steps
from toolgym.rewards.toolrl import CallMatchReward, toolrl_components

__all__ = [
    "AnswerRules",
    "PseudoLabelReward",
    "ToolSuccessReward",
    "majority_vote_labels",
    "majority_vote_rewards",
    "tool_success_component",
    "tool_success_steps",
    "CallMatchReward",
    "Component",
    "FormatReward",
    "MatchResult",
    "MathAnswerReward",
    "RewardResult",
    "Rubric",
    "extract_boxed",
    "match_calls",
    "math_equal",
    "otc_group_rewards",
    "otc_tool_reward",
    "toolrl_components",
]
