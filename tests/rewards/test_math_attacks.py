"""The adversarial set for the math verifier: answers a reward-hacking policy would try.

Every ``ATTACKS`` entry is ``(gold, answer)`` where the answer is wrong, hedged, negated,
conditional or conflicting, and must score 0. ``SLOW`` answers must be decided within the time
bound and never be paid on a timeout. ``KEEP`` are honest forms that must still be paid.
"""

from __future__ import annotations

import time

import pytest

from toolgym.parsers.hermes import HermesParser
from toolgym.rewards.math import MathAnswerReward, math_equal, score_answers
from toolgym.rewards.math_symbolic import prestart
from toolgym.tasks.model import Task
from toolgym.types import Trajectory

BIG = "386359911614477"

ATTACKS: list[tuple[str, str]] = [
    # floats paid on integer golds
    (BIG, "386359911614476.0"),
    (BIG, "386359911614478.0"),
    (BIG, "3.863599e14"),
    (BIG, "3.8635991161448e14"),
    (BIG, "386359911614477.4"),
    (BIG, "386359911614476.99999"),
    ("12", "11.99999"),
    ("12", "12.000001"),
    ("12", "12.0000000000001"),
    ("1224720", "1224721.0"),
    ("1000000", "1e6 + 1"),
    ("12", "1.2e1 + 1e-9"),
    # decimal golds beyond their precision
    ("16940.01", "16940.02"),
    ("16940.01", "16940.00"),
    ("16940.01", "16940.015"),  # the midpoint pays neither neighbour
    ("16940.01", "16940.005"),
    ("0.371843", "0.371844"),
    ("0.04", "0.05"),
    ("12.3153", "12.315"),
    ("110301.00", "110301.01"),
    # exact fractions are not approximated
    ("1/3", "0.333333"),
    ("1/3", "0.3333333333"),
    ("7/3", "2.33333"),
    ("421/972", "0.433128"),
    # hedges, negations, conditionals
    ("12", "anything but 12"),
    ("12", "never 12"),
    ("12", "Answer: definitely not 12"),
    ("12", "not 12"),
    ("12", "12 is wrong"),
    ("12", "12 is not the answer"),
    ("12", "12 (not)"),
    ("12", "12, not 11"),
    ("12", "\\neq 12"),
    ("12", "x \\neq 12"),
    ("12", "\\ne 12"),
    ("12", "\\not= 12"),
    ("12", "x \\not= 12"),
    ("12", "12\u0338"),
    ("12", "=\u033812"),
    ("12", "\u226012"),
    ("12", "x != 12"),
    ("12", "lambda: 12"),
    ("12", "lambda x: 12"),
    ("12", "\\lambda: 12"),
    ("12", "if x > 0 then 12 else 11"),
    ("12", "12 if n is even"),
    ("12", "12 unless n = 3"),
    ("12", "maybe 12"),
    ("12", "probably 12"),
    ("12", "approximately 12"),
    ("12", "\\approx 12"),
    ("12", "x \\approx 12"),
    ("12", "12 \\pm 1"),
    ("12", "12 ± 1"),
    ("12", "x > 11"),
    ("12", "x \\geq 12"),
    ("12", "11 < x < 13"),
    ("12", "12 or 11"),
    ("12", "11 or 12"),
    ("12", "12 and 11"),
    ("12", "either 11 or 12"),
    ("12", "\\text{not } 12"),
    ("12", "\\text{anything but } 12"),
    ("12", "12 \\text{ or } 11"),
    ("12", "\\boxed{11} or \\boxed{12}"),
    ("12", "\\boxed{12} or \\boxed{11}"),
    ("12", "\\boxed{12}\\boxed{11}"),
    ("12", "anything but \\boxed{12}"),
    ("12", "\\boxed{\\text{not } 12}"),
    ("12", "\\boxed{12 \\text{ is wrong}}"),
    ("12", "x = 11 = 12"),
    ("12", "12 = 11"),
    ("12", "11, 12"),
    ("12", "\\{11, 12\\}"),
    ("12", "[11, 13]"),
    ("12", "-12"),
    ("12", "12%"),  # percent is a unit by default, but "12%" is fine only for a percent gold... see KEEP
    ("12", "12 \\text{(or 11)}"),
    ("12", "12 wait no 11"),
    ("12", "12 nope"),
    ("12", "12 excluded"),
    ("12", "impossible, 12"),
    ("12", "12?"),
    ("12", "12 \\lor 11"),
    ("12", "12 \\vee 11"),
    ("12", "\\neg 12"),
    ("12", "\\lnot 12"),
    ("12", "x \\in \\{11, 12\\}"),
    ("12", "12 \\mid 11"),
    ("12", "\\sim 12"),
    ("12", "12\\ldots"),
    ("12", "print(12)"),
    ("12", "def f(): return 12"),
    ("12", "\\overline{12}"),
    ("12", "12\u20e5"),
    ("12", "1\u200b2"),
    ("12", "\uff11\uff12"),
    ("1/2", "0.5000001"),
    ("\\frac{\\sqrt{2}}{2}", "0.7071068"),
    ("\\pi", "3.1415927"),
    ("\\sqrt{2}", "1.414214"),
    # ordered tuples keep their order
    ("10, 4, -2", "4, 10, -2"),
    ("(10, 4, -2)", "(4, 10, -2)"),
    ("(10, 4, -2)", "4, 10, -2"),
    ("(1, 2)", "(2, 1)"),
    ("(1, 2)", "(1, 2, 2)"),
    ("(1, 2)", "[1, 2]"),
    # percent: one reading only (the task picks it)
    ("0.25", "25%"),
    ("25", "0.25"),
    # junk
    ("12", ""),
    ("12", "   "),
    ("12", "\\boxed{}"),
    ("12", "12" * 300),
]

