"""Token budgets (prompt, per observation, total) and content truncation that fits one.

Truncation never cuts template tokens: it shortens a message's *content* at a token boundary,
appends a visible marker saying how many tokens were dropped, and re-renders, so the stream stays
a valid rendering of (shortened) messages. Every cut is recorded in the trajectory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from toolgym.tokens.errors import TokenBudgetError

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


@dataclass(frozen=True)
class TokenBudget:
    """Limits in tokens; ``None`` means unlimited.

    ``max_prompt_tokens`` bounds the first prompt (the last prompt message's content is cut),
    ``max_observation_tokens`` each observation delta, ``max_total_tokens`` the whole stream (the
    generator is told how many tokens remain; an observation that does not fit is cut, and the
    episode is truncated when no room is left for the policy). ``max_response_tokens`` bounds
    everything after the prompt (policy turns and observations together), as trainers that pad the
    prompt and the response to separate lengths need (TRL's ``max_completion_length``, verl's
    ``response_length``); the stricter of it and ``max_total_tokens`` applies.
    """

    max_prompt_tokens: int | None = None
    max_observation_tokens: int | None = None
    max_total_tokens: int | None = None
    max_response_tokens: int | None = None

    def __post_init__(self) -> None:
        for name in ("max_prompt_tokens", "max_observation_tokens", "max_total_tokens"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise TokenBudgetError(f"{name} must be >= 1 or None, got {value}")
        if self.max_response_tokens is not None and self.max_response_tokens < 2:
            raise TokenBudgetError(
                f"max_response_tokens must be >= 2 (a token and a closing one) or None, got {self.max_response_tokens}"
            )

    def total_limit(self, prompt_tokens: int) -> int | None:
        """The whole stream's limit once the prompt has ``prompt_tokens`` tokens (``None``: unlimited)."""
        response = None if self.max_response_tokens is None else prompt_tokens + self.max_response_tokens
        limits = [x for x in (self.max_total_tokens, response) if x is not None]
        return min(limits) if limits else None


def truncation_marker(dropped: int) -> str:
    """The text that replaces a cut-off tail."""
    return f"\n[... truncated {dropped} tokens]"


def fit_content(
    tokenizer: PreTrainedTokenizerBase,
    content: str,
    measure: Callable[[str], int],
    limit: int,
) -> tuple[str, int]:
    """The longest head of ``content`` (cut at a token boundary, plus a marker) with
    ``measure(head) <= limit``; returns it and the number of content tokens dropped.

    ``measure`` renders a candidate and counts its tokens (e.g. the whole observation delta).
    Raises :class:`TokenBudgetError` when even an empty head does not fit.
    """
    enc = tokenizer(content, add_special_tokens=False, return_offsets_mapping=True)
    offsets = enc["offset_mapping"]
    n = len(offsets)

    def candidate(keep: int) -> str:
        cut = offsets[keep][0] if keep < n else len(content)
        return content[:cut] + truncation_marker(n - keep)

    if measure(candidate(0)) > limit:
        raise TokenBudgetError(f"even an empty message needs more than {limit} tokens")
    lo, hi = 0, n - 1  # the largest keep in [lo, hi] that fits; keep = n would be no cut at all
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if measure(candidate(mid)) <= limit:
            lo = mid
        else:
            hi = mid - 1
    return candidate(lo), n - lo
