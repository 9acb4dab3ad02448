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


_ROLES = frozenset({"system", "user", "assistant", "tool"})


def _is_message(m: Any) -> bool:
    """A chat message in ToolGym's OpenAI-format record."""
    if not isinstance(m, dict) or m.get("role") not in _ROLES or not isinstance(m.get("content"), str):
        return False
    if m["role"] == "tool":
        return isinstance(m.get("tool_call_id"), str) and isinstance(m.get("name"), str)
    calls = m.get("tool_calls")
    return calls is None or (m["role"] == "assistant" and isinstance(calls, list))


class _ChatSpace(Space[dict]):
    """What the chat-mode spaces share: random text for samples, seeded with the space, no masks,
    no flattening."""

    def __init__(self, max_sample_length: int, seed: int | np.random.Generator | None) -> None:
        self._text = UnicodeText(max_sample_length=max_sample_length)
        super().__init__(shape=None, dtype=None, seed=seed)

    def seed(self, seed: int | None = None) -> Any:
        out = super().seed(seed)
        self._text.seed(int(self.np_random.integers(2**31)))
        return out

    def _no_mask(self, mask: Any, probability: Any) -> None:
        if mask is not None or probability is not None:
            raise NotImplementedError(f"{type(self).__name__}.sample does not support masks")

    @property
    def is_np_flattenable(self) -> bool:
        return False


class ChatObservation(_ChatSpace):
    """Chat-mode observations: ``{"messages": [OpenAI messages], "tools": [OpenAI tool schemas]}``."""

    def __init__(self, seed: int | np.random.Generator | None = None) -> None:
        super().__init__(32, seed)

    def sample(self, mask: Any | None = None, probability: Any | None = None) -> dict:
        """A system and a user message of random text, and no tools."""
        self._no_mask(mask, probability)
        return {
            "messages": [{"role": "system", "content": self._text.sample()}, {"role": "user", "content": self._text.sample()}],
            "tools": [],
        }

    def contains(self, x: Any) -> bool:
        return (
            isinstance(x, dict)
            and isinstance(x.get("messages"), list)
            and isinstance(x.get("tools"), list)
            and all(_is_message(m) for m in x["messages"])
            and all(isinstance(t, dict) and t.get("type") == "function" for t in x["tools"])
        )

    def __repr__(self) -> str:
        return "ChatObservation()"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ChatObservation)


class AssistantMessage(_ChatSpace):
    """Chat-mode actions: an assistant message ``{"content": str | None, "tool_calls": [...]}``
    (or its JSON string). ``sample`` mixes random text with structured calls of ``tool_names``,
    some with malformed arguments, so random actions exercise both paths."""

    def __init__(self, tool_names: Sequence[str] = (), seed: int | np.random.Generator | None = None) -> None:
        self.tool_names = list(tool_names)
        super().__init__(48, seed)

    def sample(self, mask: Any | None = None, probability: Any | None = None) -> dict:
        self._no_mask(mask, probability)
        rng = self.np_random
        msg: dict[str, Any] = {"role": "assistant", "content": self._text.sample()}
        if self.tool_names and rng.random() < 0.5:
            calls = []
            for i in range(int(rng.integers(1, 3))):
                name = self.tool_names[int(rng.integers(len(self.tool_names)))]
                args = "{" if rng.random() < 0.3 else '{"x": %d}' % int(rng.integers(100))
                calls.append({"id": f"sample_{i}", "type": "function", "function": {"name": name, "arguments": args}})
            msg["tool_calls"] = calls
        return msg

    def contains(self, x: Any) -> bool:
        if isinstance(x, str):
            return True
        if not isinstance(x, dict) or x.get("role", "assistant") != "assistant":
            return False
        content, calls = x.get("content"), x.get("tool_calls")
        return (content is None or isinstance(content, str)) and (calls is None or isinstance(calls, list))

    def __repr__(self) -> str:
        return f"AssistantMessage(tools={self.tool_names})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AssistantMessage) and other.tool_names == self.tool_names
