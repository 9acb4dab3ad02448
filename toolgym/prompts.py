"""System-prompt assembly: the env's preamble, the tool specs, and the parser's format rules."""

from __future__ import annotations

import json
from typing import Sequence

from toolgym.parsers.base import ToolCallParser
from toolgym.tools.base import Tool


def build_system_prompt(
    preamble: str, tools: Sequence[Tool], parser: ToolCallParser, *, native_tools: bool = False
) -> str:
    """The system text: preamble, then every tool in OpenAI format, then how to call them.

    With ``native_tools`` (chat mode) the tools travel as the request's OpenAI ``tools`` instead,
    and the last paragraph only says how to answer.
    """
    parts = [preamble.strip()]
    if native_tools:
        parts.append(parser.chat_instructions())
        return "\n\n".join(p for p in parts if p)
    if tools:
        specs = "\n".join(json.dumps(t.to_openai(), ensure_ascii=False) for t in tools)
        parts.append(f"# Tools\n\nYou may call these tools:\n<tools>\n{specs}\n</tools>")
    parts.append(parser.format_instructions())
    return "\n\n".join(p for p in parts if p)
