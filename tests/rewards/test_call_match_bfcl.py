"""Agreement of :func:`toolgym.rewards.call_match.match_calls` with bfcl-eval's own AST checker.

For every case of BFCL's simple, multiple, parallel and parallel-multiple categories (read from
the installed ``bfcl-eval`` package at run time) this builds the reference calls (first acceptable
value of each argument) and perturbed calls of eleven kinds, then asks both checkers. The figure per
category and per perturbation kind is printed by

    python -m tests.rewards.test_call_match_bfcl

and the test asserts >= 99% agreement overall and per category. Every case is used (1,000 cases,
about 30,000 call lists); the oracle is bfcl-eval's ``ast_checker`` imported as is.
"""

from __future__ import annotations

import copy
import json
import random
import time
from collections import Counter, defaultdict
from typing import Any

import pytest

from toolgym.rewards.call_match import OMITTED, answer_parts, find_function, match_calls, reference_arguments

bfcl_checker = pytest.importorskip("bfcl_eval.eval_checker.ast_eval.ast_checker", reason="needs bfcl-eval: bash tests/install_oracles.sh")
from bfcl_eval.constants.enums import Language  # noqa: E402

from toolgym_envs.bfcl.data import DEFAULT_CATEGORIES, LIVE_CATEGORIES, CATEGORIES, load_category  # noqa: E402

#: A model whose function names bfcl-eval compares as written (no "." -> "_" rewriting).
ORACLE_MODEL = "gorilla-openfunctions-v2"
KINDS = (
    "reference", "alternative_values", "wrong_name", "extra_argument", "missing_argument", "wrong_type",
    "wrong_value", "case_spacing", "dropped_call", "duplicated_call", "reordered_calls",
)

Calls = list[tuple[str, dict[str, Any]]]
#: Perturbed call lists per case and kind (each from its own seeded RNG).
VARIANTS = 3


def oracle(case, calls: Calls) -> bool:
    """bfcl-eval's verdict (an exception inside it counts as a rejection)."""
    output = [{name: copy.deepcopy(args)} for name, args in calls]
    try:
        result = bfcl_checker.ast_checker(
            copy.deepcopy(list(case.functions)), output, copy.deepcopy(list(case.answers)),
            Language.PYTHON, CATEGORIES[case.category], ORACLE_MODEL,
        )
    except Exception:  # noqa: BLE001
        return False
    return bool(result["valid"])


# ------------------------------------------------------------------------------- perturbations
def reference_calls(case) -> Calls:
    """The library's reference calls (first acceptable value per argument, nested golds resolved)."""
    return [(name, reference_arguments(find_function(case.functions, name), params))
            for name, params in map(answer_parts, case.answers)]


def _spec(case, name: str, param: str) -> dict[str, Any]:
    doc = find_function(case.functions, name) or {}
    return (doc.get("parameters") or {}).get("properties", {}).get(param, {})


def _retype(value: Any, rng: random.Random) -> Any:
    if isinstance(value, bool):
        return rng.choice([int(value), str(value).lower(), [value]])
    if isinstance(value, int):
        return rng.choice([float(value), str(value), [value], bool(value % 2)])
    if isinstance(value, float):
        return rng.choice([int(value), str(value), [value]])
    if isinstance(value, str):
        return rng.choice([len(value), [value], {"value": value}, float(len(value))])
    if isinstance(value, list):
        if value and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            return rng.choice([[float(v) for v in value], json.dumps(value)])
        if value and all(isinstance(v, float) for v in value):
            return rng.choice([[int(v) for v in value], json.dumps(value)])
        return rng.choice([json.dumps(value), {"items": value}, value[0] if value else 0])
    if isinstance(value, dict):
        return rng.choice([json.dumps(value), list(value.values()), list(value)])
    return "x"


