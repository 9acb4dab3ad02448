"""Math answers: ``\\boxed{}`` extraction, numeric and symbolic equivalence, the math reward.

:func:`math_equal` has two paths:

* a **fast path** of plain string and regex work (no sympy) that reads numbers written as integers,
  decimals, thousands-separated integers, fractions (``3/4``, ``\\frac{3}{4}``), percentages, and
  numbers wrapped in words or units (``x = 42``, ``42 cm``, ``\\$42.00``). When both sides read as
  numbers the fast path decides alone; this keeps reward computation far below the env's step cost.
* a **symbolic path** through math-verify (sympy) for everything else (``\\sqrt{8}`` vs
  ``2\\sqrt{2}``, polynomials, tuples, intervals). It runs in a small pool of worker processes:
  math-verify's own time limit uses ``signal.alarm``, which works only in the main thread (envs
  may step in worker threads) and fires only between Python bytecodes, so it cannot stop a long
  C-level computation; a worker process can be killed from any thread, at any point. A pair that
  runs past the time limit counts as not equal (and is cached as such). Never raises.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import math
import os
import queue
import re
import select
import subprocess
import sys
import threading
from fractions import Fraction
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from toolgym.errors import RewardError
from toolgym.types import Trajectory

if TYPE_CHECKING:
    from toolgym.tasks.model import Task

logger = logging.getLogger(__name__)

#: Seconds one symbolic comparison may take before it counts as "not equal".
SYMBOLIC_TIMEOUT_S = 3.0
#: Relative tolerance for comparing a decimal literal with another number is 1 / REL_TOL_INV.
REL_TOL_INV = 10**6
#: Longer strings are never read as numbers / never compared symbolically.
_MAX_NUMBER_CHARS = 400
_MAX_SYMBOLIC_CHARS = 1000

# --------------------------------------------------------------------------------------------------
# \boxed{} extraction

_BOX_RE = re.compile(r"\\(?:boxed|fbox)\s*\{")
_BRACE_TOKEN_RE = re.compile(r"\\.|[{}]", re.DOTALL)


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


def extract_boxed(text: str) -> list[str]:
    """Contents of every outermost ``\\boxed{...}`` / ``\\fbox{...}`` in ``text``, in order.

    Braces may nest (``\\boxed{\\frac{1}{2}}``); escaped braces ``\\{`` do not count. A box whose
    brace is never closed is ignored. Boxes nested inside another box are part of its content.
    """
    if not isinstance(text, str) or ("\\boxed" not in text and "\\fbox" not in text):
        return []
    pairs = _matching_braces(text)
    out: list[str] = []
    covered = -1
    for m in _BOX_RE.finditer(text):
        open_at = m.end() - 1
        close_at = pairs.get(open_at)
        if open_at > covered and close_at is not None:
            out.append(text[open_at + 1 : close_at])
            covered = close_at
    return out


# --------------------------------------------------------------------------------------------------
# Fast path: cleaning and number reading

_SIMPLE_REPLACEMENTS = (
    ("\\dfrac", "\\frac"),
    ("\\tfrac", "\\frac"),
    ("^{\\circ}", ""),
    ("^\\circ", ""),
    ("\\degree", ""),
    ("\\%", "%"),
    ("\\$", "$"),
    ("{,}", ""),
    ("\\!", ""),
    ("\\,", ""),
    ("\\;", " "),
    ("\\:", " "),
    ("\\ ", " "),
    ("\\displaystyle", ""),
)
_LEFT_RIGHT_RE = re.compile(r"\\(?:left|right)(?![A-Za-z])")
_TEXT_RE = re.compile(r"\\(?:text|textrm|textbf|mathrm|mathbf|mbox|operatorname)\s*\{([^{}]*)\}")

#: An unsigned decimal: plain, or with "," / " " thousands separators; optional fraction, exponent.
_DEC = (
    r"(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?:[ ]\d{3})+|\d+)(?:\.\d*)?(?:[eE][+-]?\d+)?"
    r"|\.\d+(?:[eE][+-]?\d+)?"
)
_SDEC = rf"[+-]?(?:{_DEC})"
_UNIT_ATTACHED = r"°|degrees?|cm|mm|km|kg|mg|ml|mL|hrs?|mins?|secs?|ft|yd|lbs?|oz|mph|kph"
_NUMBER_RE = re.compile(
    rf"""
    (?:(?P<lead>                                # "x =", "Answer:", "it is " (no <=, >=, !=)
        [^\d=<>!]*= | [A-Za-z][A-Za-z' ]*?: | [A-Za-z][A-Za-z' ]*?\s
    )\s*)?
    [$€£¥]?\s*(?P<sign>[+-]?)[$€£¥]?
    (?:
        \\frac\{{\s*(?P<ln>{_SDEC})\s*\}}\{{\s*(?P<ld>{_SDEC})\s*\}}           # \frac{{3}}{{4}}
      | \\frac(?P<sn>\d)(?P<sd>\d)                                            # \frac34
      | (?P<fn>{_SDEC})\s*/\s*(?P<fd>{_SDEC})                                 # 3/4
      | (?P<num>{_DEC})
    )
    (?P<pct>\s*(?:%|percent\b))?
    (?P<unit>(?:{_UNIT_ATTACHED})?(?:\s+[A-Za-z][A-Za-z.]+(?:\^\{{?[23]\}}?)?)*)
    """,
    re.VERBOSE,
)
#: One pair of parentheses around something without commas: "(3)" is 3, "(1,2)" stays a tuple.
_PARENS_RE = re.compile(r"\(\s*([^(),]*?)\s*\)")
_PLAIN_RE = re.compile(r"\s*([+-]?)(\d+)(?:\.(\d+))?\s*")
#: Words that turn "word 2" or "2 word" into math, not prose: such strings are left to sympy.
_MATH_WORDS = frozenset(
    "sqrt log ln sin cos tan exp pi e i not than least most over under minus plus times and or"
    .split()
)


class _Num(NamedTuple):
    """A number read by the fast path."""

    value: Fraction
    #: Decimal places shown when written as a decimal literal (inexact); ``None`` when exact.
    decimals: int | None
    #: Significant digits shown by a decimal literal.
    sig: int
    percent: bool


def _clean(s: str) -> str:
    """Cheap LaTeX and prose clean-up: keep the last ``\\boxed{}``; drop ``$``, ``\\left``,
    ``\\right``, degree signs, spacing commands and a trailing period; unwrap ``\\text{}``."""
    s = s.strip()
    if "\\boxed" in s or "\\fbox" in s:
        boxes = extract_boxed(s)
        if boxes:
            s = boxes[-1].strip()
    if "\\" in s or "{," in s:
        for old, new in _SIMPLE_REPLACEMENTS:
            if old in s:
                s = s.replace(old, new)
        if "\\left" in s or "\\right" in s:
            s = _LEFT_RIGHT_RE.sub("", s)
        if "{" in s:
            s = _TEXT_RE.sub(r"\1", s)
    if "$" in s:
        s = s.replace("$", "")
    if "\u2212" in s:
        s = s.replace("\u2212", "-")
    return s.strip().rstrip(".").strip()


def _decimal(text: str) -> tuple[Fraction, int | None, int]:
    """Read an unsigned :data:`_DEC` literal: value, decimal places shown (None for an integer),
    significant digits."""
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
    return value, (scale if inexact else None), len(digits.lstrip("0"))


def _signed(text: str) -> Fraction:
    value, _, _ = _decimal(text.lstrip("+-"))
    return -value if text.startswith("-") else value


def _read_plain(m: re.Match[str]) -> _Num:
    """A bare integer or decimal matched by :data:`_PLAIN_RE` (the common case)."""
    sign, whole, frac = m.groups()
    digits = whole + frac if frac else whole
    value = -int(digits) if sign == "-" else int(digits)
    sig = len(digits.lstrip("0"))
    if frac is None:
        return _Num(Fraction(value), None, sig, False)
    return _Num(Fraction(value, 10 ** len(frac)), len(frac), sig, False)


def _read_number(s: str) -> _Num | None:
    """Any other fast-path form: clean, then one regex."""
    s = _clean(s)
    wrapped = _PARENS_RE.fullmatch(s)
    m = _NUMBER_RE.fullmatch(wrapped.group(1) if wrapped else s)
    if m is None:
        return None
    lead, unit = m.group("lead"), m.group("unit")
    if lead and "=" not in lead:  # "it is 5" reads as 5; "x 5", "x -1", "sqrt 2" do not
        word = lead.split()[-1].rstrip(":").lower()
        if len(word) < 2 or word in _MATH_WORDS:
            return None
    if unit and any(w.lower() in _MATH_WORDS for w in unit.split()):
        return None
    decimals: int | None = None
    sig = 0
    if m.group("num") is not None:
        value, decimals, sig = _decimal(m.group("num"))
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
    return _Num(value, decimals, sig, m.group("pct") is not None)


_MISSING = object()
#: Fast-path readings by string. A plain dict (emptied when full) is cheaper than an LRU cache on
#: both hits and misses; gold answers and common predictions repeat across episodes.
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
        m = _PLAIN_RE.fullmatch(s)
        num = _read_plain(m) if m is not None else _read_number(s)
    except (ValueError, ZeroDivisionError, OverflowError):
        num = None
    if len(_NUMBER_CACHE) >= _NUMBER_CACHE_SIZE:
        _NUMBER_CACHE.clear()
    _NUMBER_CACHE[s] = num
    return num


def parse_number(s: str) -> Fraction | None:
    """The exact value of ``s`` when it is a plain number in one of the fast-path forms, else None.

    ``"25%"`` reads as 25 (the percent sign is remembered internally; see :func:`math_equal`).
    """
    num = _parse(s)
    return None if num is None else num.value


def normalize_answer(s: str) -> str:
    """A canonical string for ``s``: numbers as reduced fractions (``"0.50"`` -> ``"1/2"``, with
    a trailing ``%`` for percentages); anything else cleaned by :func:`_clean`, spaces removed."""
    num = _parse(s)
    if num is not None:
        return f"{num.value}%" if num.percent else str(num.value)
    if not isinstance(s, str) or len(s) > _MAX_SYMBOLIC_CHARS:
        return ""
    return "".join(_clean(s).split())


def _close(a: _Num, b: _Num) -> bool:
    """Equality allowing for decimal literals: exact, or within relative error ``1 / REL_TOL_INV``,
    or a literal showing at least 6 significant digits that is the other value correctly rounded.

    Works on the integers of ``|a - b| = diff / den`` so no Fraction arithmetic is needed."""
    if a.value == b.value:
        return True
    if a.decimals is None and b.decimals is None:
        return False
    pa, qa, pb, qb = a.value.numerator, a.value.denominator, b.value.numerator, b.value.denominator
    diff, den = abs(pa * qb - pb * qa), qa * qb
    if diff * REL_TOL_INV <= max(abs(pa) * qb, abs(pb) * qa):
        return True
    for x in (a, b):
        if x.decimals is not None and x.sig >= 6:
            # |a - b| <= half a unit in the literal's last shown place
            d = x.decimals
            if (2 * diff * 10**d <= den) if d >= 0 else (2 * diff <= den * 10**-d):
                return True
    return False


def _numbers_equal(a: _Num, b: _Num) -> bool:
    """Compare two fast-path numbers. A percentage against a plain number accepts both readings,
    ``25% == 25`` and ``25% == 0.25``: models and datasets use both, and the two readings differ by
    a factor of 100, so accepting both almost never equates genuinely different answers."""
    if a.percent == b.percent:
        return _close(a, b)
    pct, other = (a, b) if a.percent else (b, a)
    decimals = None if pct.decimals is None else pct.decimals + 2
    scaled = _Num(pct.value / 100, decimals, pct.sig, False)
    return _close(pct, other) or _close(scaled, other)


# --------------------------------------------------------------------------------------------------
# Symbolic path: math-verify in killable worker processes

_WORKER_SOURCE = r"""
import json, sys
import math_verify as mv

def parse(s):
    return mv.parse("$" + s + "$", parsing_timeout=None) or mv.parse(s, parsing_timeout=None)

sys.stdout.write("ready\n")
sys.stdout.flush()
for line in sys.stdin:
    try:
        pred, gold = json.loads(line)
        ok = bool(mv.verify(parse(gold), parse(pred), timeout_seconds=None))
    except Exception:
        ok = False
    sys.stdout.write("1\n" if ok else "0\n")
    sys.stdout.flush()
"""
_WORKER_START_TIMEOUT_S = 60.0


class _Worker:
    """One math-verify process answering ``[pred, gold]`` JSON lines with ``1`` or ``0``."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _WORKER_SOURCE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        if self._read_line(_WORKER_START_TIMEOUT_S) != "ready":
            self.kill()
            raise RuntimeError("math-verify worker did not start")

    def _read_line(self, timeout_s: float) -> str | None:
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout_s)
        return self.proc.stdout.readline().strip() if ready else None

    def ask(self, pred: str, gold: str, timeout_s: float) -> bool | None:
        """The worker's verdict, or ``None`` when it timed out or died (then it must be killed)."""
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps([pred, gold]) + "\n")
            self.proc.stdin.flush()
        except OSError:
            return None
        reply = self._read_line(timeout_s)
        return None if reply not in ("0", "1") else reply == "1"

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                pipe.close()  # type: ignore[union-attr]


