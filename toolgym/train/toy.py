"""A tiny tool-use task that a CPU-sized model can learn: add two small numbers with a tool.

Each episode asks ``What is a + b?``; the intended solution is one ``calc`` call in the Search-R1
tag format (``<calc>a + b</calc>``), then the answer copied from the tool's result
(``<result>…</result>`` → ``<answer>…</answer>``). The reward pays 1 for the right answer and,
with ``arguments_weight``, ToolRL-style partial credit for calling the tool with the question's
expression. The task exists to exercise the whole training stack (token mode, async rollouts, SFT
warm start, GRPO) in minutes on a CPU; it is not a benchmark.
"""

from __future__ import annotations

import random
import re

from toolgym.env import ToolEnv
from toolgym.parsers.xml import XMLTagParser
from toolgym.rewards.base import Component, Rubric
from toolgym.tasks import Task, TaskSet
from toolgym.tools import tool
from toolgym.types import Trajectory

PREAMBLE = "Add with the calc tool, then answer."
#: The system prompt with ``short_prompt=True``: the tool's tag and the answer tag, no JSON schema.
#: A model of a few hundred thousand parameters learns to copy operands far faster from a short
#: prompt; the full prompt (``short_prompt=False``) is what a real model would get.
SHORT_SYSTEM_PROMPT = "Use <calc>a + b</calc>, then give the <answer>."
_SUM = re.compile(r"\s*(-?\d+)\s*\+\s*(-?\d+)\s*")


@tool
def calc(expression: str) -> str:
    """Add two integers.

    Args:
        expression: the sum to compute, written as ``a + b``
    """
    m = _SUM.fullmatch(expression)
    if m is None:
        return "Error: write the expression as a + b with two integers."
    return str(int(m.group(1)) + int(m.group(2)))


def exact_answer(task: Task, trajectory: Trajectory) -> float:
    """1.0 when the final answer is the gold sum, else 0.0."""
    answer = trajectory.final_answer
    return float(answer is not None and answer.strip() == task.answer)


def argument_match(task: Task, trajectory: Trajectory) -> float:
    """ToolRL-style partial credit: the fraction of the reference call's arguments that the
    episode's first tool call got right (0.0 without a call)."""
    calls = [c for turn in trajectory.turns for c in turn.parse.calls]
    if not calls or not task.reference or not task.reference[0].tool_calls:
        return 0.0
    gold = task.reference[0].tool_calls[0].arguments
    return sum(calls[0].arguments.get(k) == v for k, v in gold.items()) / len(gold)


def add_tasks(n: int = 100, max_operand: int = 9, seed: int = 0) -> TaskSet:
    """``n`` distinct-when-possible ``a + b`` tasks with operands in ``[0, max_operand]``."""
    rng = random.Random(seed)
    pairs = [(a, b) for a in range(max_operand + 1) for b in range(max_operand + 1)]
    rng.shuffle(pairs)
    chosen = [pairs[i % len(pairs)] for i in range(n)]
    return TaskSet(
        Task.from_dict(
            {
                "id": f"add-{i}",
                "env": "toy-add",
                "question": f"What is {a} + {b}?",
                "split": "train",
                "tools": ["calc"],
                "answer": str(a + b),
                "reference": {
                    "turns": [
                        {"tool_calls": [{"name": "calc", "arguments": {"expression": f"{a} + {b}"}}]},
                        {"answer": str(a + b)},
                    ]
                },
            }
        )
        for i, (a, b) in enumerate(chosen)
    )


class AddToolEnv(ToolEnv):
    """The toy task as a ToolEnv: ``<calc>`` calls, ``<result>`` observations, ``<answer>`` tags."""

    def __init__(
        self,
        *,
        n_tasks: int = 100,
        max_operand: int = 9,
        seed: int = 0,
        max_turns: int = 3,
        short_prompt: bool = True,
        arguments_weight: float = 0.0,
    ) -> None:
        super().__init__(
            add_tasks(n_tasks, max_operand, seed),
            [calc],
            parser=XMLTagParser({"calc": ("calc", "expression")}, result_tag="result"),
            rubric=Rubric(
                [Component("correct", exact_answer, 1.0), Component("arguments", argument_match, arguments_weight)]
            ),
            preamble=PREAMBLE,
            max_turns=max_turns,
            max_tool_calls=2,
        )
        if short_prompt:
            self.system_prompt = SHORT_SYSTEM_PROMPT