#: gold 12's "12%" is not an attack under the default percent-as-unit reading; keep it out.
ATTACKS = [(g, a) for g, a in ATTACKS if (g, a) != ("12", "12%")]

SLOW: list[tuple[str, str, bool]] = [
    ("12", "12 + 0*9**9**9**9", True),
    ("12", "10^{10^{10}} - 10^{10^{10}} + 12", True),
    ("12", "9^{9^{9}}", False),
    ("12", "9^{9^{9^{9}}} - 9^{9^{9^{9}}} + 11", False),
    ("12", "2^{10^{12}}", False),
    ("12", "(10^{5000})^{5000}", False),
    ("12", "100000000!", False),
    ("12", "\\frac{10^{10^{10}}}{10^{10^{10}}} + 11", True),
    ("12", "\\sqrt{9^{9^{9}}}", False),
    ("12", "\\sqrt{10^{10^{10}}} - \\sqrt{10^{10^{10}}} + 12", False),
]

KEEP: list[tuple[str, str]] = [
    ("12", "12"),
    ("12", "12.0"),
    ("12", "12.000"),
    ("12", "1.2e1"),
    ("12", "\\frac{24}{2}"),
    ("12", "x = 12"),
    ("12", "Answer: 12"),
    ("12", "The answer is 12."),
    ("12", "$12$"),
    ("12", "\\boxed{12}"),
    ("12", "\\boxed{12} so \\boxed{12}"),
    ("12", "12 cm"),
    ("12", "12 \\text{ cm}"),
    ("12", "\\$12"),
    ("12", "12 dollars"),
    ("12", "12%"),
    ("12", "12^\\circ"),
    (BIG, BIG),
    (BIG, "386,359,911,614,477"),
    (BIG, "386359911614477.0"),
    ("16940.01", "16940.01"),
    ("16940.01", "16940.010"),
    ("16940.01", "16,940.01"),
    ("16940.01", "16940.0149"),
    ("16940.01", "16940.0051"),
    ("110301.00", "110301"),
    ("0.04", "1/25"),
    ("0.371843", "0.3718434"),
    ("1/3", "\\frac{1}{3}"),
    ("1/3", "2/6"),
    ("-57/43", "-\\frac{57}{43}"),
    ("0.5", "1/2"),
    ("10, 4, -2", "10, 4, -2"),
    ("10, 4, -2", "(10, 4, -2)"),
    ("(1, 2)", "(1,2)"),
    ("\\{1, 2\\}", "\\{2, 1\\}"),
    ("2\\sqrt{2}", "\\sqrt{8}"),
    ("x^2+2x+1", "(x+1)^2"),
    ("x \\leq 5", "x \\le 5"),
    ("1 \\pm \\sqrt{2}", "1 \\pm \\sqrt{2}"),
]


@pytest.mark.parametrize(("gold", "answer"), ATTACKS)
def test_attack_scores_zero(gold: str, answer: str) -> None:
    assert math_equal(answer, gold) is False
    assert score_answers([answer], gold) == 0.0


def test_attack_set_size() -> None:
    assert len(ATTACKS) >= 90


@pytest.mark.parametrize(("gold", "answer"), KEEP)
def test_honest_forms_are_paid(gold: str, answer: str) -> None:
    assert math_equal(answer, gold) is True


@pytest.mark.parametrize(("gold", "answer", "equal"), SLOW)
def test_slow_checks_are_bounded_and_never_paid_on_timeout(gold: str, answer: str, equal: bool) -> None:
    prestart()  # warm workers: a check is timed, not a process start-up
    t0 = time.perf_counter()
    verdict = math_equal(answer, gold)
    elapsed = time.perf_counter() - t0
    assert verdict is equal
    assert elapsed <= 1.0, f"{answer!r} took {elapsed:.2f} s"


def test_cheap_path_decides_the_issue_examples_without_sympy(monkeypatch: pytest.MonkeyPatch) -> None:
    import toolgym.rewards.math as rmath

    def forbidden(*args: object) -> bool:
        raise AssertionError("symbolic path used")

    monkeypatch.setattr(rmath, "_symbolic_equal", forbidden)
    assert math_equal("12 + 0*9**9**9**9", "12") is True
    assert math_equal("10^{10^{10}} - 10^{10^{10}} + 12", "12") is True
    assert math_equal("10^{10^{10}} - 10^{10^{10}} + 11", "12") is False


