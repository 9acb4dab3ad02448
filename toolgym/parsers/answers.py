"""Final-answer extraction shared by parsers: ``<answer>...</answer>`` tags and ``\\boxed{...}``."""

from __future__ import annotations

from toolgym.parsers.base import find_blocks
from toolgym.rewards.math import extract_boxed


def extract_answers(text: str) -> tuple[list[str], bool]:
    """Every final answer in ``text`` and whether an ``<answer>`` tag was left unclosed.

    ``<answer>`` tags win: when present, their (stripped) contents are the answers, and a
    ``\\boxed{}`` inside one is unwrapped. Otherwise every ``\\boxed{}`` outside code is an answer.
    """
    if "<answer>" in text:
        blocks, _, unclosed = find_blocks(text, "<answer>", "</answer>")
        if unclosed:
            blocks = blocks[:-1]
        out = []
        for b in blocks:
            boxed = extract_boxed(b) if "\\boxed" in b or "\\fbox" in b else []
            out.append(boxed[-1].strip() if boxed else b.strip())
        return out, unclosed
    if "\\boxed" in text or "\\fbox" in text:
        return [b.strip() for b in extract_boxed(text)], False
    return [], False
