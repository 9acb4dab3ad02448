"""Tool-call rewards for call-graded tasks: the strict match, and ToolRL-style partial credit.

The gold is BFCL's format (see :mod:`toolgym.rewards.call_match`), stored in ``task.gold`` as
``{"functions": [...], "answers": [...]}``. The calls scored are every call of the episode, in
order (a malformed call counts, with no name), so a policy cannot hide a wrong call among turns.

* :class:`CallMatchReward`: 1.0 when the calls match the answers exactly (BFCL's AST rules), else 0.
* ToolRL-style parts (Qian et al. 2025, "ToolRL: Reward is All Tool Learning Needs",
  arXiv 2504.13958), each in [0, 1] and logged as its own rubric component
  (:func:`toolrl_components`, weights configurable):

  - ``call_format``: every turn parsed cleanly, at least one call, every call well-formed and
    naming one of the task's functions;
  - ``tool_names``: multiset Jaccard of the called names and the expected names;
  - ``param_names``: per paired call, ``hits / (hits + missing + unexpected)`` over parameter
    names (a parameter whose gold accepts ``""`` is not missing when left out), summed over pairs
    and divided by ``max(#expected, #called)``;
  - ``param_values``: per paired call, the share of the expected parameters whose value is
    acceptable (or rightly left out), summed and divided the same way.

  Calls pair only with expected calls of the same name, in the pairing that maximizes
  ``param_names + param_values``. ToolRL's own scale (format 0/1 plus correctness in [-3, 3]) is a
  choice of weights here; dividing by ``max(#expected, #called)`` makes extra calls cost.

>>> from toolgym.rewards.base import Rubric
>>> rubric = Rubric([Component("correct", CallMatchReward(), 1.0), *toolrl_components()])
>>> sorted(rubric.weights.items())
[('call_format', 0.0), ('correct', 1.0), ('param_names', 0.0), ('param_values', 0.0), ('tool_names', 0.0)]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from toolgym.errors import RewardError
from toolgym.rewards.base import Component
from toolgym.rewards.call_match import (
    OMITTED,
    answer_parts,
    call_parts,
    check_value,
    find_function,
    match_calls,
)
from toolgym.types import ToolCall, Trajectory

if TYPE_CHECKING:
    from toolgym.tasks.model import Task

#: The ToolRL parts, in the order they are reported.
TOOLRL_PARTS = ("call_format", "tool_names", "param_names", "param_values")
#: Pairing is exact up to this many expected calls (bitmask search); beyond it, greedy.
_EXACT_PAIRING_LIMIT = 8
#: Calls beyond this many are counted but never paired (they can only lower the scores).
_MAX_PAIRED_CALLS = 64


@dataclass(frozen=True)
class ToolRLScores:
    """The four ToolRL parts of one episode, each in [0, 1]."""

    call_format: float
    tool_names: float
    param_names: float
    param_values: float

    def as_dict(self) -> dict[str, float]:
        return {p: getattr(self, p) for p in TOOLRL_PARTS}


def call_gold(task: "Task") -> tuple[list[Mapping[str, Any]], list[Mapping[str, Any]]]:
    """``(functions, answers)`` of a call-graded task (``task.gold``), or :class:`RewardError`."""
    gold = task.gold
    if not isinstance(gold, Mapping) or not isinstance(gold.get("functions"), list) or not isinstance(
        gold.get("answers"), list
    ):
        raise RewardError(f"task {task.id!r} has no call gold ({{'functions': [...], 'answers': [...]}})")
    return gold["functions"], gold["answers"]


def episode_calls(trajectory: Trajectory) -> list[ToolCall]:
    """Every call of the episode in order, malformed ones included."""
    return [c for turn in trajectory.turns for c in turn.parse.calls]


class CallMatchReward:
    """1.0 when the episode's calls match the task's answers exactly (BFCL's rules), else 0.0."""

    def __call__(self, task: "Task", trajectory: Trajectory) -> float:
        functions, answers = call_gold(task)
        try:
            return float(match_calls(episode_calls(trajectory), functions, answers).ok)
        except ValueError as exc:  # a gold that names no function: our data's fault
            raise RewardError(f"task {task.id!r}: {exc}") from exc


def toolrl_scores(
    calls: Sequence[Any], functions: Sequence[Mapping[str, Any]], answers: Sequence[Mapping[str, Any]], format_ok: bool
) -> ToolRLScores:
    """The ToolRL parts for ``calls`` against ``answers`` (see the module docstring)."""
    got = [call_parts(c) for c in calls]
    wanted = [answer_parts(a) for a in answers]
    offered = {d.get("name") for d in functions if isinstance(d, Mapping)}
    well_formed = bool(got) and all(name and name in offered for name, _ in got)
    call_format = float(format_ok and well_formed)

    names_got, names_wanted = Counter(n for n, _ in got), Counter(n for n, _ in wanted)
    union = sum((names_got | names_wanted).values())
    tool_names = sum((names_got & names_wanted).values()) / union if union else 1.0

    size = max(len(got), len(wanted))
    if size == 0:
        return ToolRLScores(call_format, tool_names, 1.0, 1.0)
    pair_scores: dict[tuple[int, int], tuple[float, float]] = {}
    for i, (name, accepted) in enumerate(wanted):
        doc = find_function(functions, name) or {"name": name}
        for j, (called, args) in enumerate(got[:_MAX_PAIRED_CALLS]):
            if called == name:
                pair_scores[(i, j)] = _pair_scores(doc, accepted, args)
    pairs = _best_pairing(len(wanted), min(len(got), _MAX_PAIRED_CALLS), pair_scores)
    param_names = sum(pair_scores[p][0] for p in pairs) / size
    param_values = sum(pair_scores[p][1] for p in pairs) / size
    return ToolRLScores(call_format, tool_names, param_names, param_values)


class ToolRLPart:
    """One ToolRL part as a reward function ``(task, trajectory) -> float``."""

    def __init__(self, part: str) -> None:
        if part not in TOOLRL_PARTS:
            raise RewardError(f"unknown ToolRL part {part!r}; known: {TOOLRL_PARTS}")
        self.part = part

    def __call__(self, task: "Task", trajectory: Trajectory) -> float:
        functions, answers = call_gold(task)
        scores = toolrl_scores(episode_calls(trajectory), functions, answers, trajectory.format_ok)
        return getattr(scores, self.part)


def toolrl_components(weights: Mapping[str, float] | None = None) -> list[Component]:
    """The four ToolRL parts as rubric components; weights default to 0 (logged, not paid).

    >>> [(c.name, c.weight) for c in toolrl_components({"param_values": 0.5})][-1]
    ('param_values', 0.5)
    """
    weights = dict(weights or {})
    unknown = set(weights) - set(TOOLRL_PARTS)
    if unknown:
        raise RewardError(f"unknown ToolRL parts {sorted(unknown)}; known: {TOOLRL_PARTS}")
    return [Component(p, ToolRLPart(p), float(weights.get(p, 0.0))) for p in TOOLRL_PARTS]


# ---------------------------------------------------------------------------------- internals
def _pair_scores(doc: Mapping[str, Any], accepted: Mapping[str, Any], args: Any) -> tuple[float, float]:
    """``(param_names, param_values)`` of one call paired with one expected call."""
    if not isinstance(args, Mapping):
        return 0.0, 0.0
    properties = (doc.get("parameters") or {}).get("properties") or {}
    expected = set(accepted)
    optional = {k for k, v in accepted.items() if isinstance(v, list) and OMITTED in [x for x in v if type(x) is str]}
    given = set(args)
    hits = len(given & expected)
    missing = len(expected - optional - given)
    unexpected = len(given - expected)
    denominator = hits + missing + unexpected
    names = hits / denominator if denominator else 1.0
    if not expected:
        return names, 1.0 if not given else 0.0
    right = 0
    for key, values in accepted.items():
        if key not in args:
            right += key in optional
        elif key in properties and check_value(args[key], properties[key], values) is None:
            right += 1
    return names, right / len(expected)


def _best_pairing(n_wanted: int, n_got: int, scores: dict[tuple[int, int], tuple[float, float]]) -> list[tuple[int, int]]:
    """The one-to-one pairing of expected calls with calls that maximizes the summed scores."""
    if not scores:
        return []
    value = {p: s[0] + s[1] for p, s in scores.items()}
    if n_wanted > _EXACT_PAIRING_LIMIT:
        pairs, used_i, used_j = [], set(), set()
        for (i, j) in sorted(value, key=lambda p: -value[p]):
            if i not in used_i and j not in used_j:
                pairs.append((i, j))
                used_i.add(i)
                used_j.add(j)
        return pairs
    # best[mask] = (score, pairs) over the calls seen so far, mask = expected calls already used.
    best: dict[int, tuple[float, list[tuple[int, int]]]] = {0: (0.0, [])}
    for j in range(n_got):
        nxt = dict(best)
        for mask, (total, pairs) in best.items():
            for i in range(n_wanted):
                if mask >> i & 1 or (i, j) not in value:
                    continue
                cand = (total + value[(i, j)], pairs + [(i, j)])
                key = mask | 1 << i
                if key not in nxt or cand[0] > nxt[key][0]:
                    nxt[key] = cand
        best = nxt
    return max(best.values(), key=lambda x: x[0])[1]
