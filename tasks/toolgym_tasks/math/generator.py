"""Seeded procedural generator of MathTIR tasks, and the record layout shared with the curated set.

The curated set is small and fixed; RL training wants an unbounded stream of fresh problems that
still have verifiable gold answers. :func:`generate` draws multi-step problems from six families
(arithmetic chains, combinatorics, number theory, modular arithmetic, exact probability, linear
systems). For every problem the gold answer is computed here, in Python, by one method, and the
reference solution shipped in the record computes it by another (enumeration instead of a
closed form, elimination instead of Cramer's rule...), so a test that runs the reference code
and compares with the gold checks both.

Determinism: task ``i`` of seed ``s`` is drawn from its own ``random.Random`` seeded with a
string built from ``(s, i)``, and only ``Random.random()`` is used (the one stream Python
guarantees across versions). Hence the same seed always yields identical records, and
``generate(10, s)`` is a prefix of ``generate(100, s)``.

The module also defines what every MathTIR record looks like (:func:`task_record`) and the
canonical answer formats (:func:`format_instruction`, :func:`answer_matches_format`), which the
curated build uses as well.
"""

from __future__ import annotations

import itertools
import math
import random
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable, Sequence, TypeVar

ENV = "math_tir"
TOOLS = ("python",)
REWARD = {"correct": 1.0}

_T = TypeVar("_T")

# ---------------------------------------------------------------------------------------------
# Record conventions (shared with the curated build)
# ---------------------------------------------------------------------------------------------

_INTEGER = re.compile(r"0|-?[1-9][0-9]*")
_FRACTION = re.compile(r"-?[1-9][0-9]*/[1-9][0-9]*")


def format_instruction(answer_format: str) -> str:
    """The sentence appended to a question that tells the expected answer format.

    ``answer_format`` is ``"integer"``, ``"fraction"`` or ``"decimal:N"`` (N decimal places).
    """
    if answer_format == "integer":
        return "Give the answer as an integer."
    if answer_format == "fraction":
        return "Give the answer as a reduced fraction p/q."
    if answer_format.startswith("decimal:"):
        places = int(answer_format.split(":", 1)[1])
        return f"Give the answer as a decimal number rounded to {places} decimal places."
    raise ValueError(f"unknown answer format {answer_format!r}")


def answer_matches_format(answer: str, answer_format: str) -> bool:
    """Whether ``answer`` is in the canonical form ``answer_format`` promises.

    Integers have no sign on zero, no leading zeros and no separators; fractions are reduced,
    with a denominator above 1 and the sign on the numerator; decimals have exactly N places.
    """
    if answer_format == "integer":
        return _INTEGER.fullmatch(answer) is not None
    if answer_format == "fraction":
        if _FRACTION.fullmatch(answer) is None:
            return False
        num, den = (int(part) for part in answer.split("/"))
        return den > 1 and math.gcd(num, den) == 1
    if answer_format.startswith("decimal:"):
        places = int(answer_format.split(":", 1)[1])
        if re.fullmatch(rf"-?(0|[1-9][0-9]*)\.[0-9]{{{places}}}", answer) is None:
            return False
        return not (answer.startswith("-") and set(answer) <= set("-0."))  # no negative zero
    raise ValueError(f"unknown answer format {answer_format!r}")


def answer_format_metadata(answer_format: str) -> dict[str, Any]:
    """The metadata keys describing an answer format: ``answer_format`` and, for decimals, ``decimals``."""
    if answer_format.startswith("decimal:"):
        return {"answer_format": "decimal", "decimals": int(answer_format.split(":", 1)[1])}
    return {"answer_format": answer_format}


def task_record(
    *,
    task_id: str,
    question: str,
    split: str,
    code: str,
    thought: str,
    answer: str,
    metadata: dict[str, Any],
) -> dict[str, Any]:
    """One MathTIR task record: a single ``python`` call that prints the gold, then the answer."""
    return {
        "id": task_id,
        "env": ENV,
        "question": question,
        "split": split,
        "tools": list(TOOLS),
        "answer": answer,
        "reward": dict(REWARD),
        "reference": {
            "turns": [
                {"thought": thought, "tool_calls": [{"name": "python", "arguments": {"code": code}}]},
                {"answer": answer},
            ]
        },
        "metadata": metadata,
    }


