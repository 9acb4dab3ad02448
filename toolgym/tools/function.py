"""Build a :class:`Tool` from a typed Python function: the ``@tool`` decorator.

The JSON Schema comes from the type hints, the descriptions from the docstring's summary and its
Google-style ``Args:`` section, so a tool is written once, as an ordinary function.
"""

from __future__ import annotations

import inspect
import re
import types
import typing
from typing import Any, Callable, Literal, Union, get_args, get_origin, get_type_hints

from toolgym.errors import ToolGymError
from toolgym.tools.base import Tool
from toolgym.types import ToolResult

_SCALARS: dict[Any, str] = {str: "string", int: "integer", float: "number", bool: "boolean"}


def type_to_schema(tp: Any) -> dict[str, Any]:
    """JSON Schema for a Python type hint (scalars, list/tuple/dict, Optional, Literal, Union)."""
    if tp in _SCALARS:
        return {"type": _SCALARS[tp]}
    if tp is Any:
        return {}
    if tp is type(None):
        return {"type": "null"}
    origin, args = get_origin(tp), get_args(tp)
    if origin is Literal:
        return {"enum": list(args)}
    if origin in (Union, types.UnionType):
        return {"anyOf": [type_to_schema(a) for a in args]}
    if origin in (list, typing.List, tuple, set, frozenset) or tp in (list, tuple, set):
        schema: dict[str, Any] = {"type": "array"}
        if args and not (origin is tuple and len(args) == 2 and args[1] is Ellipsis):
            if origin is tuple:
                schema["prefixItems"] = [type_to_schema(a) for a in args]
                schema["minItems"] = schema["maxItems"] = len(args)
            else:
                schema["items"] = type_to_schema(args[0])
        elif args:
            schema["items"] = type_to_schema(args[0])
        return schema
    if origin is dict or tp is dict:
        schema = {"type": "object"}
        if len(args) == 2:
            schema["additionalProperties"] = type_to_schema(args[1])
        return schema
    raise ToolGymError(f"cannot express type {tp!r} as JSON Schema")


def _arg_docs(doc: str) -> dict[str, str]:
    """Parameter descriptions from a Google-style ``Args:`` section."""
    out: dict[str, str] = {}
    m = re.search(r"^\s*(Args|Arguments|Parameters):\s*\n(.*?)(?:^\s*\w[\w ]*:\s*$|\Z)", doc, re.M | re.S)
    if not m:
        return out
    current = None
    for line in m.group(2).splitlines():
        item = re.match(r"^\s*(\w+)\s*(\([^)]*\))?\s*:\s*(.*)$", line)
        if item:
            current = item.group(1)
            out[current] = item.group(3).strip()
        elif current and line.strip():
            out[current] += " " + line.strip()
    return out


class FunctionTool(Tool):
    """A :class:`Tool` backed by a plain function; the return value becomes the observation."""

    def __init__(self, fn: Callable[..., Any], name: str | None = None, description: str | None = None) -> None:
        self.fn = fn
        self.name = name or fn.__name__
        doc = inspect.getdoc(fn) or ""
        self.description = description or doc.split("\n\n")[0].strip() or self.name
        hints = get_type_hints(fn)
        arg_docs = _arg_docs(doc)
        props: dict[str, Any] = {}
        required: list[str] = []
        for pname, param in inspect.signature(fn).parameters.items():
            if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                raise ToolGymError(f"tool {self.name!r}: *args/**kwargs cannot be described as JSON Schema")
            if pname not in hints:
                raise ToolGymError(f"tool {self.name!r}: parameter {pname!r} needs a type hint")
            prop = type_to_schema(hints[pname])
            if pname in arg_docs:
                prop["description"] = arg_docs[pname]
            if param.default is param.empty:
                required.append(pname)
            else:
                prop["default"] = param.default
            props[pname] = prop
        self.parameters = {"type": "object", "properties": props, "required": required, "additionalProperties": False}

    def run(self, arguments: dict[str, Any]) -> ToolResult:
        try:
            value = self.fn(**arguments)
        except Exception as exc:  # the tool's own failure is reported, never raised into step()
            return ToolResult(ok=False, content=f"Error: {type(exc).__name__}: {exc}", error_kind="exception")
        if isinstance(value, ToolResult):
            return value
        return ToolResult(ok=True, content=value if isinstance(value, str) else repr(value))


def tool(
    fn: Callable[..., Any] | None = None, *, name: str | None = None, description: str | None = None
) -> Any:
    """Decorator: ``@tool`` or ``@tool(name=...)`` turns a typed function into a :class:`FunctionTool`."""
    if fn is None:
        return lambda f: FunctionTool(f, name=name, description=description)
    return FunctionTool(fn, name=name, description=description)
