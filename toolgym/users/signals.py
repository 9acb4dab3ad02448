"""Stop signals a simulated user puts in a message to end the conversation.

The markers are the τ-bench / MUA-RL conventions: an LLM user is told to write one of them, and
the env ends the episode when it sees one. Keeping them in one enum means the LLM prompt, the
scripted user and the env all agree on the spelling.
"""

from __future__ import annotations

import enum


class StopSignal(str, enum.Enum):
    """Why a simulated user ended the conversation."""

    #: The user got what they wanted (or gave up) and ends the chat.
    STOP = "###STOP###"
    #: The agent handed the user over to a human; the conversation with the agent is over.
    TRANSFER = "###TRANSFER###"
    #: The conversation left what the user's instructions cover; the simulator cannot go on faithfully.
    OUT_OF_SCOPE = "###OUT-OF-SCOPE###"


def find_signal(text: str) -> StopSignal | None:
    """The first stop signal that occurs in ``text`` (by position), or ``None``."""
    found = [(text.find(s.value), s) for s in StopSignal if s.value in text]
    return min(found, key=lambda pair: pair[0])[1] if found else None