# ---------------------------------------------------------------------------------------------
# Drawing
# ---------------------------------------------------------------------------------------------


class _Draw:
    """Random draws built only on ``Random.random()``, whose stream Python keeps stable."""

    def __init__(self, seed: str) -> None:
        self._rng = random.Random(seed)

    def int(self, lo: int, hi: int) -> int:
        """A uniform integer in ``[lo, hi]``."""
        return lo + min(int(self._rng.random() * (hi - lo + 1)), hi - lo)

    def choice(self, items: Sequence[_T]) -> _T:
        """A uniform element of ``items``."""
        return items[self.int(0, len(items) - 1)]

    def sample(self, items: Sequence[_T], k: int) -> list[_T]:
        """``k`` distinct elements of ``items`` (partial Fisher-Yates)."""
        pool = list(items)
        for i in range(k):
            j = self.int(i, len(pool) - 1)
            pool[i], pool[j] = pool[j], pool[i]
        return pool[:k]


@dataclass(frozen=True)
class _Problem:
    """A generated problem before it becomes a record."""

    kind: str
    difficulty: str
    question: str
    thought: str
    code: str
    gold: int | Fraction

    def answer(self) -> tuple[str, str]:
        """The canonical gold string and its answer format (integer, or reduced fraction)."""
        value = Fraction(self.gold)
        if value.denominator == 1:
            return str(value.numerator), "integer"
        return str(value), "fraction"


_SMALL_PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73)


def _code(*lines: str) -> str:
    """Join code lines into a reference solution."""
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# Arithmetic chains
# ---------------------------------------------------------------------------------------------


def _arith_product(d: _Draw) -> _Problem:
    factors = [d.int(10**5, 10**9) for _ in range(d.int(3, 4))]
    base, exp = d.int(2, 9), d.int(20, 60)
    shown = " × ".join(str(f) for f in factors)
    question = d.choice(
        [
            f"Compute the exact value of {shown} - {base}^{exp}.",
            f"Multiply {shown} exactly, then subtract {base}^{exp}. What is the result?",
        ]
    )
    gold = math.prod(factors) - base**exp
    code = _code(
        f"factors = {factors}",
        "product = 1",
        "for f in factors:",
        "    product *= f",
        f"print(product - {base} ** {exp})",
    )
    return _Problem("product_minus_power", "easy", question, "Multiply exactly with Python integers.", code, gold)


def _arith_powers(d: _Draw) -> _Problem:
    terms = [(d.int(2, 19), d.int(15, 45), d.choice([1, -1])) for _ in range(3)]
    shown = ""
    for i, (b, e, s) in enumerate(terms):
        sign = ("" if s > 0 else "-") if i == 0 else (" + " if s > 0 else " - ")
        shown += f"{sign}{b}^{e}"
    gold = sum(s * b**e for b, e, s in terms)
    question = d.choice([f"Evaluate {shown} exactly.", f"What is the exact integer value of {shown}?"])
    code = _code(
        f"terms = {terms}  # (base, exponent, sign)",
        "total = 0",
        "for base, exponent, sign in terms:",
        "    value = 1",
        "    for _ in range(exponent):",
        "        value *= base",
        "    total += sign * value",
        "print(total)",
    )
    return _Problem("sum_of_powers", "easy", question, "Expand each power exactly and add.", code, gold)


def _arith_affine_chain(d: _Draw) -> _Problem:
    start, mult, steps = d.int(2, 99), d.int(2, 13), d.int(8, 25)
    add = d.choice([-1, 1]) * d.int(1, 99)
    step = f"add {add}" if add > 0 else f"subtract {-add}"
    question = d.choice(
        [
            f"Start with {start}. Repeat the following {steps} times: multiply the current number by "
            f"{mult}, then {step}. What number do you end with?",
            f"A register holds {start}. Each clock tick it is multiplied by {mult} and then you {step}. "
            f"What does it hold after {steps} ticks?",
        ]
    )
    power = mult**steps
    gold = start * power + add * (power - 1) // (mult - 1)
    code = _code(
        f"x = {start}",
        f"for _ in range({steps}):",
        f"    x = x * {mult} + ({add})",
        "print(x)",
    )
    difficulty = "medium" if steps > 15 else "easy"
    return _Problem("affine_chain", difficulty, question, "Simulate the steps with exact integers.", code, gold)


