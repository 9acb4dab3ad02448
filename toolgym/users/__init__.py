"""Simulated users for multi-turn customer-service envs: scripted (offline) and LLM-backed."""

from __future__ import annotations

from typing import Any

from toolgym.users.base import UserSimulator, UserTurn
from toolgym.users.llm import LLMUser, LLMUserConfig
from toolgym.users.scripted import Fact, ScriptedUser, UserScript
from toolgym.users.signals import StopSignal, find_signal
from toolgym.users.text import mentions, normalize


def make_user(spec: str | UserSimulator, config: LLMUserConfig | dict[str, Any] | None = None) -> UserSimulator:
    """A user simulator from ``"scripted"``, ``"llm"`` (needs ``config``) or an instance (returned as is)."""
    if isinstance(spec, UserSimulator):
        return spec
    if spec == "scripted":
        return ScriptedUser()
    if spec == "llm":
        if config is None:
            raise ValueError("user='llm' needs user_config (base_url, model, temperature, seed...)")
        return LLMUser(config if isinstance(config, LLMUserConfig) else LLMUserConfig.from_dict(config))
    raise ValueError(f"user must be 'scripted', 'llm' or a UserSimulator, got {spec!r}")


__all__ = [
    "Fact",
    "LLMUser",
    "LLMUserConfig",
    "ScriptedUser",
    "StopSignal",
    "UserScript",
    "UserSimulator",
    "UserTurn",
    "find_signal",
    "make_user",
    "mentions",
    "normalize",
]
