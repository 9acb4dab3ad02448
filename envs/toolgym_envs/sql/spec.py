"""The env spec of ``ToolGym/Text2SQL-v1``: declared in ``pyproject.toml`` under ``[project.entry-points."toolgym.envs"]``.

Imported only when the env is made or listed (see :mod:`toolgym.families`).
"""

from __future__ import annotations

from toolgym.families import EnvSpec
from toolgym.tasks import TaskSet


def tasks(split: str = "test") -> TaskSet:
    """The shipped tasks of ``ToolGym/Text2SQL-v1`` in ``split``."""
    from toolgym_envs.sql.env import sql_tasks

    return sql_tasks(split)


SPEC = EnvSpec(
    id="ToolGym/Text2SQL-v1",
    entry_point="toolgym_envs.sql:Text2SQLEnv",
    description="Text-to-SQL on generated DuckDB databases with read-only exploratory queries; execution-match reward.",
    family="text2sql",
    tasks="toolgym_envs.sql.spec:tasks",
    parser="xml",
    budgets={"max_turns": 6, "max_tool_calls": 3},
    card="toolgym_envs/sql/README.md",
)