# ---------------------------------------------------------------------------------------------
# Combinatorics
# ---------------------------------------------------------------------------------------------


def _comb_committee(d: _Draw) -> _Problem:
    women, men = d.int(6, 20), d.int(6, 20)
    size = d.int(4, min(9, women + men - 2))
    least = d.int(1, min(size - 1, women))
    question = (
        f"A club has {women} women and {men} men. A committee of {size} members must include at least "
        f"{least} women. How many different committees are possible?"
    )
    gold = sum(math.comb(women, w) * math.comb(men, size - w) for w in range(least, size + 1))
    code = _code(
        "from math import comb",
        f"women, men, size, least = {women}, {men}, {size}, {least}",
        "total = comb(women + men, size)",
        "too_few = sum(comb(women, w) * comb(men, size - w) for w in range(least))",
        "print(total - too_few)",
    )
    thought = "Count all committees and remove those with too few women."
    return _Problem("committee", "medium", question, thought, code, gold)


def _comb_bounded(d: _Draw) -> _Problem:
    k, cap = d.int(3, 5), d.int(4, 10)
    target = d.int(cap, k * cap - 2)
    names = ", ".join(f"x{i}" for i in range(1, k + 1))
    lhs = " + ".join(f"x{i}" for i in range(1, k + 1))
    question = (
        f"How many ordered {k}-tuples ({names}) of integers with 0 ≤ xi ≤ {cap} for every i satisfy "
        f"{lhs} = {target}?"
    )
    gold = sum(
        (-1) ** j * math.comb(k, j) * math.comb(target - j * (cap + 1) + k - 1, k - 1)
        for j in range(k + 1)
        if target - j * (cap + 1) >= 0
    )
    code = _code(
        f"k, cap, target = {k}, {cap}, {target}",
        "ways = [1] + [0] * target  # ways[s]: tuples so far with sum s",
        "for _ in range(k):",
        "    new = [0] * (target + 1)",
        "    for s, w in enumerate(ways):",
        "        for v in range(cap + 1):",
        "            if s + v <= target:",
        "                new[s + v] += w",
        "    ways = new",
        "print(ways[target])",
    )
    return _Problem("bounded_solutions", "medium", question, "Dynamic programming over partial sums.", code, gold)


def _comb_digit_sum(d: _Draw) -> _Problem:
    digits = d.int(3, 5)
    target = d.int(5, 9 * digits - 5)
    question = d.choice(
        [
            f"How many {digits}-digit positive integers have a digit sum of exactly {target}?",
            f"Count the positive integers with exactly {digits} digits whose digits add up to {target}.",
        ]
    )
    ways = [1] + [0] * target
    for position in range(digits):
        lowest = 1 if position == 0 else 0
        ways = [sum(ways[s - v] for v in range(lowest, 10) if s - v >= 0) for s in range(target + 1)]
    gold = ways[target]
    code = _code(
        f"digits, target = {digits}, {target}",
        "count = 0",
        "for n in range(10 ** (digits - 1), 10 ** digits):",
        "    if sum(map(int, str(n))) == target:",
        "        count += 1",
        "print(count)",
    )
    difficulty = "medium" if digits < 5 else "hard"
    thought = "Enumerate the numbers and test the digit sum."
    return _Problem("digit_sum_count", difficulty, question, thought, code, gold)


def _comb_subset_sum(d: _Draw) -> _Problem:
    n, m = d.int(10, 24), d.int(3, 9)
    question = (
        f"How many subsets of {{1, 2, ..., {n}}} (including the empty set) have an element sum divisible by {m}?"
    )
    sums: dict[int, int] = {0: 1}
    for x in range(1, n + 1):
        grown = dict(sums)
        for s, c in sums.items():
            grown[s + x] = grown.get(s + x, 0) + c
        sums = grown
    gold = sum(c for s, c in sums.items() if s % m == 0)
    code = _code(
        f"n, m = {n}, {m}",
        "count = [1] + [0] * (m - 1)  # count[r]: subsets with sum = r (mod m)",
        "for x in range(1, n + 1):",
        "    count = [count[r] + count[(r - x) % m] for r in range(m)]",
        "print(count[0])",
    )
    return _Problem("subset_sum_mod", "medium", question, "Track subset counts by residue of the sum.", code, gold)


