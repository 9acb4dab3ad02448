"""Exact, bounded arithmetic on answer strings: the math verifier's cheap path for expressions.

:func:`evaluate` reads numbers joined by ``+ - * / ^ **``, ``\\cdot``, ``\\times``, ``\\div``,
``\\frac{}{}``, ``!``, parentheses and braces, and evaluates them exactly with :class:`Fraction`.
Every intermediate result is capped at :data:`MAX_BITS` bits. A power or factorial that would be
larger is kept as an opaque *huge atom* (``10^{10^{10}}``: a finite number we never compute), so that

* ``10^{10^{10}} - 10^{10^{10}} + 12`` cancels to ``12``;
* ``12 + 0*9**9**9**9`` is ``12`` (a huge atom is finite, so zero times it is zero);
* ``9^{9^{9}}`` is one huge atom, which cannot equal any answer short enough to be a gold.

Anything else (symbols, functions, two different atoms that might cancel, a product of atoms) is
:data:`UNDECIDED` and left to the symbolic path. The cost is linear in the input length times the
cost of arithmetic on :data:`MAX_BITS`-bit integers: microseconds to milliseconds.

>>> evaluate("10^{10^{10}} - 10^{10^{10}} + 12")
Fraction(12, 1)
>>> evaluate("9^{9^{9}}") is HUGE
True
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from typing import Union

#: Largest intermediate result, in bits of numerator or denominator, that is computed exactly.
MAX_BITS = 20_000
#: Longest input read; longer strings are :data:`UNDECIDED`.
MAX_CHARS = 1000
_MAX_FACTORIAL = 1500
#: A huge atom is larger than 2**_HUGE_BITS in absolute value. Every coefficient and constant has at
#: most MAX_BITS bits, so ``c0 + c1 * atom`` (c1 != 0) exceeds 2**MAX_BITS: it cannot equal a gold.
_HUGE_BITS = 3 * MAX_BITS
_HUGE_FACTORIAL = 6000  # log2(6000!) > 60,000


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


#: The expression is a single huge atom plus a small part: its value has more than MAX_BITS bits.
HUGE = _Marker("HUGE")
#: The cheap path cannot decide the value.
UNDECIDED = _Marker("UNDECIDED")

Result = Union[Fraction, _Marker]

_TOKEN_RE = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)"
    r"|(?P<cmd>\\(?:frac|dfrac|tfrac|cdot|times|div))(?![A-Za-z])"
    r"|(?P<op>\*\*|[-+*/^!(){}]))"
)


class _Undecided(Exception):
    pass


# A value is a linear combination {atom_key: coefficient}; the key None is the constant term.
# Atom keys name huge, finite, nonzero numbers: ("pow", base, exponent_key) or ("fact", n).
_Lin = dict


def _const(x: Fraction) -> _Lin:
    return {None: x} if x else {}


def _as_const(v: _Lin) -> Fraction | None:
    if all(k is None for k in v):
        return v.get(None, Fraction(0))
    return None


def _check_size(x: Fraction) -> Fraction:
    if x.numerator.bit_length() > MAX_BITS or x.denominator.bit_length() > MAX_BITS:
        raise _Undecided
    return x


def _add(a: _Lin, b: _Lin, sign: int = 1) -> _Lin:
    out = dict(a)
    for k, c in b.items():
        out[k] = _check_size(out.get(k, Fraction(0)) + sign * c)
        if not out[k]:
            del out[k]
    return out


def _scale(v: _Lin, c: Fraction) -> _Lin:
    if not c:
        return {}  # every atom is finite: 0 * atom = 0
    return {k: _check_size(x * c) for k, x in v.items()}


def _mul(a: _Lin, b: _Lin) -> _Lin:
    ca, cb = _as_const(a), _as_const(b)
    if ca is not None:
        return _scale(b, ca)
    if cb is not None:
        return _scale(a, cb)
    raise _Undecided  # a product of huge atoms


def _div(a: _Lin, b: _Lin) -> _Lin:
    cb = _as_const(b)
    if cb is not None:
        if not cb:
            raise _Undecided  # division by zero: not a number
        return _scale(a, 1 / cb)
    if len(b) == 1 and None not in b and set(a) <= set(b):
        (key, coef), = b.items()
        return _const(a.get(key, Fraction(0)) / coef) if a else {}
    raise _Undecided


def _huge_positive(v: _Lin) -> bool:
    """Whether ``v`` is one positive huge atom times a positive coefficient, plus a constant."""
    atoms = [(k, c) for k, c in v.items() if k is not None]
    return len(atoms) == 1 and atoms[0][1] > 0 and _atom_positive(atoms[0][0])


def _atom_positive(key: tuple) -> bool:
    return key[0] == "fact" or (key[0] == "pow" and key[1] > 0)


def _key(v: _Lin) -> tuple:
    return tuple(sorted(v.items(), key=repr))


def _pow(base: _Lin, exp: _Lin) -> _Lin:
    b = _as_const(base)
    if b is None:
        raise _Undecided
    e = _as_const(exp)
    if e is None:  # a huge exponent: decidable only for a positive huge one
        if not _huge_positive(exp):
            raise _Undecided
        if b in (0, 1):
            return _const(b)
        if b > 1:
            return {("pow", b, _key(exp)): Fraction(1)}
        raise _Undecided
    if e.denominator != 1:
        raise _Undecided  # roots are the symbolic path's job
    n = e.numerator
    if b == 0:
        if n < 0:
            raise _Undecided
        return _const(Fraction(1 if n == 0 else 0))
    if b in (1, -1):
        return _const(b**n)
    size = max(b.numerator.bit_length(), b.denominator.bit_length())
    if abs(n) * size <= MAX_BITS:
        return _const(b**n)
    magnitude = n * (math.log2(abs(b.numerator)) - math.log2(b.denominator))
    if magnitude > _HUGE_BITS:  # keep it as a huge atom
        return {("pow", b, n): Fraction(1)}
    raise _Undecided  # between the limits, or tiny but not zero: cannot compare exactly


def _factorial(v: _Lin) -> _Lin:
    n = _as_const(v)
    if n is None or n.denominator != 1 or n < 0:
        raise _Undecided
    if n > _HUGE_FACTORIAL:
        return {("fact", int(n)): Fraction(1)}
    if n > _MAX_FACTORIAL:
        raise _Undecided
    return _const(Fraction(math.factorial(int(n))))


def _number(text: str) -> Fraction:
    mant, _, exp = text.lower().partition("e")
    if exp and abs(int(exp)) > 400:
        raise _Undecided
    return _check_size(Fraction(mant) * Fraction(10) ** int(exp or 0))


class _Parser:
    """Recursive descent over the token list: expr, term, unary, power, postfix, atom."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.toks = tokens
        self.i = 0
        self.depth = 0

    def peek(self) -> str | None:
        return self.toks[self.i][1] if self.i < len(self.toks) else None

    def take(self, expected: str | None = None) -> tuple[str, str]:
        if self.i >= len(self.toks):
            raise _Undecided
        tok = self.toks[self.i]
        if expected is not None and tok[1] != expected:
            raise _Undecided
        self.i += 1
        return tok

    def expr(self) -> _Lin:
        self.depth += 1
        if self.depth > 200:
            raise _Undecided
        v = self.term()
        while self.peek() in ("+", "-"):
            op = self.take()[1]
            v = _add(v, self.term(), 1 if op == "+" else -1)
        self.depth -= 1
        return v

    def term(self) -> _Lin:
        v = self.unary()
        while self.peek() in ("*", "/", "\\cdot", "\\times", "\\div"):
            op = self.take()[1]
            rhs = self.unary()
            v = _div(v, rhs) if op in ("/", "\\div") else _mul(v, rhs)
        return v

    def unary(self) -> _Lin:
        if self.peek() in ("+", "-"):
            op = self.take()[1]
            v = self.unary()
            return _scale(v, Fraction(-1)) if op == "-" else v
        return self.power()

    def power(self) -> _Lin:
        base = self.postfix()
        if self.peek() in ("^", "**"):
            self.take()
            return _pow(base, self.unary())  # right-associative: 9**9**9 = 9**(9**9)
        return base

    def postfix(self) -> _Lin:
        v = self.atom()
        while self.peek() == "!":
            self.take()
            v = _factorial(v)
        return v

    def atom(self) -> _Lin:
        kind, tok = self.take()
        if kind == "num":
            return _const(_number(tok))
        if tok in ("(", "{"):
            v = self.expr()
            self.take(")" if tok == "(" else "}")
            return v
        if tok in ("\\frac", "\\dfrac", "\\tfrac"):
            return _div(self.group(), self.group())
        raise _Undecided

    def group(self) -> _Lin:
        """A ``\\frac`` argument: a braced expression or a single digit (``\\frac34``)."""
        kind, tok = self.take()
        if tok == "{":
            v = self.expr()
            self.take("}")
            return v
        if kind == "num" and len(tok) == 1:
            return _const(Fraction(int(tok)))
        raise _Undecided


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if m is None or m.end() == pos:
            raise _Undecided
        kind = m.lastgroup or "op"
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def evaluate(text: str) -> Result:
    """The exact value of an arithmetic expression, :data:`HUGE`, or :data:`UNDECIDED`. Never raises."""
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_CHARS:
        return UNDECIDED
    try:
        parser = _Parser(_tokens(text))
        value = parser.expr()
        if parser.i != len(parser.toks):
            return UNDECIDED
    except (_Undecided, ValueError, ZeroDivisionError, OverflowError, RecursionError):
        return UNDECIDED
    const = _as_const(value)
    if const is not None:
        return const
    atoms = [k for k in value if k is not None]
    return HUGE if len(atoms) == 1 else UNDECIDED
