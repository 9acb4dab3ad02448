"""The env specs of ``ToolGym/BFCL-v0``, ``ToolGym/BFCLMultiTurn-v0``: declared in ``pyproject.toml`` under ``[project.entry-points."toolgym.envs"]``.

Imported only when the env is made or listed (see :mod:`toolgym.families`).
"""

from __future__ import annotations

from toolgym.families import EnvSpec
from toolgym.tasks import TaskSet


def tasks(split: str = "test") -> TaskSet:
    """The shipped tasks of ``ToolGym/BFCL-v0`` in ``split``."""
    from toolgym_envs.bfcl.env import resolve_categories
    from toolgym_envs.bfcl.tasks import bfcl_tasks

    return bfcl_tasks(resolve_categories("default"), split)


SPEC = EnvSpec(
    id="ToolGym/BFCL-v0",
    entry_point="toolgym_envs.bfcl:BFCLEnv",
    description="BFCL function calling (simple/multiple/parallel, data from bfcl-eval); BFCL AST-match reward.",
    family="bfcl",
    tasks="toolgym_envs.bfcl.spec:tasks",
    parser="hermes",
    budgets={"max_turns": 2},
    card="toolgym_envs/bfcl/README.md",
)


def multi_turn_tasks_for(split: str = "test") -> TaskSet:
    """The shipped tasks of ``ToolGym/BFCLMultiTurn-v0`` in ``split``."""
    from toolgym_envs.bfcl.multi_turn import multi_turn_tasks

    return multi_turn_tasks("base", split)


MULTI_TURN_SPEC = EnvSpec(
    id="ToolGym/BFCLMultiTurn-v0",
    entry_point="toolgym_envs.bfcl:BFCLMultiTurnEnv",
    description="BFCL multi-turn: its stateful API classes in a sandbox, graded per user turn (state + results).",
    family="bfcl_multi_turn",
    tasks="toolgym_envs.bfcl.spec:multi_turn_tasks_for",
    parser="hermes",
    budgets={"max_turns": 60},
    card="toolgym_envs/bfcl/README.md",
)
