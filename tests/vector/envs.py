"""Real ToolEnvs for the pool tests: a tool that waits (to see overlap) and a wrapper that breaks."""

from __future__ import annotations

import threading
import time
from typing import Any

import gymnasium as gym

import toolgym
from toolgym.env import ToolEnv
from toolgym.rewards.base import Component, Rubric
from toolgym.tasks import Task
from toolgym.tools import tool

#: The MathTIR id, whatever its version (tests need its python tool).
MATH_ID = next(i for i in toolgym.env_ids() if i.startswith("ToolGym/MathTIR"))


class Gauge:
    """Counts tool calls running right now and the most seen at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now = 0
        self.peak = 0

    def __enter__(self) -> None:
        with self.lock:
            self.now += 1
            self.peak = max(self.peak, self.now)

    def __exit__(self, *exc: object) -> None:
        with self.lock:
            self.now -= 1


def wait_env(gauge: Gauge | None = None, n_tasks: int = 4) -> ToolEnv:
    """An env whose ``wait`` tool sleeps for the seconds asked; answer = the task's number."""

    @tool
    def wait(seconds: float) -> str:
        """Sleep, then say so.

        Args:
            seconds: how long to sleep
        """
        if gauge is None:
            time.sleep(seconds)
        else:
            with gauge:
                time.sleep(seconds)
        return "done"

    tasks = [
        Task.from_dict({"id": f"w{i}", "env": "test", "question": f"Say {i}.", "answer": str(i), "split": "test", "tools": ["wait"],
                        "reference": {"turns": [{"answer": str(i)}]}})
        for i in range(n_tasks)
    ]
    paid = Rubric([Component("correct", lambda task, traj: float(traj.final_answer == task.answer), 1.0)])
    return ToolEnv(tasks, [wait], rubric=paid, max_turns=6)


def wait_call(seconds: float) -> str:
    return '<tool_call>{"name": "wait", "arguments": {"seconds": %s}}</tool_call>' % seconds


class Breaks(gym.Wrapper):
    """An env whose step raises on the action ``"boom"`` (a bug below the env's own guard)."""

    def step(self, action: Any):
        if action == "boom":
            raise RuntimeError("env exploded")
        return self.env.step(action)
