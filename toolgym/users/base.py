"""The :class:`UserSimulator` contract: the other side of a customer-service conversation.

A user simulator is bound to one task per episode (:meth:`UserSimulator.reset`), opens the
conversation with the task's question, and answers each message the agent sends with a
:class:`UserTurn`. A turn that carries a :class:`~toolgym.users.signals.StopSignal` ends the
episode. Simulators never see tool calls or tool results: only what the agent says to them.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import TYPE_CHECKING

from toolgym.users.signals import StopSignal

if TYPE_CHECKING:
    from toolgym.tasks.model import Task


@dataclass(frozen=True)
class UserTurn:
    """One user message and, when it ends the conversation, why."""

    text: str
    stop: StopSignal | None = None

    @property
    def done(self) -> bool:
        return self.stop is not None


class UserSimulator(abc.ABC):
    """Produces the user's side of a conversation for one task at a time."""

    name: str = ""

    @abc.abstractmethod
    def reset(self, task: "Task") -> str:
        """Start a conversation for ``task`` and return the user's opening message."""

    @abc.abstractmethod
    def respond(self, agent_message: str) -> UserTurn:
        """The user's answer to the agent's message.

        Raises :class:`~toolgym.errors.EndpointError` when a model-backed user cannot answer; the
        env turns that into an ``infra_error`` that ends the episode.
        """

    def close(self) -> None:
        """Release resources (HTTP clients). Idempotent."""
