"""Chat messages in the OpenAI format: the episode's native record, and reading assistant messages.

Every ToolGym step is recorded as chat messages (see :class:`~toolgym.types.TurnRecord`):

* ``{"role": "assistant", "content": str, "tool_calls": [{"id", "type": "function",
  "function": {"name", "arguments": <JSON string>}}]}`` (``tool_calls`` only when there are named calls);
* ``{"role": "tool", "tool_call_id": str, "name": str, "content": str}``, one per named call;
* ``{"role": "user", "content": str}`` for format feedback and a simulated user's replies.

**Chat mode** (``gym.make(id, mode="chat")``, :meth:`toolgym.env.ToolEnv.set_mode`): the observation
is ``{"messages": [...], "tools": [...]}``, the whole conversation so far in this format and the
env's tools as OpenAI ``tools`` schemas, ready to send to any ``/v1/chat/completions`` endpoint; the
action is the endpoint's assistant message: a dict with ``content`` and/or ``tool_calls``, or its JSON
string (:func:`as_message`; any other string is taken as the message's text). Structured calls run
without text parsing (:func:`read_assistant_message` never raises on bad input); text content still
goes through the env's parser, so a model that writes Hermes ``<tool_call>`` blocks in its content
works too. Tool specs leave the system prompt (they travel as ``tools``).

>>> content, calls, error = read_assistant_message(
...     {"content": None, "tool_calls": [{"id": "c1", "type": "function",
...      "function": {"name": "python", "arguments": '{"code": "print(1)"}'}}]})
>>> (content, calls[0].name, calls[0].arguments, calls[0].id, error)
('', 'python', {'code': 'print(1)'}, 'c1', None)
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from toolgym.parsers.base import MALFORMED
from toolgym.types import ToolCall

Message = dict[str, Any]

#: The most structured calls one assistant message may carry (the rest are refused, not run).
MAX_STRUCTURED_CALLS = 64


def call_id(turn: int, index: int) -> str:
    """The id ToolGym gives the ``index``-th call of ``turn`` when the policy gave none."""
    return f"call_{turn}_{index}"


def assistant_message(content: str, calls: Sequence[ToolCall]) -> Message:
    """The assistant message of a step: its text and its named calls as structured ``tool_calls``."""
    msg: Message = {"role": "assistant", "content": content}
    if not calls:  # an answer or plain text: the common last step
        return msg
    named = [c for c in calls if c.name and c.id]
    if named:
        msg["tool_calls"] = [
            {
                "id": c.id,
                "type": "function",
                "function": {"name": c.name, "arguments": json.dumps(c.arguments, ensure_ascii=False)},
            }
            for c in named
        ]
    return msg


def tool_message(call: ToolCall, content: str) -> Message:
    """A tool result answering ``call``."""
    return {"role": "tool", "tool_call_id": call.id or "", "name": call.name, "content": content}


def user_message(content: str) -> Message:
    """A user turn: format feedback or a simulated user's reply."""
    return {"role": "user", "content": content}


def as_message(action: Any) -> Any:
    """A chat-mode action as an assistant message: mappings pass, a JSON object string is decoded,
    any other string becomes the message's ``content``; anything else is left for the env to refuse."""
    if isinstance(action, str):
        try:
            decoded = json.loads(action)
        except (ValueError, RecursionError):
            return {"role": "assistant", "content": action}
        return decoded if isinstance(decoded, dict) else {"role": "assistant", "content": action}
    return action


def read_assistant_message(action: Any) -> tuple[str, list[ToolCall], str | None]:
    """``(content, structured calls, error)`` from a chat-mode action; never raises.

    ``action`` is an assistant message (a mapping with ``content`` and/or ``tool_calls``). ``error`` says why the message itself is unusable (then content and calls are
    empty); a single malformed call becomes a :class:`ToolCall` whose ``parse_error`` says why.
    """
    if not isinstance(action, Mapping):
        return "", [], "The action must be an assistant message: an object with content and/or tool_calls."
    role = action.get("role", "assistant")
    if role != "assistant":
        return "", [], f'The action must be an assistant message, got role {role!r}.'
    content = action.get("content")
    if content is None:
        content = ""
    elif isinstance(content, list):  # OpenAI content parts: keep the text ones
        content = "".join(p.get("text", "") for p in content if isinstance(p, Mapping) and isinstance(p.get("text"), str))
    elif not isinstance(content, str):
        return "", [], "The message content must be a string."
    raw_calls = action.get("tool_calls") or []
    if not isinstance(raw_calls, Sequence) or isinstance(raw_calls, (str, bytes)):
        return content, [], "tool_calls must be a list."
    calls = [_read_call(c) for c in list(raw_calls)[:MAX_STRUCTURED_CALLS]]
    if len(raw_calls) > MAX_STRUCTURED_CALLS:
        calls.append(ToolCall("", {}, parse_error=f"At most {MAX_STRUCTURED_CALLS} tool calls per message."))
    return content, calls, None


def _read_call(raw: Any) -> ToolCall:
    """One OpenAI ``tool_calls`` entry as a :class:`ToolCall` (malformed: ``parse_error`` set)."""
    if not isinstance(raw, Mapping):
        return ToolCall("", {}, parse_error=f"{MALFORMED}: each tool call must be an object.")
    ident = raw.get("id") if isinstance(raw.get("id"), str) and raw.get("id") else None
    fn = raw.get("function")
    if not isinstance(fn, Mapping):
        return ToolCall("", {}, parse_error=f'{MALFORMED}: missing "function" object.', id=ident)
    name = fn.get("name")
    if not isinstance(name, str) or not name:
        return ToolCall("", {}, parse_error=f'{MALFORMED}: missing string field "function.name".', id=ident)
    args: Any = fn.get("arguments", {})
    if isinstance(args, str):
        try:
            args = json.loads(args) if args.strip() else {}
        except (ValueError, RecursionError):
            return ToolCall(name, {}, parse_error=f'{MALFORMED}: "arguments" is not valid JSON.', id=ident)
    if not isinstance(args, dict):
        return ToolCall(name, {}, parse_error=f'{MALFORMED}: "arguments" must be a JSON object.', id=ident)
    return ToolCall(name, args, id=ident)
