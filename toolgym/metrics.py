"""Run-level metrics: pass^k, the probability that *all* k independent trials of a task succeed.

With ``n`` trials of a task of which ``c`` succeeded, the unbiased estimate is
``C(c, k) / C(n, k)`` (τ-bench); the score of a run is its mean over tasks. pass^1 is the plain
success rate; pass^k falls as k grows unless the agent is consistent, which is what it measures.
"""

from __future__ import annotations

from math import comb
from typing import Mapping, Sequence


def pass_hat_k(successes: Sequence[bool], k: int) -> float:
    """``C(c, k) / C(n, k)`` for one task's ``n`` trial outcomes, ``c`` of them successes."""
    n, c = len(successes), sum(bool(s) for s in successes)
    if not 1 <= k <= n:
        raise ValueError(f"k must be in 1..{n} (the number of trials), got {k}")
    return comb(c, k) / comb(n, k)


def pass_k(outcomes: Mapping[str, Sequence[bool]], k: int) -> float:
    """Mean of :func:`pass_hat_k` over tasks (``task_id -> trial outcomes``)."""
    if not outcomes:
        raise ValueError("pass^k needs at least one task")
    return sum(pass_hat_k(v, k) for v in outcomes.values()) / len(outcomes)


def pass_k_curve(outcomes: Mapping[str, Sequence[bool]]) -> dict[int, float]:
    """pass^k for every k from 1 to the smallest number of trials any task has."""
    n = min(len(v) for v in outcomes.values()) if outcomes else 0
    return {k: pass_k(outcomes, k) for k in range(1, n + 1)}
