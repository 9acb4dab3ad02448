"""A Unicode text space for observations and actions.

``gymnasium.spaces.Text`` only admits a fixed character set (alphanumerics by default), so it rejects
most of what an LLM writes: punctuation, JSON, LaTeX, emoji, other scripts. :class:`UnicodeText`
contains any Python ``str`` up to ``max_length`` characters and samples random Unicode strings that
include the characters tool-call parsers care about, so random actions exercise the parsers.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from gymnasium.spaces import Space

# What ``sample`` draws from: printable ASCII, markup that parsers react to, and other scripts.
_SAMPLE_ALPHABET = (
    [chr(c) for c in range(32, 127)]
    + ["\n", "\t", "é", "ß", "λ", "π", "∑", "中", "文", "😀", "\u200b"]
)
_SAMPLE_FRAGMENTS = ["<tool_call>", "</tool_call>", "<answer>", "</answer>", "\\boxed{", "```python\n", "```"]


class UnicodeText(Space[str]):
    """Any ``str`` of at most ``max_length`` characters."""

    def __init__(
        self,
        max_length: int = 1 << 30,
        *,
        max_sample_length: int = 64,
        seed: int | np.random.Generator | None = None,
    ) -> None:
        if max_length < 0:
            raise ValueError("max_length must be >= 0")
        self.max_length = int(max_length)
        self.max_sample_length = int(min(max_sample_length, max_length))
        super().__init__(shape=None, dtype=None, seed=seed)

    def sample(self, mask: Any | None = None, probability: Any | None = None) -> str:
        """A random string mixing characters and parser-relevant fragments (masks are not supported)."""
        if mask is not None or probability is not None:
            raise NotImplementedError("UnicodeText.sample does not support masks")
        rng = self.np_random
        length = int(rng.integers(0, self.max_sample_length + 1))
        parts: list[str] = []
        total = 0
        while total < length:
            if rng.random() < 0.1:
                piece = _SAMPLE_FRAGMENTS[int(rng.integers(len(_SAMPLE_FRAGMENTS)))]
            else:
                piece = _SAMPLE_ALPHABET[int(rng.integers(len(_SAMPLE_ALPHABET)))]
            parts.append(piece)
            total += len(piece)
        return "".join(parts)[:length]

    def contains(self, x: Any) -> bool:
        return isinstance(x, str) and len(x) <= self.max_length

    @property
    def is_np_flattenable(self) -> bool:
        return False

    def to_jsonable(self, sample_n: Sequence[str]) -> list[str]:
        return list(sample_n)

    def from_jsonable(self, sample_n: list[str]) -> list[str]:
        return list(sample_n)

    def __repr__(self) -> str:
        return f"UnicodeText(max_length={self.max_length})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UnicodeText) and other.max_length == self.max_length
