"""Math answers: equivalence with a gold answer, and the math reward.

:func:`math_equal` decides in four steps; the exact rules are in ``docs/rewards.md``.

1. **Screen** (:mod:`toolgym.rewards.math_screen`): hedged, negated, conditional or conflicting
   answers (``anything but 12``, ``\\neq 12``, ``\\boxed{11} or \\boxed{12}``) are refused; harmless
   wrappers (``Answer:``, ``x =``, ``$``, units) are dropped.
2. **Numbers** (fast path, no sympy): integers, decimals, thousands separators, fractions,
   ``\\frac``, percentages. An exact gold (integer, fraction) accepts only its exact value
   (``12.0`` is 12; ``11.99999`` and ``3.863599e14`` are not); a decimal gold with ``d`` places
   accepts values that round to it at ``d`` places (strictly within half a unit of its last place, so
   no answer is paid for two different golds). Any other tolerance comes from the task
   (:class:`AnswerRules`), never from how the answer is written.
3. **Arithmetic** (:mod:`toolgym.rewards.math_arith`): exact, size-bounded evaluation of numeric
   expressions, so ``10^{10^{10}} - 10^{10^{10}} + 12`` is decided in microseconds.
4. **Symbolic** (:mod:`toolgym.rewards.math_symbolic`): math-verify in a killable worker, at most
   ``timeout_s`` per pair; a timeout is "not equal". Floats are compared at 12 decimal places, not
   math-verify's default 6, so ``3.1415927`` is not :math:`\\pi`. Ordered tuples and intervals are
   compared element by element, in order, by this module; sets (``\\{1, 2\\}``) are left to
   math-verify.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from toolgym.errors import RewardError
from toolgym.parsers.answers import extract_boxed
from toolgym.rewards import math_symbolic
from toolgym.rewards.math_arith import HUGE, evaluate
from toolgym.rewards.math_screen import (
    ASSIGN_RE,
    RELATION_CHARS_RE,
    clean_latex,
    screen,
)
from toolgym.types import Trajectory

if TYPE_CHECKING:
    from toolgym.tasks.model import Task

__all__ = [
    "SYMBOLIC_TIMEOUT_S",
    "AnswerRules",
    "MathAnswerReward",
    "extract_boxed",
    "math_equal",
    "normalize_answer",
    "parse_number",
    "score_answers",
]

logger = logging.getLogger(__name__)

#: Seconds one symbolic comparison may take before it counts as "not equal" (the whole check,
#: including killing a stuck worker, stays under one second).
SYMBOLIC_TIMEOUT_S = 0.7
#: Longer strings are never read as numbers / never compared symbolically.
_MAX_NUMBER_CHARS = 400
_MAX_SYMBOLIC_CHARS = 1000


@dataclass(frozen=True)
class AnswerRules:
    """What a task declares about its gold answer (the task's ``answer_rules``; all optional).

    * ``abs_tol`` / ``rel_tol``: a numeric answer within ``abs_tol + rel_tol * |gold|`` of the gold
      is paid (default 0: exact, or the gold's stated precision for decimal golds);
    * ``percent``: ``"unit"`` (default) reads ``25%`` as 25, a unit like ``cm``; ``"fraction"``
      reads it as 0.25 on both sides. Never both: one answer must not be paid for two golds.

    >>> AnswerRules.from_mapping({"abs_tol": 0.01})
    AnswerRules(abs_tol=0.01, rel_tol=0.0, percent='unit')
    """

    abs_tol: float = 0.0
    rel_tol: float = 0.0
    percent: Literal["unit", "fraction"] = "unit"

    def __post_init__(self) -> None:
        for name in ("abs_tol", "rel_tol"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
                raise RewardError(f"answer rule {name} must be a finite number >= 0, got {value!r}")
        if self.percent not in ("unit", "fraction"):
            raise RewardError(f"answer rule percent must be 'unit' or 'fraction', got {self.percent!r}")

    @classmethod
    def from_mapping(cls, rules: Mapping[str, Any] | None) -> AnswerRules:
        """Rules from a task's ``answer_rules`` record (``None`` or ``{}``: the defaults)."""
        if not rules:
            return cls()
        unknown = set(rules) - {"abs_tol", "rel_tol", "percent"}
        if unknown:
            raise RewardError(f"unknown answer rules {sorted(unknown)}; known: abs_tol, rel_tol, percent")
        return cls(**dict(rules))

    @property
    def tolerant(self) -> bool:
        return self.abs_tol > 0 or self.rel_tol > 0


_DEFAULT_RULES = AnswerRules()

# --------------------------------------------------------------------------------------------------
# Fast path: number reading

#: An unsigned decimal: plain, or with "," / " " thousands separators; optional fraction, exponent.
_DEC = (
    r"(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?:[ ]\d{3})+|\d+)(?:\.\d*)?(?:[eE][+-]?\d+)?"
    r"|\.\d+(?:[eE][+-]?\d+)?"
)
_SDEC = rf"[+-]?(?:{_DEC})"
_NUMBER_RE = re.compile(
    rf"""
    [$€£¥]?\s*(?P<sign>[+-]?)\s*[$€£¥]?\s*
    (?:
        \\frac\{{\s*(?P<ln>{_SDEC})\s*\}}\{{\s*(?P<ld>{_SDEC})\s*\}}           # \frac{{3}}{{4}}
      | \\frac(?P<sn>\d)(?P<sd>\d)                                            # \frac34
      | (?P<fn>{_SDEC})\s*/\s*(?P<fd>{_SDEC})                                 # 3/4
      | (?P<num>{_DEC})
    )
    (?P<pct>\s*(?:%|percent\b|percentage\b|pct\b))?
    """,
    re.VERBOSE,
)
#: One pair of parentheses around something without commas: "(3)" is 3, "(1,2)" stays a tuple.
_PARENS_RE = re.compile(r"\(\s*([^(),]*?)\s*\)")
_PLAIN_RE = re.compile(r"\s*([+-]?)(\d+)(?:\.(\d+))?\s*")
#: A bare ASCII number (one sign, digits, then a decimal part or ``/`` and digits). The screen
#: passes it unchanged and the gold's clean-up leaves it unchanged, so when answer and gold both are
#: one and both read as numbers, :func:`math_equal` compares their values at once: the same verdict
#: as the full path (``tests/rewards/test_math_fast_path.py`` checks the two against each other).
_FAST_PLAIN_RE = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+|/[0-9]+)?")


class _Num(NamedTuple):
    """A number read by the fast path."""

    value: Fraction
    #: Decimal places shown when written as a decimal literal (its stated precision); ``None`` when
    #: written exactly (an integer, a fraction).
    decimals: int | None
    percent: bool


def _decimal(text: str) -> tuple[Fraction, int | None]:
    """Read an unsigned :data:`_DEC` literal: value and decimal places shown (None for an integer)."""
    text = text.replace(",", "").replace(" ", "")
    exp = 0
    if "e" in text or "E" in text:
        text, _, e = text.lower().partition("e")
        exp = int(e)
        if abs(exp) > 1000:
            raise ValueError("exponent out of range")
    whole, dot, frac = text.partition(".")
    digits = whole + frac
    mantissa = int(digits) if digits else 0
    scale = len(frac) - exp
    value = Fraction(mantissa, 10**scale) if scale > 0 else Fraction(mantissa * 10**-scale)
    inexact = bool(dot) or exp != 0
    return value, (scale if inexact else None)


def _signed(text: str) -> Fraction:
    value, _ = _decimal(text.lstrip("+-"))
    return -value if text.startswith("-") else value


def _read_number(s: str) -> _Num | None:
    m = _PLAIN_RE.fullmatch(s)
    if m is not None:
        sign, whole, frac = m.groups()
        digits = whole + frac if frac else whole
        value = -int(digits) if sign == "-" else int(digits)
        if frac is None:
            return _Num(Fraction(value), None, False)
        return _Num(Fraction(value, 10 ** len(frac)), len(frac), False)
    s = clean_latex(s).rstrip(".").strip()
    wrapped = _PARENS_RE.fullmatch(s)
    m = _NUMBER_RE.fullmatch(wrapped.group(1) if wrapped else s)
    if m is None:
        return None
    decimals: int | None = None
    if m.group("num") is not None:
        value, decimals = _decimal(m.group("num"))
    else:
        num, den = (
            (m.group("ln"), m.group("ld"))
            if m.group("ln") is not None
            else (m.group("sn"), m.group("sd"))
            if m.group("sn") is not None
            else (m.group("fn"), m.group("fd"))
        )
        d = _signed(den)
        if d == 0:
            return None
        value = _signed(num) / d
    if m.group("sign") == "-":
        value = -value
    return _Num(value, decimals, m.group("pct") is not None)


_MISSING = object()
_NUMBER_CACHE: dict[str, _Num | None] = {}
_NUMBER_CACHE_SIZE = 16384


def _parse(s: str) -> _Num | None:
    """The fast-path reading of ``s`` as a number, or ``None`` (never raises)."""
    num = _NUMBER_CACHE.get(s, _MISSING) if isinstance(s, str) else None
    if num is not _MISSING:
        return num  # type: ignore[return-value]
    if len(s) > _MAX_NUMBER_CHARS:
        return None
    try:
        num = _read_number(s)
    except (ValueError, ZeroDivisionError, OverflowError):
        num = None
    if len(_NUMBER_CACHE) >= _NUMBER_CACHE_SIZE:
        _NUMBER_CACHE.clear()
    _NUMBER_CACHE[s] = num
    return num


_PLAIN_CACHE: dict[str, _Num | None] = {}


def _plain(s: str) -> _Num | None:
    """The number ``s`` states when it is a plain literal (:data:`_FAST_PLAIN_RE`, at most
    ``_MAX_NUMBER_CHARS``), else ``None``: one dict lookup once seen, as golds and common answers are."""
    num = _PLAIN_CACHE.get(s, _MISSING)
    if num is _MISSING:
        num = _parse(s) if len(s) <= _MAX_NUMBER_CHARS and _FAST_PLAIN_RE.fullmatch(s) else None
        if len(_PLAIN_CACHE) >= _NUMBER_CACHE_SIZE:
            _PLAIN_CACHE.clear()
        _PLAIN_CACHE[s] = num
    return num  # type: ignore[return-value]


def parse_number(s: str) -> Fraction | None:
    """The exact value of ``s`` when it is a plain number in one of the fast-path forms, else None.

    ``"25%"`` reads as 25 (the percent sign is remembered internally; see :class:`AnswerRules`).
    """
    num = _parse(s)
    return None if num is None else num.value


def normalize_answer(s: str) -> str:
    """A canonical string for ``s``: numbers as reduced fractions (``"0.50"`` -> ``"1/2"``, with
    a trailing ``%`` for percentages); anything else cleaned, the last box unwrapped, spaces removed."""
    if not isinstance(s, str) or len(s) > _MAX_SYMBOLIC_CHARS:
        return ""
    boxes = extract_boxed(s)
    if boxes:
        s = boxes[-1]
    num = _parse(s)
    if num is not None:
        return f"{num.value}%" if num.percent else str(num.value)
    return "".join(clean_latex(s).rstrip(".").split())


def _numbers_equal(pred: _Num, gold: _Num, rules: AnswerRules) -> bool:
    """Exact for exact golds; at the gold's stated precision for decimal golds; within the task's
    declared tolerance if it has one. The percent sign is read by ``rules.percent``."""
    p, g, d = pred.value, gold.value, gold.decimals
    default = rules is _DEFAULT_RULES  # percent "unit", no tolerance: the checks below that read rules pass
    if not default and rules.percent == "fraction":
        if pred.percent:
            p /= 100
        if gold.percent:
            g /= 100
            d = None if d is None else d + 2
    # in integers: Fraction arithmetic costs microseconds, and this runs at every scored episode
    pn, pd, gn, gd = p.numerator, p.denominator, g.numerator, g.denominator
    if pn == gn and pd == gd:  # p == g (both in lowest terms)
        return True
    if not default and rules.tolerant and abs(p - g) <= Fraction(repr(rules.abs_tol)) + Fraction(repr(rules.rel_tol)) * abs(g):
        return True
    if d is None:  # an exact gold: equal values (or within the declared tolerance) or nothing
        return False
    # strictly within half a unit in the gold's last shown place: 2 * |p - g| * 10**d < 1
    return 2 * abs(pn * gd - gn * pd) * 10**d < pd * gd


# --------------------------------------------------------------------------------------------------
# Tuples, intervals and the symbolic path

_OPENERS = {"(": ")", "[": "]"}
_CLOSERS = {")": "(", "]": "["}


def _split_top(s: str, sep: str = ",") -> list[str]:
    """Split at ``sep`` outside brackets and braces."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(s):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append(s[start:i])
            start = i + 1
    parts.append(s[start:])
    return [p.strip() for p in parts]


def _encloses(s: str) -> bool:
    """Whether the bracket at ``s[0]`` closes at ``s[-1]`` (and not before)."""
    depth = 0
    for i, ch in enumerate(s):
        depth += ch in "([{"
        depth -= ch in ")]}"
        if depth == 0:
            return i == len(s) - 1
    return False


def _as_sequence(s: str) -> tuple[str, list[str]] | None:
    """``(brackets, items)`` for an ordered tuple, list or interval; None for anything else.

    A bare ``10, 4, -2`` is the tuple ``(10, 4, -2)``. Sets (``\\{1, 2\\}``) are not sequences."""
    s = s.strip()
    if s.startswith("\\{") or not s:
        return None
    if s[0] == "{" and s[-1] == "}" and _encloses(s):  # {1,3}: a LaTeX group, not a set
        s = s[1:-1].strip()
    opener, closer = s[0], s[-1]
    if opener in _OPENERS and closer in _CLOSERS and _encloses(s):  # "(1)+(2)" is not one object
        items = _split_top(s[1:-1])
        if len(items) >= 2:
            return opener + closer, items
    items = _split_top(s)
    return ("()", items) if len(items) >= 2 else None


def _symbolic_equal(pred: str, gold: str, timeout_s: float) -> bool:
    return math_symbolic.symbolic_equal(pred, gold, timeout_s)


def _value(s: str) -> _Num | None | object:
    """A number, :data:`HUGE`, or None: the fast path, then exact arithmetic."""
    num = _parse(s)
    if num is not None:
        return num
    v = evaluate(clean_latex(s))
    if isinstance(v, Fraction):
        return _Num(v, None, False)
    return HUGE if v is HUGE else None


def _equal_core(pred: str, gold: str, rules: AnswerRules, timeout_s: float, depth: int = 0) -> bool:
    """Compare a screened answer with a cleaned gold."""
    if "".join(pred.split()) == "".join(gold.split()):
        return True
    g = _value(gold)
    if isinstance(g, _Num):
        p = _value(pred)
        if isinstance(p, _Num):
            return _numbers_equal(p, g, rules)
        if p is HUGE:
            return False
    gseq, pseq = _as_sequence(gold), _as_sequence(pred)
    if gseq is not None or pseq is not None:
        if gseq is None or pseq is None or depth > 4:
            return False
        (gb, gitems), (pb, pitems) = gseq, pseq
        return (
            gb == pb
            and len(gitems) == len(pitems)
            and all(_equal_core(p, q, rules, timeout_s, depth + 1) for p, q in zip(pitems, gitems))
        )
    if max(len(pred), len(gold)) > _MAX_SYMBOLIC_CHARS:
        return False
    return _symbolic_equal(pred, gold, timeout_s)


def _gold_core(gold: str) -> str:
    """The gold's last box, cleaned, without a leading ``y =`` when the rest is not a relation."""
    boxes = extract_boxed(gold)
    if boxes:  # several boxes in one gold are one ordered answer: \boxed{1}\boxed{2} is (1, 2)
        gold = ", ".join(boxes)
    core = clean_latex(gold).rstrip(".").strip()
    m = ASSIGN_RE.match(core)
    if m and not RELATION_CHARS_RE.search(core[m.end() :]):
        core = core[m.end() :].strip()
    return core


def math_equal(
    pred: str,
    gold: str,
    *,
    timeout_s: float = SYMBOLIC_TIMEOUT_S,
    rules: AnswerRules | None = None,
) -> bool:
    """Whether answer ``pred`` states exactly one thing and it is equivalent to ``gold``. Never raises.

    >>> math_equal("x = 12.0", "12"), math_equal("11.99999", "12"), math_equal("not 12", "12")
    (True, False, False)
    """
    if not isinstance(pred, str) or not isinstance(gold, str):
        return False
    return _math_equal(pred, gold, rules or _DEFAULT_RULES, timeout_s)


def _math_equal(pred: str, gold: str, rules: AnswerRules, timeout_s: float) -> bool:
    """:func:`math_equal` for two strings and set rules, called positionally (once per episode)."""
    try:
        stripped = pred.strip()
        if stripped and stripped == gold.strip():
            return True
        if (  # the usual case, unsigned ASCII integers: exactly the plain-number path's reading
            pred.isdigit()
            and gold.isdigit()
            and pred.isascii()
            and gold.isascii()
            and len(pred) <= _MAX_NUMBER_CHARS
            and len(gold) <= _MAX_NUMBER_CHARS
            and (rules is _DEFAULT_RULES or not rules.tolerant)
        ):
            return pred.lstrip("0") == gold.lstrip("0")  # int(pred) == int(gold), without converting
        p = _plain(pred)
        if p is not None:
            g = _plain(gold)
            if g is not None:
                return _numbers_equal(p, g, rules)
        return _math_equal_full(pred, gold, rules, timeout_s)
    except Exception:  # garbage in (odd unicode, absurd numbers): not equal, never a crash
        logger.debug("math_equal failed", exc_info=True)
        return False


def _math_equal_full(pred: str, gold: str, rules: AnswerRules, timeout_s: float) -> bool:
    """:func:`math_equal` without its plain-number shortcut: screen, clean the gold, compare."""
    try:
        if pred.strip() == gold.strip() and pred.strip():
            return True
        gold_core = _gold_core(gold)
        candidates = screen(pred, gold_core)
        if not candidates or not gold_core:
            return False
        return all(_equal_core(c, gold_core, rules, timeout_s) for c in candidates)
    except Exception:  # garbage in (odd unicode, absurd numbers): not equal, never a crash
        logger.debug("math_equal failed", exc_info=True)
        return False


# --------------------------------------------------------------------------------------------------
# The reward

_RULES_CACHE: dict[tuple[tuple[str, str, Any], ...], AnswerRules] = {}


def _rules_of(raw: Mapping[str, Any] | None) -> AnswerRules:
    """``AnswerRules.from_mapping(raw)``, built once per distinct record (a task's rules are read
    at every scored episode); invalid records raise every time, as before."""
    if not raw:
        return _DEFAULT_RULES
    try:
        key = tuple(sorted((k, type(v).__name__, v) for k, v in raw.items()))  # 1, 1.0, True differ
        hash(key)
    except TypeError:  # unhashable or unorderable values: no caching (from_mapping judges them)
        return AnswerRules.from_mapping(raw)
    rules = _RULES_CACHE.get(key)
    if rules is None:
        rules = AnswerRules.from_mapping(raw)
        if len(_RULES_CACHE) >= 4096:
            _RULES_CACHE.clear()
        _RULES_CACHE[key] = rules
    return rules



def score_answers(
    answers: list[str],
    gold: str,
    *,
    timeout_s: float = SYMBOLIC_TIMEOUT_S,
    rules: AnswerRules | None = None,
) -> float:
    """1.0 when there is at least one answer and every answer is equivalent to ``gold``, else 0.0.

    Blank answers are ignored. Requiring every answer to match ``gold`` also refuses conflicting
    answers: of two non-equivalent answers at most one can match, so hedging across answers
    (``42`` then ``41``) scores 0, as do several boxes inside one answer that disagree.
    """
    if len(answers) == 1:  # the common case, without building a set
        only = answers[0].strip() if isinstance(answers[0], str) else ""
        return float(math_equal(only, gold, timeout_s=timeout_s, rules=rules)) if only else 0.0
    candidates = {a.strip() for a in answers if isinstance(a, str) and a.strip()}
    if not candidates:
        return 0.0
    return float(all(math_equal(c, gold, timeout_s=timeout_s, rules=rules) for c in candidates))


class MathAnswerReward:
    """Reward fn ``(task, trajectory) -> float`` scoring final answers against ``task.answer``.

    Uses ``trajectory.answers`` (every final answer of the episode), falling back to
    ``trajectory.final_answer`` when that list is empty; the task's ``answer_rules`` (tolerance,
    percent reading) apply; see :func:`score_answers`.
    """

    def __init__(self, timeout_s: float = SYMBOLIC_TIMEOUT_S) -> None:
        if not (math.isfinite(timeout_s) and timeout_s > 0):
            raise RewardError(f"timeout_s must be a positive number, got {timeout_s!r}")
        self.timeout_s = timeout_s

    def __call__(self, task: Task, trajectory: Trajectory) -> float:
        if task.answer is None:
            raise RewardError(f"task {task.id!r} has no gold 'answer' to score against")
        answers = trajectory.answers  # read, never changed
        if not answers and trajectory.final_answer is not None:
            answers = [trajectory.final_answer]
        raw = getattr(task, "answer_rules", None)
        rules = _rules_of(raw) if raw else _DEFAULT_RULES
        if len(answers) == 1 and type(answers[0]) is str and type(task.answer) is str:
            only = answers[0].strip()  # score_answers' common case, with fewer calls
            return float(_math_equal(only, task.answer, rules, self.timeout_s)) if only else 0.0
        return score_answers(answers, task.answer, timeout_s=self.timeout_s, rules=rules)