def _task(gold: str, **extra: object) -> Task:
    record = {
        "id": "t",
        "env": "math_tir",
        "question": "q",
        "split": "test",
        "tools": [],
        "answer": gold,
        "reference": {"turns": [{"answer": gold}]},
        **extra,
    }
    return Task.from_dict(record)


@pytest.mark.parametrize(
    "text",
    [
        "<answer>\\boxed{11} or \\boxed{12}</answer>",
        "<answer>\\boxed{12} or \\boxed{11}</answer>",
        "<answer>anything but \\boxed{12}</answer>",
        "<answer>definitely not 12</answer>",
        "<answer>11</answer><answer>12</answer>",
        "\\boxed{11} or \\boxed{12}",
    ],
)
def test_parsed_episodes_with_conflicts_score_zero(text: str) -> None:
    parsed = HermesParser().parse(text)
    traj = Trajectory(task_id="t", answers=list(parsed.answers), final_answer=parsed.answer)
    assert MathAnswerReward()(_task("12"), traj) == 0.0


def test_parsed_clean_box_is_paid() -> None:
    parsed = HermesParser().parse("<answer>\\boxed{12}</answer>")
    traj = Trajectory(task_id="t", answers=list(parsed.answers), final_answer=parsed.answer)
    assert MathAnswerReward()(_task("12"), traj) == 1.0


def test_tolerance_comes_from_the_task_only() -> None:
    loose = _task("2.50", answer_rules={"abs_tol": 0.01})
    strict = _task("2.50")
    traj = Trajectory(task_id="t", answers=["2.509"], final_answer="2.509")
    assert MathAnswerReward()(loose, traj) == 1.0
    assert MathAnswerReward()(strict, traj) == 0.0
    rel = _task(BIG, answer_rules={"rel_tol": 1e-6})
    far = Trajectory(task_id="t", answers=["3.9e14"], final_answer="3.9e14")
    near = Trajectory(task_id="t", answers=["3.863599e14"], final_answer="3.863599e14")
    assert MathAnswerReward()(rel, near) == 1.0
    assert MathAnswerReward()(rel, far) == 0.0
    # a declared tolerance does not let a hedge through
    hedge = Trajectory(task_id="t", answers=["not 2.50"], final_answer="not 2.50")
    assert MathAnswerReward()(loose, hedge) == 0.0


def test_percent_reading_is_declared_by_the_task() -> None:
    frac = _task("0.25", answer_rules={"percent": "fraction"})
    unit = _task("25")
    t = Trajectory(task_id="t", answers=["25%"], final_answer="25%")
    assert MathAnswerReward()(frac, t) == 1.0
    assert MathAnswerReward()(unit, t) == 1.0
    assert MathAnswerReward()(_task("0.25"), t) == 0.0
    # under the fraction reading 25% is 0.25 only, never also 25
    assert MathAnswerReward()(_task("25", answer_rules={"percent": "fraction"}), t) == 0.0


def test_answer_rules_are_validated() -> None:
    from toolgym.errors import RewardError, TaskValidationError
    from toolgym.rewards.math import AnswerRules

    with pytest.raises(RewardError):
        AnswerRules.from_mapping({"tolerance": 0.1})
    with pytest.raises(RewardError):
        AnswerRules(abs_tol=-1.0)
    with pytest.raises(RewardError):
        AnswerRules(percent="either")  # type: ignore[arg-type]
    with pytest.raises(TaskValidationError):
        _task("1", answer_rules={"rel_tol": -0.1})
    with pytest.raises(TaskValidationError):
        _task("1", answer_rules={"fuzzy": True})
    assert _task("1", answer_rules={"abs_tol": 0.5}).to_dict()["answer_rules"] == {"abs_tol": 0.5}


def test_issue_11_float_attacks_over_the_shipped_tasks() -> None:
    """The measurements of issue 11, over every shipped MathTIR task: none of these is paid now."""
    import re
    from decimal import Decimal

    from toolgym_tasks.math import load_curated

    tasks = list(load_curated())
    ints = [t.answer for t in tasks if t.answer and re.fullmatch(r"-?\d+", t.answer)]
    decs = [t.answer for t in tasks if t.answer and re.fullmatch(r"-?\d+\.\d+", t.answer)]
    assert len(ints) > 200 and len(decs) > 20
    assert [g for g in ints if math_equal(f"{int(g) + 1}.0", g)] == []  # gold+1 written as N.0
    assert [g for g in ints if math_equal(f"{int(g) - 1}.99999", g)] == []
    # a 7-significant-digit e form is paid only where it is the exact value
    sci = [g for g in ints if len(g.lstrip("-")) >= 8 and math_equal(f"{float(g):.6e}", g)]
    assert all(Decimal(f"{float(g):.6e}") == Decimal(g) for g in sci)
    bumped = [str(Decimal(g) + Decimal(1).scaleb(-len(g.split(".")[1]))) for g in decs]
    assert [g for g, b in zip(decs, bumped) if math_equal(b, g)] == []  # last digit + 1
