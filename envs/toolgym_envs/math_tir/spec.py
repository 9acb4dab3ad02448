"""The env spec of ``ToolGym/MathTIR-v1``: declared in ``pyproject.toml`` under ``[project.entry-points."toolgym.envs"]``.

Imported only when the env is made or listed (see :mod:`toolgym.families`).
"""

from __future__ import annotations

from toolgym.families import EnvSpec
from toolgym.tasks import TaskSet


def tasks(split: str = "test") -> TaskSet:
    """The shipped tasks of ``ToolGym/MathTIR-v1`` in ``split``."""
    from toolgym_envs.math_tir.env import math_tasks

    return math_tasks(split)


SPEC = EnvSpec(
    id="ToolGym/MathTIR-v1",
    entry_point="toolgym_envs.math_tir:MathTIREnv",
    description="Math problems solved with a stateful Python interpreter; exact-answer reward.",
    family="math_tir",
    tasks="toolgym_envs.math_tir.spec:tasks",
    parser="hermes",
    budgets={"max_turns": 8, "max_tool_calls": 4},
    card="toolgym_envs/math_tir/README.md",
)
