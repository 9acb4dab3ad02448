"""Shared fixtures: a tiny task set and a tool-only env that needs no sandbox."""

from __future__ import annotations

import pytest

from toolgym.env import ToolEnv
from toolgym.rewards.base import Component, Rubric
from toolgym.tasks import Task, TaskSet
from toolgym.tools import tool
from toolgym.types import Trajectory


@tool
def add(a: int, b: int) -> int:
    """Add two integers.

    Args:
        a: the first addend
        b: the second addend
    """
    return a + b


def exact(task: Task, traj: Trajectory) -> float:
    return 1.0 if traj.final_answer is not None and traj.final_answer.strip() == task.answer else 0.0


def make_task(i: int, a: int, b: int) -> Task:
    return Task.from_dict(
        {
            "id": f"add-{i}",
            "env": "test",
            "question": f"What is {a} + {b}?",
            "split": "test",
            "tools": ["add"],
            "answer": str(a + b),
            "reference": {
                "turns": [
                    {"tool_calls": [{"name": "add", "arguments": {"a": a, "b": b}}]},
                    {"answer": str(a + b)},
                ]
            },
        }
    )


@pytest.fixture
def add_tasks() -> TaskSet:
    return TaskSet(make_task(i, i * 7, i * 11) for i in range(5))


@pytest.fixture
def add_env(add_tasks: TaskSet) -> ToolEnv:
    env = ToolEnv(add_tasks, [add], rubric=Rubric([Component("correct", exact, 1.0)]), max_turns=4)
    yield env
    env.close()
