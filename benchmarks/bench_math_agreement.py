"""Agreement of ToolGym's math verifier with math-verify (and reasoning-gym's own scorers).

The answer pairs are generated at run time by the ``reasoning-gym`` package (none are written
here): for each numeric dataset, the gold answer against

* a form of the same value that reasoning-gym itself produced (the expression a problem was built
  from, the unsimplified fraction, a differently formatted candidate, the number that was factored,
  the base and exponent of a power, the operands of a complex operation), and
* the gold answer of the next problem of the same dataset (almost always a different value).

Each pair is judged by ToolGym (:func:`toolgym.rewards.math.math_equal`), by math-verify
(``verify(parse(gold), parse(pred))``, its defaults) and by the dataset's own ``score_answer``
(paid when >= 0.99). Optionally (``--math-verify-tests PATH``) the ``(gold, pred, expected)`` cases of
math-verify's own test file are read from a checkout of its repository and judged the same way.

Prints per-dataset agreement and every disagreement class with examples.

    pip install -e ".[dev]"   # reasoning-gym is in the dev extra
    python benchmarks/bench_math_agreement.py [--size 60] [--seed 0] [--math-verify-tests tests/test_all.py]
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

Pair = tuple[str, str, str, dict[str, Any] | None]  # (kind, gold, pred, entry to score against)


def _question_expression(entry: dict[str, Any]) -> str | None:
    m = re.search(r"([-\d.+*/() ]+?)\s*=\s*\?\s*$", entry["question"].strip())
    return m.group(1).strip() if m else None


def _complex(re_im: tuple[float, float]) -> str:
    a, b = re_im
    return f"{a} {'-' if b < 0 else '+'} {abs(b)}i"


def _same_value_preds(name: str, entry: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """``(kind, pred)`` forms of the gold's value that reasoning-gym produced for this entry."""
    meta = entry["metadata"]
    if name in ("basic_arithmetic", "chain_sum", "products", "decimal_chain_sum") and meta.get("expression"):
        yield "expression", str(meta["expression"])
    elif name == "decimal_arithmetic":
        expr = _question_expression(entry)
        if expr:
            yield "expression", expr
    elif name == "fraction_simplification":
        yield "unsimplified fraction", f"{meta['numerator']}/{meta['denominator']}"
    elif name == "prime_factorization":
        yield "the number factored", str(meta["number"])
    elif name == "power_function":
        yield "base^exponent", f"{meta['base']}^{{{meta['exponent']}}}"
    elif name == "number_format":
        for value, shown in zip(meta["candidates"], meta["formatted_candidates"]):
            kind = "formatted solution" if value == meta["solution"] else "formatted other candidate"
            yield kind, str(shown)
    elif name == "complex_arithmetic":
        yield "result tuple as a + bi", _complex(meta["result"])
        op = {"+": "+", "-": "-", "*": "\\cdot", "/": "/"}[meta["operation"]]
        yield "operation", f"({_complex(meta['num1'])}) {op} ({_complex(meta['num2'])})"
    elif name == "lcm":
        yield "result", str(meta["result"])


DATASETS = [
    "basic_arithmetic",
    "chain_sum",
    "products",
    "decimal_chain_sum",
    "decimal_arithmetic",
    "fraction_simplification",
    "prime_factorization",
    "power_function",
    "number_format",
    "complex_arithmetic",
    "polynomial_equations",
    "gsm_symbolic",
    "lcm",
    "simple_equations",
]


def reasoning_gym_pairs(size: int, seed: int) -> Iterator[tuple[str, Pair, Callable[[str, dict[str, Any]], float]]]:
    import reasoning_gym as rg

    for name in DATASETS:
        ds = rg.create_dataset(name, size=size, seed=seed)
        entries = list(ds)
        for i, entry in enumerate(entries):
            gold = str(entry["answer"])
            for kind, pred in _same_value_preds(name, entry):
                yield name, (kind, gold, pred, entry), ds.score_answer
            other = str(entries[(i + 1) % len(entries)]["answer"])
            yield name, ("next problem's answer", gold, other, entry), ds.score_answer


