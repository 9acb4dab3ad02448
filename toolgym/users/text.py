"""Text matching shared by simulated users and the output reward.

Both need the same notion of "the agent said X": case-insensitive, tolerant of thousands
separators in numbers, and whole-token (the output ``4`` is not found inside ``14`` or ``4.5``).

Cost rule (why :data:`READ_LIMIT` exists): a simulated user runs on every step of a Retail/Travel
episode, so what one message may cost is capped. A user *reads* only the first
:data:`READ_LIMIT` characters of an agent message (:func:`read`, cut back to a word boundary),
like a person who stops reading a wall of text, and keeps incremental state rather than the
history, so a step costs the same at turn 50 after a megabyte of text as at turn 1. The reward
(``toolgym.apis.reward``) still checks everything the agent said with :func:`mentions`.
"""

from __future__ import annotations

import re

#: Characters of one agent message a simulated user reads; the rest is ignored.
READ_LIMIT = 16_384

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


def read(message: str, limit: int = READ_LIMIT) -> str:
    """What a simulated user takes in of ``message``: its first ``limit`` characters, normalized.

    A cut message ends at the last whitespace before the limit (so no half word is read), or at
    the limit when there is none. Costs O(min(len(message), limit)).

    >>> read("Your refund is $1,234.50. " + "x" * 20_000, limit=30)
    'your refund is $1234.50.'
    """
    head = message[:limit]
    if len(message) > limit and not message[limit].isspace():
        cut = max(head.rfind(" "), head.rfind("\n"), head.rfind("\t"))
        if cut > 0:
            head = head[:cut]
    return normalize(head)


def phrase_pattern(phrase: str) -> re.Pattern[str] | None:
    """The compiled whole-token pattern that :func:`mentions` looks for (``None`` for an empty phrase).

    Compile once and reuse with :func:`contains` when the same phrase is checked on many texts.
    """
    needle = normalize(phrase)
    if not needle:
        return None
    body = re.escape(needle)
    if _WHOLE_AMOUNT.fullmatch(needle):  # "200.00" may be said as "200"
        body = rf"{re.escape(needle[:-3])}(?:\.00)?"
    return re.compile(rf"(?<![a-z0-9])(?<!\d\.){body}(?![a-z0-9]|\.\d)")


def contains(normalized_text: str, pattern: re.Pattern[str] | None) -> bool:
    """Whether an already-normalized text contains a :func:`phrase_pattern`."""
    return pattern is not None and pattern.search(normalized_text) is not None


def mentions(text: str, phrase: str) -> bool:
    """Whether ``phrase`` occurs in ``text`` as a whole token sequence (after :func:`normalize`).

    An amount with zero cents (``"200.00"``) also matches when written without them (``"$200"``).
    """
    return contains(normalize(text), phrase_pattern(phrase))


def split_sentences(normalized_text: str) -> list[str]:
    """An already-normalized text split into sentences."""
    return [s.strip() for s in _SENTENCE_END.split(normalized_text) if s.strip()]


def sentences(text: str) -> list[str]:
    """``text`` (normalized) split into sentences."""
    return split_sentences(normalize(text))


def is_request(sentence: str) -> bool:
    """Whether a normalized sentence asks the reader something: a question or a polite imperative."""
    return "?" in sentence or sentence.startswith(_REQUEST_OPENERS)


def request_sentences(text: str) -> list[str]:
    """The sentences of ``text`` that ask the reader something: questions and polite imperatives."""
    return [s for s in sentences(text) if is_request(s)]