class _WorkerPool:
    """Up to ``size`` lazily started workers shared by all threads; reset in a forked child."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._reset()

    def _reset(self) -> None:
        self._pid = os.getpid()
        self._lock = threading.Lock()
        self._idle: queue.LifoQueue[_Worker | None] = queue.LifoQueue()
        self._all: list[_Worker] = []
        for _ in range(self.size):
            self._idle.put(None)

    def equal(self, pred: str, gold: str, timeout_s: float) -> bool:
        if self._pid != os.getpid():  # a forked child must not share its parent's workers
            self._reset()
        worker = self._idle.get()
        try:
            if worker is not None and worker.proc.poll() is not None:
                self._discard(worker)
                worker = None
            if worker is None:
                worker = _Worker()
                with self._lock:
                    self._all.append(worker)
            verdict = worker.ask(pred, gold, timeout_s)
            if verdict is None:
                self._discard(worker)
                worker = None
            return bool(verdict)
        except Exception:  # could not start a worker: symbolic checks are unavailable
            logger.warning("symbolic math check unavailable", exc_info=True)
            return False
        finally:
            self._idle.put(worker)

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)

    def close(self) -> None:
        """Kill this process's workers (run at exit; a no-op in a forked child)."""
        if self._pid != os.getpid():
            return
        with self._lock:
            workers, self._all = self._all, []
        for w in workers:
            w.kill()


