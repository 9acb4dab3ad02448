"""The agent contract used by ``toolgym run``: given the env, produce the next action.

An action is text, or (for agents with ``chat = True``) an OpenAI assistant message; the runner
then switches the env to native tools (tool specs travel as the request's ``tools``, not in the
system prompt).
"""

from __future__ import annotations

import abc
from typing import Any

from toolgym.env import ToolEnv


class Agent(abc.ABC):
    """A policy that acts in a :class:`ToolEnv` through text actions."""

    name: str = ""
    #: True when :meth:`act` returns assistant messages and sends tools natively.
    chat: bool = False

    def begin(self, env: ToolEnv) -> None:
        """Called after each ``reset``; the env holds the new task."""

    @abc.abstractmethod
    def act(self, env: ToolEnv, observation: Any) -> Any:
        """The next action (text, or an assistant message when :attr:`chat`), given the env (its
        task and transcript) and the latest observation."""

    def close(self) -> None:
        """Release resources (HTTP clients)."""
