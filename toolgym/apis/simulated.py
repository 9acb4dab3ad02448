"""LLM-simulated APIs (the ToolAlpaca / DeepAgent idea): tools with documentation but no implementation.

A :class:`SimulatedApiTool` answers calls by asking a :class:`Responder` to write the response
from the API's documentation. :class:`LLMResponder` asks any OpenAI-compatible model (pinned
model, temperature and seed; timeouts and retries via :class:`~toolgym.llm.client.ChatClient`) and
requires a JSON body that fits the documented response schema. Offline, :class:`StubResponder`
writes a deterministic placeholder that fits the schema, and every stub response is labelled as
such in the content and in ``metadata["simulated_by"]`` so nobody mistakes it for real data.
Within an episode the same call gets the same response (responses are cached until ``reset``).
"""

from __future__ import annotations

import abc
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import jsonschema

from toolgym.errors import EndpointError
from toolgym.llm.client import ChatClient
from toolgym.tools.base import Tool
from toolgym.types import ToolResult

STUB_LABEL = "[offline stub response: no model configured; placeholder values generated from the API schema]"


@dataclass(frozen=True)
class SimulatedApiSpec:
    """An API known only from its documentation: name, parameters, docs and response schema."""

    name: str
    description: str
    parameters: dict[str, Any]
    documentation: str = ""
    returns: dict[str, Any] = field(default_factory=dict)


class Responder(abc.ABC):
    """Writes the response body (JSON text) of a simulated API call."""

    #: Recorded in ``ToolResult.metadata["simulated_by"]``.
    label: str = ""

    @abc.abstractmethod
    def respond(self, spec: SimulatedApiSpec, arguments: dict[str, Any]) -> str:
        """The response for ``arguments``; raises :class:`EndpointError` when it cannot write one."""


class StubResponder(Responder):
    """Deterministic offline placeholder: a schema-shaped value seeded by the call, clearly labelled."""

    label = "stub"

    def respond(self, spec: SimulatedApiSpec, arguments: dict[str, Any]) -> str:
        seed = f"{spec.name}\x00{json.dumps(arguments, sort_keys=True, ensure_ascii=True)}"
        body = example_value(spec.returns, seed, "response") if spec.returns else {"status": "ok"}
        return f"{STUB_LABEL}\n{json.dumps(body, ensure_ascii=False)}"


class LLMResponder(Responder):
    """A model writes the response from the documentation; it must be JSON fitting ``returns``."""

    label = "llm"

    SYSTEM = (
        "You simulate a web API that has no implementation. Given its documentation and a call, "
        "reply with only the JSON response body the real API would return: no prose, no code fences. "
        "Be realistic and consistent with the arguments."
    )

    def __init__(self, client: ChatClient, **params: Any) -> None:
        self.client = client
        self.params = params

    def respond(self, spec: SimulatedApiSpec, arguments: dict[str, Any]) -> str:
        doc = {
            "name": spec.name,
            "description": spec.description,
            "parameters": spec.parameters,
            "documentation": spec.documentation,
            "response_schema": spec.returns or "any JSON value",
        }
        messages = [
            {"role": "system", "content": self.SYSTEM},
            {"role": "user", "content": f"API:\n{json.dumps(doc, ensure_ascii=False)}\n\nCall arguments:\n"
             f"{json.dumps(arguments, ensure_ascii=False)}"},
        ]
        content = self.client.chat(messages, **self.params).get("content")
        if not isinstance(content, str):
            raise EndpointError(f"{self.client.base_url}: the simulating model returned no text")
        text = content.strip().removeprefix("```json").removeprefix("```").removesuffix("```").strip()
        try:
            body = json.loads(text)
        except ValueError:
            raise EndpointError(f"{self.client.base_url}: the simulated response is not JSON: {text[:120]!r}") from None
        if spec.returns:
            error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(spec.returns).iter_errors(body))
            if error is not None:
                raise EndpointError(f"the simulated response does not fit the documented schema: {error.message}")
        return json.dumps(body, ensure_ascii=False)

    def close(self) -> None:
        self.client.close()


class SimulatedApiTool(Tool):
    """A tool whose responses a :class:`Responder` writes; arguments are validated as for any tool."""

    def __init__(self, spec: SimulatedApiSpec, responder: Responder) -> None:
        self.spec = spec
        self.name = spec.name
        self.description = spec.description
        self.parameters = spec.parameters
        self.responder = responder
        self._cache: dict[str, str] = {}

    def run(self, arguments: dict[str, Any]) -> ToolResult:
        key = json.dumps(arguments, sort_keys=True, ensure_ascii=True)
        meta = {"simulated_by": self.responder.label}
        if key not in self._cache:
            try:
                self._cache[key] = self.responder.respond(self.spec, arguments)
            except EndpointError as exc:
                return ToolResult(
                    False, "Error: the simulated API is unavailable; please retry.", "infra",
                    metadata={**meta, "exception": str(exc)},
                )
        return ToolResult(True, self._cache[key], metadata=meta)

    def reset(self) -> None:
        self._cache.clear()

    def close(self) -> None:
        close = getattr(self.responder, "close", None)
        if close is not None:
            close()


def example_value(schema: dict[str, Any], seed: str, path: str) -> Any:
    """A deterministic value that fits ``schema`` (objects, arrays, enums, scalars), seeded by ``seed``."""
    h = int.from_bytes(hashlib.sha256(f"{seed}\x00{path}".encode()).digest()[:8], "big")
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][h % len(schema["enum"])]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return example_value(schema[key][0], seed, path)
    kind = schema.get("type", "object" if "properties" in schema else "string")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object":
        props = schema.get("properties", {})
        return {k: example_value(v, seed, f"{path}.{k}") for k, v in props.items()}
    if kind == "array":
        count = max(int(schema.get("minItems", 0)), min(2, int(schema.get("maxItems", 2))))
        return [example_value(schema.get("items", {}), seed, f"{path}[{i}]") for i in range(count)]
    if kind == "integer":
        low = int(schema.get("minimum", 0))
        high = int(schema.get("maximum", low + 99))
        return low + h % (high - low + 1)
    if kind == "number":
        low = float(schema.get("minimum", 0.0))
        high = float(schema.get("maximum", low + 100.0))
        return round(low + (h % 10_000) / 10_000 * (high - low), 2)
    if kind == "boolean":
        return bool(h % 2)
    if kind == "null":
        return None
    if schema.get("format") == "date":
        return f"2025-{1 + h % 12:02d}-{1 + h % 28:02d}"
    return f"{path.rsplit('.', 1)[-1]}-{h % 16**6:06x}"
