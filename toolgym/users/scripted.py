"""``ScriptedUser``: a deterministic user simulator driven by a task's structured intent.

RL and CI need a user that runs offline and answers the same message the same way every time, so
that seeded episodes replay exactly. The script lives in the task (``gold["user"]``) and says:

- ``facts``: what the user knows, each as a sentence to ``say`` and the phrases (``when``) that, in a
  question the agent asks, make the user say it (``"email"`` -> ``"My email is ..."``);
- ``confirm``: how the user answers a request for confirmation (yes, or no for tasks that test
  that the agent takes no for an answer);
- ``goals``: cue phrases, one group per thing the user wants done, of which one must appear in the
  agent's replies (``["cancelled"]``); and ``outputs`` (the task's gold outputs) the user waits to hear;
- ``nudges``: what the user says when the agent neither asks nor finishes, in order;
- ``patience``: how many unproductive agent turns in a row the user tolerates before giving up.

The user answers only what it is asked, in question sentences (a sentence that asks to confirm
and names only facts already given is a request for a decision, not for the facts); confirms or refuses; stops with
``###STOP###`` once every goal cue and output has been heard; accepts a transfer to a human with
``###TRANSFER###``; and when it runs out of patience it leaves with ``###STOP###``, or with
``###OUT-OF-SCOPE###`` if the agent's last message asked something the script cannot answer.

A step costs O(one message), never O(history): the user reads at most
:data:`~toolgym.users.text.READ_LIMIT` characters of a message and keeps only which goals and
outputs it has heard so far (each checked once per message until heard), not the transcript.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from toolgym.errors import TaskValidationError
from toolgym.users.base import UserSimulator, UserTurn
from toolgym.users.signals import StopSignal
from toolgym.users.text import contains, is_request, normalize, phrase_pattern, read, split_sentences

if TYPE_CHECKING:
    from toolgym.tasks.model import Task

CONFIRM_PHRASES = (
    "confirm", "proceed", "go ahead", "shall i", "should i", "would you like me to", "do you want me to",
    "yes/no", "(yes", "is that correct", "is this correct", "is that right", "do you agree", "ok to",
)
_TRANSFER_TARGETS = ("human", "representative", "live agent", "specialist")


@dataclass(frozen=True)
class Fact:
    """Something the user knows: the sentence to say and the question phrases that elicit it."""

    say: str
    when: tuple[str, ...]


@dataclass(frozen=True)
class UserScript:
    """The structured intent a :class:`ScriptedUser` plays (``task.gold["user"]``)."""

    instruction: str
    facts: tuple[Fact, ...] = ()
    confirm: bool = True
    goals: tuple[tuple[str, ...], ...] = ()
    outputs: tuple[str, ...] = ()
    nudges: tuple[str, ...] = ()
    patience: int = 3
    yes: str = "Yes, please go ahead."
    no: str = "No, please don't do that. I've changed my mind."

    @classmethod
    def from_task(cls, task: "Task") -> "UserScript":
        """Read the script from ``task.gold['user']``; ``outputs`` come from ``task.gold['outputs']``."""
        gold = task.gold if isinstance(task.gold, dict) else {}
        spec = gold.get("user")
        if not isinstance(spec, dict) or not isinstance(spec.get("instruction"), str):
            raise TaskValidationError(f"task {task.id!r}: gold.user with an 'instruction' is required")
        try:
            return cls.from_dict(spec, outputs=gold.get("outputs", []))
        except (TypeError, ValueError, KeyError) as exc:
            raise TaskValidationError(f"task {task.id!r}: bad gold.user script: {exc}") from None

    @classmethod
    def from_dict(cls, spec: dict[str, Any], outputs: list[str] | tuple[str, ...] = ()) -> "UserScript":
        """Build from the JSON form; raises ``ValueError``/``KeyError`` on a malformed script."""
        facts = tuple(Fact(str(f["say"]), tuple(normalize(w) for w in f["when"])) for f in spec.get("facts", []))
        goals = tuple(tuple(normalize(c) for c in g) for g in spec.get("goals", []))
        if any(not g for g in goals):
            raise ValueError("every goal needs at least one cue phrase")
        patience = int(spec.get("patience", 3))
        if patience < 1:
            raise ValueError("patience must be >= 1")
        extra = {k: str(spec[k]) for k in ("yes", "no") if k in spec}
        return cls(
            instruction=spec["instruction"],
            facts=facts,
            confirm=bool(spec.get("confirm", True)),
            goals=goals,
            outputs=tuple(str(o) for o in outputs),
            nudges=tuple(str(n) for n in spec.get("nudges", [])),
            patience=patience,
            **extra,
        )


class ScriptedUser(UserSimulator):
    """Plays a :class:`UserScript`; the same conversation always gets the same answers."""

    name = "scripted"

    def __init__(self) -> None:
        self._script: UserScript | None = None
        self._said: set[str] = set()
        self._idle = 0
        # What is still to be heard: goals as groups of cue patterns, outputs as patterns.
        self._open_goals: list[tuple[re.Pattern[str] | None, ...]] = []
        self._open_outputs: list[re.Pattern[str] | None] = []

    @property
    def script(self) -> UserScript:
        if self._script is None:
            raise RuntimeError("ScriptedUser.reset(task) must be called first")
        return self._script

    def reset(self, task: "Task") -> str:
        self._script = UserScript.from_task(task)
        self._said = set()
        self._idle = 0
        self._open_goals = [tuple(phrase_pattern(c) for c in goal) for goal in self._script.goals]
        self._open_outputs = [phrase_pattern(o) for o in self._script.outputs]
        return task.question

    def respond(self, agent_message: str) -> UserTurn:
        script = self.script
        text = read(agent_message)
        self._hear(text)
        if _offers_transfer(text):
            return UserTurn(f"Okay, thank you. {StopSignal.TRANSFER.value}", StopSignal.TRANSFER)
        requests = [s for s in split_sentences(text) if is_request(s)]
        parts: list[str] = []
        confirm_asked = False
        for sentence in requests:
            hits = [f for f in script.facts if any(w in sentence for w in f.when)]
            fresh = [f for f in hits if f.say not in self._said]
            # "Could you confirm your email?" asks for a fact; "Shall I ship it to <address you
            # gave>, do you confirm?" asks for a decision: facts already said don't count.
            if not fresh and any(p in sentence for p in CONFIRM_PHRASES):
                confirm_asked = True
            else:
                parts.extend(f.say for f in hits if f.say not in parts)
        if confirm_asked:
            parts.append(script.yes if script.confirm else script.no)
        if parts:
            self._idle = 0
            self._said.update(parts)
            return UserTurn(" ".join(parts))
        if self.satisfied:
            return UserTurn(f"Thank you, that's all I needed. {StopSignal.STOP.value}", StopSignal.STOP)
        self._idle += 1
        if self._idle >= script.patience:
            if any("?" in s for s in requests):
                return UserTurn(
                    f"Sorry, I can't help with that question. {StopSignal.OUT_OF_SCOPE.value}", StopSignal.OUT_OF_SCOPE
                )
            return UserTurn(f"This isn't getting anywhere, goodbye. {StopSignal.STOP.value}", StopSignal.STOP)
        nudges = script.nudges or ("Can you help me with my request?",)
        return UserTurn(nudges[min(self._idle - 1, len(nudges) - 1)])

    def _hear(self, text: str) -> None:
        """Tick off the goals and outputs that the (read, normalized) message mentions."""
        self._open_goals = [g for g in self._open_goals if not any(contains(text, cue) for cue in g)]
        self._open_outputs = [o for o in self._open_outputs if not contains(text, o)]

    @property
    def satisfied(self) -> bool:
        """Every goal has had one of its cues, and every output has been mentioned, in the agent's replies.

        Each counts when said within one message (as read by :func:`~toolgym.users.text.read`).
        """
        _ = self.script  # raises before reset()
        return not self._open_goals and not self._open_outputs


def _offers_transfer(text: str) -> bool:
    """Whether the agent (in a read, normalized message) says it is transferring the user to a human."""
    return "transfer" in text and any(t in text for t in _TRANSFER_TARGETS)
