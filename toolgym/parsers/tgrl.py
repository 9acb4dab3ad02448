"""The TGRL XML template: ``<think>`` reasoning, ``<tool>`` calls, ``<response>`` final reply.

``<tool>`` holds one JSON object per line (or one JSON list) of the form
``{"name": ..., "parameters": {...}}`` (``arguments`` is accepted too). Results come back in
``<obs>`` blocks. The ``<response>`` content is the final answer.
"""

from __future__ import annotations

import json
from typing import Sequence

from toolgym.parsers.base import MALFORMED, ToolCallParser, decode_call, find_blocks, finish_parse
from toolgym.types import ParseResult, ToolCall, ToolResult

_ARG_KEYS = ("parameters", "arguments")


class TGRLParser(ToolCallParser):
    """Parse and render the ``<think>/<tool>/<response>`` template."""

    name = "tgrl"

    def parse(self, text: str) -> ParseResult:
        errors: list[str] = []
        calls: list[ToolCall] = []
        _, outside, think_unclosed = find_blocks(text, "<think>", "</think>")
        if think_unclosed:
            errors.append("Unclosed <think>: end it with </think>.")
        blocks, outside, unclosed = find_blocks(outside, "<tool>", "</tool>")
        for i, block in enumerate(blocks):
            if unclosed and i == len(blocks) - 1:
                errors.append("Unclosed <tool>: end it with </tool>.")
                continue
            calls.extend(_decode_tool_block(block))
        answers, _, ans_unclosed = find_blocks(outside, "<response>", "</response>")
        if ans_unclosed:
            answers = answers[:-1]
        return finish_parse(
            text, calls, [a.strip() for a in answers], ans_unclosed, " ".join(errors) or None
        )

    def render_action(
        self, calls: Sequence[ToolCall], answer: str | None = None, thought: str | None = None
    ) -> str:
        parts = [f"<think>{thought}</think>"] if thought else []
        if calls:
            lines = [json.dumps({"name": c.name, "parameters": c.arguments}, ensure_ascii=False) for c in calls]
            parts.append("<tool>\n" + "\n".join(lines) + "\n</tool>")
        if answer is not None:
            parts.append(f"<response>{answer}</response>")
        return "\n".join(parts)

    def render_results(self, calls: Sequence[ToolCall], results: Sequence[ToolResult]) -> str:
        return "\n".join(f"<obs>\n{r.content}\n</obs>" for r in results)

    def format_instructions(self) -> str:
        return (
            "Think inside <think>...</think>. To call tools, write <tool>...</tool> holding one JSON "
            'object per line: {"name": <tool name>, "parameters": <JSON object>}. Results come back '
            "in <obs> blocks. Give the final answer once inside <response>...</response>."
        )


def _decode_tool_block(block: str) -> list[ToolCall]:
    """Calls from one ``<tool>`` block: a JSON list, or one JSON object per non-empty line."""
    stripped = block.strip()
    if stripped.startswith("["):
        try:
            items = json.loads(stripped)
        except (ValueError, RecursionError):
            return [ToolCall(name="", arguments={}, parse_error=f"{MALFORMED}: invalid JSON list in <tool>.")]
        if not isinstance(items, list):
            return [ToolCall(name="", arguments={}, parse_error=f"{MALFORMED}: expected a JSON list.")]
        return [decode_call(json.dumps(item), args_keys=_ARG_KEYS) for item in items]
    lines = [ln for ln in stripped.splitlines() if ln.strip()]
    if not lines:
        return [ToolCall(name="", arguments={}, parse_error=f"{MALFORMED}: empty <tool> block.")]
    return [decode_call(ln, args_keys=_ARG_KEYS) for ln in lines]