_POOL = _WorkerPool(size=max(1, min(4, os.cpu_count() or 1)))
atexit.register(_POOL.close)


@lru_cache(maxsize=8192)
def _symbolic_equal(pred: str, gold: str, timeout_s: float) -> bool:
    """math-verify equivalence of two cleaned strings; time-outs and errors count as not equal."""
    return _POOL.equal(pred, gold, timeout_s)


def math_equal(pred: str, gold: str, *, timeout_s: float = SYMBOLIC_TIMEOUT_S) -> bool:
    """Whether answer ``pred`` is mathematically equivalent to ``gold``. Never raises.

    Numbers are compared exactly on the fast path; a decimal literal matches a value within relative
    error ``1 / REL_TOL_INV`` or when it is that value correctly rounded to at least 6 significant
    digits (``0.333333 == 1/3`` but ``0.33 != 1/3``); ``25%`` equals both ``25`` and ``0.25``.
    Anything else goes to math-verify under a ``timeout_s`` limit (the first symbolic call also
    waits for a worker process to start). Empty answers and non-strings are never equal to anything.
    """
    if not isinstance(pred, str) or not isinstance(gold, str):
        return False
    try:
        if pred == gold and pred.strip():
            return True
        p, g = _parse(pred), _parse(gold)
        if p is not None and g is not None:
            return _numbers_equal(p, g)
        if max(len(pred), len(gold)) > _MAX_SYMBOLIC_CHARS:
            return False
        cp, cg = _clean(pred), _clean(gold)
        if not cp or not cg:
            return False
        if "".join(cp.split()) == "".join(cg.split()):
            return True
        return _symbolic_equal(cp, cg, timeout_s)
    except Exception:  # garbage in (odd unicode, absurd numbers): not equal, never a crash
        logger.debug("math_equal failed", exc_info=True)
        return False


