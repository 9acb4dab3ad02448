"""OTC-GRPO tool-efficiency reward ("Acting Less is Reasoning More", Wang et al., arXiv 2504.14870).

OTC rewards correct answers reached with as few tool calls as the task needs. The optimal number
of calls is unknown, so OTC-GRPO estimates it per group: ``n`` is the fewest tool calls among the
group's correct rollouts of the same task. A rollout with ``m`` calls then gets

* ``f(m, n) = 0`` if ``m = n = 0``; ``m`` if ``n = 0``; else ``2nm / (m + n)``
* ``r_tool = 1`` if ``f = n = 0``; ``cos(m·π / (2m + c))`` if ``n = 0``; else ``sin(f·π / (2n))``
* ``r = α · r_tool · r_correct``

These three formulas follow the paper (``c`` is its smoothing constant; ``r_tool`` peaks at 1 when
``m = n`` and decays for more calls). What the paper leaves open is fixed here as follows:

* a rollout counts as correct for ``n`` when ``r_correct > 0``, so every rollout that gets paid has
  ``m >= n``; for binary correctness this is the paper's definition;
* when no rollout is correct, ``n`` is undefined and every reward is 0 (``r_correct`` is 0 anyway:
  the tool reward is paid only on correct answers).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from toolgym.errors import RewardError


def otc_tool_reward(m: int, n: int, c: float = 1.0) -> float:
    """OTC-GRPO ``r_tool`` for a rollout with ``m`` tool calls when the group's optimum is ``n``."""
    if m < 0 or n < 0:
        raise RewardError(f"tool-call counts must be >= 0, got m={m}, n={n}")
    if not (math.isfinite(c) and c > 0):
        raise RewardError(f"smoothing constant c must be > 0, got {c}")
    if n == 0:
        # f = m: r_tool = 1 when m = 0 (f = n = 0), else cos(mπ / (2m + c)).
        return 1.0 if m == 0 else math.cos(m * math.pi / (2 * m + c))
    f = 2 * n * m / (m + n)
    return math.sin(f * math.pi / (2 * n))


def otc_group_rewards(
    tool_calls: Sequence[int],
    correct: Sequence[float],
    alpha: float = 1.0,
    c: float = 1.0,
) -> list[float]:
    """Per-rollout OTC-GRPO rewards ``α · r_tool · r_correct`` for one group (G rollouts, one task).

    ``tool_calls[i]`` is rollout i's number of tool calls and ``correct[i]`` its correctness in
    [0, 1] (bool or float). Returns all zeros when no rollout is correct.
    """
    if len(tool_calls) != len(correct):
        raise RewardError(
            f"tool_calls and correct differ in length: {len(tool_calls)} != {len(correct)}"
        )
    if not math.isfinite(alpha):
        raise RewardError(f"alpha must be finite, got {alpha}")
    scores = [float(x) for x in correct]
    if any(not 0.0 <= x <= 1.0 for x in scores):  # also rejects NaN
        raise RewardError(f"correctness values must lie in [0, 1], got {scores}")
    paid = [m for m, x in zip(tool_calls, scores) if x > 0]
    if not paid:
        return [0.0] * len(scores)
    n = min(paid)
    return [
        alpha * otc_tool_reward(m, n, c) * x if x > 0 else 0.0 for m, x in zip(tool_calls, scores)
    ]