# ---------------------------------------------------------------------------------------------
# Number theory
# ---------------------------------------------------------------------------------------------


def _nt_divisors(d: _Draw) -> _Problem:
    while True:
        primes = sorted(d.sample(_SMALL_PRIMES, d.int(3, 4)))
        exps = [d.int(1, 4) for _ in primes]
        n = math.prod(p**e for p, e in zip(primes, exps))
        if n <= 10**12:
            break
    which = d.choice(["count", "sum"])
    if which == "count":
        question = f"How many positive divisors does {n} have?"
        gold = math.prod(e + 1 for e in exps)
        last = "answer = 1\nfor e in factors.values():\n    answer *= e + 1"
    else:
        question = f"What is the sum of all positive divisors of {n}?"
        gold = math.prod((p ** (e + 1) - 1) // (p - 1) for p, e in zip(primes, exps))
        last = "answer = 1\nfor p, e in factors.items():\n    answer *= sum(p ** i for i in range(e + 1))"
    code = _code(
        f"n = {n}",
        "factors, p = {}, 2",
        "while p * p <= n:",
        "    while n % p == 0:",
        "        factors[p] = factors.get(p, 0) + 1",
        "        n //= p",
        "    p += 1",
        "if n > 1:",
        "    factors[n] = factors.get(n, 0) + 1",
        last,
        "print(answer)",
    )
    thought = "Factor by trial division, then use the divisor formula."
    return _Problem(f"divisor_{which}", "medium", question, thought, code, gold)


def _nt_gcd_lcm(d: _Draw) -> _Problem:
    common = d.int(2, 500)
    nums = [common * d.int(10, 5000) for _ in range(3)]
    which = d.choice(["gcd", "lcm"])
    name = "greatest common divisor" if which == "gcd" else "least common multiple"
    question = f"Find the {name} of {nums[0]}, {nums[1]} and {nums[2]}."
    gold = math.gcd(*nums) if which == "gcd" else math.lcm(*nums)
    if which == "gcd":
        combine = "result = a if result == 0 else gcd(result, a)"
    else:
        combine = "result = result * a // gcd(result, a)"
    code = _code(
        "def gcd(a, b):",
        "    while b:",
        "        a, b = b, a % b",
        "    return a",
        f"result = {0 if which == 'gcd' else 1}",
        f"for a in {nums}:",
        f"    {combine}",
        "print(result)",
    )
    return _Problem(which, "easy", question, "Apply Euclid's algorithm pairwise.", code, gold)


def _is_prime(n: int) -> bool:
    if n < 2:
        return False
    for p in _SMALL_PRIMES:
        if n % p == 0:
            return n == p
    f = 79
    while f * f <= n:
        if n % f == 0:
            return False
        f += 2
    return True


def _nt_primes(d: _Draw) -> _Problem:
    lo = d.int(1000, 50000)
    hi = lo + d.int(500, 5000)
    which = d.choice(["count", "sum"])
    primes = [p for p in range(lo, hi + 1) if _is_prime(p)]
    if which == "count":
        question = f"How many prime numbers p satisfy {lo} ≤ p ≤ {hi}?"
        gold, last = len(primes), "print(len(primes))"
    else:
        question = f"What is the sum of all primes between {lo} and {hi} inclusive?"
        gold, last = sum(primes), "print(sum(primes))"
    code = _code(
        f"lo, hi = {lo}, {hi}",
        "sieve = bytearray([1]) * (hi + 1)",
        "sieve[0] = sieve[1] = 0",
        "for i in range(2, int(hi ** 0.5) + 1):",
        "    if sieve[i]:",
        "        sieve[i * i :: i] = bytearray(len(range(i * i, hi + 1, i)))",
        "primes = [p for p in range(lo, hi + 1) if sieve[p]]",
        last,
    )
    return _Problem(f"primes_{which}", "medium", question, "Sieve of Eratosthenes up to the upper bound.", code, gold)


def _nt_power_digits(d: _Draw) -> _Problem:
    base, exp = d.int(2, 99), d.int(50, 400)
    which = d.choice(["digit_sum", "digit_count", "sevens"])
    digits = str(base**exp)
    if which == "digit_sum":
        question = f"What is the sum of the decimal digits of {base}^{exp}?"
        gold, body = sum(map(int, digits)), "    total += digit"
    elif which == "digit_count":
        question = f"How many decimal digits does {base}^{exp} have?"
        gold, body = len(digits), "    total += 1"
    else:
        question = f"How many times does the digit 7 appear in the decimal expansion of {base}^{exp}?"
        gold, body = digits.count("7"), "    total += digit == 7"
    code = _code(
        f"n = {base} ** {exp}",
        "total = 0",
        "while n:",
        "    n, digit = divmod(n, 10)",
        body,
        "print(total)",
    )
    return _Problem(which, "easy", question, "Compute the power exactly and walk its digits.", code, gold)


# ---------------------------------------------------------------------------------------------
# Modular arithmetic
# ---------------------------------------------------------------------------------------------


def _mod_pow(d: _Draw) -> _Problem:
    base, exp, mod = d.int(2, 10**6), d.int(10**6, 10**18), d.int(10**3, 10**9)
    question = d.choice(
        [
            f"What is the remainder when {base}^{exp} is divided by {mod}?",
            f"Compute {base}^{exp} mod {mod}.",
        ]
    )
    code = _code(
        f"base, exp, mod = {base}, {exp}, {mod}",
        "result, base = 1, base % mod",
        "while exp:",
        "    if exp & 1:",
        "        result = result * base % mod",
        "    base = base * base % mod",
        "    exp >>= 1",
        "print(result)",
    )
    return _Problem("modpow", "easy", question, "Square-and-multiply modulo m.", code, pow(base, exp, mod))


def _mod_inverse(d: _Draw) -> _Problem:
    while True:
        mod, a = d.int(100, 10**7), d.int(2, 10**7)
        if a % mod and math.gcd(a, mod) == 1:
            break
    question = f"Find the integer x with 0 < x < {mod} such that {a}·x ≡ 1 (mod {mod})."
    old_r, r, old_s, s = a % mod, mod, 1, 0
    while r:
        q = old_r // r
        old_r, r = r, old_r - q * r
        old_s, s = s, old_s - q * s
    code = _code(f"print(pow({a}, -1, {mod}))")
    return _Problem("inverse", "easy", question, "Modular inverse via extended Euclid.", code, old_s % mod)


def _mod_crt(d: _Draw) -> _Problem:
    while True:
        moduli = sorted(d.sample([4, 5, 7, 8, 9, 11, 13, 16, 17, 19, 23, 25, 27, 29, 31], d.int(2, 3)))
        if all(math.gcd(a, b) == 1 for a, b in itertools.combinations(moduli, 2)):
            break
    big = math.prod(moduli)
    x = d.int(1, big - 1)
    residues = [x % m for m in moduli]
    lines = ", ".join(f"x ≡ {r} (mod {m})" for r, m in zip(residues, moduli))
    question = f"Find the smallest positive integer x with {lines}."
    code = _code(
        f"moduli, residues = {moduli}, {residues}",
        "x, step = residues[0], moduli[0]",
        "for m, r in zip(moduli[1:], residues[1:]):",
        "    while x % m != r:",
        "        x += step",
        "    step *= m",
        "print(x)",
    )
    difficulty = "medium" if len(moduli) == 3 else "easy"
    return _Problem("crt", difficulty, question, "Sieve through the congruences one modulus at a time.", code, x)


def _mod_tower(d: _Draw) -> _Problem:
    a, b, c, k = d.int(2, 99), d.int(2, 9), d.int(5, 20), d.int(3, 6)
    question = f"What are the last {k} digits of {a}^({b}^{c}), read as an integer (i.e. the remainder mod 10^{k})?"
    code = _code(
        f"exponent = {b} ** {c}",
        f"print(pow({a}, exponent, 10 ** {k}))",
    )
    gold = pow(a, b**c, 10**k)
    return _Problem("power_tower_mod", "medium", question, "Modular exponentiation with the exact exponent.", code, gold)


# ---------------------------------------------------------------------------------------------
# Probability (exact fractions)
# ---------------------------------------------------------------------------------------------


def _prob_dice(d: _Draw) -> _Problem:
    k, faces = d.int(2, 4), d.choice([4, 6, 8, 10, 12])
    dist = [Fraction(1)]  # dist[s]: probability of sum s
    for _ in range(k):
        new = [Fraction(0)] * (len(dist) + faces)
        for s, p in enumerate(dist):
            for f in range(1, faces + 1):
                new[s + f] += p / faces
        dist = new
    which = d.choice(["equal", "at_least", "divisible"])
    if which == "equal":
        t = d.int(k + 1, k * faces - 1)
        event, test, gold = f"equals {t}", f"sum(r) == {t}", dist[t]
    elif which == "at_least":
        t = d.int(k + 1, k * faces - 1)
        event, test, gold = f"is at least {t}", f"sum(r) >= {t}", sum(dist[t:], Fraction(0))
    else:
        t = d.int(3, 7)
        event, test, gold = f"is divisible by {t}", f"sum(r) % {t} == 0", sum(dist[0::t], Fraction(0))
    question = (
        f"{k} fair {faces}-sided dice (faces 1 to {faces}) are rolled. "
        f"What is the probability that the sum {event}?"
    )
    code = _code(
        "from fractions import Fraction",
        "from itertools import product",
        f"rolls = list(product(range(1, {faces + 1}), repeat={k}))",
        f"hits = sum(1 for r in rolls if {test})",
        "print(Fraction(hits, len(rolls)))",
    )
    return _Problem(f"dice_{which}", "easy", question, "Enumerate all equally likely rolls.", code, gold)


def _prob_urn(d: _Draw) -> _Problem:
    red, blue, green = d.int(2, 9), d.int(2, 9), d.int(2, 9)
    n, draws = red + blue + green, d.int(2, 4)
    which = d.choice(["exactly_red", "same_colour", "no_green"])
    if which == "exactly_red":
        j = d.int(0, min(draws, red))
        event = f"exactly {j} of the drawn balls are red"
        gold = Fraction(math.comb(red, j) * math.comb(n - red, draws - j), math.comb(n, draws))
        test = f"hand.count('R') == {j}"
    elif which == "same_colour":
        event = "all drawn balls have the same colour"
        gold = Fraction(sum(math.comb(c, draws) for c in (red, blue, green)), math.comb(n, draws))
        test = "len(set(hand)) == 1"
    else:
        event = "none of the drawn balls is green"
        gold = Fraction(math.comb(n - green, draws), math.comb(n, draws))
        test = "'G' not in hand"
    question = (
        f"An urn holds {red} red, {blue} blue and {green} green balls. {draws} balls are drawn at random "
        f"without replacement. What is the probability that {event}?"
    )
    code = _code(
        "from fractions import Fraction",
        "from itertools import combinations",
        f"balls = 'R' * {red} + 'B' * {blue} + 'G' * {green}",
        "hits = total = 0",
        f"for idx in combinations(range(len(balls)), {draws}):",
        "    hand = [balls[i] for i in idx]",
        "    total += 1",
        f"    hits += {test}",
        "print(Fraction(hits, total))",
    )
    return _Problem(f"urn_{which}", "medium", question, "Enumerate all draws of labelled balls.", code, gold)


def _prob_coin(d: _Draw) -> _Problem:
    den = d.int(3, 9)
    num = d.int(1, den - 1)
    p = Fraction(num, den)
    n = d.int(5, 12)
    h = d.int(1, n - 1)
    which = d.choice(["exactly", "at_least"])
    ks = [h] if which == "exactly" else list(range(h, n + 1))
    gold = sum((math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in ks), Fraction(0))
    op = "==" if which == "exactly" else ">="
    question = (
        f"A biased coin shows heads with probability {p}. It is tossed {n} times. What is the probability "
        f"of {'exactly' if which == 'exactly' else 'at least'} {h} heads?"
    )
    code = _code(
        "from fractions import Fraction",
        "from itertools import product",
        f"p = Fraction({p.numerator}, {p.denominator})",
        "total = Fraction(0)",
        f"for flips in product((0, 1), repeat={n}):",
        "    heads = sum(flips)",
        f"    if heads {op} {h}:",
        f"        total += p ** heads * (1 - p) ** ({n} - heads)",
        "print(total)",
    )
    return _Problem(f"coin_{which}", "medium", question, "Sum the probabilities of all toss sequences.", code, gold)


def _prob_cards(d: _Draw) -> _Problem:
    k = d.int(2, 6)
    which = d.choice(["hearts", "ace"])
    if which == "hearts":
        j = d.int(0, min(k, 4))
        question = (
            f"{k} cards are dealt from a well-shuffled standard 52-card deck. What is the probability that "
            f"exactly {j} of them {'is a heart' if j == 1 else 'are hearts'}?"
        )
        gold = Fraction(math.comb(13, j) * math.comb(39, k - j), math.comb(52, k))
        code = _code(
            "from fractions import Fraction",
            "from math import comb, perm",
            f"k, j = {k}, {j}",
            "# ordered deals: choose which positions hold hearts, then fill them in order",
            "ordered = comb(k, j) * perm(13, j) * perm(39, k - j)",
            "print(Fraction(ordered, perm(52, k)))",
        )
    else:
        question = (
            f"{k} cards are dealt from a well-shuffled standard 52-card deck. What is the probability that "
            "at least one of them is an ace?"
        )
        hands = math.comb(52, k)
        gold = sum((Fraction(math.comb(4, a) * math.comb(48, k - a), hands) for a in range(1, min(k, 4) + 1)), Fraction(0))
        code = _code(
            "from fractions import Fraction",
            f"k = {k}",
            "no_ace = Fraction(1)",
            "for i in range(k):",
            "    no_ace *= Fraction(48 - i, 52 - i)",
            "print(1 - no_ace)",
        )
    return _Problem(f"cards_{which}", "medium", question, "Count deals with exact fractions.", code, gold)


# ---------------------------------------------------------------------------------------------
# Linear systems
# ---------------------------------------------------------------------------------------------

_ELIMINATION = (
    "from fractions import Fraction",
    "def solve(a, b):",
    "    n = len(a)",
    "    m = [[Fraction(v) for v in row] + [Fraction(r)] for row, r in zip(a, b)]",
    "    for c in range(n):",
    "        pivot = next(r for r in range(c, n) if m[r][c] != 0)",
    "        m[c], m[pivot] = m[pivot], m[c]",
    "        for r in range(n):",
    "            if r != c and m[r][c] != 0:",
    "                f = m[r][c] / m[c][c]",
    "                m[r] = [x - f * y for x, y in zip(m[r], m[c])]",
    "    return [m[i][n] / m[i][i] for i in range(n)]",
)


def _det(a: list[list[int]]) -> int:
    """Determinant by cofactor expansion (n ≤ 4 here)."""
    if len(a) == 1:
        return a[0][0]
    return sum((-1) ** j * a[0][j] * _det([row[:j] + row[j + 1 :] for row in a[1:]]) for j in range(len(a)))


def _linear_system(d: _Draw) -> _Problem:
    n = d.int(2, 4)
    names = "xyzw"[:n]
    while True:
        a = [[d.int(-9, 9) for _ in range(n)] for _ in range(n)]
        if _det(a) != 0:
            break
    b = [d.int(-30, 30) for _ in range(n)]
    det = _det(a)
    sol = [
        Fraction(_det([row[:j] + [b[i]] + row[j + 1 :] for i, row in enumerate(a)]), det) for j in range(n)
    ]
    weights = [d.int(-3, 3) for _ in range(n)]
    if not any(weights):
        weights[0] = 1
    if sum(1 for w in weights if w) == 1:  # ask for "2y", not "-2y"
        weights = [abs(w) for w in weights]

    def term(coef: int, name: str, first: bool) -> str:
        sign = "" if first and coef > 0 else ("-" if first else (" + " if coef > 0 else " - "))
        mag = "" if abs(coef) == 1 else str(abs(coef))
        return f"{sign}{mag}{name}"

    def linear(coefs: list[int]) -> str:
        parts = [(c, v) for c, v in zip(coefs, names) if c != 0]
        return "".join(term(c, v, i == 0) for i, (c, v) in enumerate(parts))

    equations = "; ".join(f"{linear(row)} = {r}" for row, r in zip(a, b))
    target = linear(weights)
    question = f"Solve the system {equations}. What is the value of {target}?"
    gold = sum((w * s for w, s in zip(weights, sol)), Fraction(0))
    code = _code(
        *_ELIMINATION,
        f"solution = solve({a}, {b})",
        f"print(sum(w * s for w, s in zip({weights}, solution)))",
    )
    difficulty = {2: "easy", 3: "medium", 4: "hard"}[n]
    return _Problem(f"system_{n}x{n}", difficulty, question, "Gaussian elimination with exact fractions.", code, gold)


def _linear_tickets(d: _Draw) -> _Problem:
    adults, children = d.int(50, 900), d.int(50, 900)
    adult_price, child_price = d.int(9, 30), d.int(3, 8)
    revenue = adults * adult_price + children * child_price
    ask_adults = d.choice([True, False])
    question = (
        f"A theatre sold {adults + children} tickets: adult tickets at ${adult_price} and child tickets at "
        f"${child_price}, for a total of ${revenue}. How many {'adult' if ask_adults else 'child'} tickets were sold?"
    )
    code = _code(
        *_ELIMINATION,
        f"adults, children = solve([[1, 1], [{adult_price}, {child_price}]], [{adults + children}, {revenue}])",
        f"print({'adults' if ask_adults else 'children'})",
    )
    gold = adults if ask_adults else children
    return _Problem("tickets", "easy", question, "Two equations: ticket count and revenue.", code, gold)


def _article(percent: int) -> str:
    """The indefinite article before a spoken percentage ("an 80%", "a 45%")."""
    return "an" if str(percent).startswith("8") else "a"


def _linear_mixture(d: _Draw) -> _Problem:
    low, final, high = sorted(d.sample([5, 10, 15, 20, 25, 30, 40, 45, 50, 60, 70, 75, 80], 3))
    total = d.int(10, 100)
    question = (
        f"How many litres of {_article(low)} {low}% acid solution must be mixed with {_article(high)} {high}% "
        f"acid solution to obtain {total} litres of {_article(final)} {final}% acid solution?"
    )
    gold = Fraction(total * (high - final), high - low)
    code = _code(
        *_ELIMINATION,
        f"low_l, high_l = solve([[1, 1], [{low}, {high}]], [{total}, {final} * {total}])",
        "print(low_l)",
    )
    return _Problem("mixture", "medium", question, "Balance total volume and amount of acid.", code, gold)


_FAMILIES: dict[str, tuple[Callable[[_Draw], _Problem], ...]] = {
    "arithmetic": (_arith_product, _arith_powers, _arith_affine_chain),
    "combinatorics": (_comb_committee, _comb_bounded, _comb_digit_sum, _comb_subset_sum),
    "number_theory": (_nt_divisors, _nt_gcd_lcm, _nt_primes, _nt_power_digits),
    "modular_arithmetic": (_mod_pow, _mod_inverse, _mod_crt, _mod_tower),
    "probability": (_prob_dice, _prob_urn, _prob_coin, _prob_cards),
    "linear_systems": (_linear_system, _linear_tickets, _linear_mixture),
}
FAMILIES: tuple[str, ...] = tuple(_FAMILIES)


def generate_one(seed: int, index: int, split: str = "train") -> dict[str, Any]:
    """Task ``index`` of ``seed``: the family cycles with the index, the rest is drawn."""
    draw = _Draw(f"toolgym/mathtir/{seed}/{index}")
    family = FAMILIES[index % len(FAMILIES)]
    problem = draw.choice(_FAMILIES[family])(draw)
    answer, answer_format = problem.answer()
    return task_record(
        task_id=f"mathtir-gen-{seed}-{index}",
        question=f"{problem.question} {format_instruction(answer_format)}",
        split=split,
        code=problem.code,
        thought=problem.thought,
        answer=answer,
        metadata={
            "topic": family,
            "kind": problem.kind,
            "difficulty": problem.difficulty,
            "source": "toolgym-generator",
            "seed": seed,
            "index": index,
            **answer_format_metadata(answer_format),
        },
    )


def generate(n: int, seed: int, split: str = "train") -> list[dict[str, Any]]:
    """``n`` generated task records for ``seed`` (ids ``mathtir-gen-<seed>-<i>``), all in ``split``."""
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    if split not in ("train", "test", "dev"):
        raise ValueError(f"split must be train, test or dev, got {split!r}")
    return [generate_one(seed, i, split) for i in range(n)]