# --------------------------------------------------------------------------------------------------
# The reward


def score_answers(answers: list[str], gold: str, *, timeout_s: float = SYMBOLIC_TIMEOUT_S) -> float:
    """1.0 when there is at least one answer and every answer is equivalent to ``gold``, else 0.0.

    Answers holding several ``\\boxed{}`` count each box as an answer; blank answers are ignored.
    Requiring every answer to match ``gold`` also refuses conflicting answers: of two
    non-equivalent answers at most one can match, so hedging ("42, or maybe 41") scores 0.
    """
    candidates: set[str] = set()
    for a in answers:
        if not isinstance(a, str):
            continue
        for c in extract_boxed(a) or [a]:
            if c.strip():
                candidates.add(c.strip())
    if not candidates:
        return 0.0
    return float(all(math_equal(c, gold, timeout_s=timeout_s) for c in candidates))


class MathAnswerReward:
    """Reward fn ``(task, trajectory) -> float`` scoring final answers against ``task.answer``.

    Uses ``trajectory.answers`` (every final answer of the episode), falling back to
    ``trajectory.final_answer`` when that list is empty; see :func:`score_answers`.
    """

    def __init__(self, timeout_s: float = SYMBOLIC_TIMEOUT_S) -> None:
        if not (math.isfinite(timeout_s) and timeout_s > 0):
            raise RewardError(f"timeout_s must be a positive number, got {timeout_s!r}")
        self.timeout_s = timeout_s

    def __call__(self, task: "Task", trajectory: Trajectory) -> float:
        if task.answer is None:
            raise RewardError(f"task {task.id!r} has no gold 'answer' to score against")
        answers = list(trajectory.answers)
        if not answers and trajectory.final_answer is not None:
            answers = [trajectory.final_answer]
        return score_answers(answers, task.answer, timeout_s=self.timeout_s)
