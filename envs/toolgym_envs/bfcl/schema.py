"""BFCL function documents as ToolGym tools: BFCL's parameter types mapped to JSON Schema.

BFCL writes parameter schemas in its own dialect: ``dict`` for objects, ``float`` for numbers,
``tuple`` for fixed arrays, ``any`` for unconstrained values, plus a non-standard ``optional`` flag.
The policy sees the mapped JSON Schema in the tool specs (and chat mode's native ``tools``); the
matcher grades against BFCL's original document.

>>> to_json_schema({"type": "dict", "properties": {"x": {"type": "float"}}, "required": ["x"]})
{'type': 'object', 'properties': {'x': {'type': 'number'}}, 'required': ['x']}
"""

from __future__ import annotations

from typing import Any, Mapping

from toolgym.tools.base import Tool
from toolgym.types import ToolResult

#: BFCL type -> JSON Schema type (``any`` maps to no type at all).
JSON_TYPES: dict[str, str | None] = {
    "dict": "object",
    "object": "object",
    "float": "number",
    "number": "number",
    "integer": "integer",
    "string": "string",
    "boolean": "boolean",
    "array": "array",
    "tuple": "array",
    "any": None,
}
#: Keys copied unchanged (annotations and constraints JSON Schema shares with BFCL).
_KEPT = ("description", "enum", "default", "format", "maximum", "minimum")
RECORDED = "Call recorded. (BFCL calls are graded as written, not executed.)"


def to_json_schema(spec: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON Schema for one BFCL parameter schema (recursively through properties and items)."""
    out: dict[str, Any] = {}
    kind = spec.get("type")
    mapped = JSON_TYPES.get(kind) if isinstance(kind, str) else None
    if mapped is not None:
        out["type"] = mapped
    for key in _KEPT:
        if key in spec:
            out[key] = spec[key]
    properties = spec.get("properties")
    if isinstance(properties, Mapping):
        out["properties"] = {name: to_json_schema(p) if isinstance(p, Mapping) else {} for name, p in properties.items()}
    items = spec.get("items")
    if isinstance(items, Mapping):
        out["items"] = to_json_schema(items)
    required = spec.get("required")
    if isinstance(required, list) and mapped == "object":
        out["required"] = [r for r in required if isinstance(r, str)]
    return out


class BFCLFunction(Tool):
    """One BFCL function document offered to the policy; the env grades calls and never runs them."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self.name = str(document["name"])
        self.description = str(document.get("description", ""))
        self.parameters = to_json_schema(document.get("parameters") or {"type": "dict", "properties": {}})

    def run(self, arguments: dict[str, Any]) -> ToolResult:
        return ToolResult(ok=True, content=RECORDED)
