"""The agent contract used by ``toolgym run``: given the env, produce the next action text."""

from __future__ import annotations

import abc

from toolgym.env import ToolEnv


class Agent(abc.ABC):
    """A policy that acts in a :class:`ToolEnv` through text actions."""

    name: str = ""

    def begin(self, env: ToolEnv) -> None:
        """Called after each ``reset``; the env holds the new task."""

    @abc.abstractmethod
    def act(self, env: ToolEnv, observation: str) -> str:
        """The next action, given the env (its task and transcript) and the latest observation."""

    def close(self) -> None:
        """Release resources (HTTP clients)."""
