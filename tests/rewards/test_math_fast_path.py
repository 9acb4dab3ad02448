"""The plain-number shortcut of ``math_equal`` must give exactly the full verifier's verdict.

An adversarial policy would look for a string the shortcut pays and the screen refuses (or the
reverse); these tests compare the two paths on bare numbers and on near-misses built to look like
them (odd whitespace, unicode digits, signs, leading zeros, long digit strings, tolerances).
"""

from __future__ import annotations

import random

import pytest

from toolgym.errors import RewardError
from toolgym.rewards.math import (
    AnswerRules,
    MathAnswerReward,
    _math_equal_full,
    _rules_of,
    math_equal,
)
from toolgym.tasks import Task
from toolgym.types import Trajectory

RULES = [
    AnswerRules(),
    AnswerRules(abs_tol=0.5),
    AnswerRules(rel_tol=0.01),
    AnswerRules(percent="fraction"),
]


def _numbers(rng: random.Random) -> str:
    sign = rng.choice(["", "", "-", "+"])
    whole = rng.choice(
        [
            "0",
            "00",
            "7",
            "42",
            "042",
            "1000",
            "999",
            str(rng.randrange(10**6)),
            "9" * 60,
        ]
    )
    frac = rng.choice(
        [
            "",
            "",
            ".0",
            ".5",
            ".50",
            ".05",
            ".25",
            "." + str(rng.randrange(1000)),
            "/2",
            "/4",
            "/0",
            "/00",
            "/1287",
        ]
    )
    return sign + whole + frac


@pytest.mark.parametrize("rules", RULES, ids=["exact", "abs", "rel", "percent"])
def test_shortcut_agrees_with_full_path_on_bare_numbers(rules: AnswerRules) -> None:
    rng = random.Random(13)
    for _ in range(3000):
        pred, gold = _numbers(rng), _numbers(rng)
        if rng.random() < 0.2:
            pred = (
                gold.lstrip("+") if rng.random() < 0.5 else gold + "0" * ("." in gold)
            )
        assert math_equal(pred, gold, rules=rules) == _math_equal_full(
            pred, gold, rules, 0.7
        ), (pred, gold)


@pytest.mark.parametrize(
    "pred",
    [
        "42\x0b",  # vertical tab: the screen refuses non-printing characters
        "\u0664\u0662",  # Arabic-Indic digits: not ASCII, not a bare number
        "４２",  # fullwidth digits
        "4²",  # a superscript digit: str.isdigit says yes, the integer shortcut must not
        "42.",
        ".5",
        "4 2",
        "--42",
        "+-42",
        "42e0",
        "4" * 401,  # longer than any number read by the fast path
        "0042",
        "-0",
        "42 ",
        "84/2",
        "42/0",
        "1/2 ",
        "1 /2",
        "1/2/3",
        "1,000/2",
    ],
)
def test_near_misses_take_the_full_path_and_agree(pred: str) -> None:
    for gold in ("42", "0", "0.5", "1/2", "2/0", "4" * 401):
        for rules in RULES:
            assert math_equal(pred, gold, rules=rules) == _math_equal_full(
                pred, gold, rules, 0.7
            ), (pred, gold)


def test_shortcut_verdicts() -> None:
    assert math_equal("41", "42") is False
    assert math_equal("042", "42") is True
    assert math_equal("42.0", "42") is True
    assert math_equal("3.14", "3.14159") is False
    assert math_equal("3.1416", "3.14") is True  # the gold's stated precision
    assert math_equal("41.6", "42", rules=AnswerRules(abs_tol=0.5)) is True
    assert math_equal("41", "42", rules=AnswerRules(abs_tol=0.5)) is False
    assert math_equal("84/2", "42") is True
    assert math_equal("2/4", "0.5") is True
    assert math_equal("938/1288", "938/1287") is False


@pytest.mark.parametrize(
    ("pred", "verdict"),
    [("0.25", False), ("0.35", False), ("0.2500001", True), ("0.3499999", True), ("-0.3", False), ("3/10", True)],
)
def test_half_a_unit_of_the_gold_is_the_strict_edge(pred: str, verdict: bool) -> None:
    # The integer cross-product check: exactly half a unit in the gold's last place is not paid.
    assert math_equal(pred, "0.3") is verdict
    assert _math_equal_full(pred, "0.3", AnswerRules(), 0.7) is verdict


def test_rules_are_cached_per_record_and_types_are_not_confused() -> None:
    assert _rules_of({"abs_tol": 1}) is _rules_of({"abs_tol": 1})
    assert _rules_of(None) is _rules_of({}) == AnswerRules()
    assert _rules_of({"abs_tol": True}) is not _rules_of({"abs_tol": 1})
    reward = MathAnswerReward()
    traj = Trajectory(task_id="t", final_answer="41.6", answers=["41.6"])
    task = Task.from_dict(
        {
            "id": "t",
            "env": "m",
            "question": "q",
            "answer": "42",
            "answer_rules": {"abs_tol": 0.5},
        }
    )
    assert reward(task, traj) == 1.0
    strict = Task.from_dict({"id": "s", "env": "m", "question": "q", "answer": "42"})
    assert reward(strict, traj) == 0.0
    for _ in range(2):  # invalid rules are refused every time, not cached
        with pytest.raises(RewardError):
            _rules_of({"tol": 1})
