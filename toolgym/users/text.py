"""Text matching shared by simulated users and the output reward.

Both need the same notion of "the agent said X": case-insensitive, tolerant of thousands
separators in numbers, and whole-token (the output ``4`` is not found inside ``14`` or ``4.5``).
"""

from __future__ import annotations

import re

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
_WHOLE_AMOUNT = re.compile(r"\d+\.00")
_SPACE = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_REQUEST_OPENERS = (
    "please", "could you", "can you", "would you", "kindly", "tell me", "let me know", "provide",
    "may i", "i need", "i'll need", "i will need",
)


def normalize(text: str) -> str:
    """Lower-case, straight quotes, no thousands separators, single spaces."""
    return _SPACE.sub(" ", _THOUSANDS.sub("", text.translate(_QUOTES).lower())).strip()


def mentions(text: str, phrase: str) -> bool:
    """Whether ``phrase`` occurs in ``text`` as a whole token sequence (after :func:`normalize`).

    An amount with zero cents (``"200.00"``) also matches when written without them (``"$200"``).
    """
    needle = normalize(phrase)
    if not needle:
        return False
    body = re.escape(needle)
    if _WHOLE_AMOUNT.fullmatch(needle):  # "200.00" may be said as "200"
        body = rf"{re.escape(needle[:-3])}(?:\.00)?"
    pattern = rf"(?<![a-z0-9])(?<!\d\.){body}(?![a-z0-9]|\.\d)"
    return re.search(pattern, normalize(text)) is not None


def sentences(text: str) -> list[str]:
    """``text`` (normalized) split into sentences."""
    return [s.strip() for s in _SENTENCE_END.split(normalize(text)) if s.strip()]


def request_sentences(text: str) -> list[str]:
    """The sentences of ``text`` that ask the reader something: questions and polite imperatives."""
    return [s for s in sentences(text) if "?" in s or s.startswith(_REQUEST_OPENERS)]
