"""Final-answer extraction shared by parsers: ``<answer>...</answer>`` tags and ``\\boxed{...}``.

Parsing never depends on scoring: the math reward imports :func:`extract_boxed` from here.
"""

from __future__ import annotations

import re

from toolgym.parsers.base import find_blocks

_BOX_RE = re.compile(r"\\(?:boxed|fbox)\s*\{")
_BRACE_TOKEN_RE = re.compile(r"\\.|[{}]", re.DOTALL)
#: What may surround a lone box in an answer block: spaces, ``$`` and a final period.
_BOX_FRAME_RE = re.compile(r"[\s$]*\.?[\s$]*")


def _matching_braces(text: str) -> dict[int, int]:
    """Map each balanced ``{`` index to its ``}`` index, skipping escaped ``\\{`` / ``\\}``.

    One linear pass, so a megabyte of unbalanced ``\\boxed{`` costs milliseconds, not minutes.
    """
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for m in _BRACE_TOKEN_RE.finditer(text):
        tok = m.group()
        if tok == "{":
            stack.append(m.start())
        elif tok == "}" and stack:
            pairs[stack.pop()] = m.start()
    return pairs


def box_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` spans of every outermost ``\\boxed{...}`` / ``\\fbox{...}`` in ``text``
    (``text[start:end]`` is the whole box, command included), in order."""
    if not isinstance(text, str) or ("\\boxed" not in text and "\\fbox" not in text):
        return []
    pairs = _matching_braces(text)
    out: list[tuple[int, int]] = []
    covered = -1
    for m in _BOX_RE.finditer(text):
        open_at = m.end() - 1
        close_at = pairs.get(open_at)
        if m.start() > covered and close_at is not None:
            out.append((m.start(), close_at + 1))
            covered = close_at
    return out


def extract_boxed(text: str) -> list[str]:
    """Contents of every outermost ``\\boxed{...}`` / ``\\fbox{...}`` in ``text``, in order.

    Braces may nest (``\\boxed{\\frac{1}{2}}``); escaped braces ``\\{`` do not count. A box whose
    brace is never closed is ignored. Boxes nested inside another box are part of its content.

    >>> extract_boxed(r"so \\boxed{\\frac{1}{2}} and \\fbox{3}")
    ['\\\\frac{1}{2}', '3']
    """
    out = []
    for start, end in box_spans(text):
        body = text[start:end]
        out.append(body[body.index("{") + 1 : -1])
    return out


def _unwrap_lone_box(block: str) -> str:
    """The box's content when ``block`` is one box and nothing else, else ``block`` stripped."""
    spans = box_spans(block)
    if len(spans) == 1:
        start, end = spans[0]
        if _BOX_FRAME_RE.fullmatch(block[:start]) and _BOX_FRAME_RE.fullmatch(block[end:]):
            body = block[start:end]
            return body[body.index("{") + 1 : -1].strip()
    return block.strip()


def extract_answers(text: str) -> tuple[list[str], bool]:
    """Every final answer in ``text`` and whether an ``<answer>`` tag was left unclosed.

    ``<answer>`` tags win: when present, their (stripped) contents are the answers. A block that is
    exactly one ``\\boxed{}`` is unwrapped; any other block is kept whole (``\\boxed{11} or
    \\boxed{12}``, ``anything but \\boxed{12}``) so the reward sees everything the policy answered.
    Otherwise every ``\\boxed{}`` outside code is an answer.
    """
    if text.startswith("<answer>") and text.endswith("</answer>") and len(text) >= 17:
        body = text[8:-9]  # the common last action, one bare <answer>...</answer> with no tags,
        if "answer>" not in body and "\\" not in body:  # boxes or LaTeX inside: the general path's result
            return [body.strip()], False
    if "<answer>" in text:
        blocks, _, unclosed = find_blocks(text, "<answer>", "</answer>")
        if unclosed:
            blocks = blocks[:-1]
        out = []
        for b in blocks:
            out.append(_unwrap_lone_box(b))
        return out, unclosed
    if "\\boxed" in text or "\\fbox" in text:
        return [b.strip() for b in extract_boxed(text)], False
    return [], False