def math_verify_test_pairs(path: str) -> Iterator[tuple[str, str, bool]]:
    """``(gold, pred, expected)`` triples from math-verify's own parametrized test file."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Tuple) or len(node.elts) != 3:
            continue
        try:
            a, b, c = (ast.literal_eval(e) for e in node.elts)
        except (ValueError, SyntaxError, TypeError):
            continue
        if isinstance(a, str) and isinstance(b, str) and isinstance(c, (int, float)) and c in (0, 1):
            yield a, b, bool(c)


def mv_judge_latex(gold: str, pred: str) -> bool:
    """math-verify on bare answers: wrapped in ``$...$`` as a final answer would be."""
    import math_verify as mv

    try:
        g = mv.parse(f"${gold}$") or mv.parse(gold)
        p = mv.parse(f"${pred}$") or mv.parse(pred)
        return bool(mv.verify(g, p))
    except Exception:
        return False


def classify(kind: str, gold: str, pred: str, ours: bool) -> str:
    """A name for why ToolGym and math-verify differ on one reasoning-gym pair (explained in the docs)."""
    from toolgym.rewards.math import parse_number
    from toolgym.rewards.math_arith import evaluate

    if re.search(r"\d[eE][+-]?\d", pred) and ours:
        return "e-notation (1.5e+08): exact value equal; math-verify does not read it"
    g = parse_number(gold)
    p = parse_number(pred)
    if p is None:
        value = evaluate(pred.replace("^{", "**(").replace("}", ")"))
        p = value if isinstance(value, Fraction) else None
    if g is not None and p is not None and ("." in gold or "e" in gold.lower()):
        if ours:
            return "decimal gold: equal at the gold's stated precision, not at math-verify's 6 places"
        return "decimal gold: differs from the exact value within the gold's stated precision"
    if kind in ("unsimplified fraction", "the number factored"):
        return f"same value, not the asked form ({kind})"
    return "other"


def classify_mv_case(pred: str, gold: str, ours: bool) -> str:
    """Why ToolGym differs from the verdict a math-verify test expects."""
    if ours:
        return "ToolGym pays what math-verify's test expects refused"
    if re.search(r"\d,\d{1,2}(?!\d)|\d,\d{4,}", pred + " " + gold):
        return "decimal comma (1000,99): read as a list, refused"
    if len(re.findall(r"[A-Za-z]{3,}", pred)) >= 3:
        return "free text without a final-answer box or tag: ToolGym scores the parsed final answer"
    if re.search(r"\\approx|=[^=]*=", pred):
        return "approximation or chained equalities: refused as a hedge"
    return "other"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=60, help="problems per dataset")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--math-verify-tests", default=None, help="path to math-verify's tests/test_all.py")
    ap.add_argument("--examples", type=int, default=2)
    ap.add_argument(
        "--rel-tol", type=float, default=0.0,
        help="judge reasoning-gym pairs as if every task declared answer_rules.rel_tol (default: none)",
    )
    args = ap.parse_args()

    from toolgym.rewards.math import AnswerRules, math_equal
    from toolgym.rewards.math_symbolic import prestart

    prestart()
    stats: dict[str, Counter[str]] = defaultdict(Counter)
    classes: dict[tuple[str, str], list[tuple[str, str, str, bool, bool, bool | None]]] = defaultdict(list)
    t_ours = 0.0
    worst = (0.0, "")
    for name, (kind, gold, pred, entry), scorer in reasoning_gym_pairs(args.size, args.seed):
        t0 = time.perf_counter()
        ours = math_equal(pred, gold, rules=AnswerRules(rel_tol=args.rel_tol))
        dt = time.perf_counter() - t0
        t_ours += dt
        worst = max(worst, (dt, pred))
        mv = mv_judge_latex(gold, pred)
        try:
            rgv: bool | None = scorer(pred, entry) >= 0.99
        except Exception:
            rgv = None
        s = stats[name]
        s["pairs"] += 1
        s["ours=mv"] += ours == mv
        if rgv is not None:
            s["rg scored"] += 1
            s["ours=rg"] += ours == rgv
            s["mv=rg"] += mv == rgv
        if ours != mv:
            cls = classify(kind, gold, pred, ours)
            classes[(cls, f"ours={int(ours)} mv={int(mv)}")].append((name, gold, pred, ours, mv, rgv))

    total = Counter()
    print(f"{'dataset':26} {'pairs':>5} {'ours=mv':>8} {'ours=rg':>8} {'mv=rg':>8}")
    for name, s in stats.items():
        total.update(s)
        rgn = max(s["rg scored"], 1)
        print(
            f"{name:26} {s['pairs']:5d} {s['ours=mv'] / s['pairs']:8.1%} "
            f"{s['ours=rg'] / rgn:8.1%} {s['mv=rg'] / rgn:8.1%}"
        )
    rgn = max(total["rg scored"], 1)
    print(
        f"{'ALL reasoning-gym':26} {total['pairs']:5d} {total['ours=mv'] / total['pairs']:8.1%} "
        f"{total['ours=rg'] / rgn:8.1%} {total['mv=rg'] / rgn:8.1%}"
    )
    print(f"ours: {t_ours / max(total['pairs'], 1) * 1000:.2f} ms/pair mean, slowest {worst[0] * 1000:.1f} ms ({worst[1][:40]!r})")
    print("\ndisagreements ours vs math-verify, by class (rg = the dataset's own scorer):")
    for (cls, verdicts), rows in sorted(classes.items(), key=lambda kv: -len(kv[1])):
        print(f"  [{len(rows):3d}] {cls} ({verdicts})")
        for name, gold, pred, ours, mv, rgv in rows[: args.examples]:
            print(f"        {name}: gold={gold!r} pred={pred!r} rg={rgv}")

    if args.math_verify_tests:
        cases = list(math_verify_test_pairs(args.math_verify_tests))
        agree_expected = 0
        from toolgym.parsers.answers import extract_answers

        def final(text: str) -> str:  # what a ToolGym parser hands the reward: the last answer
            answers, _ = extract_answers(text)
            return answers[-1] if answers else text

        by_class: dict[str, list[tuple[str, str, bool]]] = defaultdict(list)
        slowest = 0.0
        for gold, pred, expected in cases:
            t0 = time.perf_counter()
            ours = math_equal(final(pred), final(gold))
            slowest = max(slowest, time.perf_counter() - t0)
            agree_expected += ours == expected
            if ours != expected:
                by_class[classify_mv_case(final(pred), final(gold), ours)].append((gold, pred, ours))
        print(f"\nmath-verify's own test cases ({args.math_verify_tests}): {len(cases)}; ToolGym agrees "
              f"with the expected verdict on {agree_expected}/{len(cases)} = {agree_expected / max(len(cases), 1):.1%}; "
              f"slowest check {slowest * 1000:.0f} ms")
        for cls, rows in sorted(by_class.items(), key=lambda kv: -len(kv[1])):
            print(f"  [{len(rows):3d}] {cls}")
            for gold, pred, ours in rows[: args.examples]:
                print(f"        ours={int(ours)} gold={gold[:50]!r} pred={pred[:70]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
