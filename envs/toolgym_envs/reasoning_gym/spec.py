"""The env spec of ``ToolGym/ReasoningGym-v0``: declared in ``pyproject.toml`` under ``[project.entry-points."toolgym.envs"]``.

Imported only when the env is made or listed (see :mod:`toolgym.families`).
"""

from __future__ import annotations

from toolgym.families import EnvSpec
from toolgym.tasks import TaskSet


def tasks(split: str = "test") -> TaskSet:
    """The tasks of ``ToolGym/ReasoningGym-v0`` in ``split`` with its default dataset and settings."""
    from toolgym_envs.reasoning_gym import ReasoningGymEnv

    env = ReasoningGymEnv(split=split)
    try:
        return env.tasks
    finally:
        env.close()


SPEC = EnvSpec(
    id="ToolGym/ReasoningGym-v0",
    entry_point="toolgym_envs.reasoning_gym:ReasoningGymEnv",
    description="Any reasoning-gym dataset (name + difficulty config) with a Python tool; reasoning-gym's score_answer.",
    family="reasoning_gym",
    tasks="toolgym_envs.reasoning_gym.spec:tasks",
    parser="hermes",
    budgets={"max_turns": 8, "max_tool_calls": 4},
    card="toolgym_envs/reasoning_gym/README.md",
)
