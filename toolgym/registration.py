"""The ``ToolGym/*`` env registry: ids, entry points and one-line descriptions.

Gymnasium 1.x does not auto-load plugins, so ``import toolgym`` calls :func:`register_envs`, and
``gym.make("toolgym:ToolGym/...")`` imports ``toolgym`` first. Envs are registered without
Gymnasium's passive checker and order-enforcing wrappers: ``ToolEnv`` enforces reset-before-step
itself and is checked by ``check_env`` in the test suite, so ``gym.make`` hands back the env
itself with no per-step wrapper cost. Pass ``disable_env_checker=False`` to ``gym.make`` to add the
passive checker. Every env also accepts ``tokenizer=`` (and ``token_family``, ``token_budget``,
``check_drift``), which returns it wrapped in token mode (:class:`toolgym.tokens.TokenEnv`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym

from toolgym.tokens.factory import token_mode_entry_point

NAMESPACE = "ToolGym"


@dataclass(frozen=True)
class EnvInfo:
    """A registered env: id, entry point, description, default kwargs."""

    id: str
    entry_point: str
    description: str
    kwargs: dict[str, Any] = field(default_factory=dict)


ENVS: tuple[EnvInfo, ...] = (
    EnvInfo(
        id="ToolGym/MathTIR-v0",
        entry_point="toolgym_envs.math_tir:MathTIREnv",
        description="Math problems solved with a stateful Python interpreter; exact-answer reward.",
    ),
    # --- SQL/search envs (issue 4) go here ---
    EnvInfo(
        id="ToolGym/Text2SQL-v0",
        entry_point="toolgym_envs.sql:Text2SQLEnv",
        description="Text-to-SQL on generated DuckDB databases with read-only exploratory queries; execution-match reward.",
    ),
    EnvInfo(
        id="ToolGym/SearchQA-v0",
        entry_point="toolgym_envs.search:SearchQAEnv",
        description="Search-R1-style multi-hop QA over a generated fictional encyclopedia (BM25); exact-match reward.",
    ),
    # --- simulated-API / user envs (issue 5) go here ---
    EnvInfo(
        id="ToolGym/Retail-v0",
        entry_point="toolgym_envs.retail:RetailEnv",
        description="Retail customer service with a simulated user: 14 order/catalogue tools; τ-bench DB-hash + outputs reward.",
    ),
    EnvInfo(
        id="ToolGym/Travel-v0",
        entry_point="toolgym_envs.travel:TravelEnv",
        description="Airline customer service with a simulated user: 13 booking tools; τ-bench DB-hash + outputs reward.",
    ),
)


def register_envs() -> None:
    """Register every ToolGym env with Gymnasium (idempotent)."""
    for info in ENVS:
        if info.id in gym.registry:
            continue
        gym.register(
            id=info.id,
            entry_point=token_mode_entry_point(info.entry_point),
            kwargs=dict(info.kwargs),
            order_enforce=False,
            disable_env_checker=True,
        )


def env_ids() -> list[str]:
    """Every registered ``ToolGym/*`` id."""
    return [i.id for i in ENVS]
