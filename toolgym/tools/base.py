"""The :class:`Tool` contract: a named, JSON-schema-described callable the policy can invoke.

Arguments are validated against the tool's JSON Schema *before* the tool runs, so a bad call
becomes a clear observation naming the offending field instead of an exception deep in a tool.
Tools with per-episode state (an interpreter, a database copy) override :meth:`Tool.reset` and
:meth:`Tool.close`.
"""

from __future__ import annotations

import abc
import time
from functools import cached_property
from typing import Any

import jsonschema

from toolgym.errors import ToolArgumentError
from toolgym.failures import FailureKind
from toolgym.types import ToolResult


class Tool(abc.ABC):
    """A tool: ``name``, ``description``, JSON-schema ``parameters`` and :meth:`run`."""

    name: str
    description: str
    parameters: dict[str, Any]

    @abc.abstractmethod
    def run(self, arguments: dict[str, Any]) -> ToolResult:
        """Execute with already-validated ``arguments``."""

    def reset(self) -> None:
        """Forget per-episode state. Called by the env on every ``reset``."""

    def close(self) -> None:
        """Release resources (processes, connections). Idempotent."""

    @cached_property
    def _validator(self) -> jsonschema.protocols.Validator:
        cls = jsonschema.validators.validator_for(self.parameters)
        cls.check_schema(self.parameters)
        return cls(self.parameters)

    def validate(self, arguments: Any) -> None:
        """Raise :class:`ToolArgumentError` naming the bad field when ``arguments`` do not fit."""
        if not isinstance(arguments, dict):
            raise ToolArgumentError(f"arguments of tool {self.name!r} must be a JSON object")
        bad = _unencodable_field(arguments)
        if bad is not None:
            raise ToolArgumentError(
                f"invalid arguments for tool {self.name!r} (field {bad!r}): text must be valid Unicode "
                "(it contains a lone surrogate, which no UTF-8 service accepts)",
                field=bad,
            )
        error = jsonschema.exceptions.best_match(self._validator.iter_errors(arguments))
        if error is None:
            return
        field = "/".join(str(p) for p in error.absolute_path)
        if not field and error.validator == "required":
            missing = [k for k in error.validator_value if k not in arguments]
            field = missing[0] if missing else ""
        if not field and error.validator == "additionalProperties":
            allowed = set(self.parameters.get("properties", {}))
            extra = sorted(k for k in arguments if k not in allowed)
            field = extra[0] if extra else ""
        where = f" (field {field!r})" if field else ""
        raise ToolArgumentError(
            f"invalid arguments for tool {self.name!r}{where}: {error.message}", field=field or None
        )

    def __call__(self, arguments: Any) -> ToolResult:
        """Validate then run; argument errors become a failed :class:`ToolResult`."""
        start = time.perf_counter()
        try:
            self.validate(arguments)
        except ToolArgumentError as exc:
            return ToolResult(
                ok=False,
                content=f"Error: {exc}",
                error_kind=FailureKind.INVALID_ARGUMENTS,
                latency_s=time.perf_counter() - start,
                metadata={"field": exc.field},
            )
        result = self.run(arguments)
        result.latency_s = time.perf_counter() - start
        return result

    def to_openai(self) -> dict[str, Any]:
        """The tool in OpenAI's ``tools=[...]`` format."""
        return {
            "type": "function",
            "function": {"name": self.name, "description": self.description, "parameters": self.parameters},
        }


def _unencodable_field(value: Any, path: str = "") -> str | None:
    """The path of the first string (key or value) in ``value`` that UTF-8 cannot encode, if any.

    A policy can write lone surrogates (``"\\udfff"`` in JSON); left in, they make the service
    behind a tool fail, which would be blamed on us. They are the policy's argument error.
    """
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path or "<arguments>"
        return None
    if isinstance(value, dict):
        for k, v in value.items():
            sub = f"{path}/{k}" if path else str(k)
            found = _unencodable_field(k, sub) or _unencodable_field(v, sub)
            if found is not None:
                return found
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            found = _unencodable_field(v, f"{path}/{i}" if path else str(i))
            if found is not None:
                return found
    return None
