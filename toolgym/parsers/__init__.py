"""Action-format parsers, pluggable by name (``hermes``, ``tir``, ``tgrl``, ``xml``)."""

from __future__ import annotations

from typing import Any, Callable

from toolgym.parsers.base import ToolCallParser, decode_call, find_blocks
from toolgym.parsers.hermes import HermesParser
from toolgym.parsers.tgrl import TGRLParser
from toolgym.parsers.tir import TIRParser
from toolgym.parsers.xml import XMLTagParser

PARSERS: dict[str, Callable[..., ToolCallParser]] = {
    "hermes": HermesParser,
    "qwen": HermesParser,
    "tir": TIRParser,
    "tgrl": TGRLParser,
    "xml": XMLTagParser,
}


def get_parser(spec: str | ToolCallParser, **kwargs: Any) -> ToolCallParser:
    """A parser instance from a registry name or an instance (returned as is)."""
    if isinstance(spec, ToolCallParser):
        return spec
    try:
        factory = PARSERS[spec]
    except KeyError:
        raise ValueError(f"unknown parser {spec!r}; known: {sorted(PARSERS)}") from None
    return factory(**kwargs)


__all__ = [
    "PARSERS",
    "HermesParser",
    "TGRLParser",
    "TIRParser",
    "ToolCallParser",
    "XMLTagParser",
    "decode_call",
    "find_blocks",
    "get_parser",
]
