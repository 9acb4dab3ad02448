"""``ToolGym/Custom-v0``: an env made from your tasks, plain Python functions as tools and any callable
as the reward, with no subclass.

>>> import gymnasium as gym
>>> import toolgym
>>> def lookup_capital(country: str) -> str:
...     "The capital city of a country."
...     return {"France": "Paris", "Japan": "Tokyo"}.get(country, "unknown")
>>> env = gym.make("ToolGym/Custom-v0", tools=[lookup_capital],
...                tasks=[{"id": "fr", "question": "What is the capital of France?", "answer": "Paris"}])
>>> obs, info = env.reset(seed=0)
>>> obs, reward, terminated, truncated, info = env.step(
...     '<tool_call>{"name": "lookup_capital", "arguments": {"country": "France"}}</tool_call>')
>>> env.step("<answer>Paris</answer>")[1:3]
(1.0, True)

With no arguments it is a two-tool arithmetic demo whose tasks carry reference solutions.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from toolgym.env import DEFAULT_PREAMBLE, ToolEnv
from toolgym.families import EnvSpec
from toolgym.parsers import ToolCallParser
from toolgym.rewards.base import Component, RewardResult, Rubric, tool_call_count
from toolgym.tasks import Task, TaskSet, load_tasks
from toolgym.tools import FunctionTool, Tool
from toolgym.types import Trajectory

#: ``reward(task, trajectory) -> float`` (a :class:`~toolgym.rewards.base.Rubric` also fits).
RewardCallable = Callable[[Task, Trajectory], float]


def normalize(text: str | None) -> str:
    """Case- and whitespace-insensitive form of an answer (``" Paris. "`` -> ``"paris"``)."""
    return " ".join((text or "").split()).strip().rstrip(".").casefold()


def exact_match(task: Task, trajectory: Trajectory) -> float:
    """1.0 when the final answer equals ``task.answer`` up to case, spacing and a trailing period."""
    if task.answer is None or trajectory.final_answer is None:
        return 0.0
    return float(normalize(trajectory.final_answer) == normalize(task.answer))



def as_rubric(reward: RewardCallable | Rubric | None) -> Rubric:
    """``reward`` as a rubric: a Rubric as is; a callable paid at weight 1 as ``correct``, with the
    tool-call count logged at weight 0; ``None`` for :func:`exact_match`."""
    if isinstance(reward, Rubric):
        return reward
    fn = reward or exact_match
    if not callable(fn):
        raise TypeError(f"reward must be a callable (task, trajectory) -> float or a Rubric, got {type(fn).__name__}")
    try:
        inspect.signature(fn).bind(None, None)
    except TypeError:
        raise TypeError(f"reward {getattr(fn, '__name__', fn)!r} must take (task, trajectory)") from None
    except ValueError:
        pass  # a builtin without a signature: trust it

    def correct(task: Task, trajectory: Trajectory) -> float:
        value = fn(task, trajectory)
        return value.total if isinstance(value, RewardResult) else float(value)

    return Rubric([Component("correct", correct, 1.0), Component("tool_calls", tool_call_count, 0.0)])


def as_tools(tools: Iterable[Tool | Callable[..., Any]]) -> list[Tool]:
    """Tools as given, plain typed functions wrapped in :class:`~toolgym.tools.FunctionTool`."""
    return [t if isinstance(t, Tool) else FunctionTool(t) for t in tools]


def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


def multiply(a: int, b: int) -> int:
    """Multiply two integers."""
    return a * b


def demo_tasks() -> TaskSet:
    """Three arithmetic tasks with reference solutions (the default tasks of ``ToolGym/Custom-v0``)."""
    rows = [("demo-add", "What is 1234 + 5678?", "add", 1234, 5678, 6912),
            ("demo-mul", "What is 123 * 456?", "multiply", 123, 456, 56088),
            ("demo-mul-2", "What is 99 * 101?", "multiply", 99, 101, 9999)]
    return TaskSet(
        Task.from_dict({"id": tid, "env": "custom", "question": q, "answer": str(ans), "split": split,
                        "tools": ["add", "multiply"],
                        "reference": [{"tool_calls": [{"name": fn, "arguments": {"a": a, "b": b}}]},
                                      {"answer": str(ans)}]})
        for (tid, q, fn, a, b, ans), split in zip(rows, ("train", "test", "test"))
    )


class CustomEnv(ToolEnv):
    """A :class:`~toolgym.ToolEnv` from keyword arguments alone.

    ``tasks``: a path (JSONL, Parquet, CSV, ``datasets`` directory), a dataset, records or Tasks
    (read with :func:`toolgym.tasks.load_tasks`, mapping ``columns``); ``tools``: Tools or typed
    functions; ``reward``: ``(task, trajectory) -> float`` or a Rubric (default: exact match with
    ``task.answer``); ``split`` selects a split of ``tasks`` (default: all of them).
    """

    def __init__(
        self,
        *,
        tasks: Any = None,
        tools: Sequence[Tool | Callable[..., Any]] | None = None,
        reward: RewardCallable | Rubric | None = None,
        columns: dict[str, str] | None = None,
        split: str | None = None,
        parser: str | ToolCallParser = "hermes",
        preamble: str = DEFAULT_PREAMBLE,
        max_turns: int = 8,
        max_tool_calls: int = 4,
        max_observation_chars: int = 8192,
        render_mode: str | None = None,
    ) -> None:
        task_set = demo_tasks() if tasks is None else load_tasks(tasks, columns=columns, env="custom")
        if split is not None:
            task_set = task_set.split(split)
            if not len(task_set):
                raise ValueError(f"no tasks in split {split!r}")
        super().__init__(
            task_set,
            as_tools([add, multiply] if tools is None and tasks is None else (tools or [])),
            parser=parser,
            rubric=as_rubric(reward),
            preamble=preamble,
            max_turns=max_turns,
            max_tool_calls=max_tool_calls,
            max_observation_chars=max_observation_chars,
            render_mode=render_mode,
        )


SPEC = EnvSpec(
    id="ToolGym/Custom-v0",
    entry_point="toolgym.custom:CustomEnv",
    description="Your tasks, plain Python functions as tools, any callable as the reward (default: a tiny arithmetic demo).",
    family="custom",
    parser="hermes",
    budgets={"max_turns": 8, "max_tool_calls": 4},
)
