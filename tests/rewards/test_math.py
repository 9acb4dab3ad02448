"""Math answer equivalence, ``\\boxed{}`` extraction and the math reward."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction

import pytest

import toolgym.rewards.math as rmath
from toolgym.errors import RewardError
from toolgym.rewards.math import (
    MathAnswerReward,
    extract_boxed,
    math_equal,
    normalize_answer,
    parse_number,
    score_answers,
)
from toolgym.tasks.model import Task
from toolgym.types import Trajectory

# (pred, gold) pairs that the fast path decides (both sides read as plain numbers).
NUMERIC_EQUAL = [
    ("42", "42"),
    ("42", "42.0"),
    ("42.00", "42"),
    ("+42", "42"),
    ("-7", "-7.0"),
    ("007", "7"),
    (".5", "0.5"),
    ("0.5", "1/2"),
    ("1/2", "0.5"),
    ("3/4", r"\frac{3}{4}"),
    (r"\dfrac{3}{4}", "0.75"),
    (r"\tfrac{3}{4}", "3/4"),
    (r"\frac{6}{8}", "3/4"),
    (r"\frac34", "0.75"),
    ("-3/4", r"-\frac{3}{4}"),
    (r"\frac{-3}{4}", "-0.75"),
    (r"\frac{3}{-4}", "-3/4"),
    ("1,234,567", "1234567"),
    ("1 234", "1234"),
    ("1{,}234", "1234"),
    ("1\\,234", "1234"),
    ("25%", "25"),
    ("25", "25%"),
    (r"25\%", "25"),
    ("25%", "25 percent"),
    ("50 percent", "50"),
    ("5 dollars", "5"),
    ("1/3", "0.333"),  # a decimal gold is compared at its stated precision
    ("0.3333", "0.333"),
    (r"42 \text{ dollars}", "42"),
    ("x = 42", "42"),
    ("x=-3", "-3"),
    ("42", "y = 42"),
    ("$42", "42"),
    (r"\$42.00", "42"),
    ("$-5$", "-5"),
    ("42 cm", "42"),
    ("42cm", "42"),
    (r"42\text{ cm}", "42"),
    (r"42\mbox{ cm}^2", "42"),
    ("the answer is 42", "42"),
    ("Answer: 42", "42"),
    (r"30^\circ", "30"),
    (r"30^{\circ}", "30"),
    ("30°", "30"),
    ("42.", "42"),
    (r"\boxed{42}", "42"),
    (r"\boxed{\frac{1}{2}}", "0.5"),
    (r"\fbox{7}", "7"),
    ("$\\frac{1}{3}$", "1/3"),
    ("1e3", "1000"),
    ("1.5e-3", "0.0015"),
    ("\u22125", "-5"),
    (r"\left(\frac{1}{2}\right)", "1/2"),
    ("(3)", "3"),
]
NUMERIC_UNEQUAL = [
    # percent is a unit by default: one reading only (a task may declare the fraction reading)
    ("25%", "0.25"),
    ("0.25", "25%"),
    ("12.5%", "0.125"),
    # no tolerance is implied by how an answer is written
    ("0.333333", "1/3"),
    ("0.666667", "2/3"),
    ("0.142857", "1/7"),
    ("2.33333", "7/3"),
    ("0.334", "0.333"),
    # prose around a number is refused, not skipped
    ("42 apples", "42"),
    ("It is 5 dollars", "5"),
    ("42", "43"),
    ("42", "-42"),
    ("42", "420"),
    ("42", "4.2"),
    ("0.33", "1/3"),
    ("0.3333", "1/3"),
    ("0.33333", "1/3"),
    ("2.3333", "7/3"),
    ("3/4", "4/3"),
    (r"\frac{3}{4}", "0.7"),
    ("1,234", "1.234"),
    ("25%", "2.5"),
    ("25%", "0.025"),
    ("25%", "250"),
    ("25%", "0.25%"),
    ("x = 42", "41"),
    ("42 apples", "24"),
    ("$42", "$24"),
    (r"30^\circ", "60"),
    ("1e3", "100"),
    ("1e-6", "0"),
    (r"\boxed{42}", "24"),
    ("100", "100.5"),
    ("-0.5", "0.5"),
    (r"\frac{1}{2}", r"\frac{2}{1}"),
]
# Pairs that need the symbolic path (math-verify in a worker process).
SYMBOLIC_EQUAL = [
    (r"\sqrt{8}", r"2\sqrt{2}"),
    (r"\sqrt{18}", r"3\sqrt{2}"),
    (r"\pi/2", r"\frac{\pi}{2}"),
    ("2*sqrt(3)", r"2\sqrt{3}"),
    ("x^2+2x+1", "(x+1)^2"),
    ("a+b", "b+a"),
    (r"\frac{x}{2}", "x/2"),
    ("(1, 2)", "(1,2)"),
    (r"\left(1, 2\right)", "(1,2)"),
    ("[1,2)", "[1, 2)"),
    (r"\{1,2\}", r"\{2,1\}"),
    ("2^{10}", "1024"),
    (r"\sqrt{4}", "2"),
    (r"\frac{\sqrt{3}}{2}", r"\sin(\pi/3)"),
    (r"\frac{\sqrt{2}}{2}", r"\frac{1}{\sqrt{2}}"),
    (r"\infty", r"\infty"),
]
SYMBOLIC_UNEQUAL = [
    ("2x", "2"),
    ("2x", "x"),
    ("x", "2"),
    ("sqrt 2", "2"),
    ("x <= 5", "5"),
    ("x + 1", "1"),
    ("x - 1", "-1"),
    ("5 and 6", "5"),
    ("2 or 3", "2"),
    ("1/0", "0"),
    (r"\sqrt{8}", "3"),
    (r"\pi/2", r"\pi"),
    ("x^2+2x+1", "(x-1)^2"),
    ("y^2+2y+1", "(x+1)^2"),
    ("(1,2)", "(2,1)"),
    (r"x \in [1,2]", "[1,2]"),
    ("[1,2)", "(1,2]"),
    (r"\{1,2\}", r"\{1,3\}"),
    (r"\sqrt{2}", "1.41"),
    ("hello", "42"),
    ("", "42"),
    ("42", ""),
    ("   ", "   "),
    ("", ""),
]


def test_tables_are_big_enough() -> None:
    assert len(NUMERIC_EQUAL) + len(SYMBOLIC_EQUAL) >= 60
    assert len(NUMERIC_UNEQUAL) + len(SYMBOLIC_UNEQUAL) >= 40


@pytest.mark.parametrize(("pred", "gold"), NUMERIC_EQUAL + SYMBOLIC_EQUAL)
def test_equivalent(pred: str, gold: str) -> None:
    assert math_equal(pred, gold) is True


@pytest.mark.parametrize(("pred", "gold"), NUMERIC_UNEQUAL + SYMBOLIC_UNEQUAL)
def test_not_equivalent(pred: str, gold: str) -> None:
    assert math_equal(pred, gold) is False


def test_numbers_never_reach_the_symbolic_path(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, str]] = []

    def forbidden(pred: str, gold: str, timeout_s: float) -> bool:
        calls.append((pred, gold))
        raise AssertionError("symbolic path used for a numeric pair")

    monkeypatch.setattr(rmath, "_symbolic_equal", forbidden)
    for pred, gold in NUMERIC_EQUAL:
        assert math_equal(pred, gold), (pred, gold)
    for pred, gold in NUMERIC_UNEQUAL:
        assert not math_equal(pred, gold), (pred, gold)
    assert calls == []


def test_symbolic_pair_uses_the_symbolic_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rmath, "_symbolic_equal", lambda p, g, t: True)
    assert math_equal(r"\sqrt{9}", "17")  # the stub answers, proving the fallback is consulted


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("42", Fraction(42)),
        ("-3/4", Fraction(-3, 4)),
        (r"\dfrac{3}{4}", Fraction(3, 4)),
        ("1,234,567", Fraction(1234567)),
        ("25%", Fraction(25)),
        ("x = 42", None),  # wrappers are the screen's job, not the number reader's
        (r"\$42.00", Fraction(42)),
        ("2.5 kg", None),
        ("12.5%", Fraction(25, 2)),
        ("2x", None),
        ("2 pi", None),
        ("1/0", None),
        ("", None),
        ("1e999999999", None),
    ],
)
def test_parse_number(text: str, value: Fraction | None) -> None:
    assert parse_number(text) == value


def test_normalize_answer() -> None:
    assert normalize_answer("0.50") == "1/2"
    assert normalize_answer(r"\frac{6}{8}") == "3/4"
    assert normalize_answer("1,234") == "1234"
    assert normalize_answer(r"25\%") == "25%"
    assert normalize_answer(r"$\left( x + 1 \right)$.") == "(x+1)"
    assert normalize_answer(r"\boxed{ \text{yes} }") == "yes"


@pytest.mark.parametrize(
    ("text", "boxes"),
    [
        (r"so \boxed{42}.", ["42"]),
        (r"\boxed{\frac{1}{2}}", [r"\frac{1}{2}"]),
        (r"\boxed{1} and \fbox{2}", ["1", "2"]),
        (r"\boxed {5}", ["5"]),
        (r"\boxed{\{1,2\}}", [r"\{1,2\}"]),
        (r"\boxed{\boxed{3}}", [r"\boxed{3}"]),
        (r"\boxed{", []),
        (r"\boxed{1", []),
        (r"\boxed{ \boxed{2}", ["2"]),
        (r"\boxed{{}", []),
        ("no box", []),
        ("", []),
    ],
)
def test_extract_boxed(text: str, boxes: list[str]) -> None:
    assert extract_boxed(text) == boxes


GARBAGE = [
    "",
    "\\boxed{",
    "\\boxed{}",
    "}{",
    "\ud800",
    "\\boxed{\ud800}",
    "4\ud8002",
    "\\boxed{\\frac{\\sqrt{\\frac{1}{2}}}{\\boxed{2}}}",
    "{" * 100 + "}" * 99,
    "{" * 3000,
    "9" * 5000,
    "1e99999",
    "1e999999999",
    "\x00\x01",
    "((((((((((",
    "\\frac{1}{0}",
    "x" * 1_000_000,
    "\\boxed{" * 150_000,
    "9" * 1_000_000,
]


@pytest.mark.parametrize("junk", GARBAGE, ids=range(len(GARBAGE)))
def test_garbage_never_raises(junk: str) -> None:
    assert isinstance(extract_boxed(junk), list)
    assert isinstance(normalize_answer(junk), str)
    parse_number(junk)
    assert math_equal(junk, "42") is False
    assert isinstance(math_equal("42", junk), bool)
    assert score_answers([junk], "42") == 0.0


def test_non_strings_are_not_equal() -> None:
    assert math_equal(None, "42") is False  # type: ignore[arg-type]
    assert math_equal(42, "42") is False  # type: ignore[arg-type]


def test_symbolic_timeout_counts_as_unequal_and_pool_recovers() -> None:
    assert math_equal(r"9^{9^{9}}", "5", timeout_s=0.5) is False
    assert math_equal(r"\sqrt{12}", r"2\sqrt{3}") is True


def test_symbolic_path_works_from_worker_threads() -> None:
    pairs = [(r"\sqrt{27}", r"3\sqrt{3}"), (r"\sqrt{50}", r"5\sqrt{2}"), ("x^2-1", "(x-1)(x+1)")]
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda pg: math_equal(*pg), pairs))
    assert results == [True, True, True]


# --------------------------------------------------------------------------------------------------
# The reward


def make_task(answer: str | None = "42") -> Task:
    record = {
        "id": "t1",
        "env": "math_tir",
        "question": "q",
        "split": "test",
        "tools": ["python"],
        "reference": {"turns": [{"answer": "42"}]},
    }
    if answer is not None:
        record["answer"] = answer
    return Task.from_dict(record)


def traj(answers: list[str], final: str | None = None) -> Trajectory:
    return Trajectory(task_id="t1", answers=answers, final_answer=final)


@pytest.mark.parametrize(
    ("answers", "final", "expected"),
    [
        (["42"], "42", 1.0),
        (["x = 42"], "x = 42", 1.0),
        (["42", "42.0", r"\frac{84}{2}"], "42", 1.0),
        (["41"], "41", 0.0),
        (["42", "41"], "41", 0.0),  # conflicting answers
        (["41", "42"], "42", 0.0),  # the last one right does not save a hedge
        ([r"\boxed{42} or \boxed{41}"], None, 0.0),  # conflict inside one answer
        ([r"\boxed{42} so \boxed{42}"], None, 1.0),
        ([], None, 0.0),  # no answer
        (["", "  "], None, 0.0),  # blank answers are no answers
        ([], "42", 1.0),  # falls back to final_answer
        ([], "41", 0.0),
    ],
)
def test_math_answer_reward(answers: list[str], final: str | None, expected: float) -> None:
    assert MathAnswerReward()(make_task(), traj(answers, final)) == expected


def test_math_answer_reward_symbolic_gold() -> None:
    task = make_task(r"2\sqrt{2}")
    assert MathAnswerReward()(task, traj([r"\sqrt{8}"])) == 1.0
    assert MathAnswerReward()(task, traj([r"\sqrt{8}", "3"])) == 0.0


def test_math_answer_reward_needs_gold() -> None:
    with pytest.raises(RewardError):
        MathAnswerReward()(make_task(None), traj(["42"]))
    with pytest.raises(RewardError):
        MathAnswerReward(timeout_s=0)


def test_score_answers() -> None:
    assert score_answers(["3/4", "0.75"], r"\frac{3}{4}") == 1.0
    assert score_answers(["3/4", "0.7"], r"\frac{3}{4}") == 0.0
    assert score_answers([], "1") == 0.0
