"""QA rewards: normalized exact match and token F1 (SQuAD's normalization), and the OTC efficiency term.

Normalization lowercases, drops punctuation and the articles *a*, *an*, *the*, and collapses
whitespace, so ``"The Vrenta River."`` matches ``"vrenta river"``. Gold answers come from
``task.gold["answers"]`` (several aliases allowed) or ``task.answer``; the prediction is the episode's
final answer (the last ``<answer>`` in Search-R1's format).
"""

from __future__ import annotations

import re
import string
from collections import Counter
from typing import TYPE_CHECKING, Sequence

from toolgym.errors import RewardError
from toolgym.rewards.efficiency import otc_tool_reward
from toolgym.types import Trajectory

if TYPE_CHECKING:
    from toolgym.tasks.model import Task

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCT = str.maketrans("", "", string.punctuation)


def normalize_answer(text: str) -> str:
    """Lowercase, strip punctuation and articles, collapse whitespace."""
    text = text.lower().translate(_PUNCT)
    return " ".join(_ARTICLES.sub(" ", text).split())


def exact_match(prediction: str, golds: Sequence[str]) -> float:
    """1.0 when the normalized prediction equals any normalized gold answer."""
    pred = normalize_answer(prediction)
    return float(any(pred == normalize_answer(g) for g in golds))


def token_f1(prediction: str, golds: Sequence[str]) -> float:
    """The best token-level F1 between the prediction and any gold answer."""
    pred = normalize_answer(prediction).split()
    best = 0.0
    for gold in golds:
        ref = normalize_answer(gold).split()
        if not pred or not ref:
            best = max(best, float(pred == ref))
            continue
        common = sum((Counter(pred) & Counter(ref)).values())
        if common:
            precision, recall = common / len(pred), common / len(ref)
            best = max(best, 2 * precision * recall / (precision + recall))
    return best


def gold_answers(task: "Task") -> list[str]:
    """The task's accepted answers: ``gold['answers']``, else ``[task.answer]``."""
    gold = task.gold if isinstance(task.gold, dict) else {}
    answers = gold.get("answers") or ([task.answer] if task.answer is not None else [])
    if not answers or not all(isinstance(a, str) for a in answers):
        raise RewardError(f"task {task.id!r} has no gold answers")
    return list(answers)


def _prediction(trajectory: Trajectory) -> str | None:
    answer = trajectory.final_answer
    return answer if isinstance(answer, str) else None


class ExactMatchReward:
    """Normalized exact match of the final answer (Search-R1's outcome reward)."""

    def __call__(self, task: "Task", trajectory: Trajectory) -> float:
        pred = _prediction(trajectory)
        return 0.0 if pred is None else exact_match(pred, gold_answers(task))


class F1Reward:
    """Token F1 of the final answer against the best gold answer."""

    def __call__(self, task: "Task", trajectory: Trajectory) -> float:
        pred = _prediction(trajectory)
        return 0.0 if pred is None else token_f1(pred, gold_answers(task))


class OTCReward:
    """OTC efficiency (see :mod:`toolgym.rewards.efficiency`) paid on exact-match answers.

    ``r = r_tool(m, n) * EM``, with ``m`` the episode's tool calls and ``n`` the optimal number of
    calls. Per episode the group optimum of OTC-GRPO is unknown, so ``n`` is the task's number of
    gold hops (``len(gold['hops'])``): the searches the task needs. Trainers with groups can use
    :func:`toolgym.rewards.efficiency.otc_group_rewards` instead.
    """

    def __init__(self, c: float = 1.0) -> None:
        self.c = c

    def __call__(self, task: "Task", trajectory: Trajectory) -> float:
        correct = ExactMatchReward()(task, trajectory)
        if correct == 0.0:
            return 0.0
        gold = task.gold if isinstance(task.gold, dict) else {}
        n = len(gold.get("hops", []))
        return otc_tool_reward(trajectory.num_tool_calls, n, self.c) * correct
