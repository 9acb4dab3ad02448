"""The curated MathTIR problems: the source of truth for ``data/curated_{train,test}.jsonl``.

Every problem below was written for ToolGym. Each has a question, a reference solution (plain
Python that computes the answer and prints it as its last line), a topic, a difficulty and a
canonical answer format (see :func:`toolgym_tasks.math.generator.format_instruction`).

Gold answers are deliberately *not* written here: ``build.py`` runs every reference solution in
a subprocess and records what it prints, so a gold can never drift from its solution, and a
wrong solution shows up as a failed build (format check) or a failing test rather than a
silently wrong label.

Ids are assigned in the order of this file (``mathtir-curated-0001`` ...), topic by topic.
The split is stratified by topic: within each topic the problems at positions 2, 5 and 8 modulo
10 go to ``test`` and the rest to ``train`` (about 30% test in every topic). New problems should
be appended at the end of their topic's list so that existing ids and splits move as little as
possible.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from toolgym_tasks.math.generator import format_instruction

#: Positions (modulo 10) within a topic that go to the test split.
TEST_POSITIONS = (2, 5, 8)

INT = "integer"
FRAC = "fraction"
DEC2 = "decimal:2"
DEC3 = "decimal:3"
DEC4 = "decimal:4"
DEC6 = "decimal:6"


@dataclass(frozen=True)
class CuratedProblem:
    """One curated problem, ready to be run and turned into a task record."""

    id: str
    topic: str
    difficulty: str
    answer_format: str
    question: str
    thought: str
    code: str
    split: str


@dataclass(frozen=True)
class _Spec:
    """A problem as written in this file, before ids, topic and split are attached."""

    difficulty: str
    answer_format: str
    question: str
    thought: str
    code: str


def _q(difficulty: str, answer_format: str, question: str, thought: str, code: str) -> _Spec:
    """A problem spec; whitespace in the question is normalised and the code dedented."""
    return _Spec(difficulty, answer_format, " ".join(question.split()), thought, textwrap.dedent(code).strip() + "\n")


# =============================================================================================
# Arithmetic chains: big products, sums and powers, exact fractions
# =============================================================================================

_ARITHMETIC = [
    _q("easy", INT,
       "Compute 987654321 × 123456789 × 1001 - 10^20.",
       "Multiply exactly with Python integers.",
       """
       print(987654321 * 123456789 * 1001 - 10**20)
       """),
    _q("easy", INT,
       "What is 7^23 - 3^41? (The result may be negative.)",
       "Evaluate both powers exactly and subtract.",
       """
       a = 7**23
       b = 3**41
       print(a - b)
       """),
    _q("medium", INT,
       "Start with the number 17. Apply the following step 12 times: multiply the current number by 13, "
       "then subtract 5. What number do you end with?",
       "Simulate the twelve steps.",
       """
       x = 17
       for _ in range(12):
           x = x * 13 - 5
       print(x)
       """),
    _q("medium", INT,
       "A counter starts at 1000. In each round it is tripled and then 999 is subtracted from it. "
       "What is the value of the counter after 20 rounds?",
       "Loop twenty rounds with exact integers.",
       """
       counter = 1000
       for _ in range(20):
           counter = 3 * counter - 999
       print(counter)
       """),
    _q("medium", INT,
       "The number 2 is written on a board. Fourteen times in a row, the number on the board is replaced "
       "by its square minus 1. How many decimal digits does the final number have?",
       "Iterate exactly and count the digits of the result.",
       """
       n = 2
       for _ in range(14):
           n = n * n - 1
       print(len(str(n)))
       """),
    _q("medium", FRAC,
       "Evaluate (3/7 + 5/11) × 14/13 - 2/9 exactly.",
       "Use fractions.Fraction for exact arithmetic.",
       """
       from fractions import Fraction as F
       print((F(3, 7) + F(5, 11)) * F(14, 13) - F(2, 9))
       """),
    _q("medium", FRAC,
       "Compute the value of the continued fraction 1/(2 + 1/(3 + 1/(4 + 1/(5 + 1/6)))).",
       "Evaluate the continued fraction from the innermost level outwards.",
       """
       from fractions import Fraction
       value = Fraction(6)
       for a in (5, 4, 3, 2):
           value = a + 1 / value
       print(1 / value)
       """),
    _q("hard", FRAC,
       "Let P = (1 + 1/2)(1 + 1/3)(1 + 1/4)···(1 + 1/20) and Q = (1 - 1/2)(1 - 1/3)(1 - 1/4)···(1 - 1/20). "
       "Compute P - Q.",
       "Build both products with exact fractions.",
       """
       from fractions import Fraction
       P = Q = Fraction(1)
       for k in range(2, 21):
           P *= 1 + Fraction(1, k)
           Q *= 1 - Fraction(1, k)
       print(P - Q)
       """),
    _q("easy", INT,
       "What is the exact value of 25! / (12! × 9!)?",
       "Use math.factorial and integer division.",
       """
       from math import factorial
       value = factorial(25) // (factorial(12) * factorial(9))
       assert value * factorial(12) * factorial(9) == factorial(25)
       print(value)
       """),
    _q("medium", INT,
       "Compute 40! / (20! × 15! × 5!).",
       "A multinomial coefficient: exact factorial arithmetic.",
       """
       from math import factorial as f
       print(f(40) // (f(20) * f(15) * f(5)))
       """),
    _q("medium", INT,
       "What is the integer part of the square root of 10^30 + 12345678901234567?",
       "math.isqrt gives the exact floor of the square root.",
       """
       import math
       print(math.isqrt(10**30 + 12345678901234567))
       """),
    _q("medium", INT,
       "Find the largest integer n such that n^3 ≤ 987654321987654321987654321.",
       "Binary search for the integer cube root.",
       """
       N = 987654321987654321987654321
       lo, hi = 0, 10**10
       while lo < hi:
           mid = (lo + hi + 1) // 2
           if mid**3 <= N:
               lo = mid
           else:
               hi = mid - 1
       print(lo)
       """),
    _q("easy", INT,
       "Compute 123456789^2 - 123456780 × 123456798.",
       "Plain big-integer arithmetic.",
       """
       print(123456789**2 - 123456780 * 123456798)
       """),
    _q("medium", INT,
       "What is the product of the first 15 odd positive integers, 1 × 3 × 5 × ··· × 29?",
       "Multiply the odd numbers in a loop.",
       """
       product = 1
       for k in range(1, 30, 2):
           product *= k
       print(product)
       """),
    _q("medium", INT,
       "Find the sum of the cubes of all odd integers from 1 to 999 inclusive.",
       "Sum k^3 over the odd k.",
       """
       print(sum(k**3 for k in range(1, 1000, 2)))
       """),
    _q("hard", INT,
       "Compute 2^100 + 3^60 - 5^40 - 7^30 exactly.",
       "Exact big-integer powers.",
       """
       print(2**100 + 3**60 - 5**40 - 7**30)
       """),
    _q("medium", INT,
       "Compute (2^31 - 1) × (2^61 - 1) - (2^89 - 1).",
       "Evaluate each factor exactly.",
       """
       a, b, c = 2**31 - 1, 2**61 - 1, 2**89 - 1
       print(a * b - c)
       """),
    _q("easy", INT,
       "Multiply 4294967297 by 18446744073709551617.",
       "One exact multiplication.",
       """
       print(4294967297 * 18446744073709551617)
       """),
    _q("medium", FRAC,
       "Evaluate the alternating sum 1/2 - 2/3 + 3/4 - 4/5 + ··· + 19/20, whose k-th term is "
       "(-1)^(k+1) × k/(k+1) for k = 1, ..., 19.",
       "Sum exact fractions with alternating signs.",
       """
       from fractions import Fraction
       total = sum((-1) ** (k + 1) * Fraction(k, k + 1) for k in range(1, 20))
       print(total)
       """),
    _q("hard", INT,
       "What are the first four digits (the leading four digits) of 2024^2024, read as a four-digit number?",
       "Compute the power exactly and read its leading digits.",
       """
       import math
       n = 2024**2024
       # 10**k is just below n (k ~ number of digits - 1); shift to keep four digits
       k = int(2024 * math.log10(2024))
       lead = n // 10 ** (k - 3)
       while lead >= 10**4:
           lead //= 10
       assert lead >= 1000
       print(lead)
       """),
    _q("medium", INT,
       "Compute 999999^3 - 999998^3.",
       "Exact cubes of six-digit numbers.",
       """
       print(999999**3 - 999998**3)
       """),
]

# =============================================================================================
# Combinatorics: binomials, arrangements, counting with constraints by enumeration
# =============================================================================================

_COMBINATORICS = [
    _q("easy", INT,
       "A hiking club has 40 members. In how many ways can a 7-member organising committee be chosen?",
       "A binomial coefficient C(40, 7).",
       """
       from math import comb
       print(comb(40, 7))
       """),
    _q("medium", INT,
       "A committee of 6 is chosen from 8 men and 9 women. It must contain at least 2 men and at least "
       "2 women. How many different committees are possible?",
       "Sum over the allowed numbers of men.",
       """
       from math import comb
       print(sum(comb(8, m) * comb(9, 6 - m) for m in range(2, 5)))
       """),
    _q("medium", INT,
       "A team of 5 is formed from 15 employees. Two of the employees, Ana and Ben, refuse to be on the "
       "same team. How many teams are possible?",
       "Enumerate all 5-subsets and discard those containing both.",
       """
       from itertools import combinations
       ANA, BEN = 0, 1
       count = sum(1 for team in combinations(range(15), 5) if not (ANA in team and BEN in team))
       print(count)
       """),
    _q("easy", INT,
       "How many distinct arrangements of the letters of the word BOOKKEEPER are there?",
       "Multinomial coefficient over the letter counts.",
       """
       from collections import Counter
       from math import factorial
       word = "BOOKKEEPER"
       result = factorial(len(word))
       for c in Counter(word).values():
           result //= factorial(c)
       print(result)
       """),
    _q("medium", INT,
       "How many distinct arrangements of the letters of STATISTICS begin and end with the letter S?",
       "Fix S at both ends and arrange the remaining multiset.",
       """
       from collections import Counter
       from math import factorial
       rest = Counter("STATISTICS")
       rest["S"] -= 2
       result = factorial(sum(rest.values()))
       for c in rest.values():
           result //= factorial(c)
       print(result)
       """),
    _q("medium", INT,
       "The eight letters of PYTHONIC are all different. In how many of their arrangements are the letters "
       "O and I not next to each other?",
       "Enumerate all permutations and test adjacency.",
       """
       from itertools import permutations
       count = 0
       for p in permutations("PYTHONIC"):
           if abs(p.index("O") - p.index("I")) != 1:
               count += 1
       print(count)
       """),
    _q("medium", INT,
       "Nine letters are put into nine addressed envelopes at random, one letter per envelope. In how many "
       "of the possible ways does no letter end up in its own envelope?",
       "Derangement numbers via D(n) = (n-1)(D(n-1) + D(n-2)).",
       """
       d = [1, 0]
       for n in range(2, 10):
           d.append((n - 1) * (d[n - 1] + d[n - 2]))
       print(d[9])
       """),
    _q("hard", INT,
       "A teacher hands 10 graded tests back to 10 students completely at random. In how many ways can "
       "exactly 3 students receive their own test?",
       "Choose the 3 fixed points, derange the other 7.",
       """
       from math import comb
       d = [1, 0]
       for n in range(2, 8):
           d.append((n - 1) * (d[n - 1] + d[n - 2]))
       print(comb(10, 3) * d[7])
       """),
    _q("medium", INT,
       "How many solutions in non-negative integers does x1 + x2 + x3 + x4 + x5 = 20 have if every xi is "
       "at most 7?",
       "Enumerate four variables; the fifth is determined.",
       """
       from itertools import product
       count = 0
       for xs in product(range(8), repeat=4):
           rest = 20 - sum(xs)
           if 0 <= rest <= 7:
               count += 1
       print(count)
       """),
    _q("hard", INT,
       "In how many ways can 30 be written as a + b + c + d with positive integers a < b < c < d?",
       "Enumerate increasing quadruples.",
       """
       count = 0
       for a in range(1, 31):
           for b in range(a + 1, 31):
               for c in range(b + 1, 31):
                   d = 30 - a - b - c
                   if d > c:
                       count += 1
       print(count)
       """),
    _q("medium", INT,
       "Eight people sit around a round table; seatings that differ only by a rotation are the same. In how "
       "many seatings do two particular people, Kim and Lee, not sit next to each other?",
       "Fix one person's seat and enumerate the others.",
       """
       from itertools import permutations
       KIM, LEE = 1, 2
       count = 0
       for rest in permutations(range(1, 8)):
           seats = (0,) + rest
           i, j = seats.index(KIM), seats.index(LEE)
           if (i - j) % 8 not in (1, 7):
               count += 1
       print(count)
       """),
    _q("medium", INT,
       "How many binary strings of length 16 contain no two consecutive 1s?",
       "Enumerate all 2^16 strings with a bit test.",
       """
       n = 16
       print(sum(1 for x in range(2**n) if x & (x >> 1) == 0))
       """),
    _q("hard", INT,
       "How many strings of length 12 over the digits 0, 1, 2 have no two equal adjacent digits and a digit "
       "sum divisible by 3?",
       "Dynamic programming over (last digit, sum mod 3).",
       """
       from collections import Counter
       states = Counter({(d, d % 3): 1 for d in range(3)})
       for _ in range(11):
           nxt = Counter()
           for (last, r), ways in states.items():
               for d in range(3):
                   if d != last:
                       nxt[(d, (r + d) % 3)] += ways
           states = nxt
       print(sum(w for (last, r), w in states.items() if r == 0))
       """),
    _q("medium", INT,
       "How many subsets of {1, 2, ..., 20}, including the empty set, have a sum that is divisible by 5?",
       "Count subsets by residue of their sum.",
       """
       count = [1, 0, 0, 0, 0]
       for x in range(1, 21):
           count = [count[r] + count[(r - x) % 5] for r in range(5)]
       print(count[0])
       """),
    _q("easy", INT,
       "How many 5-card hands from a standard 52-card deck contain exactly two pairs (two cards of one rank, "
       "two of another rank, and a fifth card of a third rank)?",
       "Choose the two pair ranks, their suits, then the kicker.",
       """
       from math import comb
       print(comb(13, 2) * comb(4, 2) ** 2 * 11 * 4)
       """),
    _q("medium", INT,
       "How many 3-element subsets of {1, 2, ..., 30} have an element sum divisible by 3?",
       "Enumerate all 3-subsets.",
       """
       from itertools import combinations
       print(sum(1 for t in combinations(range(1, 31), 3) if sum(t) % 3 == 0))
       """),
    _q("easy", INT,
       "How many four-digit positive integers have strictly increasing digits from left to right (like 1358)?",
       "Enumerate 1000..9999 and test the digits.",
       """
       count = 0
       for n in range(1000, 10000):
           s = str(n)
           if all(s[i] < s[i + 1] for i in range(3)):
               count += 1
       print(count)
       """),
    _q("medium", INT,
       "How many six-digit positive integers have a digit sum of 27?",
       "Digit-by-digit dynamic programming on the running sum.",
       """
       ways = [0] * 28
       for d in range(1, 10):
           ways[d] = 1
       for _ in range(5):
           ways = [sum(ways[s - d] for d in range(10) if s - d >= 0) for s in range(28)]
       print(ways[27])
       """),
    _q("medium", INT,
       "In how many ways can 8 distinct balls be placed into 4 distinct boxes so that no box is empty?",
       "Inclusion-exclusion over the empty boxes.",
       """
       from math import comb
       print(sum((-1) ** j * comb(4, j) * (4 - j) ** 8 for j in range(5)))
       """),
    _q("hard", INT,
       "In how many ways can 40 be written as a sum of positive integers if the order of the summands "
       "does not matter (the number of partitions of 40)?",
       "Coin-change style dynamic programming over part sizes.",
       """
       p = [1] + [0] * 40
       for part in range(1, 41):
           for s in range(part, 41):
               p[s] += p[s - part]
       print(p[40])
       """),
    _q("medium", INT,
       "In how many ways can 30 be written as a sum of distinct positive integers, ignoring order?",
       "0/1 knapsack-style counting over distinct parts.",
       """
       q = [1] + [0] * 30
       for part in range(1, 31):
           for s in range(30, part - 1, -1):
               q[s] += q[s - part]
       print(q[30])
       """),
    _q("medium", INT,
       "In how many ways can 12 people be split into 4 groups of 3 when the groups are not labelled?",
       "Count labelled groupings, then divide by the orderings of the groups.",
       """
       from math import factorial
       print(factorial(12) // (factorial(3) ** 4 * factorial(4)))
       """),
    _q("hard", INT,
       "In how many ways can a product of 13 factors a1·a2···a13 be fully parenthesised (keeping the order "
       "of the factors)?",
       "Catalan recurrence: split at the last multiplication.",
       """
       ways = [0, 1]
       for n in range(2, 14):
           ways.append(sum(ways[k] * ways[n - k] for k in range(1, n)))
       print(ways[13])
       """),
]

# =============================================================================================
# Number theory: gcd/lcm, divisors, primes, digit sums of large powers
# =============================================================================================

_NUMBER_THEORY = [
    _q("easy", INT,
       "What is the greatest common divisor of 2^60 - 1 and 2^84 - 1?",
       "Euclid's algorithm on the exact values.",
       """
       from math import gcd
       print(gcd(2**60 - 1, 2**84 - 1))
       """),
    _q("easy", INT,
       "What is the least common multiple of all integers from 11 to 30 inclusive?",
       "Fold lcm over the range.",
       """
       from math import gcd
       l = 1
       for k in range(11, 31):
           l = l * k // gcd(l, k)
       print(l)
       """),
    _q("easy", INT,
       "How many positive divisors does 720720 have?",
       "Count divisors by trial division up to the square root.",
       """
       n = 720720
       count = 0
       d = 1
       while d * d <= n:
           if n % d == 0:
               count += 1 if d * d == n else 2
           d += 1
       print(count)
       """),
    _q("medium", INT,
       "What is the sum of all positive divisors of 5040?",
       "Sum the divisors directly.",
       """
       n = 5040
       print(sum(d for d in range(1, n + 1) if n % d == 0))
       """),
    _q("medium", INT,
       "How many prime numbers are there between 10000 and 11000?",
       "Sieve of Eratosthenes up to 11000.",
       """
       N = 11000
       sieve = bytearray([1]) * (N + 1)
       sieve[0] = sieve[1] = 0
       for i in range(2, int(N**0.5) + 1):
           if sieve[i]:
               sieve[i * i :: i] = bytearray(len(range(i * i, N + 1, i)))
       print(sum(sieve[10000:11001]))
       """),
    _q("medium", INT,
       "What is the sum of all prime numbers less than 20000?",
       "Sieve, then add the primes.",
       """
       N = 20000
       sieve = bytearray([1]) * N
       sieve[0] = sieve[1] = 0
       for i in range(2, int(N**0.5) + 1):
           if sieve[i]:
               sieve[i * i :: i] = bytearray(len(range(i * i, N, i)))
       print(sum(i for i in range(N) if sieve[i]))
       """),
    _q("medium", INT,
       "What is the 1500th prime number (counting 2 as the first)?",
       "Sieve far enough and index the primes.",
       """
       N = 20000
       sieve = bytearray([1]) * N
       sieve[0] = sieve[1] = 0
       for i in range(2, int(N**0.5) + 1):
           if sieve[i]:
               sieve[i * i :: i] = bytearray(len(range(i * i, N, i)))
       primes = [i for i in range(N) if sieve[i]]
       print(primes[1499])
       """),
    _q("medium", INT,
       "What is the sum of the decimal digits of 7^500?",
       "Compute the power exactly and add its digits.",
       """
       print(sum(int(c) for c in str(7**500)))
       """),
    _q("medium", INT,
       "Compute Euler's totient φ(1234567), the number of integers from 1 to 1234567 that are coprime "
       "to 1234567.",
       "Factor by trial division and apply the product formula.",
       """
       n = m = 1234567
       phi = n
       p = 2
       while p * p <= m:
           if m % p == 0:
               while m % p == 0:
                   m //= p
               phi -= phi // p
           p += 1
       if m > 1:
           phi -= phi // m
       print(phi)
       """),
    _q("easy", INT,
       "How many integers from 1 to 100000 inclusive are coprime to 30?",
       "Test gcd for every number in the range.",
       """
       from math import gcd
       print(sum(1 for k in range(1, 100001) if gcd(k, 30) == 1))
       """),
    _q("medium", INT,
       "How many zeros does 2024! end with in its decimal representation?",
       "Legendre's formula for the exponent of 5.",
       """
       n, zeros, p = 2024, 0, 5
       while p <= n:
           zeros += n // p
           p *= 5
       print(zeros)
       """),
    _q("hard", INT,
       "How many trailing zeros does 1000! have when written in base 12?",
       "12 = 2^2·3: take the minimum of v2(1000!)//2 and v3(1000!).",
       """
       def legendre(n, p):
           e, q = 0, p
           while q <= n:
               e += n // q
               q *= p
           return e
       print(min(legendre(1000, 2) // 2, legendre(1000, 3)))
       """),
    _q("medium", INT,
       "What is the largest prime factor of 3^32 - 1?",
       "Trial-divide out all prime factors.",
       """
       n = 3**32 - 1
       largest, p = 1, 2
       while p * p <= n:
           while n % p == 0:
               largest, n = p, n // p
           p += 1
       print(max(largest, n) if n > 1 else largest)
       """),
    _q("easy", INT,
       "How many integers n with 1 ≤ n ≤ 10000 have exactly three positive divisors?",
       "Count divisors with a divisor-count sieve.",
       """
       N = 10000
       d = [0] * (N + 1)
       for i in range(1, N + 1):
           for j in range(i, N + 1, i):
               d[j] += 1
       print(sum(1 for n in range(1, N + 1) if d[n] == 3))
       """),
    _q("medium", INT,
       "An integer is abundant if the sum of its proper divisors exceeds it. What is the smallest odd "
       "abundant number?",
       "Search odd numbers, summing proper divisors.",
       """
       def proper_sum(n):
           s, d = 1, 2
           while d * d <= n:
               if n % d == 0:
                   s += d + (n // d if d * d != n else 0)
               d += 1
           return s
       n = 3
       while proper_sum(n) <= n:
           n += 2
       print(n)
       """),
    _q("medium", INT,
       "How many ordered pairs of positive integers (x, y) satisfy x^2 - y^2 = 2024?",
       "Search x; check that x^2 - 2024 is a positive perfect square.",
       """
       from math import isqrt
       count = 0
       for x in range(1, 2025):
           r = x * x - 2024
           if r > 0 and isqrt(r) ** 2 == r:
               count += 1
       print(count)
       """),
    _q("hard", INT,
       "What is the smallest positive integer that has exactly 100 positive divisors?",
       "Divisor-count sieve on a range that is large enough, then find the first hit.",
       """
       N = 50000
       d = [0] * (N + 1)
       for i in range(1, N + 1):
           for j in range(i, N + 1, i):
               d[j] += 1
       print(next(n for n in range(1, N + 1) if d[n] == 100))
       """),
    _q("medium", INT,
       "For how many positive integers n ≤ 1000 is the digit sum of n equal to the digit sum of 7n?",
       "Enumerate n and compare digit sums.",
       """
       def ds(n):
           return sum(map(int, str(n)))
       print(sum(1 for n in range(1, 1001) if ds(n) == ds(7 * n)))
       """),
    _q("medium", INT,
       "The Collatz map sends n to n/2 if n is even and to 3n + 1 if n is odd. For each starting value "
       "n = 1, 2, ..., 200 count the number of steps needed to reach 1 (0 steps for n = 1). What is the "
       "total of these step counts?",
       "Simulate the map for each starting value.",
       """
       total = 0
       for n in range(1, 201):
           steps = 0
           while n != 1:
               n = n // 2 if n % 2 == 0 else 3 * n + 1
               steps += 1
           total += steps
       print(total)
       """),
    _q("hard", INT,
       "How many integers from 1 to 10^6 inclusive are squarefree (not divisible by the square of any prime)?",
       "Mark multiples of every square d^2 and count the unmarked.",
       """
       N = 10**6
       free = bytearray([1]) * (N + 1)
       free[0] = 0
       d = 2
       while d * d <= N:
           free[d * d :: d * d] = bytearray(len(range(d * d, N + 1, d * d)))
           d += 1
       print(sum(free))
       """),
    _q("medium", INT,
       "Compute φ(1) + φ(2) + ··· + φ(1000), where φ is Euler's totient function.",
       "Totient sieve.",
       """
       N = 1000
       phi = list(range(N + 1))
       for p in range(2, N + 1):
           if phi[p] == p:
               for m in range(p, N + 1, p):
                   phi[m] -= phi[m] // p
       print(sum(phi[1:]))
       """),
    _q("hard", INT,
       "How many ordered pairs (a, b) with 1 ≤ a ≤ 300 and 1 ≤ b ≤ 300 satisfy gcd(a, b) = 1?",
       "Check gcd for all 90000 pairs.",
       """
       from math import gcd
       print(sum(1 for a in range(1, 301) for b in range(1, 301) if gcd(a, b) == 1))
       """),
    _q("medium", INT,
       "What is the smallest prime number greater than 10^9?",
       "Trial division on successive odd candidates.",
       """
       def is_prime(n):
           if n % 2 == 0:
               return n == 2
           f = 3
           while f * f <= n:
               if n % f == 0:
                   return False
               f += 2
           return True
       n = 10**9 + 1
       while not is_prime(n):
           n += 2
       print(n)
       """),
]

# =============================================================================================
# Modular arithmetic: fast exponentiation, inverses, CRT, orders, roots
# =============================================================================================

_MODULAR = [
    _q("easy", INT,
       "What is the remainder when 7^2024 is divided by 1000?",
       "Three-argument pow.",
       """
       print(pow(7, 2024, 1000))
       """),
    _q("easy", INT,
       "Compute 3^(10^18) mod 1000000007.",
       "Fast modular exponentiation.",
       """
       print(pow(3, 10**18, 1000000007))
       """),
    _q("medium", INT,
       "What is the remainder when 2^(2^20) is divided by 100000?",
       "Square-and-multiply with the exact exponent 2^20.",
       """
       result, base, e, m = 1, 2, 2**20, 100000
       while e:
           if e & 1:
               result = result * base % m
           base = base * base % m
           e >>= 1
       print(result)
       """),
    _q("easy", INT,
       "Find the integer x with 0 < x < 4321 such that 23x ≡ 1 (mod 4321).",
       "Extended Euclidean algorithm.",
       """
       def inverse(a, m):
           r0, r1, s0, s1 = a, m, 1, 0
           while r1:
               q = r0 // r1
               r0, r1 = r1, r0 - q * r1
               s0, s1 = s1, s0 - q * s1
           assert r0 == 1
           return s0 % m
       print(inverse(23, 4321))
       """),
    _q("medium", INT,
       "1000003 is prime. Find the multiplicative inverse of 12345 modulo 1000003, as an integer between "
       "1 and 1000002.",
       "Fermat: a^(p-2) mod p.",
       """
       p = 1000003
       x = pow(12345, p - 2, p)
       assert 12345 * x % p == 1
       print(x)
       """),
    _q("medium", INT,
       "Find the smallest positive integer x with x ≡ 3 (mod 11), x ≡ 5 (mod 13) and x ≡ 7 (mod 17).",
       "Search the first congruence class for the others.",
       """
       x = 3
       while not (x % 13 == 5 and x % 17 == 7):
           x += 11
       print(x)
       """),
    _q("medium", INT,
       "What is the smallest positive integer that leaves remainder 2 when divided by each of 3, 4, 5 and 6 "
       "and is divisible by 11?",
       "Brute-force search over multiples of 11.",
       """
       n = 11
       while not all(n % d == 2 for d in (3, 4, 5, 6)):
           n += 11
       print(n)
       """),
    _q("medium", INT,
       "Find the sum of all x in {0, 1, ..., 90} that satisfy 35x ≡ 14 (mod 91).",
       "Test every residue.",
       """
       print(sum(x for x in range(91) if (35 * x - 14) % 91 == 0))
       """),
    _q("medium", INT,
       "What are the last two digits of 7^(7^7)? Give the number they form (the remainder mod 100).",
       "Compute the exponent 7^7 exactly, then pow mod 100.",
       """
       print(pow(7, 7**7, 100))
       """),
    _q("hard", INT,
       "Compute the remainder of 1^2 + 2^4 + 3^6 + ··· + 500^1000 (the sum of k^(2k) for k = 1..500) "
       "modulo 1000007.",
       "Sum modular powers.",
       """
       m = 1000007
       print(sum(pow(k, 2 * k, m) for k in range(1, 501)) % m)
       """),
    _q("hard", INT,
       "Let F(0) = 0, F(1) = 1 and F(n) = F(n-1) + F(n-2). What is F(10^18) mod 1009?",
       "Fast doubling for Fibonacci numbers modulo m.",
       """
       def fib(n, m):
           if n == 0:
               return 0, 1
           a, b = fib(n // 2, m)
           c = a * (2 * b - a) % m
           d = (a * a + b * b) % m
           return (d, (c + d) % m) if n % 2 else (c, d)
       print(fib(10**18, 1009)[0])
       """),
    _q("medium", INT,
       "How many integers x with 0 ≤ x ≤ 1000 satisfy x^2 ≡ 1 (mod 1001)?",
       "Check every residue.",
       """
       print(sum(1 for x in range(1001) if x * x % 1001 == 1))
       """),
    _q("medium", INT,
       "10007 is prime. What is the multiplicative order of 3 modulo 10007, i.e. the smallest k ≥ 1 with "
       "3^k ≡ 1 (mod 10007)?",
       "Multiply until the power returns to 1.",
       """
       p, k, x = 10007, 1, 3
       while x != 1:
           x = x * 3 % p
           k += 1
       print(k)
       """),
    _q("medium", INT,
       "What is the smallest primitive root modulo the prime 761?",
       "g is primitive iff g^((p-1)/q) ≠ 1 for every prime q dividing p - 1.",
       """
       p = 761
       n, qs, f = p - 1, [], 2
       while n > 1:
           if n % f == 0:
               qs.append(f)
               while n % f == 0:
                   n //= f
           f += 1
       g = 2
       while any(pow(g, (p - 1) // q, p) == 1 for q in qs):
           g += 1
       print(g)
       """),
    _q("easy", INT,
       "What is the remainder when 50! is divided by 103?",
       "Multiply 1..50 modulo 103.",
       """
       r = 1
       for k in range(1, 51):
           r = r * k % 103
       print(r)
       """),
    _q("medium", INT,
       "What is the remainder when the binomial coefficient C(1000, 500) is divided by 13?",
       "Exact binomial, then reduce.",
       """
       from math import comb
       print(comb(1000, 500) % 13)
       """),
    _q("medium", INT,
       "Find the sum of all x in {0, 1, ..., 100} with x^5 ≡ 32 (mod 101).",
       "Test all residues modulo the prime 101.",
       """
       print(sum(x for x in range(101) if pow(x, 5, 101) == 32))
       """),
    _q("medium", INT,
       "What is 123456789^987654321 mod 2021?",
       "pow with a modulus.",
       """
       print(pow(123456789, 987654321, 2021))
       """),
    _q("medium", INT,
       "1019 is prime. Find the smallest positive integer k such that 2^k ≡ 1000 (mod 1019).",
       "Discrete logarithm by walking the powers of 2.",
       """
       p, k, x = 1019, 1, 2
       while x != 1000:
           x = x * 2 % p
           k += 1
           assert k < p
       print(k)
       """),
    _q("hard", INT,
       "How many integers n with 1 ≤ n ≤ 100000 make n^2 + 1 divisible by 65?",
       "Count residues mod 65 that work, or just test all n.",
       """
       print(sum(1 for n in range(1, 100001) if (n * n + 1) % 65 == 0))
       """),
    _q("medium", INT,
       "What are the last three digits of 3^(3^(3^3)), read as a number (the remainder mod 1000)?",
       "The exponent 3^27 is an exact integer; then modular pow.",
       """
       exponent = 3 ** (3**3)
       print(pow(3, exponent, 1000))
       """),
]

# =============================================================================================
# Probability with exact fractions: dice, cards, urns, coins, expectations
# =============================================================================================

_PROBABILITY = [
    _q("easy", FRAC,
       "Two fair six-sided dice are rolled. What is the probability that the sum is a prime number?",
       "Enumerate the 36 outcomes.",
       """
       from fractions import Fraction
       from itertools import product
       primes = {2, 3, 5, 7, 11}
       hits = sum(1 for a, b in product(range(1, 7), repeat=2) if a + b in primes)
       print(Fraction(hits, 36))
       """),
    _q("easy", FRAC,
       "Three fair dice are rolled. What is the probability that their sum is 9?",
       "Enumerate 216 outcomes.",
       """
       from fractions import Fraction
       from itertools import product
       hits = sum(1 for r in product(range(1, 7), repeat=3) if sum(r) == 9)
       print(Fraction(hits, 6**3))
       """),
    _q("medium", FRAC,
       "Four fair dice are rolled. What is the probability that the sum is at least 20?",
       "Enumerate 1296 outcomes.",
       """
       from fractions import Fraction
       from itertools import product
       hits = sum(1 for r in product(range(1, 7), repeat=4) if sum(r) >= 20)
       print(Fraction(hits, 6**4))
       """),
    _q("medium", FRAC,
       "Five fair dice are rolled. What is the probability that the sum is divisible by 7?",
       "Enumerate 7776 outcomes.",
       """
       from fractions import Fraction
       from itertools import product
       hits = sum(1 for r in product(range(1, 7), repeat=5) if sum(r) % 7 == 0)
       print(Fraction(hits, 6**5))
       """),
    _q("easy", FRAC,
       "Three fair dice are rolled. What is the probability that the largest number shown is exactly 4?",
       "P(max ≤ 4) - P(max ≤ 3).",
       """
       from fractions import Fraction
       print(Fraction(4**3 - 3**3, 6**3))
       """),
    _q("medium", FRAC,
       "Three fair dice are rolled. What is the probability that the product of the three numbers is a "
       "perfect square?",
       "Enumerate and test with isqrt.",
       """
       from fractions import Fraction
       from itertools import product
       from math import isqrt
       hits = 0
       for a, b, c in product(range(1, 7), repeat=3):
           n = a * b * c
           hits += isqrt(n) ** 2 == n
       print(Fraction(hits, 216))
       """),
    _q("medium", FRAC,
       "Five cards are dealt from a shuffled standard 52-card deck. What is the probability that all five "
       "have the same suit?",
       "Count same-suit hands over all hands.",
       """
       from fractions import Fraction
       from math import comb
       print(Fraction(4 * comb(13, 5), comb(52, 5)))
       """),
    _q("easy", FRAC,
       "Four cards are drawn from a shuffled standard 52-card deck. What is the probability that at least "
       "one of them is an ace?",
       "Complement: no ace among the four.",
       """
       from fractions import Fraction
       from math import comb
       print(1 - Fraction(comb(48, 4), comb(52, 4)))
       """),
    _q("medium", FRAC,
       "Two cards are drawn without replacement from a standard 52-card deck. What is the probability that "
       "they are both hearts or both kings?",
       "Enumerate all pairs of cards.",
       """
       from fractions import Fraction
       from itertools import combinations
       deck = [(rank, suit) for rank in range(13) for suit in "SHDC"]
       KING = 12
       hits = total = 0
       for a, b in combinations(deck, 2):
           total += 1
           if (a[1] == b[1] == "H") or (a[0] == b[0] == KING):
               hits += 1
       print(Fraction(hits, total))
       """),
    _q("easy", FRAC,
       "An urn contains 6 red, 5 blue and 4 green balls. Three balls are drawn without replacement. What is "
       "the probability that they all have different colours?",
       "One of each colour over all 3-subsets.",
       """
       from fractions import Fraction
       from math import comb
       print(Fraction(6 * 5 * 4, comb(15, 3)))
       """),
    _q("medium", FRAC,
       "An urn holds 4 white and 6 black balls. Balls are drawn one at a time without replacement until the "
       "first white ball appears. What is the expected number of draws?",
       "Sum k · P(first white at draw k).",
       """
       from fractions import Fraction
       white, black = 4, 6
       expected = Fraction(0)
       p_black_so_far = Fraction(1)
       for k in range(1, black + 2):
           remaining = white + black - (k - 1)
           expected += k * p_black_so_far * Fraction(white, remaining)
           p_black_so_far *= Fraction(black - (k - 1), remaining)
       print(expected)
       """),
    _q("medium", FRAC,
       "A fair six-sided die is rolled 6 times. What is the expected number of distinct faces that appear?",
       "Linearity: each face appears with probability 1 - (5/6)^6.",
       """
       from fractions import Fraction
       print(6 * (1 - Fraction(5, 6) ** 6))
       """),
    _q("easy", FRAC,
       "Two fair dice are rolled. What is the expected value of the larger of the two numbers?",
       "Average the maximum over 36 outcomes.",
       """
       from fractions import Fraction
       print(Fraction(sum(max(a, b) for a in range(1, 7) for b in range(1, 7)), 36))
       """),
    _q("medium", FRAC,
       "A fair coin is tossed 10 times. What is the probability that somewhere in the sequence there are at "
       "least 3 consecutive heads?",
       "Enumerate all 1024 sequences as bit strings.",
       """
       from fractions import Fraction
       hits = sum(1 for x in range(1024) if "111" in format(x, "010b"))
       print(Fraction(hits, 1024))
       """),
    _q("easy", FRAC,
       "A fair coin is tossed 12 times. What is the probability of getting exactly as many heads as tails?",
       "C(12, 6) / 2^12.",
       """
       from fractions import Fraction
       from math import comb
       print(Fraction(comb(12, 6), 2**12))
       """),
    _q("hard", FRAC,
       "A gambler starts with 3 chips and bets one chip per round, winning a round with probability 2/5 and "
       "losing it otherwise. She stops when she has 0 chips or 7 chips. What is the probability that she "
       "reaches 7 chips?",
       "Gambler's ruin: solve the linear recurrence with exact fractions.",
       """
       from fractions import Fraction
       p = Fraction(2, 5)
       r = (1 - p) / p
       print((1 - r**3) / (1 - r**7))
       """),
    _q("hard", FRAC,
       "A biased coin lands heads with probability 2/3. It is tossed until the pattern H, H, T appears for "
       "the first time (three consecutive tosses). What is the expected number of tosses?",
       "Markov chain on the matched prefix; solve the equations exactly.",
       """
       from fractions import Fraction
       from sympy import Rational, symbols, solve
       p = Rational(2, 3)
       q = 1 - p
       e0, e1, e2 = symbols("e0 e1 e2")  # expected tosses left after matching "", "H", "HH"
       sol = solve([
           e0 - (1 + p * e1 + q * e0),
           e1 - (1 + p * e2 + q * e0),
           e2 - (1 + p * e2 + q * 0),
       ], [e0, e1, e2])
       print(Fraction(str(sol[e0])))
       """),
    _q("medium", FRAC,
       "A disease affects 1 in 200 people. A test detects it in 95% of people who have it and gives a false "
       "positive for 2% of people who do not. A random person tests positive. What is the probability that "
       "they have the disease?",
       "Bayes' rule with exact fractions.",
       """
       from fractions import Fraction as F
       prior, sens, fpr = F(1, 200), F(95, 100), F(2, 100)
       print(prior * sens / (prior * sens + (1 - prior) * fpr))
       """),
    _q("medium", FRAC,
       "A positive divisor of 10! is chosen uniformly at random. What is the probability that it is a "
       "perfect square?",
       "List the divisors and test each.",
       """
       from fractions import Fraction
       from math import factorial, isqrt
       n = factorial(10)
       divisors = [d for d in range(1, isqrt(n) + 1) if n % d == 0]
       divisors = sorted(set(divisors + [n // d for d in divisors]))
       squares = sum(1 for d in divisors if isqrt(d) ** 2 == d)
       print(Fraction(squares, len(divisors)))
       """),
    _q("hard", FRAC,
       "Two different integers are chosen at random from 1 to 50. What is the probability that their "
       "product is a perfect square?",
       "Enumerate all 1225 pairs.",
       """
       from fractions import Fraction
       from itertools import combinations
       from math import isqrt
       pairs = list(combinations(range(1, 51), 2))
       hits = sum(1 for a, b in pairs if isqrt(a * b) ** 2 == a * b)
       print(Fraction(hits, len(pairs)))
       """),
    _q("medium", DEC6,
       "On a planet with a 100-day year, 10 people have birthdays that are independent and uniform over the "
       "days. What is the probability that at least two of them share a birthday?",
       "Complement of all-distinct, computed exactly, then rounded.",
       """
       from fractions import Fraction
       all_distinct = Fraction(1)
       for k in range(10):
           all_distinct *= Fraction(100 - k, 100)
       print(f"{float(1 - all_distinct):.6f}")
       """),
    _q("medium", FRAC,
       "An urn starts with 1 red and 1 blue ball. Ten times, a ball is drawn at random, then returned together "
       "with one extra ball of the same colour. What is the probability that exactly 4 of the 10 draws are red?",
       "Dynamic programming over the urn composition.",
       """
       from fractions import Fraction
       from collections import defaultdict
       dist = {(1, 1, 0): Fraction(1)}  # (red, blue, reds drawn) -> probability
       for _ in range(10):
           nxt = defaultdict(Fraction)
           for (r, b, k), p in dist.items():
               nxt[(r + 1, b, k + 1)] += p * Fraction(r, r + b)
               nxt[(r, b + 1, k)] += p * Fraction(b, r + b)
           dist = nxt
       print(sum(p for (r, b, k), p in dist.items() if k == 4))
       """),
    _q("hard", FRAC,
       "A token starts at 0 and makes 10 steps, each +1 or -1 with probability 1/2, independently. What is "
       "the probability that it never visits a negative number?",
       "Enumerate all 1024 walks.",
       """
       from fractions import Fraction
       from itertools import product
       good = 0
       for steps in product((1, -1), repeat=10):
           pos, ok = 0, True
           for s in steps:
               pos += s
               if pos < 0:
                   ok = False
                   break
           good += ok
       print(Fraction(good, 2**10))
       """),
]

# =============================================================================================
# Linear systems: rational solutions, word problems, small matrices
# =============================================================================================

_LINEAR_SYSTEMS = [
    _q("easy", FRAC,
       "Solve the system 2x + 3y = 7, 5x - 4y = 2. What is x?",
       "Cramer's rule with exact fractions.",
       """
       from fractions import Fraction
       a, b, e = 2, 3, 7
       c, d, f = 5, -4, 2
       det = a * d - b * c
       print(Fraction(e * d - b * f, det))
       """),
    _q("easy", FRAC,
       "If 3x - 7y = 12 and 4x + 5y = -3, what is y?",
       "Solve the 2x2 system symbolically.",
       """
       from sympy import symbols, solve
       x, y = symbols("x y")
       s = solve([3 * x - 7 * y - 12, 4 * x + 5 * y + 3], [x, y])
       print(s[y])
       """),
    _q("medium", FRAC,
       "Solve x + 2y - z = 4, 2x - y + 3z = -1, -3x + y + 2z = 5, and give the value of x + y + z.",
       "Gaussian elimination with fractions.",
       """
       from fractions import Fraction
       A = [[1, 2, -1, 4], [2, -1, 3, -1], [-3, 1, 2, 5]]
       M = [[Fraction(v) for v in row] for row in A]
       n = 3
       for c in range(n):
           p = next(r for r in range(c, n) if M[r][c] != 0)
           M[c], M[p] = M[p], M[c]
           for r in range(n):
               if r != c:
                   f = M[r][c] / M[c][c]
                   M[r] = [u - f * v for u, v in zip(M[r], M[c])]
       sol = [M[i][n] / M[i][i] for i in range(n)]
       print(sum(sol))
       """),
    _q("medium", INT,
       "Find w if a + b + c + w = 10, 2a - b + 3c - w = 3, a + 3b - c + 2w = 14 and 3a + b + c - 4w = -5.",
       "Solve the 4x4 system with sympy.",
       """
       from sympy import Matrix
       A = Matrix([[1, 1, 1, 1], [2, -1, 3, -1], [1, 3, -1, 2], [3, 1, 1, -4]])
       b = Matrix([10, 3, 14, -5])
       print(A.LUsolve(b)[3])
       """),
    _q("medium", INT,
       "A school play sold 450 tickets. Adult tickets cost $12 and child tickets cost $7.50, and the total "
       "revenue was $4410. How many adult tickets were sold?",
       "Two equations: count and revenue.",
       """
       from sympy import Rational, symbols, solve
       a, c = symbols("a c")
       s = solve([a + c - 450, 12 * a + Rational(15, 2) * c - 4410], [a, c])
       print(s[a])
       """),
    _q("medium", INT,
       "How many litres of a 20% salt solution must be mixed with a 45% salt solution to get 60 litres of "
       "a 30% salt solution?",
       "Balance the volume and the amount of salt.",
       """
       from fractions import Fraction
       # a + b = 60, 0.20a + 0.45b = 0.30 * 60  ->  eliminate b
       a = Fraction(Fraction(45, 100) * 60 - Fraction(30, 100) * 60, Fraction(45, 100) - Fraction(20, 100))
       print(a)
       """),
    _q("medium", INT,
       "A jar has 40 coins made up of nickels (5 cents), dimes (10 cents) and quarters (25 cents) worth $6.00 "
       "in total. There are twice as many dimes as nickels. How many quarters are there?",
       "Three linear equations in three unknowns.",
       """
       from sympy import symbols, solve
       n, d, q = symbols("n d q")
       s = solve([n + d + q - 40, d - 2 * n, 5 * n + 10 * d + 25 * q - 600], [n, d, q])
       print(s[q])
       """),
    _q("easy", INT,
       "A mother is 4 times as old as her son. In 20 years she will be twice as old as her son will be then. "
       "How old is the mother now?",
       "Set up two equations in the two ages.",
       """
       from sympy import symbols, solve
       m, s = symbols("m s")
       sol = solve([m - 4 * s, (m + 20) - 2 * (s + 20)], [m, s])
       print(sol[m])
       """),
    _q("hard", FRAC,
       "Solve the system x/2 + y/3 - z = 1, x - y/4 + z/5 = 2, x/3 + y + z/6 = 3. What is z?",
       "Clear nothing; solve with exact rationals.",
       """
       from sympy import Rational as R, symbols, linsolve
       x, y, z = symbols("x y z")
       (sol,) = linsolve([x * R(1, 2) + y * R(1, 3) - z - 1,
                          x - y * R(1, 4) + z * R(1, 5) - 2,
                          x * R(1, 3) + y + z * R(1, 6) - 3], [x, y, z])
       print(sol[2])
       """),
    _q("medium", INT,
       "The parabola y = ax^2 + bx + c passes through the points (-1, 8), (2, 5) and (3, 12). What is b?",
       "Three equations for a, b, c.",
       """
       from sympy import symbols, solve
       a, b, c = symbols("a b c")
       pts = [(-1, 8), (2, 5), (3, 12)]
       s = solve([a * x**2 + b * x + c - y for x, y in pts], [a, b, c])
       print(s[b])
       """),
    _q("medium", INT,
       "A cubic polynomial p satisfies p(0) = 1, p(1) = 4, p(2) = 3 and p(3) = 7. What is p(5)?",
       "Solve for the four coefficients, then evaluate.",
       """
       from sympy import Matrix
       xs, ys = [0, 1, 2, 3], [1, 4, 3, 7]
       A = Matrix([[x**k for k in range(4)] for x in xs])
       coef = A.LUsolve(Matrix(ys))
       print(sum(coef[k] * 5**k for k in range(4)))
       """),
    _q("hard", FRAC,
       "Solve 2a + b - c + 3d = 7, a - 2b + 4c - d = -3, 3a + 2b + c + d = 12, a + 3b + 2c - 2d = 1. "
       "What is d?",
       "Solve the 4x4 system with exact fractions.",
       """
       from fractions import Fraction
       A = [[2, 1, -1, 3, 7], [1, -2, 4, -1, -3], [3, 2, 1, 1, 12], [1, 3, 2, -2, 1]]
       M = [[Fraction(v) for v in row] for row in A]
       for c in range(4):
           p = next(r for r in range(c, 4) if M[r][c] != 0)
           M[c], M[p] = M[p], M[c]
           for r in range(4):
               if r != c:
                   f = M[r][c] / M[c][c]
                   M[r] = [u - f * v for u, v in zip(M[r], M[c])]
       print(M[3][4] / M[3][3])
       """),
    _q("medium", INT,
       "Pipes A and B together fill a tank in 6 hours, pipes B and C together in 10 hours, and pipes A and C "
       "together in 7.5 hours. How many hours does pipe C alone need to fill the tank?",
       "Rates add; solve for the three rates.",
       """
       from fractions import Fraction as F
       ab, bc, ac = F(1, 6), F(1, 10), 1 / F(15, 2)
       total = (ab + bc + ac) / 2
       c = total - ab
       print(1 / c)
       """),
    _q("medium", INT,
       "Maya invests $20000 in three funds paying 3%, 5% and 8% simple interest per year. She puts $2000 more "
       "in the 5% fund than in the 3% fund, and earns $1100 interest in one year. How many dollars are in the "
       "8% fund?",
       "Three equations: total, difference, interest.",
       """
       from sympy import Rational, symbols, solve
       a, b, c = symbols("a b c")
       s = solve([a + b + c - 20000, b - a - 2000,
                  Rational(3, 100) * a + Rational(5, 100) * b + Rational(8, 100) * c - 1100], [a, b, c])
       print(s[c])
       """),
    _q("easy", INT,
       "Two numbers have sum 2024 and difference 1000. What is their product?",
       "Solve for the numbers, then multiply.",
       """
       x = (2024 + 1000) // 2
       y = 2024 - x
       assert x - y == 1000
       print(x * y)
       """),
    _q("medium", FRAC,
       "Solve 2x + 3y - z = 5, x - y + 2z = 3, 4x + y + z = 12. What is 2x - y?",
       "Solve with sympy, then combine.",
       """
       from sympy import symbols, solve
       x, y, z = symbols("x y z")
       s = solve([2 * x + 3 * y - z - 5, x - y + 2 * z - 3, 4 * x + y + z - 12], [x, y, z])
       print(2 * s[x] - s[y])
       """),
    _q("hard", FRAC,
       "Solve the system v + 2w + x - y + z = 3, 2v - w + 3x + y - z = 1, v + w - x + 2y + 3z = 4, "
       "3v + w + x + y - 2z = 2, v - 3w + 2x - y + z = 0. What is v + w + x + y + z?",
       "A 5x5 exact solve.",
       """
       from sympy import Matrix
       A = Matrix([[1, 2, 1, -1, 1], [2, -1, 3, 1, -1], [1, 1, -1, 2, 3], [3, 1, 1, 1, -2], [1, -3, 2, -1, 1]])
       b = Matrix([3, 1, 4, 2, 0])
       print(sum(A.LUsolve(b)))
       """),
    _q("medium", FRAC,
       "In a circuit the currents satisfy I1 = I2 + I3, 12 = 2·I1 + 4·I2 and 4·I2 = 6·I3 + 3 (currents in "
       "amperes). Find I3.",
       "Three linear equations in the currents.",
       """
       from sympy import symbols, solve
       i1, i2, i3 = symbols("i1 i2 i3")
       s = solve([i1 - i2 - i3, 2 * i1 + 4 * i2 - 12, 4 * i2 - 6 * i3 - 3], [i1, i2, i3])
       print(s[i3])
       """),
    _q("medium", FRAC,
       "One unit of food A has 3 g protein, 2 g fat and 5 g carbohydrate; food B has 5 g, 1 g and 2 g; food "
       "C has 2 g, 4 g and 6 g. How many units of food A give exactly 41 g protein, 22 g fat and 50 g "
       "carbohydrate in total?",
       "Solve the nutrient balance for the three amounts.",
       """
       from sympy import Matrix
       A = Matrix([[3, 5, 2], [2, 1, 4], [5, 2, 6]])
       amounts = A.LUsolve(Matrix([41, 22, 50]))
       print(amounts[0])
       """),
    _q("medium", FRAC,
       "Let M be the 3×3 matrix with rows (2, 1, 1), (1, 3, 2) and (1, 0, 4). What is the entry in row 1, "
       "column 2 of the inverse matrix M^(-1)?",
       "Exact matrix inverse.",
       """
       from sympy import Matrix
       M = Matrix([[2, 1, 1], [1, 3, 2], [1, 0, 4]])
       print(M.inv()[0, 1])
       """),
    _q("medium", INT,
       "What is the determinant of the 4×4 matrix with rows (3, 1, -2, 4), (0, 5, 1, -1), (2, -3, 4, 1) "
       "and (1, 2, 0, -3)?",
       "Exact determinant.",
       """
       from sympy import Matrix
       print(Matrix([[3, 1, -2, 4], [0, 5, 1, -1], [2, -3, 4, 1], [1, 2, 0, -3]]).det())
       """),
]

# =============================================================================================
# Geometry with integer or fraction answers
# =============================================================================================

_GEOMETRY = [
    _q("medium", FRAC,
       "What is the area of the pentagon with vertices (0, 0), (7, 1), (9, 6), (4, 10) and (-2, 5), in this "
       "order?",
       "Shoelace formula.",
       """
       from fractions import Fraction
       pts = [(0, 0), (7, 1), (9, 6), (4, 10), (-2, 5)]
       s = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1]))
       print(Fraction(abs(s), 2))
       """),
    _q("easy", FRAC,
       "Find the area of the triangle with vertices A(1, 2), B(8, 5) and C(3, 11).",
       "Half the absolute cross product.",
       """
       from fractions import Fraction
       (ax, ay), (bx, by), (cx, cy) = (1, 2), (8, 5), (3, 11)
       cross = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)
       print(Fraction(abs(cross), 2))
       """),
    _q("medium", INT,
       "How many lattice points (points with integer coordinates) lie strictly inside the triangle with "
       "vertices (0, 0), (60, 0) and (17, 45)?",
       "Count grid points with a strict point-in-triangle test.",
       """
       A, B, C = (0, 0), (60, 0), (17, 45)
       def cross(o, a, b):
           return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])
       count = 0
       for x in range(0, 61):
           for y in range(0, 46):
               p = (x, y)
               d1, d2, d3 = cross(A, B, p), cross(B, C, p), cross(C, A, p)
               if (d1 > 0 and d2 > 0 and d3 > 0) or (d1 < 0 and d2 < 0 and d3 < 0):
                   count += 1
       print(count)
       """),
    _q("medium", INT,
       "How many points (x, y) with integer coordinates satisfy x^2 + y^2 ≤ 10000?",
       "For each x count the admissible y with isqrt.",
       """
       from math import isqrt
       print(sum(2 * isqrt(10000 - x * x) + 1 for x in range(-100, 101)))
       """),
    _q("medium", INT,
       "How many right triangles with integer side lengths have perimeter exactly 720? (Triangles that differ "
       "only by swapping the legs count once.)",
       "Enumerate legs a < b and check the hypotenuse.",
       """
       count = 0
       P = 720
       for a in range(1, P // 3):
           for b in range(a + 1, P // 2):
               c = P - a - b
               if c > b and a * a + b * b == c * c:
                   count += 1
       print(count)
       """),
    _q("easy", INT,
       "A triangle has sides 25, 39 and 56. What is its area?",
       "Heron's formula with an exact integer square root.",
       """
       from math import isqrt
       a, b, c = 25, 39, 56
       s2 = a + b + c  # 2s
       sixteen_area_sq = s2 * (s2 - 2 * a) * (s2 - 2 * b) * (s2 - 2 * c)
       r = isqrt(sixteen_area_sq)
       assert r * r == sixteen_area_sq and r % 4 == 0
       print(r // 4)
       """),
    _q("medium", FRAC,
       "What is the volume of the tetrahedron with vertices (0, 0, 0), (4, 1, 2), (1, 5, 3) and (2, 2, 7)?",
       "One sixth of the absolute triple product.",
       """
       from fractions import Fraction
       u, v, w = (4, 1, 2), (1, 5, 3), (2, 2, 7)
       det = (u[0] * (v[1] * w[2] - v[2] * w[1])
              - u[1] * (v[0] * w[2] - v[2] * w[0])
              + u[2] * (v[0] * w[1] - v[1] * w[0]))
       print(Fraction(abs(det), 6))
       """),
    _q("medium", INT,
       "The perpendicular bisector of the segment from A(1, 2) to B(7, -4) meets the line y = 3x + 1 at a "
       "point P. What is the x-coordinate of P?",
       "Write the bisector as a linear equation and intersect.",
       """
       from fractions import Fraction
       ax, ay, bx, by = 1, 2, 7, -4
       # points equidistant from A and B: 2(bx-ax)x + 2(by-ay)y = bx^2+by^2-ax^2-ay^2
       p, q, r = 2 * (bx - ax), 2 * (by - ay), bx**2 + by**2 - ax**2 - ay**2
       # substitute y = 3x + 1
       x = Fraction(r - q * 1, p + 3 * q)
       assert x.denominator == 1
       print(x.numerator)
       """),
    _q("medium", FRAC,
       "What is the area of the triangle bounded by the lines y = 2x + 1, y = -x + 7 and y = x/3 - 2?",
       "Intersect the lines pairwise, then apply the shoelace formula.",
       """
       from fractions import Fraction as F
       lines = [(F(2), F(1)), (F(-1), F(7)), (F(1, 3), F(-2))]  # y = m x + k
       def meet(l1, l2):
           (m1, k1), (m2, k2) = l1, l2
           x = (k2 - k1) / (m1 - m2)
           return x, m1 * x + k1
       P = [meet(lines[0], lines[1]), meet(lines[1], lines[2]), meet(lines[2], lines[0])]
       s = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(P, P[1:] + P[:1]))
       print(abs(s) / 2)
       """),
    _q("easy", INT,
       "How many diagonals does a convex polygon with 25 sides have?",
       "Count vertex pairs that are not sides.",
       """
       from itertools import combinations
       n = 25
       print(sum(1 for i, j in combinations(range(n), 2) if (j - i) % n not in (1, n - 1)))
       """),
    _q("medium", INT,
       "In a convex 13-gon no three diagonals meet at a single interior point. How many intersection "
       "points of diagonals lie inside the polygon?",
       "Each interior crossing corresponds to a set of 4 vertices.",
       """
       from itertools import combinations
       print(sum(1 for _ in combinations(range(13), 4)))
       """),
    _q("medium", FRAC,
       "Find the square of the circumradius of the triangle with vertices (0, 0), (8, 0) and (3, 7).",
       "Solve for the circumcenter, then take the squared distance.",
       """
       from fractions import Fraction
       (x1, y1), (x2, y2), (x3, y3) = (0, 0), (8, 0), (3, 7)
       # |P - A|^2 = |P - B|^2 = |P - C|^2 gives two linear equations
       a1, b1, c1 = 2 * (x2 - x1), 2 * (y2 - y1), x2**2 + y2**2 - x1**2 - y1**2
       a2, b2, c2 = 2 * (x3 - x1), 2 * (y3 - y1), x3**2 + y3**2 - x1**2 - y1**2
       det = a1 * b2 - a2 * b1
       px, py = Fraction(c1 * b2 - c2 * b1, det), Fraction(a1 * c2 - a2 * c1, det)
       print((px - x1) ** 2 + (py - y1) ** 2)
       """),
    _q("medium", INT,
       "How many non-congruent triangles with integer side lengths have perimeter 60?",
       "Enumerate a ≤ b ≤ c with the triangle inequality.",
       """
       count = 0
       for a in range(1, 61):
           for b in range(a, 61):
               c = 60 - a - b
               if c >= b and a + b > c:
                   count += 1
       print(count)
       """),
    _q("hard", INT,
       "Consider the 7×7 grid of points (x, y) with x, y ∈ {0, 1, ..., 6}. How many squares, in any "
       "orientation, have all four vertices among these points?",
       "Enumerate a vertex and an edge vector, and check the other vertices.",
       """
       n = 7
       count = 0
       for x in range(n):
           for y in range(n):
               for dx in range(1, n):
                   for dy in range(0, n):
                       # vertices (x,y), (x+dx,y+dy), (x+dx-dy,y+dy+dx), (x-dy,y+dx)
                       pts = [(x + dx, y + dy), (x + dx - dy, y + dy + dx), (x - dy, y + dx)]
                       if all(0 <= px < n and 0 <= py < n for px, py in pts):
                           count += 1
       print(count)
       """),
    _q("easy", INT,
       "How many rectangles (of any size, with sides along grid lines) can be found in a grid of 8 by 5 "
       "unit squares?",
       "Choose two vertical and two horizontal lines.",
       """
       from itertools import combinations
       v = sum(1 for _ in combinations(range(9), 2))
       h = sum(1 for _ in combinations(range(6), 2))
       print(v * h)
       """),
    _q("medium", FRAC,
       "What is the square of the distance from the point (3, -2) to the line 4x - 7y + 5 = 0?",
       "Point-line distance squared: (ax + by + c)^2 / (a^2 + b^2).",
       """
       from fractions import Fraction
       a, b, c, x, y = 4, -7, 5, 3, -2
       print(Fraction((a * x + b * y + c) ** 2, a * a + b * b))
       """),
    _q("medium", FRAC,
       "The point (5, 1) is reflected across the line x + 2y = 4. What is the sum of the coordinates of the "
       "image point?",
       "Reflection formula with exact fractions.",
       """
       from fractions import Fraction
       a, b, c = 1, 2, -4  # a x + b y + c = 0
       x, y = 5, 1
       t = Fraction(a * x + b * y + c, a * a + b * b)
       rx, ry = x - 2 * a * t, y - 2 * b * t
       print(rx + ry)
       """),
    _q("medium", INT,
       "A closed rectangular box has integer edge lengths and volume 360. What is the smallest possible "
       "surface area?",
       "Enumerate factorisations a ≤ b ≤ c of 360.",
       """
       best = None
       for a in range(1, 361):
           for b in range(a, 361):
               if 360 % (a * b) == 0:
                   c = 360 // (a * b)
                   if c >= b:
                       area = 2 * (a * b + b * c + a * c)
                       best = area if best is None else min(best, area)
       print(best)
       """),
    _q("hard", INT,
       "How many points (x, y, z) with integer coordinates lie on the sphere x^2 + y^2 + z^2 = 2025?",
       "Loop over x and y; z is determined up to sign.",
       """
       from math import isqrt
       count = 0
       for x in range(-45, 46):
           for y in range(-45, 46):
               r = 2025 - x * x - y * y
               if r >= 0:
                   z = isqrt(r)
                   if z * z == r:
                       count += 1 if z == 0 else 2
       print(count)
       """),
    _q("medium", FRAC,
       "A triangle has sides a = 7, b = 8 and c = 9. What is the square of the length of the angle bisector "
       "from the vertex opposite side a to side a?",
       "Bisector length formula t^2 = bc(1 - a^2/(b + c)^2).",
       """
       from fractions import Fraction
       a, b, c = 7, 8, 9
       print(b * c * (1 - Fraction(a * a, (b + c) ** 2)))
       """),
    _q("medium", INT,
       "For how many integers n ≥ 3 is each interior angle of a regular n-gon a whole number of degrees?",
       "Interior angle 180(n-2)/n is an integer iff n divides 360.",
       """
       print(sum(1 for n in range(3, 361) if 180 * (n - 2) % n == 0))
       """),
]

# =============================================================================================
# Sequences and recurrences
# =============================================================================================

_SEQUENCES = [
    _q("medium", INT,
       "A sequence has a(0) = 1, a(1) = 2 and a(n) = 3a(n-1) - 2a(n-2) + n for n ≥ 2. What is a(30)?",
       "Iterate the recurrence.",
       """
       a = [1, 2]
       for n in range(2, 31):
           a.append(3 * a[n - 1] - 2 * a[n - 2] + n)
       print(a[30])
       """),
    _q("easy", INT,
       "The tribonacci numbers are T(0) = 0, T(1) = 0, T(2) = 1 and T(n) = T(n-1) + T(n-2) + T(n-3). "
       "What is T(40)?",
       "Roll three running values forward.",
       """
       a, b, c = 0, 0, 1
       for _ in range(40):
           a, b, c = b, c, a + b + c
       print(a)
       """),
    _q("easy", INT,
       "With F(1) = F(2) = 1 and F(n) = F(n-1) + F(n-2), what is the Fibonacci number F(100)?",
       "Iterate with exact integers.",
       """
       a, b = 0, 1  # F(0), F(1)
       for _ in range(100):
           a, b = b, a + b
       print(a)
       """),
    _q("hard", FRAC,
       "Newton's method for √3 starts at x0 = 1 and iterates x(n+1) = (x(n) + 3/x(n)) / 2. What is x4 as an "
       "exact fraction?",
       "Iterate four times with Fraction.",
       """
       from fractions import Fraction
       x = Fraction(1)
       for _ in range(4):
           x = (x + 3 / x) / 2
       print(x)
       """),
    _q("medium", INT,
       "The Lucas numbers satisfy L(0) = 2, L(1) = 1 and L(n) = L(n-1) + L(n-2). What is L(50)?",
       "Iterate the recurrence.",
       """
       a, b = 2, 1
       for _ in range(50):
           a, b = b, a + b
       print(a)
       """),
    _q("medium", INT,
       "In the look-and-say sequence the first term is 1 and each term describes the previous one "
       "(1, 11, 21, 1211, 111221, ...). How many digits does the 25th term have?",
       "Generate terms by run-length encoding.",
       """
       from itertools import groupby
       term = "1"
       for _ in range(24):
           term = "".join(str(len(list(g))) + d for d, g in groupby(term))
       print(len(term))
       """),
    _q("medium", INT,
       "Let a(1) = a(2) = a(3) = 1 and a(n) = a(n-1) + a(n-3) for n ≥ 4. What is a(60)?",
       "Iterate with a list.",
       """
       a = [None, 1, 1, 1]
       for n in range(4, 61):
           a.append(a[n - 1] + a[n - 3])
       print(a[60])
       """),
    _q("hard", INT,
       "What is the smallest positive integer x for which there is a positive integer y with "
       "x^2 - 109y^2 = 1?",
       "Continued fraction expansion of √109 gives the fundamental solution of Pell's equation.",
       """
       from math import isqrt
       D = 109
       a0 = isqrt(D)
       m, d, a = 0, 1, a0
       p_prev, p = 1, a0
       q_prev, q = 0, 1
       while p * p - D * q * q != 1:
           m = d * a - m
           d = (D - m * m) // d
           a = (a0 + m) // d
           p_prev, p = p, a * p + p_prev
           q_prev, q = q, a * q + q_prev
       print(p)
       """),
    _q("easy", FRAC,
       "A geometric sequence has first term 3/4 and common ratio -2/3. What is its 9th term?",
       "a(n) = a(1) · r^(n-1).",
       """
       from fractions import Fraction
       a, r = Fraction(3, 4), Fraction(-2, 3)
       for _ in range(8):
           a *= r
       print(a)
       """),
    _q("medium", INT,
       "Hofstadter's Q sequence is Q(1) = Q(2) = 1 and Q(n) = Q(n - Q(n-1)) + Q(n - Q(n-2)) for n > 2. "
       "What is Q(2000)?",
       "Fill a table in order.",
       """
       Q = [0, 1, 1]
       for n in range(3, 2001):
           Q.append(Q[n - Q[n - 1]] + Q[n - Q[n - 2]])
       print(Q[2000])
       """),
    _q("medium", INT,
       "People numbered 1 to 100 stand in a circle. Counting starts at person 1, and every 7th person is "
       "removed (persons 7, 14, ... go first), the counting continuing around the shrinking circle. What is "
       "the number of the last person left?",
       "Simulate the elimination with a list.",
       """
       people = list(range(1, 101))
       i = 0
       while len(people) > 1:
           i = (i + 6) % len(people)
           people.pop(i)
       print(people[0])
       """),
    _q("medium", INT,
       "Stern's diatomic sequence is s(0) = 0, s(1) = 1, s(2n) = s(n) and s(2n + 1) = s(n) + s(n + 1). "
       "What is s(2024) + s(2025)?",
       "Memoised recursion.",
       """
       from functools import lru_cache
       @lru_cache(maxsize=None)
       def s(n):
           if n < 2:
               return n
           return s(n // 2) if n % 2 == 0 else s(n // 2) + s(n // 2 + 1)
       print(s(2024) + s(2025))
       """),
    _q("medium", INT,
       "A sequence starts with a(1) = 1, and each following term is the previous term plus the sum of its "
       "decimal digits (1, 2, 4, 8, 16, 23, ...). What is a(1000)?",
       "Iterate 999 steps.",
       """
       a = 1
       for _ in range(999):
           a += sum(map(int, str(a)))
       print(a)
       """),
    _q("medium", INT,
       "The sequence 1, 2, 4, 7, 11, 16, ... starts at 1 and the differences between consecutive terms are "
       "1, 2, 3, 4, .... How many of its terms are smaller than 1000000?",
       "Generate terms until the bound is passed.",
       """
       count, term, step = 0, 1, 1
       while term < 10**6:
           count += 1
           term += step
           step += 1
       print(count)
       """),
    _q("hard", INT,
       "Sylvester's sequence has s(1) = 2 and s(n+1) = s(n)^2 - s(n) + 1. What is s(8)?",
       "Exact iteration; the numbers grow doubly exponentially.",
       """
       s = 2
       for _ in range(7):
           s = s * s - s + 1
       print(s)
       """),
    _q("medium", INT,
       "Define a(0) = 0 and, for n ≥ 1, a(n) = a(n-1) - n if that value is positive and has not appeared "
       "earlier in the sequence, otherwise a(n) = a(n-1) + n. What is a(1000)?",
       "Simulate with a set of seen values.",
       """
       a, seen = 0, {0}
       for n in range(1, 1001):
           cand = a - n
           a = cand if cand > 0 and cand not in seen else a + n
           seen.add(a)
       print(a)
       """),
    _q("medium", INT,
       "Let C(0) = 1 and C(n+1) = C(0)C(n) + C(1)C(n-1) + ··· + C(n)C(0). What is C(20)?",
       "Fill the convolution recurrence.",
       """
       C = [1]
       for n in range(20):
           C.append(sum(C[i] * C[n - i] for i in range(n + 1)))
       print(C[20])
       """),
    _q("medium", FRAC,
       "Let x(1) = 0 and x(n+1) = (2x(n) + 1) / (x(n) + 2). What is x(10)?",
       "Iterate the Möbius map with exact fractions.",
       """
       from fractions import Fraction
       x = Fraction(0)
       for _ in range(9):
           x = (2 * x + 1) / (x + 2)
       print(x)
       """),
    _q("medium", INT,
       "The Perrin sequence is P(0) = 3, P(1) = 0, P(2) = 2 and P(n) = P(n-2) + P(n-3). What is P(100)?",
       "Iterate the recurrence.",
       """
       P = [3, 0, 2]
       for n in range(3, 101):
           P.append(P[n - 2] + P[n - 3])
       print(P[100])
       """),
    _q("hard", INT,
       "List the positive integers that are neither perfect squares nor perfect cubes in increasing order: "
       "2, 3, 5, 6, 7, 10, .... What is the 2024th number in this list?",
       "Walk the integers, skipping squares and cubes.",
       """
       from math import isqrt
       def is_cube(n):
           r = round(n ** (1 / 3))
           return any((r + d) ** 3 == n for d in (-1, 0, 1))
       count, n = 0, 0
       while count < 2024:
           n += 1
           if isqrt(n) ** 2 != n and not is_cube(n):
               count += 1
       print(n)
       """),
    _q("medium", INT,
       "With the Lucas numbers L(0) = 2, L(1) = 1, L(n) = L(n-1) + L(n-2), what is the smallest index n such "
       "that L(n) has at least 300 decimal digits?",
       "Generate until the digit count reaches 300.",
       """
       n, a, b = 0, 2, 1
       while len(str(a)) < 300:
           a, b = b, a + b
           n += 1
       print(n)
       """),
]

# =============================================================================================
# Series: finite and infinite sums and products
# =============================================================================================

_SERIES = [
    _q("easy", FRAC,
       "Compute the sum 1/(1·2) + 1/(2·3) + ··· + 1/(100·101).",
       "Add the fractions exactly.",
       """
       from fractions import Fraction
       print(sum(Fraction(1, k * (k + 1)) for k in range(1, 101)))
       """),
    _q("medium", FRAC,
       "Compute the sum of 1/(k(k + 2)) for k = 1, 2, ..., 50.",
       "Exact fraction sum.",
       """
       from fractions import Fraction
       print(sum(Fraction(1, k * (k + 2)) for k in range(1, 51)))
       """),
    _q("medium", FRAC,
       "What is 1/(1·3) + 1/(3·5) + 1/(5·7) + ··· + 1/(119·121)?",
       "Sum 1/((2k-1)(2k+1)) for k = 1..60.",
       """
       from fractions import Fraction
       print(sum(Fraction(1, (2 * k - 1) * (2 * k + 1)) for k in range(1, 61)))
       """),
    _q("easy", INT,
       "Compute 1^4 + 2^4 + 3^4 + ··· + 50^4.",
       "Direct summation.",
       """
       print(sum(k**4 for k in range(1, 51)))
       """),
    _q("medium", INT,
       "Compute the sum of k · 2^k for k = 1 to 30.",
       "Direct summation.",
       """
       print(sum(k * 2**k for k in range(1, 31)))
       """),
    _q("easy", FRAC,
       "What is the harmonic number H(15) = 1 + 1/2 + 1/3 + ··· + 1/15?",
       "Exact fraction sum.",
       """
       from fractions import Fraction
       print(sum(Fraction(1, k) for k in range(1, 16)))
       """),
    _q("medium", INT,
       "Compute the sum of C(20, k)^2 for k = 0, 1, ..., 20.",
       "Sum squared binomial coefficients.",
       """
       from math import comb
       print(sum(comb(20, k) ** 2 for k in range(21)))
       """),
    _q("medium", INT,
       "What is the sum of all positive integers below 5000 that are divisible by 7 or by 11, but not by both?",
       "Filter and add.",
       """
       print(sum(n for n in range(1, 5000) if (n % 7 == 0) != (n % 11 == 0)))
       """),
    _q("easy", FRAC,
       "Compute the finite geometric sum 1 + 2/3 + (2/3)^2 + ··· + (2/3)^10.",
       "Exact powers of 2/3.",
       """
       from fractions import Fraction
       r = Fraction(2, 3)
       print(sum(r**k for k in range(11)))
       """),
    _q("medium", FRAC,
       "Evaluate the infinite series Σ_{k≥1} k^3 / 3^k.",
       "Symbolic summation.",
       """
       from sympy import Sum, oo, symbols
       k = symbols("k", integer=True, positive=True)
       print(Sum(k**3 / 3**k, (k, 1, oo)).doit())
       """),
    _q("medium", INT,
       "Compute 1^2 - 2^2 + 3^2 - 4^2 + ··· + 199^2 - 200^2.",
       "Alternating sum of squares.",
       """
       print(sum((-1) ** (k + 1) * k * k for k in range(1, 201)))
       """),
    _q("medium", INT,
       "Compute the sum of ⌊√k⌋ for k = 1, 2, ..., 10000.",
       "Integer square roots with isqrt.",
       """
       from math import isqrt
       print(sum(isqrt(k) for k in range(1, 10001)))
       """),
    _q("hard", INT,
       "Compute the sum of ⌊k√2⌋ for k = 1, 2, ..., 1000.",
       "⌊k√2⌋ = isqrt(2k^2) exactly.",
       """
       from math import isqrt
       print(sum(isqrt(2 * k * k) for k in range(1, 1001)))
       """),
    _q("medium", INT,
       "What is the total of all the digits of all the integers from 1 to 99999?",
       "Add digit sums over the range.",
       """
       print(sum(sum(map(int, str(n))) for n in range(1, 100000)))
       """),
    _q("medium", FRAC,
       "Compute the product (1 - 1/2^2)(1 - 1/3^2)(1 - 1/4^2)···(1 - 1/50^2).",
       "Exact running product.",
       """
       from fractions import Fraction
       p = Fraction(1)
       for k in range(2, 51):
           p *= 1 - Fraction(1, k * k)
       print(p)
       """),
    _q("hard", FRAC,
       "Compute 1 + 1/4 + 1/9 + ··· + 1/400, the sum of 1/k^2 for k = 1 to 20, exactly.",
       "Exact fraction sum (large denominator).",
       """
       from fractions import Fraction
       print(sum(Fraction(1, k * k) for k in range(1, 21)))
       """),
    _q("medium", INT,
       "Compute the sum of gcd(k, 360) for k = 1, 2, ..., 360.",
       "Direct summation of gcds.",
       """
       from math import gcd
       print(sum(gcd(k, 360) for k in range(1, 361)))
       """),
    _q("medium", DEC6,
       "Evaluate the infinite series Σ_{k≥1} 1/(k^2 + 1) numerically.",
       "Numerical summation with mpmath.",
       """
       from mpmath import inf, mp, nsum
       mp.dps = 30
       print(f"{float(nsum(lambda k: 1 / (k**2 + 1), [1, inf])):.6f}")
       """),
    _q("medium", FRAC,
       "An arithmetic progression starts at 7 with common difference 3/4. What is the sum of its first "
       "100 terms?",
       "Add the terms exactly.",
       """
       from fractions import Fraction
       print(sum(7 + Fraction(3, 4) * i for i in range(100)))
       """),
    _q("medium", INT,
       "Compute 1·1! + 2·2! + 3·3! + ··· + 12·12!.",
       "Direct summation with factorials.",
       """
       from math import factorial
       print(sum(k * factorial(k) for k in range(1, 13)))
       """),
    _q("hard", INT,
       "Let d(n) be the number of positive divisors of n. Compute d(1) + d(2) + ··· + d(1000).",
       "Each k divides ⌊1000/k⌋ numbers in the range.",
       """
       print(sum(1000 // k for k in range(1, 1001)))
       """),
    _q("medium", INT,
       "Compute the sum of i·j over all pairs of integers 1 ≤ i < j ≤ 30.",
       "Double loop.",
       """
       print(sum(i * j for i in range(1, 31) for j in range(i + 1, 31)))
       """),
]

# =============================================================================================
# Base conversion (answers are decimal integers, or digit strings in bases ≤ 10)
# =============================================================================================

_BASES = [
    _q("easy", INT,
       "Write 2024 in base 7. Give the base-7 digits as a plain digit string (for example 1234).",
       "Repeated division by 7.",
       """
       n, digits = 2024, ""
       while n:
           n, r = divmod(n, 7)
           digits = str(r) + digits
       print(digits)
       """),
    _q("easy", INT,
       "What is the hexadecimal number 3A7F in decimal?",
       "int() with base 16.",
       """
       print(int("3A7F", 16))
       """),
    _q("easy", INT,
       "Convert the binary number 101101110111 to decimal.",
       "Horner's rule over the bits.",
       """
       value = 0
       for bit in "101101110111":
           value = 2 * value + int(bit)
       print(value)
       """),
    _q("medium", INT,
       "Convert the base-5 number 4321 to base 3. Give the base-3 digits as a plain digit string.",
       "Go through decimal: parse base 5, then repeated division by 3.",
       """
       n = int("4321", 5)
       digits = ""
       while n:
           n, r = divmod(n, 3)
           digits = str(r) + digits
       print(digits)
       """),
    _q("medium", INT,
       "How many 1s are there in the binary representation of 3^50?",
       "Count set bits.",
       """
       print(bin(3**50).count("1"))
       """),
    _q("hard", INT,
       "Write 100! in hexadecimal. What is the sum of its hexadecimal digits (as a decimal number)?",
       "Repeated division by 16.",
       """
       from math import factorial
       n, total = factorial(100), 0
       while n:
           n, r = divmod(n, 16)
           total += r
       print(total)
       """),
    _q("medium", INT,
       "How many integers from 1 to 1000 have a binary representation that is a palindrome (for example "
       "5 = 101 in binary)?",
       "Test each binary string.",
       """
       print(sum(1 for n in range(1, 1001) if bin(n)[2:] == bin(n)[2:][::-1]))
       """),
    _q("hard", INT,
       "What is the sum of all positive integers below 100000 that are palindromes both in base 10 and in "
       "base 4?",
       "Check both representations for every number.",
       """
       def digits(n, b):
           out = []
           while n:
               n, r = divmod(n, b)
               out.append(r)
           return out
       total = 0
       for n in range(1, 100000):
           s = str(n)
           if s == s[::-1]:
               d = digits(n, 4)
               if d == d[::-1]:
                   total += n
       print(total)
       """),
    _q("medium", INT,
       "Add the base-9 numbers 8765 and 4321 and write the result in base 9, as a plain digit string.",
       "Convert, add, convert back.",
       """
       n = int("8765", 9) + int("4321", 9)
       digits = ""
       while n:
           n, r = divmod(n, 9)
           digits = str(r) + digits
       print(digits)
       """),
    _q("hard", INT,
       "Every integer has a unique representation in base -2 with digits 0 and 1. Write 2024 in base -2 and "
       "give the digit string.",
       "Division by -2 with non-negative remainders.",
       """
       n, digits = 2024, ""
       while n != 0:
           n, r = divmod(n, -2)
           if r < 0:
               n, r = n + 1, r + 2
           digits = str(r) + digits
       value = sum(int(d) * (-2) ** i for i, d in enumerate(reversed(digits)))
       assert value == 2024
       print(digits)
       """),
    _q("medium", INT,
       "In the factorial number system, n = d1·1! + d2·2! + d3·3! + ··· with 0 ≤ dk ≤ k. What is the sum of "
       "the digits dk of 1000000 in this system?",
       "Repeated division by 2, 3, 4, ....",
       """
       n, k, total = 1000000, 2, 0
       while n:
           n, r = divmod(n, k)
           total += r
           k += 1
       print(total)
       """),
    _q("medium", INT,
       "In balanced ternary every integer is written with digits -1, 0 and 1 times powers of 3. How many "
       "non-zero digits does 2024 have in balanced ternary?",
       "Convert with remainders in {-1, 0, 1}.",
       """
       n, nonzero = 2024, 0
       while n:
           r = n % 3
           if r == 2:
               r = -1
           nonzero += r != 0
           n = (n - r) // 3
       print(nonzero)
       """),
    _q("medium", FRAC,
       "What rational number does the repeating binary fraction 0.101110111011..._2 (the block 1011 repeated "
       "forever) represent?",
       "A repeating block b of length k equals b / (2^k - 1).",
       """
       from fractions import Fraction
       block = "1011"
       print(Fraction(int(block, 2), 2 ** len(block) - 1))
       """),
    _q("medium", INT,
       "How many digits does 2^1000 have when it is written in base 3?",
       "Repeated division by 3.",
       """
       n, count = 2**1000, 0
       while n:
           n //= 3
           count += 1
       print(count)
       """),
    _q("medium", INT,
       "List, in increasing order, the positive integers whose decimal digits are all at most 4: 1, 2, 3, 4, "
       "10, 11, .... What is the 1000th number in this list?",
       "Generate the list by filtering.",
       """
       count, n = 0, 0
       while count < 1000:
           n += 1
           if max(str(n)) <= "4":
               count += 1
       print(n)
       """),
    _q("medium", INT,
       "Compute 12345 × 54321 and write the product in base 6, as a plain digit string.",
       "Multiply in decimal, then convert.",
       """
       n = 12345 * 54321
       digits = ""
       while n:
           n, r = divmod(n, 6)
           digits = str(r) + digits
       print(digits)
       """),
    _q("medium", INT,
       "For which base b is the numeral 121 (in base b) equal to the decimal number 1444?",
       "Try each base until 1·b^2 + 2·b + 1 matches.",
       """
       b = 3
       while b * b + 2 * b + 1 != 1444:
           b += 1
       print(b)
       """),
    _q("medium", INT,
       "Multiply the octal numbers 253 and 47 and write the product in octal, as a plain digit string.",
       "Convert to integers, multiply, format in base 8.",
       """
       print(format(int("253", 8) * int("47", 8), "o"))
       """),
    _q("easy", INT,
       "How many digits does 10^50 have when written in base 7?",
       "Repeated division by 7.",
       """
       n, count = 10**50, 0
       while n:
           n //= 7
           count += 1
       print(count)
       """),
    _q("medium", FRAC,
       "What is the value of the base-3 fraction 0.2101 (digits after the point: 2, 1, 0, 1)?",
       "Sum digit · 3^(-position).",
       """
       from fractions import Fraction
       print(sum(Fraction(int(d), 3 ** (i + 1)) for i, d in enumerate("2101")))
       """),
    _q("medium", INT,
       "How many integers from 1 to 10000 have more 1s than 0s in their binary representation (without "
       "leading zeros)?",
       "Count bits for each number.",
       """
       count = 0
       for n in range(1, 10001):
           b = bin(n)[2:]
           if b.count("1") > b.count("0"):
               count += 1
       print(count)
       """),
    _q("medium", INT,
       "What is the sum of all integers from 1 to 500 whose base-3 representation contains no digit 2?",
       "Check the ternary digits of each number.",
       """
       def no_two(n):
           while n:
               n, r = divmod(n, 3)
               if r == 2:
                   return False
           return True
       print(sum(n for n in range(1, 501) if no_two(n)))
       """),
]

# =============================================================================================
# Calendar and date arithmetic (proleptic Gregorian calendar)
# =============================================================================================

_CALENDAR = [
    _q("easy", INT,
       "How many days are there from 20 July 1969 to 29 February 2024 (counting the days elapsed, so that "
       "from one day to the next is 1 day)?",
       "Subtract datetime.date objects.",
       """
       from datetime import date
       print((date(2024, 2, 29) - date(1969, 7, 20)).days)
       """),
    _q("easy", INT,
       "What day of the year is 31 October 2024 (1 January is day 1)?",
       "timetuple().tm_yday.",
       """
       from datetime import date
       print(date(2024, 10, 31).timetuple().tm_yday)
       """),
    _q("medium", INT,
       "How many months between January 2001 and December 2100 inclusive have their 13th day on a Friday?",
       "Check the 13th of every month.",
       """
       from datetime import date
       print(sum(1 for y in range(2001, 2101) for m in range(1, 13) if date(y, m, 13).weekday() == 4))
       """),
    _q("medium", INT,
       "What date is 10000 days after 1 January 2000? Write it as an 8-digit number YYYYMMDD.",
       "Add a timedelta.",
       """
       from datetime import date, timedelta
       d = date(2000, 1, 1) + timedelta(days=10000)
       print(d.strftime("%Y%m%d"))
       """),
    _q("easy", INT,
       "How many leap years are there from 1583 to 2400 inclusive in the Gregorian calendar?",
       "Apply the divisible-by-4/100/400 rule.",
       """
       import calendar
       print(sum(1 for y in range(1583, 2401) if calendar.isleap(y)))
       """),
    _q("medium", INT,
       "On which day of the week does 1 January 2100 fall? Give the weekday as a number with Monday = 1, "
       "Tuesday = 2, ..., Sunday = 7.",
       "isoweekday() uses exactly this numbering.",
       """
       from datetime import date
       print(date(2100, 1, 1).isoweekday())
       """),
    _q("medium", INT,
       "How many months of the year 2025 contain five Saturdays?",
       "Count Saturdays per month.",
       """
       import calendar
       from datetime import date
       count = 0
       for m in range(1, 13):
           days = calendar.monthrange(2025, m)[1]
           sats = sum(1 for d in range(1, days + 1) if date(2025, m, d).weekday() == 5)
           count += sats == 5
       print(count)
       """),
    _q("medium", INT,
       "How many working days (Monday to Friday) are there from 1 January 2025 to 31 March 2025 inclusive, if "
       "1 January, 20 January and 17 February are holidays?",
       "Walk the days and skip weekends and holidays.",
       """
       from datetime import date, timedelta
       holidays = {date(2025, 1, 1), date(2025, 1, 20), date(2025, 2, 17)}
       d, count = date(2025, 1, 1), 0
       while d <= date(2025, 3, 31):
           if d.weekday() < 5 and d not in holidays:
               count += 1
           d += timedelta(days=1)
       print(count)
       """),
    _q("medium", INT,
       "What is the Unix timestamp (seconds since 1970-01-01 00:00:00 UTC) of 2030-01-01 00:00:00 UTC?",
       "Timezone-aware datetime to timestamp.",
       """
       from datetime import datetime, timezone
       print(int(datetime(2030, 1, 1, tzinfo=timezone.utc).timestamp()))
       """),
    _q("medium", INT,
       "How many seconds elapse from 2024-03-09 18:45:10 to 2024-03-12 07:03:55 (same clock, no time-zone "
       "changes)?",
       "Subtract datetimes and read total seconds.",
       """
       from datetime import datetime
       delta = datetime(2024, 3, 12, 7, 3, 55) - datetime(2024, 3, 9, 18, 45, 10)
       print(int(delta.total_seconds()))
       """),
    _q("medium", INT,
       "What is the ISO 8601 week number of 31 December 2027?",
       "isocalendar() gives (year, week, weekday).",
       """
       from datetime import date
       print(date(2027, 12, 31).isocalendar()[1])
       """),
    _q("hard", INT,
       "On which day of the year (1 January = day 1) does Easter Sunday fall in 2049, by the Gregorian "
       "computus?",
       "Anonymous Gregorian algorithm, then the day of the year.",
       """
       from datetime import date
       Y = 2049
       a, b, c = Y % 19, Y // 100, Y % 100
       d, e = b // 4, b % 4
       f = (b + 8) // 25
       g = (b - f + 1) // 3
       h = (19 * a + b - d - g + 15) % 30
       i, k = c // 4, c % 4
       l = (32 + 2 * e + 2 * i - h - k) % 7
       m = (a + 11 * h + 22 * l) // 451
       month = (h + l - 7 * m + 114) // 31
       day = (h + l - 7 * m + 114) % 31 + 1
       print(date(Y, month, day).timetuple().tm_yday)
       """),
    _q("hard", INT,
       "A maintenance job runs every 9 days, the first run being on Monday 3 March 2025. How many runs in the "
       "year 2025 fall on a Saturday or Sunday?",
       "Step through the schedule with timedelta.",
       """
       from datetime import date, timedelta
       d, count = date(2025, 3, 3), 0
       while d.year == 2025:
           count += d.weekday() >= 5
           d += timedelta(days=9)
       print(count)
       """),
    _q("medium", INT,
       "Someone was born on 14 May 1987. On what date are they exactly 15000 days old? Write it as an 8-digit "
       "number YYYYMMDD.",
       "Birth date plus 15000 days.",
       """
       from datetime import date, timedelta
       print((date(1987, 5, 14) + timedelta(days=15000)).strftime("%Y%m%d"))
       """),
    _q("medium", INT,
       "In how many of the years 2000 to 2199 inclusive does 1 January fall on a Monday?",
       "Check each year.",
       """
       from datetime import date
       print(sum(1 for y in range(2000, 2200) if date(y, 1, 1).weekday() == 0))
       """),
    _q("easy", INT,
       "How many days are there from 1 January 1901 to 31 December 2000, both days included?",
       "Date difference plus one.",
       """
       from datetime import date
       print((date(2000, 12, 31) - date(1901, 1, 1)).days + 1)
       """),
    _q("medium", INT,
       "Between the years 2000 and 2400 inclusive, how many times does 29 February fall on a Sunday?",
       "Check the leap years.",
       """
       import calendar
       from datetime import date
       print(sum(1 for y in range(2000, 2401) if calendar.isleap(y) and date(y, 2, 29).weekday() == 6))
       """),
    _q("medium", INT,
       "An invoice dated 17 November 2025 is due 90 days later; if that day is a Saturday or Sunday, the due "
       "date moves to the following Monday. What is the due date, written as YYYYMMDD?",
       "Add 90 days, then roll weekends forward.",
       """
       from datetime import date, timedelta
       d = date(2025, 11, 17) + timedelta(days=90)
       while d.weekday() >= 5:
           d += timedelta(days=1)
       print(d.strftime("%Y%m%d"))
       """),
    _q("medium", INT,
       "How many minutes pass between 08:47 on 30 December 2023 and 17:12 on 2 January 2024?",
       "Datetime difference in minutes.",
       """
       from datetime import datetime
       delta = datetime(2024, 1, 2, 17, 12) - datetime(2023, 12, 30, 8, 47)
       print(int(delta.total_seconds()) // 60)
       """),
    _q("medium", INT,
       "In the years 2024 to 2034 inclusive, how many months begin on a Sunday?",
       "Check the first of each month.",
       """
       from datetime import date
       print(sum(1 for y in range(2024, 2035) for m in range(1, 13) if date(y, m, 1).weekday() == 6))
       """),
    _q("hard", INT,
       "Two years share a calendar when 1 January falls on the same weekday and both are leap years or both "
       "are not. What is the first year after 2025 that has the same calendar as 2025?",
       "Search forward comparing weekday and leap status.",
       """
       import calendar
       from datetime import date
       def key(y):
           return date(y, 1, 1).weekday(), calendar.isleap(y)
       y = 2026
       while key(y) != key(2025):
           y += 1
       print(y)
       """),
    _q("medium", INT,
       "The Julian Day Number of a date is the number of days since the Julian-calendar date 1 January 4713 BC "
       "(JDN 0); 1 January 2000 has JDN 2451545. What is the JDN of 4 July 2026?",
       "Offset from a known date with datetime arithmetic.",
       """
       from datetime import date
       print(2451545 + (date(2026, 7, 4) - date(2000, 1, 1)).days)
       """),
]

# =============================================================================================
# Money and interest (amounts rounded to cents, half up)
# =============================================================================================

_FINANCE = [
    _q("easy", DEC2,
       "$12,500 is deposited at 4.35% annual interest compounded monthly. What is the balance after 7 years, "
       "in dollars, rounded to the nearest cent?",
       "A = P(1 + r/12)^(12t), then round half up to cents.",
       """
       from decimal import Decimal, ROUND_HALF_UP
       amount = 12500 * (1 + 0.0435 / 12) ** (12 * 7)
       print(Decimal(amount).quantize(Decimal("0.01"), ROUND_HALF_UP))
       """),
    _q("medium", DEC2,
       "A $250,000 mortgage is repaid over 30 years with equal monthly payments at 6.2% annual interest "
       "(monthly rate 6.2%/12). What is the monthly payment in dollars, rounded to the nearest cent?",
       "Annuity payment formula.",
       """
       from decimal import Decimal, ROUND_HALF_UP
       P, r, n = 250000, 0.062 / 12, 360
       payment = P * r / (1 - (1 + r) ** -n)
       print(Decimal(payment).quantize(Decimal("0.01"), ROUND_HALF_UP))
       """),
    _q("medium", DEC2,
       "A $250,000 loan at 6.2% annual interest (monthly rate 6.2%/12) is repaid with 360 equal monthly "
       "payments, each equal to the exact annuity payment rounded to the nearest cent. How much interest is "
       "paid in total (360 payments minus the principal), in dollars?",
       "Round the payment to cents first, then total it.",
       """
       from decimal import Decimal, ROUND_HALF_UP
       P, r, n = 250000, 0.062 / 12, 360
       payment = Decimal(P * r / (1 - (1 + r) ** -n)).quantize(Decimal("0.01"), ROUND_HALF_UP)
       print(payment * n - P)
       """),
    _q("hard", DEC2,
       "A $250,000 loan at 6.2% annual interest is repaid monthly. Each month, interest equal to the balance "
       "times 0.062/12 (rounded half up to the cent) is added, then the payment of $1531.17 is subtracted. "
       "What is the balance after 60 payments, in dollars?",
       "Simulate the amortisation schedule with Decimal.",
       """
       from decimal import Decimal, ROUND_HALF_UP
       cent = Decimal("0.01")
       balance, rate, payment = Decimal(250000), Decimal("0.062") / 12, Decimal("1531.17")
       for _ in range(60):
           balance += (balance * rate).quantize(cent, ROUND_HALF_UP)
           balance -= payment
       print(balance)
       """),
    _q("medium", DEC2,
       "Someone saves $300 at the end of every month for 18 years in an account paying 5.5% annual interest "
       "compounded monthly. What is the account balance right after the last deposit, in dollars?",
       "Future value of an ordinary annuity.",
       """
       from decimal import Decimal, ROUND_HALF_UP
       r, n = 0.055 / 12, 18 * 12
       fv = 300 * ((1 + r) ** n - 1) / r
       print(Decimal(fv).quantize(Decimal("0.01"), ROUND_HALF_UP))
       """),
    _q("easy", DEC2,
       "$8,000 grows at 3.75% per year compounded continuously. What is it worth after 12 years, in dollars?",
       "A = P e^(rt).",
       """
       import math
       from decimal import Decimal, ROUND_HALF_UP
       print(Decimal(8000 * math.exp(0.0375 * 12)).quantize(Decimal("0.01"), ROUND_HALF_UP))
       """),
    _q("easy", DEC2,
       "What simple interest does $4,750 earn at 6.5% per year over 219 days, using a 365-day year? "
       "Answer in dollars.",
       "I = P · r · days/365 with exact decimals.",
       """
       from decimal import Decimal, ROUND_HALF_UP
       interest = Decimal(4750) * Decimal("0.065") * Decimal(219) / Decimal(365)
       print(interest.quantize(Decimal("0.01"), ROUND_HALF_UP))
       """),
    _q("medium", DEC3,
       "An account pays a nominal 4.9% per year compounded daily (365 times a year). What is the effective "
       "annual yield, in percent?",
       "APY = (1 + r/365)^365 - 1.",
       """
       apy = (1 + 0.049 / 365) ** 365 - 1
       print(f"{apy * 100:.3f}")
       """),
    _q("medium", DEC2,
       "A machine bought for $48,000 is depreciated by the declining-balance method: at the end of each year "
       "its book value is reduced by 20%. What is its book value after 6 years, in dollars?",
       "Declining balance: multiply by 0.8 six times.",
       """
       from decimal import Decimal, ROUND_HALF_UP
       value = Decimal(48000)
       for _ in range(6):
           value *= Decimal("0.8")
       print(value.quantize(Decimal("0.01"), ROUND_HALF_UP))
       """),
    _q("easy", DEC2,
       "A jacket priced $249.99 is discounted by 15%, then by a further 10% off the reduced price, and then "
       "8.25% sales tax is added. What is the final price, in dollars, rounded once at the end?",
       "Chain the multipliers exactly with Decimal.",
       """
       from decimal import Decimal, ROUND_HALF_UP
       price = Decimal("249.99") * Decimal("0.85") * Decimal("0.90") * Decimal("1.0825")
       print(price.quantize(Decimal("0.01"), ROUND_HALF_UP))
       """),
    _q("medium", DEC2,
       "A traveller converts 1000 USD to EUR at 0.9234 EUR per USD, the euros to GBP at 0.8571 GBP per EUR, and "
       "the pounds back to USD at 1.2795 USD per GBP, rounding to the nearest cent (half up) after every "
       "conversion. How many US dollars does she end with?",
       "Three conversions, rounding after each.",
       """
       from decimal import Decimal, ROUND_HALF_UP
       cent = Decimal("0.01")
       amount = Decimal(1000)
       for rate in ("0.9234", "0.8571", "1.2795"):
           amount = (amount * Decimal(rate)).quantize(cent, ROUND_HALF_UP)
       print(amount)
       """),
    _q("medium", INT,
       "A credit card balance of $5,000 is charged interest of 19.99%/12 per month (added at the end of each "
       "month, rounded to the cent), after which a $150 payment is made (or the remaining balance, if smaller). "
       "How many monthly payments does it take to pay the card off?",
       "Simulate month by month with Decimal.",
       """
       from decimal import Decimal, ROUND_HALF_UP
       cent = Decimal("0.01")
       balance, rate, months = Decimal(5000), Decimal("0.1999") / 12, 0
       while balance > 0:
           balance += (balance * rate).quantize(cent, ROUND_HALF_UP)
           balance -= min(Decimal(150), balance)
           months += 1
       print(months)
       """),
    _q("easy", INT,
       "Money earns 7% per year, compounded annually. What is the smallest whole number of years after which "
       "an investment has at least doubled?",
       "Multiply by 1.07 until the factor reaches 2.",
       """
       factor, years = 1.0, 0
       while factor < 2:
           factor *= 1.07
           years += 1
       print(years)
       """),
    _q("medium", DEC2,
       "A project costs $10,000 now and returns $3,000, $4,200 and $6,800 at the ends of years 1, 2 and 3. "
       "What is its net present value at an 8% annual discount rate, in dollars?",
       "Discount each cash flow and add.",
       """
       from decimal import Decimal, ROUND_HALF_UP
       flows = [-10000, 3000, 4200, 6800]
       npv = sum(cf / 1.08**t for t, cf in enumerate(flows))
       print(Decimal(npv).quantize(Decimal("0.01"), ROUND_HALF_UP))
       """),
    _q("hard", DEC2,
       "A project costs $10,000 now and returns $3,000, $4,200 and $6,800 at the ends of years 1, 2 and 3. "
       "What is its internal rate of return, in percent?",
       "Bisection on the discount rate where NPV = 0.",
       """
       flows = [-10000, 3000, 4200, 6800]
       def npv(r):
           return sum(cf / (1 + r) ** t for t, cf in enumerate(flows))
       lo, hi = 0.0, 1.0
       for _ in range(100):
           mid = (lo + hi) / 2
           if npv(mid) > 0:
               lo = mid
           else:
               hi = mid
       print(f"{lo * 100:.2f}")
       """),
    _q("medium", DEC2,
       "What is the present value of $50,000 due in 10 years if money earns 5% per year compounded quarterly? "
       "Answer in dollars.",
       "PV = FV / (1 + r/4)^(40).",
       """
       from decimal import Decimal, ROUND_HALF_UP
       pv = 50000 / (1 + 0.05 / 4) ** 40
       print(Decimal(pv).quantize(Decimal("0.01"), ROUND_HALF_UP))
       """),
    _q("medium", DEC2,
       "A salary starts at $52,000 in the first year and rises by 3.5% every year. What is the total earned "
       "over the first 10 years, in dollars?",
       "Sum of a geometric progression, computed term by term.",
       """
       from decimal import Decimal, ROUND_HALF_UP
       salary, total = Decimal(52000), Decimal(0)
       for _ in range(10):
           total += salary
           salary *= Decimal("1.035")
       print(total.quantize(Decimal("0.01"), ROUND_HALF_UP))
       """),
    _q("medium", DEC2,
       "Prices rose by 3.4%, 2.8%, 1.6%, 2.3% and 2.7% in five consecutive years. What amount at the end of "
       "the five years has the same purchasing power as $100 at the start? Answer in dollars.",
       "Chain the yearly inflation factors.",
       """
       from decimal import Decimal, ROUND_HALF_UP
       value = Decimal(100)
       for rate in ("0.034", "0.028", "0.016", "0.023", "0.027"):
           value *= 1 + Decimal(rate)
       print(value.quantize(Decimal("0.01"), ROUND_HALF_UP))
       """),
    _q("medium", DEC2,
       "A $28,500 car loan is repaid in 60 equal monthly payments at 4.9% annual interest (monthly rate "
       "4.9%/12). What is the monthly payment in dollars?",
       "Annuity payment formula.",
       """
       from decimal import Decimal, ROUND_HALF_UP
       P, r, n = 28500, 0.049 / 12, 60
       print(Decimal(P * r / (1 - (1 + r) ** -n)).quantize(Decimal("0.01"), ROUND_HALF_UP))
       """),
    _q("medium", DEC2,
       "How much must be deposited at the end of every month to reach $100,000 after 15 years, if the account "
       "pays 6% annual interest compounded monthly? Answer in dollars, rounded to the cent.",
       "Invert the annuity future-value formula.",
       """
       from decimal import Decimal, ROUND_HALF_UP
       r, n = 0.06 / 12, 180
       deposit = 100000 * r / ((1 + r) ** n - 1)
       print(Decimal(deposit).quantize(Decimal("0.01"), ROUND_HALF_UP))
       """),
    _q("medium", DEC2,
       "The rule of 72 estimates the doubling time at 9% annual compound interest as 72/9 = 8 years. By how "
       "many years does the exact doubling time ln 2 / ln 1.09 exceed this estimate?",
       "Exact doubling time via logarithms, minus 8.",
       """
       import math
       print(f"{math.log(2) / math.log(1.09) - 72 / 9:.2f}")
       """),
    _q("hard", DEC2,
       "A bond with face value $1000 pays a 6% annual coupon in two semi-annual payments of $30 and matures in "
       "8 years. What is its price if the market yield is 7% per year compounded semi-annually? Answer in "
       "dollars.",
       "Discount the 16 coupons and the face value at 3.5% per half-year.",
       """
       from decimal import Decimal, ROUND_HALF_UP
       y, n = 0.035, 16
       price = sum(30 / (1 + y) ** t for t in range(1, n + 1)) + 1000 / (1 + y) ** n
       print(Decimal(price).quantize(Decimal("0.01"), ROUND_HALF_UP))
       """),
]

# =============================================================================================
# Statistics of given data (exact where possible)
# =============================================================================================

_STATISTICS = [
    _q("easy", FRAC,
       "What is the mean of the data 12, 15, 22, 9, 31, 17, 14?",
       "Sum over count as a fraction.",
       """
       from fractions import Fraction
       data = [12, 15, 22, 9, 31, 17, 14]
       print(Fraction(sum(data), len(data)))
       """),
    _q("easy", FRAC,
       "What is the median of 3, 18, 7, 25, 12, 9, 31, 4?",
       "Sort; average the middle two values.",
       """
       from fractions import Fraction
       data = sorted([3, 18, 7, 25, 12, 9, 31, 4])
       n = len(data)
       print(Fraction(data[n // 2 - 1] + data[n // 2], 2))
       """),
    _q("medium", FRAC,
       "What is the population variance of 2, 4, 4, 5, 7, 9, 10, 11?",
       "Mean squared deviation with exact fractions.",
       """
       from fractions import Fraction
       data = [2, 4, 4, 5, 7, 9, 10, 11]
       mean = Fraction(sum(data), len(data))
       print(sum((x - mean) ** 2 for x in data) / len(data))
       """),
    _q("medium", FRAC,
       "What is the sample variance (dividing by n - 1) of 13, 7, 22, 15, 9, 18?",
       "statistics.variance on Fractions is exact.",
       """
       import statistics
       from fractions import Fraction
       print(statistics.variance([Fraction(x) for x in [13, 7, 22, 15, 9, 18]]))
       """),
    _q("easy", FRAC,
       "A student scored 88, 92, 75 and 81 on four assessments weighted 3, 4, 2 and 1 respectively. What is "
       "the weighted mean score?",
       "Σ w·x / Σ w.",
       """
       from fractions import Fraction
       scores, weights = [88, 92, 75, 81], [3, 4, 2, 1]
       print(Fraction(sum(s * w for s, w in zip(scores, weights)), sum(weights)))
       """),
    _q("medium", DEC4,
       "What is the population standard deviation of 4, 8, 15, 16, 23, 42?",
       "Square root of the exact population variance.",
       """
       import math
       from fractions import Fraction
       data = [4, 8, 15, 16, 23, 42]
       mean = Fraction(sum(data), len(data))
       var = sum((x - mean) ** 2 for x in data) / len(data)
       print(f"{math.sqrt(var):.4f}")
       """),
    _q("hard", DEC4,
       "For the paired data (1, 2.1), (2, 3.9), (3, 6.2), (4, 7.8), (5, 9.7), (6, 12.4), what is the Pearson "
       "correlation coefficient?",
       "statistics.correlation.",
       """
       import statistics
       xs = [1, 2, 3, 4, 5, 6]
       ys = [2.1, 3.9, 6.2, 7.8, 9.7, 12.4]
       print(f"{statistics.correlation(xs, ys):.4f}")
       """),
    _q("medium", FRAC,
       "What is the slope of the least-squares regression line through the points (1, 3), (2, 4), (4, 8), "
       "(5, 9), (7, 12)?",
       "Slope = Sxy / Sxx with exact fractions.",
       """
       from fractions import Fraction
       pts = [(1, 3), (2, 4), (4, 8), (5, 9), (7, 12)]
       n = len(pts)
       mx = Fraction(sum(x for x, _ in pts), n)
       my = Fraction(sum(y for _, y in pts), n)
       sxy = sum((x - mx) * (y - my) for x, y in pts)
       sxx = sum((x - mx) ** 2 for x, _ in pts)
       print(sxy / sxx)
       """),
    _q("medium", FRAC,
       "What is the y-intercept of the least-squares regression line through (0, 5), (2, 9), (3, 8), (6, 15), "
       "(8, 18)?",
       "Intercept = ȳ - slope · x̄.",
       """
       from fractions import Fraction
       pts = [(0, 5), (2, 9), (3, 8), (6, 15), (8, 18)]
       n = len(pts)
       mx = Fraction(sum(x for x, _ in pts), n)
       my = Fraction(sum(y for _, y in pts), n)
       slope = sum((x - mx) * (y - my) for x, y in pts) / sum((x - mx) ** 2 for x, _ in pts)
       print(my - slope * mx)
       """),
    _q("easy", FRAC,
       "Class A has 24 students with mean score 71.5 and class B has 31 students with mean score 78. What is "
       "the mean score of all 55 students together?",
       "Pool the totals.",
       """
       from fractions import Fraction
       total = 24 * Fraction(143, 2) + 31 * 78
       print(total / 55)
       """),
    _q("easy", INT,
       "Eight numbers have mean 23. Seven of them are 18, 31, 20, 27, 15, 24 and 29. What is the eighth?",
       "8 × mean minus the known sum.",
       """
       known = [18, 31, 20, 27, 15, 24, 29]
       print(8 * 23 - sum(known))
       """),
    _q("medium", FRAC,
       "For the data 14, 3, 27, 19, 8, 45, 22, 11, 30, 2, 17, 25, remove the two smallest and the two largest "
       "values. What is the mean of the remaining values?",
       "Sort, trim two from each end, average.",
       """
       from fractions import Fraction
       data = sorted([14, 3, 27, 19, 8, 45, 22, 11, 30, 2, 17, 25])
       trimmed = data[2:-2]
       print(Fraction(sum(trimmed), len(trimmed)))
       """),
    _q("medium", FRAC,
       "For the data 5, 9, 3, 12, 9, 7, 15, 9, 4, 6, what is the mean minus the median?",
       "Exact mean and median.",
       """
       from fractions import Fraction
       import statistics
       data = [5, 9, 3, 12, 9, 7, 15, 9, 4, 6]
       print(Fraction(sum(data), len(data)) - Fraction(statistics.median(data)))
       """),
    _q("medium", INT,
       "For the 11 values 7, 15, 36, 39, 40, 41, 42, 43, 47, 49, 50, take Q1 as the median of the 5 values "
       "below the overall median and Q3 as the median of the 5 values above it. What is the interquartile "
       "range Q3 - Q1?",
       "Split around the median, take the medians of the halves.",
       """
       import statistics
       data = sorted([7, 15, 36, 39, 40, 41, 42, 43, 47, 49, 50])
       half = len(data) // 2
       q1 = statistics.median(data[:half])
       q3 = statistics.median(data[half + 1:])
       print(q3 - q1)
       """),
    _q("medium", DEC3,
       "For the data 62, 71, 58, 90, 77, 84, 69, 73, what is the z-score of the value 90 using the population "
       "mean and population standard deviation?",
       "z = (x - μ) / σ.",
       """
       import statistics
       data = [62, 71, 58, 90, 77, 84, 69, 73]
       mu, sigma = statistics.mean(data), statistics.pstdev(data)
       print(f"{(90 - mu) / sigma:.3f}")
       """),
    _q("medium", FRAC,
       "In a survey, 7 households have 1 child, 12 have 2 children, 9 have 3, 4 have 4 and 3 have 5. What is "
       "the mean number of children per household?",
       "Weighted mean from a frequency table.",
       """
       from fractions import Fraction
       freq = {1: 7, 2: 12, 3: 9, 4: 4, 5: 3}
       print(Fraction(sum(v * f for v, f in freq.items()), sum(freq.values())))
       """),
    _q("medium", INT,
       "Shoe sizes in a class: size 36 appears 4 times, 37 appears 7 times, 38 appears 9 times, 39 appears 6 "
       "times, 40 appears 5 times and 41 appears 2 times. What is the median shoe size?",
       "Expand the frequency table and take the middle.",
       """
       import statistics
       freq = {36: 4, 37: 7, 38: 9, 39: 6, 40: 5, 41: 2}
       data = [v for v, f in freq.items() for _ in range(f)]
       print(statistics.median(data))
       """),
    _q("hard", FRAC,
       "Consider all 3-element subsets of {2, 3, 5, 7, 11, 13, 17}. What is the mean of the products of the "
       "elements of these subsets?",
       "Enumerate the 35 subsets.",
       """
       from fractions import Fraction
       from itertools import combinations
       from math import prod
       products = [prod(c) for c in combinations([2, 3, 5, 7, 11, 13, 17], 3)]
       print(Fraction(sum(products), len(products)))
       """),
    _q("medium", DEC4,
       "What is the geometric mean of 3, 8, 15, 24, 40?",
       "Fifth root of the product.",
       """
       import math
       data = [3, 8, 15, 24, 40]
       print(f"{math.prod(data) ** (1 / len(data)):.4f}")
       """),
    _q("medium", FRAC,
       "A cyclist rides three equally long stages at 40, 60 and 90 km/h. What is her average speed over the "
       "whole ride, in km/h (the harmonic mean of the three speeds)?",
       "n / Σ(1/v).",
       """
       from fractions import Fraction
       speeds = [40, 60, 90]
       print(len(speeds) / sum(Fraction(1, v) for v in speeds))
       """),
    _q("medium", FRAC,
       "What is the sample covariance (dividing by n - 1) of the paired data (2, 7), (4, 5), (6, 11), (8, 10), "
       "(9, 14)?",
       "Σ(x - x̄)(y - ȳ) / (n - 1).",
       """
       from fractions import Fraction
       pts = [(2, 7), (4, 5), (6, 11), (8, 10), (9, 14)]
       n = len(pts)
       mx = Fraction(sum(x for x, _ in pts), n)
       my = Fraction(sum(y for _, y in pts), n)
       print(sum((x - mx) * (y - my) for x, y in pts) / (n - 1))
       """),
    _q("medium", FRAC,
       "What is the mean absolute deviation from the mean of 6, 11, 2, 14, 9, 3, 8?",
       "Average |x - mean| with exact fractions.",
       """
       from fractions import Fraction
       data = [6, 11, 2, 14, 9, 3, 8]
       mean = Fraction(sum(data), len(data))
       print(sum(abs(x - mean) for x in data) / len(data))
       """),
]

# =============================================================================================
# Linear and integer programming by enumeration
# =============================================================================================

_OPTIMIZATION = [
    _q("medium", INT,
       "Maximise 7x + 5y over non-negative integers x, y subject to 3x + 2y ≤ 40 and x + 3y ≤ 30. What is "
       "the maximum value?",
       "Enumerate the feasible integer points.",
       """
       best = max(7 * x + 5 * y for x in range(0, 41) for y in range(0, 31)
                  if 3 * x + 2 * y <= 40 and x + 3 * y <= 30)
       print(best)
       """),
    _q("medium", FRAC,
       "Maximise 3x + 4y over real x, y ≥ 0 subject to 2x + 5y ≤ 50, 4x + y ≤ 36 and x + y ≤ 12. What is the "
       "maximum value?",
       "The optimum is at a vertex: intersect constraint pairs and keep the feasible points.",
       """
       from fractions import Fraction
       from itertools import combinations
       # a x + b y <= c, including x >= 0 and y >= 0 written as -x <= 0, -y <= 0
       cons = [(2, 5, 50), (4, 1, 36), (1, 1, 12), (-1, 0, 0), (0, -1, 0)]
       best = None
       for (a1, b1, c1), (a2, b2, c2) in combinations(cons, 2):
           det = a1 * b2 - a2 * b1
           if det == 0:
               continue
           x = Fraction(c1 * b2 - c2 * b1, det)
           y = Fraction(a1 * c2 - a2 * c1, det)
           if all(a * x + b * y <= c for a, b, c in cons):
               value = 3 * x + 4 * y
               best = value if best is None else max(best, value)
       print(best)
       """),
    _q("medium", INT,
       "A bakery makes loaves and cakes. A loaf needs 500 g of flour and 20 minutes of oven time; a cake needs "
       "300 g of flour and 45 minutes. Each day 30 kg of flour and 24 hours of oven time are available. A loaf "
       "earns $3 profit and a cake $7. What is the largest daily profit, in dollars, with whole numbers of "
       "loaves and cakes?",
       "Enumerate loaves and cakes within the limits.",
       """
       best = 0
       for loaves in range(0, 61):
           for cakes in range(0, 101):
               if 500 * loaves + 300 * cakes <= 30000 and 20 * loaves + 45 * cakes <= 24 * 60:
                   best = max(best, 3 * loaves + 7 * cakes)
       print(best)
       """),
    _q("medium", INT,
       "A serving of oats costs 40 cents and gives 5 g protein and 3 g fibre; a serving of beans costs 65 cents "
       "and gives 9 g protein and 6 g fibre. Using whole servings, what is the minimum cost in cents to get at "
       "least 60 g protein and at least 33 g fibre?",
       "Enumerate servings of each food.",
       """
       best = min(40 * o + 65 * b for o in range(0, 30) for b in range(0, 30)
                  if 5 * o + 9 * b >= 60 and 3 * o + 6 * b >= 33)
       print(best)
       """),
    _q("medium", INT,
       "Twelve items have weights 7, 11, 4, 9, 13, 6, 8, 15, 3, 10, 5, 12 and values 21, 30, 10, 24, 37, 15, "
       "22, 40, 8, 26, 13, 33 (in that order). Choosing each item at most once, what is the largest total value "
       "with total weight at most 50?",
       "Enumerate all 2^12 subsets.",
       """
       w = [7, 11, 4, 9, 13, 6, 8, 15, 3, 10, 5, 12]
       v = [21, 30, 10, 24, 37, 15, 22, 40, 8, 26, 13, 33]
       best = 0
       for mask in range(1 << 12):
           tw = sum(w[i] for i in range(12) if mask >> i & 1)
           if tw <= 50:
               best = max(best, sum(v[i] for i in range(12) if mask >> i & 1))
       print(best)
       """),
    _q("medium", INT,
       "Five workers must be assigned to five jobs, one job each. The cost of worker i doing job j is the j-th "
       "number in row i: row 1: 9, 2, 7, 8, 6; row 2: 6, 4, 3, 7, 5; row 3: 5, 8, 1, 8, 4; row 4: 7, 6, 9, 4, "
       "3; row 5: 3, 7, 5, 6, 9. What is the minimum total cost?",
       "Try all 120 assignments.",
       """
       from itertools import permutations
       cost = [[9, 2, 7, 8, 6], [6, 4, 3, 7, 5], [5, 8, 1, 8, 4], [7, 6, 9, 4, 3], [3, 7, 5, 6, 9]]
       print(min(sum(cost[i][p[i]] for i in range(5)) for p in permutations(range(5))))
       """),
    _q("medium", INT,
       "Minimise 4x + 3y over real x, y ≥ 0 subject to x + y ≥ 10, 2x + y ≥ 14 and x + 3y ≥ 18. What is the "
       "minimum value?",
       "Check every feasible vertex of the region.",
       """
       from fractions import Fraction
       from itertools import combinations
       # a x + b y >= c
       cons = [(1, 1, 10), (2, 1, 14), (1, 3, 18), (1, 0, 0), (0, 1, 0)]
       values = []
       for (a1, b1, c1), (a2, b2, c2) in combinations(cons, 2):
           det = a1 * b2 - a2 * b1
           if det:
               x = Fraction(c1 * b2 - c2 * b1, det)
               y = Fraction(a1 * c2 - a2 * c1, det)
               if all(a * x + b * y >= c for a, b, c in cons):
                   values.append(4 * x + 3 * y)
       print(min(values))
       """),
    _q("hard", INT,
       "Two warehouses hold 30 and 25 units; three stores need exactly 15, 20 and 20 units. Shipping one unit "
       "from warehouse 1 costs 4, 6 and 9 to stores 1, 2, 3; from warehouse 2 it costs 5, 3 and 7. All stock "
       "is shipped. What is the minimum total shipping cost using whole units?",
       "Enumerate warehouse 1's shipments; warehouse 2 covers the rest.",
       """
       c1, c2 = [4, 6, 9], [5, 3, 7]
       demand = [15, 20, 20]
       best = None
       for a in range(0, 16):
           for b in range(0, 21):
               c = 30 - a - b
               if 0 <= c <= 20:
                   rest = [demand[0] - a, demand[1] - b, demand[2] - c]
                   if min(rest) >= 0 and sum(rest) == 25:
                       cost = 4 * a + 6 * b + 9 * c + sum(k * r for k, r in zip(c2, rest))
                       best = cost if best is None else min(best, cost)
       print(best)
       """),
    _q("medium", INT,
       "Stamps are available in denominations of 7, 11 and 19 cents. What is the smallest number of stamps "
       "whose values add up to exactly 200 cents?",
       "Dynamic programming over amounts.",
       """
       INF = float("inf")
       best = [0] + [INF] * 200
       for amount in range(1, 201):
           for s in (7, 11, 19):
               if s <= amount:
                   best[amount] = min(best[amount], best[amount - s] + 1)
       print(best[200])
       """),
    _q("medium", INT,
       "Maximise 2x + 3y + 4z over non-negative integers subject to x + y + z ≤ 20, x + 2y + 3z ≤ 36 and "
       "3x + y ≤ 30. What is the maximum?",
       "Enumerate all integer points in the box.",
       """
       best = 0
       for x in range(21):
           for y in range(21):
               for z in range(21):
                   if x + y + z <= 20 and x + 2 * y + 3 * z <= 36 and 3 * x + y <= 30:
                       best = max(best, 2 * x + 3 * y + 4 * z)
       print(best)
       """),
    _q("hard", INT,
       "A workshop makes products A, B and C. Each unit needs 2, 3 and 1 machine hours and 1, 2 and 3 labour "
       "hours respectively; 100 machine hours and 90 labour hours are available. Profits are $8, $11 and $9 per "
       "unit. What is the maximum profit, in dollars, with whole units?",
       "Enumerate A and B; take as many C as the remaining hours allow.",
       """
       best = 0
       for a in range(0, 51):
           for b in range(0, 34):
               mach, lab = 100 - 2 * a - 3 * b, 90 - a - 2 * b
               if mach >= 0 and lab >= 0:
                   c = min(mach // 1, lab // 3)
                   best = max(best, 8 * a + 11 * b + 9 * c)
       print(best)
       """),
    _q("medium", INT,
       "An investor puts exactly $20,000, in multiples of $1,000, into funds A, B and C returning 4%, 6% and 9% "
       "a year. At most $8,000 may go into C, and the amount in A must be at least twice the amount in C. What "
       "is the largest possible yearly return in dollars?",
       "Enumerate the thousands in A and C.",
       """
       best = 0
       for a in range(21):
           for c in range(0, 9):
               b = 20 - a - c
               if b >= 0 and a >= 2 * c:
                   best = max(best, 40 * a + 60 * b + 90 * c)
       print(best)
       """),
    _q("hard", INT,
       "Six cities have pairwise road distances d(1,2)=12, d(1,3)=29, d(1,4)=22, d(1,5)=13, d(1,6)=24, "
       "d(2,3)=19, d(2,4)=3, d(2,5)=25, d(2,6)=6, d(3,4)=21, d(3,5)=23, d(3,6)=28, d(4,5)=4, d(4,6)=5, "
       "d(5,6)=16. What is the length of the shortest round trip that starts at city 1, visits every other city "
       "exactly once and returns to city 1?",
       "Try all orders of the five other cities.",
       """
       from itertools import permutations
       d = {(1, 2): 12, (1, 3): 29, (1, 4): 22, (1, 5): 13, (1, 6): 24, (2, 3): 19, (2, 4): 3, (2, 5): 25,
            (2, 6): 6, (3, 4): 21, (3, 5): 23, (3, 6): 28, (4, 5): 4, (4, 6): 5, (5, 6): 16}
       def dist(a, b):
           return d[(min(a, b), max(a, b))]
       best = min(sum(dist(a, b) for a, b in zip((1,) + p, p + (1,))) for p in permutations(range(2, 7)))
       print(best)
       """),
    _q("medium", INT,
       "Eight towns T1..T8 need ambulance coverage. Six possible stations cover these towns: S1 covers T1, T2, "
       "T3; S2 covers T2, T4, T5; S3 covers T3, T6; S4 covers T5, T7, T8; S5 covers T1, T6, T7; S6 covers T4, "
       "T8. Opening S1..S6 costs 5, 4, 3, 6, 4 and 2 respectively. What is the minimum cost to cover all towns?",
       "Enumerate all 64 subsets of stations.",
       """
       cover = [{1, 2, 3}, {2, 4, 5}, {3, 6}, {5, 7, 8}, {1, 6, 7}, {4, 8}]
       cost = [5, 4, 3, 6, 4, 2]
       best = None
       for mask in range(64):
           chosen = [i for i in range(6) if mask >> i & 1]
           if set().union(*(cover[i] for i in chosen)) == set(range(1, 9)):
               c = sum(cost[i] for i in chosen)
               best = c if best is None else min(best, c)
       print(best)
       """),
    _q("hard", FRAC,
       "Maximise 4x + 6y + 3z over real x, y, z ≥ 0 subject to x + 2y + z ≤ 14, 3x + y + 2z ≤ 18 and "
       "2x + 3y + 4z ≤ 24. What is the maximum value?",
       "Enumerate vertices: intersect every triple of constraint planes.",
       """
       from fractions import Fraction
       from itertools import combinations
       cons = [((1, 2, 1), 14), ((3, 1, 2), 18), ((2, 3, 4), 24),
               ((-1, 0, 0), 0), ((0, -1, 0), 0), ((0, 0, -1), 0)]
       def det3(m):
           return (m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
                   - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                   + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]))
       best = None
       for trio in combinations(cons, 3):
           A = [list(a) for a, _ in trio]
           b = [c for _, c in trio]
           D = det3(A)
           if D == 0:
               continue
           point = []
           for j in range(3):
               Aj = [row[:j] + [b[i]] + row[j + 1:] for i, row in enumerate(A)]
               point.append(Fraction(det3(Aj), D))
           if all(sum(a * p for a, p in zip(coef, point)) <= c for coef, c in cons):
               value = 4 * point[0] + 6 * point[1] + 3 * point[2]
               best = value if best is None else max(best, value)
       print(best)
       """),
    _q("medium", INT,
       "A 20-foot rod can be cut into 3-foot pieces worth $4, 5-foot pieces worth $7 and 7-foot pieces worth "
       "$10 (left-over waste is allowed). What is the largest total value obtainable from one rod, in dollars?",
       "Enumerate the number of pieces of each length.",
       """
       best = 0
       for a in range(0, 7):
           for b in range(0, 5):
               for c in range(0, 3):
                   if 3 * a + 5 * b + 7 * c <= 20:
                       best = max(best, 4 * a + 7 * b + 10 * c)
       print(best)
       """),
    _q("medium", INT,
       "At least 85 tonnes of gravel must be moved. Trucks carry 7 t (cost $90 per trip), 12 t ($140) or 20 t "
       "($215). What is the minimum total cost, in dollars, of a set of trips with total capacity at least "
       "85 t?",
       "Enumerate trip counts for each truck size.",
       """
       best = None
       for a in range(0, 14):
           for b in range(0, 9):
               for c in range(0, 6):
                   if 7 * a + 12 * b + 20 * c >= 85:
                       cost = 90 * a + 140 * b + 215 * c
                       best = cost if best is None else min(best, cost)
       print(best)
       """),
    _q("hard", INT,
       "A plant can make product A (profit $12 per unit) and product B ($15 per unit). Producing any A at all "
       "costs a $100 setup fee, and producing any B costs $150. Resources allow 3a + 5b ≤ 150 with a ≤ 40 and "
       "b ≤ 25 units. What is the maximum net profit (profits minus setup fees) in dollars, with whole units?",
       "Enumerate (a, b) and subtract the fixed charges that apply.",
       """
       best = 0
       for a in range(0, 41):
           for b in range(0, 26):
               if 3 * a + 5 * b <= 150:
                   profit = 12 * a + 15 * b - (100 if a else 0) - (150 if b else 0)
                   best = max(best, profit)
       print(best)
       """),
    _q("medium", INT,
       "Eight items have (weight, volume, value) = (4, 6, 18), (7, 3, 22), (2, 8, 13), (5, 5, 20), (3, 4, 12), "
       "(6, 2, 19), (8, 7, 30), (1, 9, 11). Each can be taken at most once. With total weight at most 25 and "
       "total volume at most 30, what is the largest total value?",
       "Enumerate all 256 subsets.",
       """
       items = [(4, 6, 18), (7, 3, 22), (2, 8, 13), (5, 5, 20), (3, 4, 12), (6, 2, 19), (8, 7, 30), (1, 9, 11)]
       best = 0
       for mask in range(256):
           chosen = [items[i] for i in range(8) if mask >> i & 1]
           if sum(w for w, _, _ in chosen) <= 25 and sum(v for _, v, _ in chosen) <= 30:
               best = max(best, sum(val for _, _, val in chosen))
       print(best)
       """),
    _q("hard", INT,
       "Seven projects P1..P7 cost 20, 35, 15, 25, 30, 10 and 40 and return 32, 50, 21, 41, 44, 16 and 58. The "
       "budget is 100. P4 can only be chosen if P2 is chosen, and P5 and P6 cannot both be chosen. What is the "
       "largest total return?",
       "Enumerate all 128 project portfolios.",
       """
       cost = [20, 35, 15, 25, 30, 10, 40]
       ret = [32, 50, 21, 41, 44, 16, 58]
       best = 0
       for mask in range(128):
           pick = [mask >> i & 1 for i in range(7)]
           if pick[3] and not pick[1]:
               continue
           if pick[4] and pick[5]:
               continue
           if sum(c for c, p in zip(cost, pick) if p) <= 100:
               best = max(best, sum(r for r, p in zip(ret, pick) if p))
       print(best)
       """),
    _q("medium", INT,
       "Over integers x and y with -10 ≤ x ≤ 10 and -10 ≤ y ≤ 10, maximise 3x - y subject to x + 2y ≥ 4, "
       "3x - 2y ≤ 12 and x - y ≥ -3. What is the maximum value?",
       "Enumerate the integer box.",
       """
       print(max(3 * x - y for x in range(-10, 11) for y in range(-10, 11)
                 if x + 2 * y >= 4 and 3 * x - 2 * y <= 12 and x - y >= -3))
       """),
]

# =============================================================================================
# Grid paths and graph counting
# =============================================================================================

_GRID_PATHS = [
    _q("easy", INT,
       "How many shortest lattice paths go from (0, 0) to (10, 8) using unit steps right (+1, 0) and up "
       "(0, +1)?",
       "Dynamic programming on the grid.",
       """
       W, H = 10, 8
       ways = [[1] * (H + 1) for _ in range(W + 1)]
       for x in range(1, W + 1):
           for y in range(1, H + 1):
               ways[x][y] = ways[x - 1][y] + ways[x][y - 1]
       print(ways[W][H])
       """),
    _q("medium", INT,
       "How many paths from (0, 0) to (9, 7) using unit steps right and up avoid the point (4, 3)?",
       "Grid DP with the blocked point set to zero.",
       """
       W, H, blocked = 9, 7, (4, 3)
       ways = [[0] * (H + 1) for _ in range(W + 1)]
       for x in range(W + 1):
           for y in range(H + 1):
               if (x, y) == blocked:
                   continue
               if x == 0 and y == 0:
                   ways[x][y] = 1
               else:
                   ways[x][y] = (ways[x - 1][y] if x else 0) + (ways[x][y - 1] if y else 0)
       print(ways[W][H])
       """),
    _q("easy", INT,
       "How many right/up lattice paths from (0, 0) to (10, 10) pass through both (3, 5) and (7, 6)?",
       "Multiply the counts of the three legs.",
       """
       from math import comb
       def paths(a, b):
           dx, dy = b[0] - a[0], b[1] - a[1]
           return comb(dx + dy, dx) if dx >= 0 and dy >= 0 else 0
       stops = [(0, 0), (3, 5), (7, 6), (10, 10)]
       total = 1
       for a, b in zip(stops, stops[1:]):
           total *= paths(a, b)
       print(total)
       """),
    _q("medium", INT,
       "How many right/up lattice paths from (0, 0) to (12, 12) never go above the diagonal, i.e. stay in the "
       "region y ≤ x?",
       "Grid DP restricted to y ≤ x.",
       """
       N = 12
       ways = [[0] * (N + 1) for _ in range(N + 1)]
       ways[0][0] = 1
       for x in range(N + 1):
           for y in range(0, x + 1):
               if x or y:
                   ways[x][y] = (ways[x - 1][y] if x else 0) + (ways[x][y - 1] if y else 0)
       print(ways[N][N])
       """),
    _q("medium", INT,
       "How many paths go from (0, 0) to (6, 6) using steps (1, 0), (0, 1) and (1, 1)?",
       "Delannoy-style DP with three predecessors.",
       """
       N = 6
       D = [[0] * (N + 1) for _ in range(N + 1)]
       for x in range(N + 1):
           for y in range(N + 1):
               if x == 0 or y == 0:
                   D[x][y] = 1
               else:
                   D[x][y] = D[x - 1][y] + D[x][y - 1] + D[x - 1][y - 1]
       print(D[N][N])
       """),
    _q("hard", INT,
       "A robot walks on an 8×8 board of cells from the top-left cell (row 0, column 0) to the bottom-right "
       "cell (row 7, column 7), moving only right or down. The cells (1, 2), (2, 5), (3, 3), (4, 1), (5, 6) and "
       "(6, 3), given as (row, column), are blocked. How many routes are there?",
       "Grid DP skipping blocked cells.",
       """
       blocked = {(1, 2), (2, 5), (3, 3), (4, 1), (5, 6), (6, 3)}
       n = 8
       ways = [[0] * n for _ in range(n)]
       for r in range(n):
           for c in range(n):
               if (r, c) in blocked:
                   continue
               if r == 0 and c == 0:
                   ways[r][c] = 1
               else:
                   ways[r][c] = (ways[r - 1][c] if r else 0) + (ways[r][c - 1] if c else 0)
       print(ways[n - 1][n - 1])
       """),
    _q("medium", INT,
       "A graph has vertices A, B, C, D, E and edges AB, AC, BC, BD, CD, CE, DE. How many walks of length 6 "
       "(6 edges, vertices may repeat) start at A and end at E?",
       "Power of the adjacency matrix.",
       """
       V = "ABCDE"
       edges = ["AB", "AC", "BC", "BD", "CD", "CE", "DE"]
       idx = {v: i for i, v in enumerate(V)}
       M = [[0] * 5 for _ in range(5)]
       for u, v in edges:
           M[idx[u]][idx[v]] = M[idx[v]][idx[u]] = 1
       vec = [1 if v == "A" else 0 for v in V]
       for _ in range(6):
           vec = [sum(vec[i] * M[i][j] for i in range(5)) for j in range(5)]
       print(vec[idx["E"]])
       """),
    _q("hard", INT,
       "How many self-avoiding walks of 10 steps start at the origin of the square lattice (each step moves "
       "one unit up, down, left or right, and no point is visited twice)?",
       "Depth-first search with a visited set.",
       """
       def count(pos, visited, steps):
           if steps == 0:
               return 1
           total = 0
           x, y = pos
           for nxt in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)):
               if nxt not in visited:
                   visited.add(nxt)
                   total += count(nxt, visited, steps - 1)
                   visited.remove(nxt)
           return total
       print(count((0, 0), {(0, 0)}, 10))
       """),
    _q("hard", INT,
       "In the 4×4 grid graph (16 vertices, edges between horizontally or vertically adjacent vertices), how "
       "many Hamiltonian paths start at a fixed corner vertex (paths visiting every vertex exactly once, "
       "ending anywhere)?",
       "Backtracking search from the corner.",
       """
       n = 4
       def neighbours(v):
           r, c = divmod(v, n)
           for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1)):
               if 0 <= r + dr < n and 0 <= c + dc < n:
                   yield (r + dr) * n + c + dc
       def dfs(v, seen):
           if len(seen) == n * n:
               return 1
           return sum(dfs(w, seen | {w}) for w in neighbours(v) if w not in seen)
       print(dfs(0, {0}))
       """),
    _q("medium", INT,
       "How many different sequences of exactly 6 knight moves take a knight from square a1 to square h8 on "
       "an otherwise empty chessboard (squares may be revisited)?",
       "DP over the board, one move at a time.",
       """
       moves = [(1, 2), (2, 1), (-1, 2), (-2, 1), (1, -2), (2, -1), (-1, -2), (-2, -1)]
       ways = [[0] * 8 for _ in range(8)]
       ways[0][0] = 1
       for _ in range(6):
           nxt = [[0] * 8 for _ in range(8)]
           for r in range(8):
               for c in range(8):
                   if ways[r][c]:
                       for dr, dc in moves:
                           if 0 <= r + dr < 8 and 0 <= c + dc < 8:
                               nxt[r + dr][c + dc] += ways[r][c]
           ways = nxt
       print(ways[7][7])
       """),
    _q("medium", INT,
       "A 6×6 grid holds these numbers, row by row: [3, 7, 2, 9, 4, 1], [8, 1, 6, 3, 7, 5], [2, 9, 4, 8, 1, 6], "
       "[5, 3, 7, 2, 9, 4], [6, 8, 1, 5, 3, 7], [4, 2, 9, 6, 8, 3]. Moving only right or down from the top-left "
       "cell to the bottom-right cell, what is the largest possible sum of the numbers on the visited cells "
       "(both ends included)?",
       "Max-plus dynamic programming.",
       """
       g = [[3, 7, 2, 9, 4, 1], [8, 1, 6, 3, 7, 5], [2, 9, 4, 8, 1, 6],
            [5, 3, 7, 2, 9, 4], [6, 8, 1, 5, 3, 7], [4, 2, 9, 6, 8, 3]]
       n = 6
       best = [[0] * n for _ in range(n)]
       for r in range(n):
           for c in range(n):
               prev = [best[r - 1][c]] if r else []
               prev += [best[r][c - 1]] if c else []
               best[r][c] = g[r][c] + (max(prev) if prev else 0)
       print(best[n - 1][n - 1])
       """),
    _q("easy", INT,
       "How many shortest paths along unit steps in the +x, +y and +z directions lead from (0, 0, 0) to "
       "(4, 5, 6)?",
       "Three-dimensional DP.",
       """
       from functools import lru_cache
       @lru_cache(maxsize=None)
       def ways(x, y, z):
           if min(x, y, z) < 0:
               return 0
           if x == y == z == 0:
               return 1
           return ways(x - 1, y, z) + ways(x, y - 1, z) + ways(x, y, z - 1)
       print(ways(4, 5, 6))
       """),
    _q("hard", INT,
       "In how many ways can a 4×8 rectangle be tiled with 1×2 dominoes (placed horizontally or vertically)?",
       "Column-by-column profile DP over 4-bit masks.",
       """
       H, W = 4, 8
       def fill(col_mask, row, next_mask, out):
           if row == H:
               out.append(next_mask)
               return
           if col_mask >> row & 1:
               fill(col_mask, row + 1, next_mask, out)
               return
           fill(col_mask, row + 1, next_mask | 1 << row, out)  # horizontal domino
           if row + 1 < H and not col_mask >> (row + 1) & 1:
               fill(col_mask, row + 2, next_mask, out)  # vertical domino
       dp = {0: 1}
       for _ in range(W):
           nxt = {}
           for mask, ways in dp.items():
               outs = []
               fill(mask, 0, 0, outs)
               for m in outs:
                   nxt[m] = nxt.get(m, 0) + ways
           dp = nxt
       print(dp.get(0, 0))
       """),
    _q("medium", INT,
       "How many spanning trees does the 3×4 grid graph (12 vertices in 3 rows and 4 columns, edges between "
       "horizontal and vertical neighbours) have?",
       "Kirchhoff's matrix-tree theorem with an exact determinant.",
       """
       from sympy import Matrix
       R, C = 3, 4
       n = R * C
       L = [[0] * n for _ in range(n)]
       for r in range(R):
           for c in range(C):
               v = r * C + c
               for dr, dc in ((0, 1), (1, 0)):
                   if r + dr < R and c + dc < C:
                       w = (r + dr) * C + c + dc
                       L[v][w] -= 1
                       L[w][v] -= 1
                       L[v][v] += 1
                       L[w][w] += 1
       print(Matrix(L)[1:, 1:].det())
       """),
    _q("medium", INT,
       "A directed graph has edges S→A, S→B, A→B, A→C, B→C, B→D, C→D, C→T, D→T, A→D and S→C. "
       "How many directed paths lead from S to T?",
       "Count paths in topological order.",
       """
       edges = ["SA", "SB", "AB", "AC", "BC", "BD", "CD", "CT", "DT", "AD", "SC"]
       order = "SABCDT"
       ways = {v: 0 for v in order}
       ways["S"] = 1
       for v in order:
           for u, w in edges:
               if u == v:
                   ways[w] += ways[v]
       print(ways["T"])
       """),
    _q("medium", INT,
       "A king starts on a1 of an empty 8×8 chessboard and makes exactly 9 king moves (one square in any of "
       "the 8 directions). How many move sequences end on h8?",
       "DP over squares, one move at a time.",
       """
       dirs = [(dr, dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1) if dr or dc]
       ways = {(0, 0): 1}
       for _ in range(9):
           nxt = {}
           for (r, c), w in ways.items():
               for dr, dc in dirs:
                   if 0 <= r + dr < 8 and 0 <= c + dc < 8:
                       nxt[(r + dr, c + dc)] = nxt.get((r + dr, c + dc), 0) + w
           ways = nxt
       print(ways.get((7, 7), 0))
       """),
    _q("medium", INT,
       "How many right/up lattice paths from (0, 0) to (8, 8) touch the diagonal y = x only at their two "
       "endpoints?",
       "DP that forbids interior diagonal points.",
       """
       N = 8
       ways = [[0] * (N + 1) for _ in range(N + 1)]
       ways[0][0] = 1
       for x in range(N + 1):
           for y in range(N + 1):
               if (x or y) and (x != y or x == N):
                   ways[x][y] = (ways[x - 1][y] if x else 0) + (ways[x][y - 1] if y else 0)
       print(ways[N][N])
       """),
    _q("medium", INT,
       "A city grid has streets x = 0..10 and y = 0..10. A river runs along y = 5.5 and can only be crossed on "
       "bridges at x = 2 and x = 7 (from (2, 5) to (2, 6) or from (7, 5) to (7, 6)). How many shortest-route "
       "paths with steps right (+x) and up (+y) go from (0, 0) to (10, 10)?",
       "Split at the bridge crossing and multiply.",
       """
       from math import comb
       total = sum(comb(b + 5, b) * comb((10 - b) + 4, 4) for b in (2, 7))
       print(total)
       """),
    _q("medium", INT,
       "The cube graph has the 8 vertices of a cube and its 12 edges. How many closed walks of length 8 start "
       "and end at a given vertex?",
       "Vertices as 3-bit strings; a step flips one bit.",
       """
       ways = [1] + [0] * 7
       for _ in range(8):
           ways = [sum(ways[v ^ (1 << b)] for b in range(3)) for v in range(8)]
       print(ways[0])
       """),
    _q("medium", INT,
       "A rook starts in the bottom-left corner of a 5×5 board and must reach the top-right corner. Each move "
       "goes any positive number of squares to the right or any positive number of squares up. How many "
       "different move sequences are possible?",
       "DP: sum over all squares the rook can come from.",
       """
       n = 5
       ways = [[0] * n for _ in range(n)]
       ways[0][0] = 1
       for r in range(n):
           for c in range(n):
               if r or c:
                   ways[r][c] = sum(ways[k][c] for k in range(r)) + sum(ways[r][k] for k in range(c))
       print(ways[n - 1][n - 1])
       """),
    _q("hard", INT,
       "How many simple paths (never revisiting a vertex) join two opposite corners of the 4×4 grid graph with "
       "16 vertices?",
       "Backtracking search.",
       """
       n = 4
       target = n * n - 1
       def dfs(v, seen):
           if v == target:
               return 1
           r, c = divmod(v, n)
           total = 0
           for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1)):
               if 0 <= r + dr < n and 0 <= c + dc < n:
                   w = (r + dr) * n + c + dc
                   if w not in seen:
                       total += dfs(w, seen | {w})
           return total
       print(dfs(0, {0}))
       """),
    _q("medium", INT,
       "A maze is given by the rows S..#...., .#.#.##., .#...#.., .####.#., ......#., ##.#.##., ...#...E "
       "(S is the start, E the exit, # a wall, . open floor). Moving one cell up, down, left or right per step, "
       "what is the smallest number of steps from S to E?",
       "Breadth-first search on the maze.",
       """
       from collections import deque
       rows = ["S..#....", ".#.#.##.", ".#...#..", ".####.#.", "......#.", "##.#.##.", "...#...E"]
       start = next((r, c) for r, row in enumerate(rows) for c, ch in enumerate(row) if ch == "S")
       dist = {start: 0}
       queue = deque([start])
       while queue:
           r, c = queue.popleft()
           if rows[r][c] == "E":
               print(dist[(r, c)])
               break
           for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1)):
               nr, nc = r + dr, c + dc
               if 0 <= nr < len(rows) and 0 <= nc < len(rows[0]) and rows[nr][nc] != "#" and (nr, nc) not in dist:
                   dist[(nr, nc)] = dist[(r, c)] + 1
                   queue.append((nr, nc))
       """),
]

# =============================================================================================
# Polynomials and algebra
# =============================================================================================

_POLYNOMIALS = [
    _q("medium", INT,
       "What is the coefficient of x^7 in the expansion of (2x - 3)^12?",
       "Binomial theorem: C(12, 7) · 2^7 · (-3)^5.",
       """
       from math import comb
       k = 7
       print(comb(12, k) * 2**k * (-3) ** (12 - k))
       """),
    _q("medium", INT,
       "What is the coefficient of x^10 in (1 + x + x^2)^10?",
       "Multiply coefficient lists ten times.",
       """
       poly = [1]
       for _ in range(10):
           new = [0] * (len(poly) + 2)
           for i, a in enumerate(poly):
               for j in range(3):
                   new[i + j] += a
           poly = new
       print(poly[10])
       """),
    _q("medium", FRAC,
       "Let r, s, t be the (complex) roots of 2x^3 - 5x^2 + 7x - 11. What is r^2 + s^2 + t^2?",
       "Vieta: e1^2 - 2 e2.",
       """
       from fractions import Fraction
       a, b, c, d = 2, -5, 7, -11
       e1 = Fraction(-b, a)
       e2 = Fraction(c, a)
       print(e1**2 - 2 * e2)
       """),
    _q("easy", INT,
       "What is the remainder when x^100 - 3x^50 + 2 is divided by x + 2?",
       "Remainder theorem: evaluate at x = -2.",
       """
       x = -2
       print(x**100 - 3 * x**50 + 2)
       """),
    _q("medium", INT,
       "The polynomial p of degree at most 3 passes through (0, 3), (1, 2), (2, 7) and (3, 24). What is p(10)?",
       "Lagrange interpolation with exact fractions.",
       """
       from fractions import Fraction
       pts = [(0, 3), (1, 2), (2, 7), (3, 24)]
       def p(x):
           total = Fraction(0)
           for i, (xi, yi) in enumerate(pts):
               term = Fraction(yi)
               for j, (xj, _) in enumerate(pts):
                   if j != i:
                       term *= Fraction(x - xj, xi - xj)
               total += term
           return total
       print(p(10))
       """),
    _q("medium", FRAC,
       "Let f(x) = (2x + 1)/(x + 3). What is f(f(f(f(f(1))))), i.e. f applied five times starting from 1?",
       "Iterate with exact fractions.",
       """
       from fractions import Fraction
       x = Fraction(1)
       for _ in range(5):
           x = (2 * x + 1) / (x + 3)
       print(x)
       """),
    _q("easy", FRAC,
       "What is the minimum value of 3x^2 - 7x + 2 over all real x?",
       "Evaluate at the vertex x = 7/6.",
       """
       from fractions import Fraction
       a, b, c = 3, -7, 2
       x = Fraction(-b, 2 * a)
       print(a * x * x + b * x + c)
       """),
    _q("medium", INT,
       "What is the sum of the integer roots of x^4 - 2x^3 - 13x^2 + 14x + 24?",
       "Integer roots divide 24: test each divisor.",
       """
       def p(x):
           return x**4 - 2 * x**3 - 13 * x**2 + 14 * x + 24
       candidates = [d for d in range(-24, 25) if d != 0 and 24 % abs(d) == 0]
       print(sum(d for d in candidates if p(d) == 0))
       """),
    _q("medium", INT,
       "Let r, s, t be the roots of x^3 - 6x^2 + 11x - 7. Compute r^3 + s^3 + t^3.",
       "Newton's identities from the elementary symmetric polynomials.",
       """
       e1, e2, e3 = 6, 11, 7
       p1 = e1
       p2 = e1 * p1 - 2 * e2
       p3 = e1 * p2 - e2 * p1 + 3 * e3
       print(p3)
       """),
    _q("hard", INT,
       "When x^2024 is divided by x^2 - x - 1, the remainder is ax + b. What is a mod 1000000007?",
       "Reduce powers of x modulo x^2 = x + 1 by fast exponentiation.",
       """
       M = 1000000007
       def mul(p, q):
           # (p0 + p1 x)(q0 + q1 x) with x^2 = x + 1
           a0, a1 = p
           b0, b1 = q
           c0, c1, c2 = a0 * b0, a0 * b1 + a1 * b0, a1 * b1
           return ((c0 + c2) % M, (c1 + c2) % M)
       result, base, e = (1, 0), (0, 1), 2024
       while e:
           if e & 1:
               result = mul(result, base)
           base = mul(base, base)
           e >>= 1
       print(result[1])
       """),
    _q("hard", INT,
       "How many real roots does x^5 - 5x^3 + 3x + 1 have?",
       "Count real roots exactly with sympy.",
       """
       from sympy import Poly, symbols
       x = symbols("x")
       print(Poly(x**5 - 5 * x**3 + 3 * x + 1, x).count_roots())
       """),
    _q("medium", INT,
       "What is the coefficient of x^8 when (x + 1)(x + 2)(x + 3)···(x + 10) is expanded?",
       "Multiply linear factors into a coefficient list.",
       """
       poly = [1]  # poly[i] = coefficient of x^i
       for k in range(1, 11):
           new = [0] * (len(poly) + 1)
           for i, a in enumerate(poly):
               new[i] += k * a
               new[i + 1] += a
           poly = new
       print(poly[8])
       """),
    _q("medium", INT,
       "What is the sum of the coefficients of the even powers of x in (3x^2 - 2x + 1)^6?",
       "(p(1) + p(-1)) / 2.",
       """
       def p(x):
           return (3 * x * x - 2 * x + 1) ** 6
       print((p(1) + p(-1)) // 2)
       """),
    _q("easy", INT,
       "For which value of k is x - 3 a factor of x^3 - kx^2 + 5x + 12?",
       "p(3) = 0 is linear in k.",
       """
       from fractions import Fraction
       # 27 - 9k + 15 + 12 = 0
       k = Fraction(27 + 15 + 12, 9)
       assert 3**3 - k * 9 + 5 * 3 + 12 == 0
       print(k)
       """),
    _q("medium", FRAC,
       "What is the larger root of 6x^2 - 11x - 35 = 0?",
       "Quadratic formula with an exact square root of the discriminant.",
       """
       from fractions import Fraction
       from math import isqrt
       a, b, c = 6, -11, -35
       disc = b * b - 4 * a * c
       r = isqrt(disc)
       assert r * r == disc
       print(max(Fraction(-b + r, 2 * a), Fraction(-b - r, 2 * a)))
       """),
    _q("hard", INT,
       "What is the coefficient of x^20 in the product (1 + x)(1 + x^2)(1 + x^3)···(1 + x^12)?",
       "Multiply the factors as coefficient lists.",
       """
       poly = [1]
       for k in range(1, 13):
           new = poly + [0] * k
           for i, a in enumerate(poly):
               new[i + k] += a
           poly = new
       print(poly[20])
       """),
    _q("medium", INT,
       "If r is a root of x^2 - 3x + 1 = 0, what is r^8 + 1/r^8?",
       "s(n) = r^n + r^(-n) satisfies s(n) = 3 s(n-1) - s(n-2).",
       """
       s = [2, 3]
       for n in range(2, 9):
           s.append(3 * s[-1] - s[-2])
       print(s[8])
       """),
    _q("medium", FRAC,
       "The monic polynomial x^3 + bx^2 + cx + d has roots 1/2, -2/3 and 5/4. What is b + c + d?",
       "b + c + d = p(1) - 1 with p(x) = (x - r1)(x - r2)(x - r3).",
       """
       from fractions import Fraction as F
       roots = [F(1, 2), F(-2, 3), F(5, 4)]
       p1 = 1
       for r in roots:
           p1 *= 1 - r
       print(p1 - 1)
       """),
    _q("medium", FRAC,
       "What is the sum of all real x satisfying |2x - 7| + |x + 3| = 17?",
       "Solve on each sign region and keep consistent solutions.",
       """
       from fractions import Fraction
       solutions = set()
       for s1 in (1, -1):
           for s2 in (1, -1):
               # s1(2x - 7) + s2(x + 3) = 17  ->  (2 s1 + s2) x = 17 + 7 s1 - 3 s2
               coef = 2 * s1 + s2
               if coef == 0:
                   continue
               x = Fraction(17 + 7 * s1 - 3 * s2, coef)
               if s1 * (2 * x - 7) >= 0 and s2 * (x + 3) >= 0:
                   solutions.add(x)
       print(sum(solutions))
       """),
    _q("hard", INT,
       "How many pairs of integers (x, y) satisfy x^2 + xy + y^2 = 91?",
       "Enumerate a bounded box (|x|, |y| ≤ 11).",
       """
       print(sum(1 for x in range(-12, 13) for y in range(-12, 13) if x * x + x * y + y * y == 91))
       """),
    _q("medium", FRAC,
       "Write (5x + 3)/((x - 1)(x + 2)(x - 3)) = A/(x - 1) + B/(x + 2) + C/(x - 3). What is the product ABC?",
       "Cover-up rule for each simple pole.",
       """
       from fractions import Fraction
       poles = [1, -2, 3]
       coeffs = []
       for p in poles:
           denom = 1
           for q in poles:
               if q != p:
                   denom *= p - q
           coeffs.append(Fraction(5 * p + 3, denom))
       print(coeffs[0] * coeffs[1] * coeffs[2])
       """),
    _q("easy", INT,
       "Let p(x) = x^3 - 4x + 1. Compute p(0) + p(1) + p(2) + ··· + p(10).",
       "Evaluate and sum.",
       """
       print(sum(k**3 - 4 * k + 1 for k in range(11)))
       """),
]

# =============================================================================================
# Assembly
# =============================================================================================

_TOPICS: tuple[tuple[str, list[_Spec]], ...] = (
    ("arithmetic", _ARITHMETIC),
    ("combinatorics", _COMBINATORICS),
    ("number_theory", _NUMBER_THEORY),
    ("modular_arithmetic", _MODULAR),
    ("probability", _PROBABILITY),
    ("linear_systems", _LINEAR_SYSTEMS),
    ("geometry", _GEOMETRY),
    ("sequences", _SEQUENCES),
    ("series", _SERIES),
    ("base_conversion", _BASES),
    ("calendar", _CALENDAR),
    ("finance", _FINANCE),
    ("statistics", _STATISTICS),
    ("optimization", _OPTIMIZATION),
    ("grid_paths", _GRID_PATHS),
    ("polynomials", _POLYNOMIALS),
)

TOPICS: tuple[str, ...] = tuple(name for name, _ in _TOPICS)


def _assemble() -> tuple[CuratedProblem, ...]:
    """Attach ids (file order), topics, format instructions and stratified splits."""
    problems: list[CuratedProblem] = []
    for topic, specs in _TOPICS:
        for position, spec in enumerate(specs):
            problems.append(
                CuratedProblem(
                    id=f"mathtir-curated-{len(problems) + 1:04d}",
                    topic=topic,
                    difficulty=spec.difficulty,
                    answer_format=spec.answer_format,
                    question=f"{spec.question} {format_instruction(spec.answer_format)}",
                    thought=spec.thought,
                    code=spec.code,
                    split="test" if position % 10 in TEST_POSITIONS else "train",
                )
            )
    return tuple(problems)


#: All curated problems, in id order.
PROBLEMS: tuple[CuratedProblem, ...] = _assemble()