def _revalue(value: Any, rng: random.Random) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + rng.choice([1, -1, 10])
    if isinstance(value, float):
        return value + rng.choice([0.5, 1.0, -0.25])
    if isinstance(value, str):
        return rng.choice([value + " extra", "other", value[: len(value) // 2], ""])
    if isinstance(value, list):
        if not value:
            return ["item"]
        return rng.choice([value[:-1], value + value[-1:], value[::-1], [_revalue(value[0], rng)] + value[1:]])
    if isinstance(value, dict):
        if not value:
            return {"key": "value"}
        out = dict(value)
        k = rng.choice(sorted(out))
        if rng.random() < 0.3:
            out.pop(k)
        else:
            out[k] = _revalue(out[k], rng)
        return out
    return "x"


def _restyle(text: str, rng: random.Random) -> str:
    variants = [
        text.upper(), text.swapcase(), text.replace(" ", ""), text.replace(" ", "  "), text.replace(" ", "_"),
        text.replace(" ", "-"), f" {text} ", text + ".", text.replace("'", '"'), text.title(), text.replace(",", ""),
        text.replace(" ", "\t"), text + "!",
    ]
    return rng.choice(variants)


def _restyle_value(value: Any, rng: random.Random) -> tuple[Any, bool]:
    if isinstance(value, str):
        return _restyle(value, rng), True
    if isinstance(value, list) and any(isinstance(v, str) for v in value):
        return [_restyle(v, rng) if isinstance(v, str) else v for v in value], True
    if isinstance(value, dict) and any(isinstance(v, str) for v in value.values()):
        return {k: _restyle(v, rng) if isinstance(v, str) else v for k, v in value.items()}, True
    return value, False


def _one_param(calls: Calls, rng: random.Random, want=lambda v: True) -> tuple[int, str] | None:
    spots = [(i, p) for i, (_, args) in enumerate(calls) for p, v in args.items() if want(v)]
    return rng.choice(spots) if spots else None


def perturb(case, kind: str, rng: random.Random) -> Calls | None:
    """One perturbed call list of ``kind`` for ``case`` (None when the kind does not apply)."""
    calls = reference_calls(case)
    if kind == "reference":
        return calls
    if kind == "alternative_values":
        out = []
        for answer in case.answers:
            name, params = answer_parts(answer)
            args = {}
            for p, values in params.items():
                v = rng.choice(values)
                if not (type(v) is str and v == OMITTED):
                    args[p] = copy.deepcopy(v)
            out.append((name, args))
        return out
    if kind == "wrong_name":
        i = rng.randrange(len(calls))
        name, args = calls[i]
        others = [d["name"] for d in case.functions if d["name"] != name]
        options = [name + "_v2", name.upper(), name.replace(".", "_"), name[:-1]] + others
        calls[i] = (rng.choice([o for o in options if o != name]), args)
        return calls
    if kind == "extra_argument":
        i = rng.randrange(len(calls))
        name, args = calls[i]
        props = (find_function(case.functions, name) or {}).get("parameters", {}).get("properties", {})
        unused = [p for p in props if p not in args]
        if unused and rng.random() < 0.6:
            p = rng.choice(unused)
            default = props[p].get("default")
            args[p] = default if default is not None else {"integer": 1, "float": 1.0, "boolean": True}.get(props[p].get("type"), "x")
        else:
            args["unknown_arg"] = rng.choice([1, "x", True])
        return calls
    if kind == "missing_argument":
        spot = _one_param(calls, rng)
        if spot is None:
            return None
        i, p = spot
        calls[i][1].pop(p)
        return calls
    if kind == "wrong_type":
        spot = _one_param(calls, rng)
        if spot is None:
            return None
        i, p = spot
        calls[i][1][p] = _retype(calls[i][1][p], rng)
        return calls
    if kind == "wrong_value":
        spot = _one_param(calls, rng)
        if spot is None:
            return None
        i, p = spot
        calls[i][1][p] = _revalue(calls[i][1][p], rng)
        return calls
    if kind == "case_spacing":
        spot = _one_param(calls, rng, lambda v: _restyle_value(v, rng)[1])
        if spot is None:
            return None
        i, p = spot
        calls[i][1][p] = _restyle_value(calls[i][1][p], rng)[0]
        return calls
    if kind == "dropped_call":
        calls.pop(rng.randrange(len(calls)))
        return calls
    if kind == "duplicated_call":
        i = rng.randrange(len(calls))
        calls.insert(rng.randrange(len(calls) + 1), copy.deepcopy(calls[i]))
        return calls
    if kind == "reordered_calls":
        if len(calls) < 2:
            return None
        shuffled = calls[:]
        while shuffled == calls:
            rng.shuffle(shuffled)
        return shuffled
    raise ValueError(kind)


def measure(categories=DEFAULT_CATEGORIES, variants: int = VARIANTS) -> dict[str, Any]:
    """Both checkers on every case x kind; agreement per category, per kind, and the disagreements."""
    per_cat: dict[str, Counter] = defaultdict(Counter)
    per_kind: dict[str, Counter] = defaultdict(Counter)
    disagreements = []
    for category in categories:
        for case in load_category(category):
            try:
                reference_calls(case)
            except ValueError:  # a gold that no call satisfies (some live cases): not measurable
                per_cat[category]["unsatisfiable"] += 1
                continue
            for kind in KINDS:
                for v in range(variants):
                    rng = random.Random(f"{case.id}/{kind}/{v}")
                    calls = perturb(case, kind, rng)
                    if calls is None:
                        continue
                    ours = match_calls(calls, case.functions, case.answers).ok
                    theirs = oracle(case, calls)
                    agree = ours == theirs
                    for counter in (per_cat[category], per_kind[kind]):
                        counter["n"] += 1
                        counter["agree"] += agree
                        counter["bfcl_valid"] += theirs
                    if not agree:
                        disagreements.append((case.id, kind, calls, ours, theirs))
    return {"per_category": per_cat, "per_kind": per_kind, "disagreements": disagreements}


def report(result: dict[str, Any]) -> str:
    lines = [f"{'':22} {'cases':>6} {'agree':>7} {'BFCL valid':>10}"]
    for title, table in (("category", result["per_category"]), ("perturbation", result["per_kind"])):
        lines.append(f"-- by {title}")
        for key, c in table.items():
            extra = f"  ({c['unsatisfiable']} unsatisfiable golds skipped)" if c["unsatisfiable"] else ""
            lines.append(f"{key:22} {c['n']:>6} {100 * c['agree'] / c['n']:>6.2f}% {c['bfcl_valid']:>10}{extra}")
    total = Counter()
    for c in result["per_category"].values():
        total.update(c)
    lines.append(f"{'all':22} {total['n']:>6} {100 * total['agree'] / total['n']:>6.2f}% {total['bfcl_valid']:>10}")
    for d in result["disagreements"][:20]:
        lines.append(f"disagree: {d[0]} {d[1]} ours={d[3]} bfcl={d[4]} calls={json.dumps(d[2])[:300]}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def measured():
    return measure()


def test_agreement_with_bfcl_checker_is_at_least_99_percent(measured):
    total = Counter()
    for category, c in measured["per_category"].items():
        assert c["agree"] / c["n"] >= 0.99, (category, report(measured))
        total.update(c)
    assert total["n"] >= 25_000
    assert total["agree"] / total["n"] >= 0.99, report(measured)


def test_the_perturbations_exercise_both_verdicts(measured):
    # A measurement where BFCL accepts (or rejects) everything would prove nothing.
    for kind in ("reference", "alternative_values", "case_spacing", "reordered_calls"):
        c = measured["per_kind"][kind]
        assert c["bfcl_valid"] > 0.5 * c["n"], kind
    for kind in ("wrong_name", "extra_argument", "dropped_call", "duplicated_call", "wrong_value"):
        c = measured["per_kind"][kind]
        assert c["bfcl_valid"] < 0.2 * c["n"], kind


def test_every_reference_call_list_matches(measured):
    c = measured["per_kind"]["reference"]
    assert c["bfcl_valid"] == c["n"] == c["agree"]


if __name__ == "__main__":
    start = time.perf_counter()
    result = measure()
    print(report(result))
    print(f"({time.perf_counter() - start:.1f} s)")
    live = measure(LIVE_CATEGORIES)
    print("\nlive categories (reported, not asserted):")
    print(report(live))
