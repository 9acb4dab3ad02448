"""The parser contract: policy text -> :class:`~toolgym.types.ParseResult`, and back.

A parser owns one action format in both directions: ``parse`` reads the policy's text, while
``render_action`` writes a reference turn in the same format (used by the reference agent and SFT)
and ``render_results`` writes tool results as the next observation. Parsers never raise on bad
input: malformed text yields ``format_ok=False`` and a short corrective ``format_error``.
"""

from __future__ import annotations

import abc
import json
from typing import Any, Sequence

from toolgym.types import ParseResult, ToolCall, ToolResult

#: Where a tool call block is recognisable but broken, this is the corrective hint's prefix.
MALFORMED = "Malformed tool call"
#: The corrective message for an action with neither a tool call nor a final answer.
NO_ACTION = "No tool call and no final answer found."


def find_blocks(text: str, open_tag: str, close_tag: str) -> tuple[list[str], str, bool]:
    """Split ``text`` into the contents of ``open_tag ... close_tag`` blocks and the rest.

    Scans left to right in linear time (no regex backtracking on megabyte inputs). Returns
    ``(contents, outside, unclosed)``: ``outside`` is the text with every block removed, and
    ``unclosed`` is True when the last opening tag has no closing tag (its content, the rest of the
    text, is then the last item of ``contents``). Nested opening tags stay verbatim in a block.
    """
    out: list[str] = []
    rest: list[str] = []
    pos = 0
    n_open = len(open_tag)
    while True:
        start = text.find(open_tag, pos)
        if start < 0:
            rest.append(text[pos:])
            return out, "".join(rest), False
        rest.append(text[pos:start])
        end = text.find(close_tag, start + n_open)
        if end < 0:
            out.append(text[start + n_open :])
            return out, "".join(rest), True
        out.append(text[start + n_open : end])
        pos = end + len(close_tag)


def decode_call(payload: str, *, args_keys: Sequence[str] = ("arguments",)) -> ToolCall:
    """Turn a JSON object ``{"name": ..., "arguments": {...}}`` into a :class:`ToolCall`.

    ``arguments`` may also be a JSON-encoded string (the OpenAI wire format). A payload that is
    not such an object gives a call whose ``parse_error`` says what is wrong.
    """
    try:
        obj = json.loads(payload)
    except (ValueError, RecursionError) as exc:
        msg = exc.msg if isinstance(exc, json.JSONDecodeError) else "nesting too deep"
        return ToolCall(name="", arguments={}, parse_error=f"{MALFORMED}: invalid JSON ({msg}).")
    if not isinstance(obj, dict):
        return ToolCall(name="", arguments={}, parse_error=f"{MALFORMED}: expected a JSON object.")
    name = obj.get("name")
    if not isinstance(name, str) or not name:
        return ToolCall(name="", arguments={}, parse_error=f'{MALFORMED}: missing string field "name".')
    args: Any = {}
    for key in args_keys:
        if key in obj:
            args = obj[key]
            break
    if isinstance(args, str):
        try:
            args = json.loads(args) if args.strip() else {}
        except (ValueError, RecursionError):
            return ToolCall(name=name, arguments={}, parse_error=f'{MALFORMED}: "arguments" is not valid JSON.')
    if not isinstance(args, dict):
        return ToolCall(name=name, arguments={}, parse_error=f'{MALFORMED}: "arguments" must be a JSON object.')
    return ToolCall(name=name, arguments=args)


def finish_parse(
    text: str, calls: list[ToolCall], answers: list[str], ans_unclosed: bool, extra_error: str | None
) -> ParseResult:
    """Build the ParseResult, deciding ``format_ok`` and the corrective message."""
    if answers and not calls and not ans_unclosed and not extra_error:  # a clean answer, the usual end
        return ParseResult(text, calls, answers[-1], answers)  # positional: keywords cost double here
    errors = [c.parse_error for c in calls if c.parse_error]
    if ans_unclosed:
        errors.append("Unclosed <answer>: end it with </answer>.")
    if extra_error:
        errors.append(extra_error)
    if not calls and not answers and not errors:
        errors.append(NO_ACTION)
    return ParseResult(
        text=text,
        calls=calls,
        answer=answers[-1] if answers else None,
        answers=answers,
        format_ok=not errors,
        format_error=" ".join(errors) if errors else None,
    )


def merge_structured_calls(content: str, structured: list[ToolCall], parsed: ParseResult | None) -> ParseResult:
    """One :class:`ParseResult` for a chat-mode assistant message: its structured ``tool_calls``
    first, then whatever the parser found in its text ``content`` (``parsed``, or ``None`` when the
    content was empty). Structured calls are a well-formed action on their own, so content that is
    plain chatter beside them is not a format error.
    """
    if parsed is None:
        parsed = ParseResult(text=content, format_ok=not structured, format_error=None if structured else NO_ACTION)
    calls = [*structured, *parsed.calls]
    errors = [c.parse_error for c in structured if c.parse_error]
    if parsed.format_error and not (structured and parsed.format_error == NO_ACTION):
        errors.append(parsed.format_error)
    return ParseResult(
        text=content,
        calls=calls,
        answer=parsed.answer,
        answers=list(parsed.answers),
        format_ok=not errors,
        format_error=" ".join(errors) if errors else None,
    )


class ToolCallParser(abc.ABC):
    """One action format: parse policy text, render reference turns and tool results."""

    #: Registry name, e.g. ``hermes``.
    name: str = ""

    @abc.abstractmethod
    def parse(self, text: str) -> ParseResult:
        """Extract tool calls and a final answer from ``text``; never raises."""

    @abc.abstractmethod
    def render_action(
        self, calls: Sequence[ToolCall], answer: str | None = None, thought: str | None = None
    ) -> str:
        """Write a policy turn (optional thought, tool calls, optional answer) in this format."""

    @abc.abstractmethod
    def render_results(self, calls: Sequence[ToolCall], results: Sequence[ToolResult]) -> str:
        """Write tool results as the observation that follows a turn."""

    def render_result_content(self, call: ToolCall, result: ToolResult) -> str:
        """One result as the content of its ``role: "tool"`` message (chat and token mode, where
        the chat template adds the wrapper that :meth:`render_results` writes in text mode)."""
        return result.content

    @abc.abstractmethod
    def format_instructions(self) -> str:
        """The system-prompt paragraph that teaches the policy this format."""

    def chat_instructions(self) -> str:
        """The system-prompt paragraph for chat mode, where tools are called through the native
        function-calling interface and only the final answer's format is this parser's."""
        return (
            "Call tools through the function-calling interface. When you are done, give the final "
            "answer exactly once as <answer>...</answer>."
        )
