"""The token-id space of token mode, and the action record that carries logprobs.

Observations are 1-D ``int64`` arrays of token ids. Actions are the policy's token ids (a sequence
or array), or a :class:`TokenAction` that also carries the sampler's logprobs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from gymnasium.spaces import Space


@dataclass(frozen=True)
class TokenAction:
    """The policy's tokens for one turn, with the sampler's logprob of each (optional)."""

    token_ids: Sequence[int]
    logprobs: Sequence[float] | None = None


class TokenIds(Space[np.ndarray]):
    """1-D arrays of token ids in ``[0, vocab_size)``, at most ``max_length`` long.

    ``sample`` draws ordinary tokens (never one of ``special_ids``) and ends with one of
    ``end_ids`` when given, so samples are well-formed policy turns.
    """

    def __init__(
        self,
        vocab_size: int,
        *,
        max_length: int = 1 << 30,
        special_ids: Sequence[int] = (),
        end_ids: Sequence[int] = (),
        max_sample_length: int = 32,
        seed: int | np.random.Generator | None = None,
    ) -> None:
        if vocab_size < 1 or max_length < 0:
            raise ValueError("vocab_size must be >= 1 and max_length >= 0")
        self.vocab_size = int(vocab_size)
        self.max_length = int(max_length)
        self.end_ids = tuple(int(i) for i in end_ids)
        excluded = {int(i) for i in special_ids} | set(self.end_ids)
        self._ordinary = np.asarray([i for i in range(self.vocab_size) if i not in excluded], dtype=np.int64)
        self.max_sample_length = min(max_sample_length, max_length)
        super().__init__(shape=None, dtype=np.int64, seed=seed)

    def sample(self, mask: Any | None = None, probability: Any | None = None) -> np.ndarray:
        if mask is not None or probability is not None:
            raise NotImplementedError("TokenIds.sample does not support masks")
        rng = self.np_random
        n = int(rng.integers(0, self.max_sample_length + 1))
        body = rng.choice(self._ordinary, size=max(n - (1 if self.end_ids else 0), 0))
        if self.end_ids and n > 0:
            body = np.append(body, self.end_ids[int(rng.integers(len(self.end_ids)))])
        return body.astype(np.int64)

    def contains(self, x: Any) -> bool:
        if isinstance(x, TokenAction):
            x = x.token_ids
        try:
            arr = np.asarray(x)
        except (TypeError, ValueError):
            return False
        if arr.ndim != 1 or arr.shape[0] > self.max_length:
            return False
        if arr.size == 0:
            return True
        return bool(np.issubdtype(arr.dtype, np.integer) and arr.min() >= 0 and arr.max() < self.vocab_size)

    @property
    def is_np_flattenable(self) -> bool:
        return False

    def to_jsonable(self, sample_n: Sequence[np.ndarray]) -> list[list[int]]:
        return [np.asarray(s).tolist() for s in sample_n]

    def from_jsonable(self, sample_n: list[list[int]]) -> list[np.ndarray]:
        return [np.asarray(s, dtype=np.int64) for s in sample_n]

    def __repr__(self) -> str:
        return f"TokenIds(vocab_size={self.vocab_size}, max_length={self.max_length})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TokenIds) and (other.vocab_size, other.max_length) == (self.vocab_size, self.max_length)
