"""Plain data records shared across ToolGym: parsed actions, tool results, trajectories.

They are small frozen-ish dataclasses with ``to_dict`` methods so they can be logged as JSON and put
into Gymnasium ``info`` dicts (which must hold fresh objects on every call).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

#: Who is to blame for a failed step: the policy (``tool_error``) or us (``infra_error``).
ErrorKind = Literal["tool_error", "infra_error"]


@dataclass
class ToolCall:
    """One tool invocation requested by the policy."""

    name: str
    arguments: dict[str, Any]
    #: Set when the call text was recognisably a tool call but malformed (bad JSON, not an object).
    parse_error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "arguments": dict(self.arguments), "parse_error": self.parse_error}


@dataclass
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


@dataclass
class ExecResult:
    """Result of running code in a sandbox."""

    stdout: str = ""
    stderr: str = ""
    #: ``None`` on success, else one of ``exception``, ``timeout``, ``memory``, ``crashed``.
    error_kind: str | None = None
    #: Exception type name and the traceback tail when the code raised.
    error_type: str | None = None
    traceback: str | None = None
    truncated: bool = False
    duration_s: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error_kind is None


@dataclass
class ToolResult:
    """What a tool returns to the env: rendered content plus how it went."""

    ok: bool
    content: str
    #: ``None`` on success; else ``invalid_arguments``, ``unknown_tool``, ``exception``, ``timeout``,
    #: ``memory``, ``output_limit``, ``infra`` (the last one is ours, not the policy's).
    error_kind: str | None = None
    latency_s: float = 0.0
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def is_infra(self) -> bool:
        return self.error_kind == "infra"

    @classmethod
    def unavailable(cls, service: str, exc: BaseException) -> "ToolResult":
        """A failure of the service behind a tool (ours, not the policy's): an ``infra`` result."""
        return cls(
            ok=False,
            content=f"Error: the {service} is unavailable; please retry.",
            error_kind="infra",
            metadata={"exception": str(exc)},
        )


@dataclass
class TurnRecord:
    """One env step: the action, what was parsed, what the tools returned."""

    action: str
    parse: ParseResult
    results: list[ToolResult]
    observation: str


@dataclass
class Trajectory:
    """The full record of an episode, handed to reward functions."""

    task_id: str
    turns: list[TurnRecord] = field(default_factory=list)
    final_answer: str | None = None
    #: Every final answer the policy gave over the episode (conflicts are scored 0 by math rewards).
    answers: list[str] = field(default_factory=list)

    @property
    def num_tool_calls(self) -> int:
        return sum(len(t.parse.calls) for t in self.turns)

    @property
    def format_ok(self) -> bool:
        return all(t.parse.format_ok for t in self.turns)
