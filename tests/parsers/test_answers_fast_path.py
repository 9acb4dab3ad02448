"""The lone-``<answer>`` shortcut of ``extract_answers`` returns what the general path returns."""

from __future__ import annotations

import itertools

import pytest

from toolgym.parsers import answers as A


def _general(text: str) -> tuple[list[str], bool]:
    """The general path, with the shortcut's precondition made false (same blocks, same boxes)."""
    out, unclosed = (
        A.extract_answers(" " + text)
        if text.startswith("<answer>")
        else A.extract_answers(text)
    )
    return out, unclosed


PIECES = ["<answer>", "</answer>", "42", " ", "\\boxed{4}", "\\fbox{5}", "x", "<answer"]


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_shortcut_matches_the_general_path(n: int) -> None:
    for parts in itertools.product(PIECES, repeat=n):
        text = "".join(parts)
        assert A.extract_answers(text) == _general(text), text


def test_edge_cases() -> None:
    assert A.extract_answers("<answer>") == ([], True)
    assert A.extract_answers("<answer></answer>") == ([""], False)
    assert A.extract_answers("<answer> 7 </answer>") == (["7"], False)
    assert A.extract_answers("<answer>1</answer><answer>2</answer>") == (
        ["1", "2"],
        False,
    )
    assert A.extract_answers("<answer>\\boxed{3}</answer>") == (["3"], False)
