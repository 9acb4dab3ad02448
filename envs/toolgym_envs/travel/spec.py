"""The env spec of ``ToolGym/Travel-v1``: declared in ``pyproject.toml`` under ``[project.entry-points."toolgym.envs"]``.

Imported only when the env is made or listed (see :mod:`toolgym.families`).
"""

from __future__ import annotations

from toolgym.families import EnvSpec
from toolgym.tasks import TaskSet


def tasks(split: str = "test") -> TaskSet:
    """The shipped tasks of ``ToolGym/Travel-v1`` in ``split``."""
    from toolgym.apis.env import domain_tasks
    from toolgym_envs.travel.domain import DOMAIN

    return domain_tasks(DOMAIN, split)


SPEC = EnvSpec(
    id="ToolGym/Travel-v1",
    entry_point="toolgym_envs.travel:TravelEnv",
    description="Airline customer service with a simulated user: 13 booking tools; τ-bench DB-hash + outputs reward.",
    family="travel",
    tasks="toolgym_envs.travel.spec:tasks",
    parser="hermes",
    budgets={"max_turns": 30, "max_tool_calls": 4},
    card="toolgym_envs/travel/README.md",
    resources={"api_domain": "toolgym_envs.travel.domain:DOMAIN"},
)
