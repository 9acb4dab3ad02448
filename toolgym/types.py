"""Plain data records shared across ToolGym: parsed actions, tool results, trajectories.

They are small frozen-ish dataclasses with ``to_dict`` methods so they can be logged as JSON and put
into Gymnasium ``info`` dicts (which must hold fresh objects on every call).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from toolgym.failures import Blame, FailureKind

#: Why an episode ended: a final answer, the simulated user stopping, the turn budget, a token
#: budget, or a failure outside the policy (a user simulator that went down).
EndReason = Literal["answer", "user_stop", "turn_budget", "token_budget", "infra"]


@dataclass(slots=True)
class ToolCall:
    """One tool invocation requested by the policy."""

    name: str
    arguments: dict[str, Any]
    #: Set when the call text was recognisably a tool call but malformed (bad JSON, not an object).
    parse_error: str | None = None
    #: The call's id in the chat record (``tool_call_id`` of its result); the env assigns one to
    #: every named call, or keeps the id a structured OpenAI call came with.
    id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "arguments": dict(self.arguments), "parse_error": self.parse_error, "id": self.id}


@dataclass(slots=True)
class ParseResult:
    """What a parser extracted from one policy action."""

    text: str
    calls: list[ToolCall] = field(default_factory=list)
    #: The final answer, or ``None`` when the action gives none.
    answer: str | None = None
    #: Every final answer found (several conflicting answers score 0 in math rewards).
    answers: list[str] = field(default_factory=list)
    format_ok: bool = True
    #: Human-readable reason when ``format_ok`` is False; becomes the corrective observation.
    format_error: str | None = None


@dataclass(slots=True)
class ExecResult:
    """Result of running code in a sandbox."""

    stdout: str = ""
    stderr: str = ""
    #: ``None`` on success, else :attr:`~FailureKind.EXCEPTION`, ``TIMEOUT``, ``MEMORY``, ``CRASHED``
    #: (the policy's code killed its interpreter) or ``INFRA`` (the sandbox was lost from outside).
    error_kind: FailureKind | str | None = None
    #: Exception type name and the traceback tail when the code raised.
    error_type: str | None = None
    traceback: str | None = None
    truncated: bool = False
    duration_s: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error_kind is None


@dataclass(slots=True)
class ToolResult:
    """What a tool returns to the env: rendered content plus how it went."""

    ok: bool
    content: str
    #: ``None`` on success, else a :class:`~toolgym.failures.FailureKind` (which knows its blame).
    error_kind: FailureKind | str | None = None
    latency_s: float = 0.0
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def is_infra(self) -> bool:
        return self.error_kind == FailureKind.INFRA

    @property
    def blame(self) -> Blame | None:
        """Who this result's failure is charged to (``None`` on success)."""
        if self.ok and self.error_kind is None:
            return None
        try:
            return FailureKind(self.error_kind).blame
        except ValueError:  # an unknown kind from a third-party tool: charged to the policy
            return Blame.POLICY

    @classmethod
    def policy_fault(cls, kind: FailureKind, content: str, **metadata: Any) -> "ToolResult":
        """A failure the policy caused (bad call, its code raised or crashed...)."""
        if kind.blame is not Blame.POLICY:
            raise ValueError(f"{kind} is not a policy fault")
        return cls(ok=False, content=content, error_kind=kind, metadata=dict(metadata))

    @classmethod
    def unavailable(cls, service: str, exc: BaseException) -> "ToolResult":
        """A failure of the service behind a tool (ours, not the policy's): an ``infra`` result."""
        return cls(
            ok=False,
            content=f"Error: the {service} is unavailable; please retry.",
            error_kind=FailureKind.INFRA,
            metadata={"exception": str(exc)},
        )


@dataclass(slots=True)
class TurnRecord:
    """One env step: the action, what was parsed, what the tools returned, the new chat messages.

    ``messages`` is the step in the OpenAI chat format, the episode's native record: the assistant
    message (``content`` and, for named calls, structured ``tool_calls``), then one ``role: "tool"``
    message per named call's result (``tool_call_id``, ``name``), then any ``user`` message (format
    feedback, a simulated user's reply). Text, chat and token mode all render from it.
    """

    action: str
    parse: ParseResult
    results: list[ToolResult]
    observation: str
    messages: list[dict[str, Any]] = field(default_factory=list)

    @property
    def observation_messages(self) -> list[dict[str, Any]]:
        """The messages that answer the policy's turn (everything after its assistant message)."""
        return self.messages[1:]


@dataclass(slots=True)
class Trajectory:
    """The full record of an episode, handed to reward functions."""

    task_id: str
    turns: list[TurnRecord] = field(default_factory=list)
    final_answer: str | None = None
    #: Every final answer the policy gave over the episode (conflicts are scored 0 by math rewards).
    answers: list[str] = field(default_factory=list)
    #: Why the episode ended (``None`` while it runs).
    end_reason: EndReason | None = None

    @property
    def num_tool_calls(self) -> int:
        n = 0
        for t in self.turns:  # a plain loop: read by a reward at the end of every episode
            n += len(t.parse.calls)
        return n

    @property
    def format_ok(self) -> bool:
        for t in self.turns:
            if not t.parse.format_ok:
                return False
        return True
