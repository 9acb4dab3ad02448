"""Hermes / Qwen tool-call format: ``<tool_call>{"name": ..., "arguments": {...}}</tool_call>``.

Several calls may appear in one turn. Results come back as ``<tool_response>`` blocks, one per call,
in call order, as Qwen2.5's and Hermes' chat templates render tool messages. Final answers are
``<answer>...</answer>`` or ``\\boxed{...}`` outside the call blocks.
"""

from __future__ import annotations

import json
from typing import Sequence

from toolgym.parsers.answers import extract_answers
from toolgym.parsers.base import ToolCallParser, decode_call, find_blocks, finish_parse
from toolgym.types import ParseResult, ToolCall, ToolResult

OPEN, CLOSE = "<tool_call>", "</tool_call>"


class HermesParser(ToolCallParser):
    """Parse and render the Hermes/Qwen ``<tool_call>`` JSON format."""

    name = "hermes"

    def parse(self, text: str) -> ParseResult:
        if OPEN not in text:
            answers, unclosed = extract_answers(text)
            return finish_parse(text, [], answers, unclosed, None)
        blocks, outside, unclosed = find_blocks(text, OPEN, CLOSE)
        calls = []
        for i, block in enumerate(blocks):
            last_unclosed = unclosed and i == len(blocks) - 1
            call = decode_call(block.strip())
            if last_unclosed and call.parse_error is None:
                # Generation stopped on the "</tool_call>" stop string: the call itself is whole.
                last_unclosed = False
            if OPEN in block:
                call = ToolCall(name="", arguments={}, parse_error=f"Nested {OPEN} tags are not allowed.")
            elif last_unclosed:
                call = ToolCall(name="", arguments={}, parse_error=f"Unclosed {OPEN}: end it with {CLOSE}.")
            calls.append(call)
        answers, ans_unclosed = extract_answers(outside)
        stray = CLOSE in outside
        return finish_parse(text, calls, answers, ans_unclosed, f"Stray {CLOSE} without {OPEN}." if stray else None)

    def render_action(
        self, calls: Sequence[ToolCall], answer: str | None = None, thought: str | None = None
    ) -> str:
        parts = [thought] if thought else []
        for c in calls:
            payload = json.dumps({"name": c.name, "arguments": c.arguments}, ensure_ascii=False)
            parts.append(f"{OPEN}\n{payload}\n{CLOSE}")
        if answer is not None:
            parts.append(f"<answer>{answer}</answer>")
        return "\n".join(parts)

    def render_results(self, calls: Sequence[ToolCall], results: Sequence[ToolResult]) -> str:
        return "\n".join(f"<tool_response>\n{r.content}\n</tool_response>" for r in results)

    def format_instructions(self) -> str:
        return (
            "To call a tool, write one block per call:\n"
            f'{OPEN}\n{{"name": <tool name>, "arguments": <JSON object>}}\n{CLOSE}\n'
            "Each result comes back in a <tool_response> block. When you are done, give the final "
            "answer exactly once as <answer>...</answer> (or \\boxed{...})."
        )
