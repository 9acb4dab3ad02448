"""Tool-success reward, THOR-style (Chang et al., "THOR: Tool-Integrated Hierarchical Optimization via
RL for Mathematical Reasoning", arXiv 2509.13761): credit for tool calls that ran without error.

THOR rewards each step whose code executed successfully. Paid on its own, such a term is farmed:
a policy pads its episode with trivial calls (``print(1)``) and never answers. Here it is shaped so
that it cannot be:

* **per step** (:func:`tool_success_steps`): for each turn with calls, 1.0 when none of its calls
  failed through the policy's fault, else 0.0 (turns without calls get ``None``: no credit, no
  blame). Trainers that assign step-level credit use this list.
* **per episode** (:class:`ToolSuccessReward`): ``1 / (1 + f)`` where ``f`` is the number of calls
  that failed through the policy's fault. It counts failures, not a ratio, so padding an episode
  with successful calls never raises it; an episode without calls gets 1.0, so a policy that can
  answer without tools is never pushed to make a call for the bonus. Failures blamed on
  infrastructure (``FailureKind.INFRA``) are not counted: the policy cannot choose them.
* **gated** (:func:`tool_success_component`): the rubric pays it only when the outcome component
  (``correct``) is > 0, so a null agent (no calls, constant or empty answer) earns 0.

>>> from toolgym.rewards.base import Component, Rubric
>>> rubric = Rubric([Component("correct", lambda t, j: 0.0), tool_success_component(0.1)])
>>> rubric.weights
{'correct': 1.0, 'tool_success': 0.1}
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from toolgym.errors import RewardError
from toolgym.rewards.base import Component
from toolgym.types import ToolResult, Trajectory

if TYPE_CHECKING:
    from toolgym.tasks.model import Task


def _policy_failure(result: ToolResult) -> bool:
    """Whether ``result`` failed through the policy's fault (infra failures are not counted)."""
    if result.ok and result.error_kind is None:
        return False
    return str(getattr(result.error_kind, "value", result.error_kind)) != "infra"


def policy_failures(trajectory: Trajectory) -> int:
    """Number of the episode's tool calls that failed through the policy's fault."""
    return sum(_policy_failure(r) for t in trajectory.turns for r in t.results)


def tool_success_steps(trajectory: Trajectory) -> list[float | None]:
    """Per turn: 1.0 if the turn made calls and none failed through the policy's fault, 0.0 if one
    did, ``None`` for a turn without calls."""
    out: list[float | None] = []
    for turn in trajectory.turns:
        if not turn.results:
            out.append(None)
        else:
            out.append(0.0 if any(_policy_failure(r) for r in turn.results) else 1.0)
    return out


class ToolSuccessReward:
    """Reward fn ``1 / (1 + failed calls)`` over the episode (1.0 with no calls). Use it gated on the
    outcome (:func:`tool_success_component`); ungated it is a metric (weight 0), not a reward."""

    def __call__(self, task: Task, trajectory: Trajectory) -> float:
        return 1.0 / (1.0 + policy_failures(trajectory))


def tool_success_component(
    weight: float, *, requires: str = "correct", name: str = "tool_success"
) -> Component:
    """The tool-success term, paid only on episodes whose ``requires`` component is > 0."""
    if not (math.isfinite(weight) and weight >= 0):
        raise RewardError(f"tool-success weight must be a finite number >= 0, got {weight!r}")
    return Component(name, ToolSuccessReward(), weight, requires=requires)
