"""Tool-integrated reasoning (TIR) format: code in a fenced block runs in the ``python`` tool.

Code is written as a ```` ```python ```` (or ```` ```py ````) fence or as ``<code>...</code>``;
each block is one call of the code tool with argument ``code``. Results come back as
```` ```output ```` fences, as in ToRA/SimpleTIR-style prompting. Final answers are
``<answer>...</answer>`` or ``\\boxed{...}`` outside code.
"""

from __future__ import annotations

from typing import Sequence

from toolgym.parsers.answers import extract_answers
from toolgym.parsers.base import ToolCallParser, find_blocks, finish_parse
from toolgym.types import ParseResult, ToolCall, ToolResult

FENCE_OPEN, FENCE_CLOSE = "```python", "```"
TAG_OPEN, TAG_CLOSE = "<code>", "</code>"


class TIRParser(ToolCallParser):
    """Parse fenced or ``<code>``-tagged Python as calls of one code tool."""

    name = "tir"

    def __init__(self, code_tool: str = "python") -> None:
        self.code_tool = code_tool

    def parse(self, text: str) -> ParseResult:
        calls: list[ToolCall] = []
        errors: list[str] = []
        outside = text
        if "```py" in outside:
            blocks, outside, unclosed = find_blocks(outside.replace("```py\n", "```python\n"), FENCE_OPEN, FENCE_CLOSE)
            self._collect(blocks, unclosed, "```python fence", calls, errors)
        if TAG_OPEN in outside:
            blocks, outside, unclosed = find_blocks(outside, TAG_OPEN, TAG_CLOSE)
            self._collect(blocks, unclosed, TAG_OPEN, calls, errors)
        answers, ans_unclosed = extract_answers(outside)
        return finish_parse(text, calls, answers, ans_unclosed, " ".join(errors) or None)

    def _collect(
        self, blocks: list[str], unclosed: bool, what: str, calls: list[ToolCall], errors: list[str]
    ) -> None:
        for i, block in enumerate(blocks):
            if unclosed and i == len(blocks) - 1:
                errors.append(f"Unclosed {what}: close the code block.")
                continue
            code = block[1:] if block.startswith("\n") else block
            calls.append(ToolCall(name=self.code_tool, arguments={"code": code}))

    def render_action(
        self, calls: Sequence[ToolCall], answer: str | None = None, thought: str | None = None
    ) -> str:
        parts = [thought] if thought else []
        for c in calls:
            parts.append(f"{FENCE_OPEN}\n{c.arguments.get('code', '')}\n{FENCE_CLOSE}")
        if answer is not None:
            parts.append(f"<answer>{answer}</answer>")
        return "\n".join(parts)

    def render_results(self, calls: Sequence[ToolCall], results: Sequence[ToolResult]) -> str:
        return "\n".join(f"```output\n{r.content}\n```" for r in results)

    def format_instructions(self) -> str:
        return (
            "To run Python, write it in a ```python code block; its output comes back in an "
            "```output block. Variables persist between blocks. When you are done, give the final "
            "answer exactly once as <answer>...</answer> (or \\boxed{...})."
        )
