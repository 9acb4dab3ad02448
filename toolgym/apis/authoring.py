"""Writing customer-service tasks: :class:`TaskBuilder` assembles a task record as a dialogue.

A generator describes the conversation once, in order: what the agent says (``say``), which
tools it calls (``call``), what the user knows and when they say it (``fact``), what the user
wants done (``goal``) and must be told (``output``). The builder turns that into a record that
validates against ``task.schema.json``: ``reference.turns`` (the agent's side, replayable by the
reference agent), ``gold.actions`` (every call, replayed for the reward), ``gold.outputs`` and
``gold.user`` (the :class:`~toolgym.users.scripted.UserScript` for the simulated user).
"""

from __future__ import annotations

import random
from typing import Any


class TaskBuilder:
    """Accumulates one task's dialogue, gold actions and user script."""

    def __init__(self, task_id: str, env: str, question: str, tools: list[str], instruction: str) -> None:
        self.task_id, self.env, self.question, self.tools = task_id, env, question, tools
        self.instruction = instruction
        self.turns: list[dict[str, Any]] = []
        self.actions: list[dict[str, Any]] = []
        self.facts: list[dict[str, Any]] = []
        self.goals: list[list[str]] = []
        self.outputs: list[str] = []
        self.nudges: list[str] = []
        self.confirm = True

    def say(self, text: str) -> "TaskBuilder":
        """The agent writes ``text`` to the user (one reference turn)."""
        self.turns.append({"answer": text})
        return self

    def call(self, name: str, **arguments: Any) -> "TaskBuilder":
        """The agent calls a tool (one reference turn, one gold action)."""
        if name not in self.tools:
            raise ValueError(f"{self.task_id}: tool {name!r} is not in the task's tool list")
        self.turns.append({"tool_calls": [{"name": name, "arguments": arguments}]})
        self.actions.append({"name": name, "arguments": arguments})
        return self

    def fact(self, say: str, *when: str) -> "TaskBuilder":
        """The user says ``say`` when a question of the agent contains any of ``when``."""
        self.facts.append({"say": say, "when": list(when)})
        return self

    def goal(self, *cues: str) -> "TaskBuilder":
        """The user is not done until the agent's replies contain one of ``cues``."""
        self.goals.append(list(cues))
        return self

    def output(self, value: str) -> "TaskBuilder":
        """The agent must tell the user ``value`` (checked by the reward)."""
        self.outputs.append(value)
        return self

    def nudge(self, text: str) -> "TaskBuilder":
        """What the user says when the agent neither asks nor finishes (in order)."""
        self.nudges.append(text)
        return self

    def record(self, split: str, metadata: dict[str, Any]) -> dict[str, Any]:
        """The task record (validate it with :meth:`toolgym.tasks.Task.from_dict`)."""
        return {
            "id": self.task_id,
            "env": self.env,
            "question": self.question,
            "split": split,
            "tools": self.tools,
            "gold": {
                "actions": self.actions,
                "outputs": self.outputs,
                "user": {
                    "instruction": self.instruction,
                    "facts": self.facts,
                    "confirm": self.confirm,
                    "goals": self.goals,
                    "nudges": self.nudges,
                },
            },
            "reward": {"correct": 1.0},
            "reference": {"turns": self.turns},
            "metadata": metadata,
        }


def stratified_test_set(kinds: list[str], rng: random.Random, fraction: float = 0.2) -> set[int]:
    """Indices of the test split: ``fraction`` of each kind (at least one), drawn with ``rng``.

    Stratifying keeps every kind of task in both splits, so test scores cover the whole domain.
    """
    by_kind: dict[str, list[int]] = {}
    for i, kind in enumerate(kinds):
        by_kind.setdefault(kind, []).append(i)
    test: set[int] = set()
    for kind in sorted(by_kind):
        members = by_kind[kind]
        rng.shuffle(members)
        test.update(members[: max(1, round(len(members) * fraction))])
    return test
