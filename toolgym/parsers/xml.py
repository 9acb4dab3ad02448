"""XML-tag tool format (Search-R1 style): ``<search>query</search>``, ``<sql>...</sql>``.

Each configured tag maps to one tool and the name of its single string argument. Results come back
in a configurable tag (``<information>`` by default, as in Search-R1). Final answers are
``<answer>...</answer>``.
"""

from __future__ import annotations

from typing import Mapping, Sequence

from toolgym.parsers.answers import extract_answers
from toolgym.parsers.base import ToolCallParser, find_blocks, finish_parse
from toolgym.types import ParseResult, ToolCall, ToolResult


class XMLTagParser(ToolCallParser):
    """Parse ``<tag>text</tag>`` as a call of the tool mapped to ``tag``."""

    name = "xml"

    def __init__(
        self,
        tags: Mapping[str, tuple[str, str]] | None = None,
        result_tag: str = "information",
    ) -> None:
        #: tag -> (tool name, argument name)
        self.tags = dict(tags or {"search": ("search", "query")})
        self.result_tag = result_tag
        self._tag_of = {tool: tag for tag, (tool, _) in self.tags.items()}

    def parse(self, text: str) -> ParseResult:
        calls: list[ToolCall] = []
        errors: list[str] = []
        outside = text
        for tag, (tool, arg) in self.tags.items():
            if f"<{tag}>" not in outside:
                continue
            blocks, outside, unclosed = find_blocks(outside, f"<{tag}>", f"</{tag}>")
            for i, block in enumerate(blocks):
                if unclosed and i == len(blocks) - 1:
                    errors.append(f"Unclosed <{tag}>: end it with </{tag}>.")
                    continue
                calls.append(ToolCall(name=tool, arguments={arg: block.strip()}))
        answers, ans_unclosed = extract_answers(outside)
        return finish_parse(text, calls, answers, ans_unclosed, " ".join(errors) or None)

    def render_action(
        self, calls: Sequence[ToolCall], answer: str | None = None, thought: str | None = None
    ) -> str:
        parts = [f"<think>{thought}</think>"] if thought else []
        for c in calls:
            tag = self._tag_of.get(c.name, c.name)
            arg = self.tags.get(tag, (c.name, next(iter(c.arguments), "query")))[1]
            parts.append(f"<{tag}>{c.arguments.get(arg, '')}</{tag}>")
        if answer is not None:
            parts.append(f"<answer>{answer}</answer>")
        return "\n".join(parts)

    def render_results(self, calls: Sequence[ToolCall], results: Sequence[ToolResult]) -> str:
        t = self.result_tag
        return "\n".join(f"<{t}>{r.content}</{t}>" for r in results)

    def format_instructions(self) -> str:
        tags = ", ".join(f"<{tag}>{arg}</{tag}> calls {tool}" for tag, (tool, arg) in self.tags.items())
        return (
            f"Tool calls are XML tags: {tags}. Results come back inside <{self.result_tag}>. "
            "Give the final answer once as <answer>...</answer>."
        )
