"""What a domain is: a database schema, typed read/write tools, a policy document, and tasks.

A domain tool is an ordinary typed Python function whose first parameter is the episode's
SQLAlchemy :class:`~sqlalchemy.orm.Session` (named ``db``); the rest are the tool's arguments.
``@api("read")`` / ``@api("write")`` turn it into an :class:`ApiFunction` whose JSON Schema is
derived from the type hints and the docstring by the same rules as :func:`toolgym.tools.tool`.
Read tools are rolled back after every call, so they cannot change state even by mistake.
A tool signals a rule violation (the policy's fault) by raising :class:`~toolgym.apis.errors.ApiError`.
"""

from __future__ import annotations

import functools
import importlib
import inspect
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Literal, Mapping

from sqlalchemy import MetaData

from toolgym.errors import ToolGymError
from toolgym.tasks import TaskSet
from toolgym.tools.function import FunctionTool

ToolKind = Literal["read", "write"]

class _RegisteredDomains(Mapping[str, str]):
    """Domain name -> ``module:attribute``, read from the env specs that lend an ``api_domain``
    (:mod:`toolgym.families`), so the library names no env family."""

    def _table(self) -> dict[str, str]:
        from toolgym.families import provided

        return provided("api_domain")

    def __getitem__(self, key: str) -> str:
        return self._table()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table())

    def __len__(self) -> int:
        return len(self._table())


#: Registered domains (``retail``, ``travel`` and any plugin's): name -> ``module:attribute`` of their :class:`Domain`.
DOMAINS: Mapping[str, str] = _RegisteredDomains()


@dataclass(frozen=True)
class ToolSpec:
    """The public description of a domain tool: what clients (and prompts) see."""

    name: str
    description: str
    parameters: dict[str, Any]
    kind: ToolKind

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description, "parameters": self.parameters, "kind": self.kind}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ToolSpec":
        if data.get("kind") not in ("read", "write"):
            raise ValueError(f"tool spec {data.get('name')!r}: kind must be 'read' or 'write'")
        return cls(str(data["name"]), str(data["description"]), dict(data["parameters"]), data["kind"])


class ApiFunction:
    """A domain tool: ``fn(db, **arguments)`` plus its name, JSON Schema and read/write kind."""

    def __init__(self, fn: Callable[..., Any], kind: ToolKind, name: str | None = None) -> None:
        if kind not in ("read", "write"):
            raise ToolGymError(f"tool kind must be 'read' or 'write', got {kind!r}")
        sig = inspect.signature(fn)
        params = list(sig.parameters.values())
        if not params or params[0].name != "db":
            raise ToolGymError(f"domain tool {fn.__name__!r}: the first parameter must be 'db' (the session)")

        # A signature carrier without ``db`` lets FunctionTool derive the schema by the @tool rules.
        @functools.wraps(fn)
        def carrier(**arguments: Any) -> Any:
            raise ToolGymError("a schema carrier is never called")

        carrier.__signature__ = sig.replace(parameters=params[1:])  # type: ignore[attr-defined]
        self._schema = FunctionTool(carrier, name=name or fn.__name__)
        self.fn = fn
        self.kind: ToolKind = kind
        self.name = self._schema.name
        self.description = self._schema.description
        self.parameters = self._schema.parameters

    def validate(self, arguments: Any) -> None:
        """Raise :class:`~toolgym.errors.ToolArgumentError` naming the bad field when arguments don't fit."""
        self._schema.validate(arguments)

    @property
    def spec(self) -> ToolSpec:
        return ToolSpec(self.name, self.description, self.parameters, self.kind)


def api(kind: ToolKind, *, name: str | None = None) -> Callable[[Callable[..., Any]], ApiFunction]:
    """Decorator: ``@api("read")`` or ``@api("write")`` on ``def tool(db, ...)``."""
    return lambda fn: ApiFunction(fn, kind, name=name)


@dataclass(frozen=True)
class Domain:
    """A simulated-API domain.

    ``seed`` returns the initial rows, table name -> list of row dicts, inserted in the order of
    ``metadata.sorted_tables``. ``tasks`` returns every task of the domain (all splits).
    """

    name: str
    metadata: MetaData
    functions: tuple[ApiFunction, ...]
    policy: str
    seed: Callable[[], Mapping[str, list[dict[str, Any]]]]
    tasks: Callable[[], TaskSet]
    _by_name: dict[str, ApiFunction] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_name = {f.name: f for f in self.functions}
        if len(by_name) != len(self.functions):
            raise ToolGymError(f"domain {self.name!r}: duplicate tool names")
        object.__setattr__(self, "_by_name", by_name)

    def function(self, name: str) -> ApiFunction | None:
        """The tool called ``name``, or ``None``."""
        return self._by_name.get(name)

    @property
    def specs(self) -> tuple[ToolSpec, ...]:
        return tuple(f.spec for f in self.functions)


def get_domain(spec: str | Domain) -> Domain:
    """A domain from a built-in name (``retail``), a ``module:attribute`` path, or an instance."""
    if isinstance(spec, Domain):
        return spec
    target = spec if ":" in spec else DOMAINS.get(spec, spec)  # a path never needs the registry
    module_name, sep, attr = target.partition(":")
    if not sep:
        raise ValueError(f"unknown domain {spec!r}; built-in: {sorted(DOMAINS)}, or give 'module:attribute'")
    domain = getattr(importlib.import_module(module_name), attr)
    if not isinstance(domain, Domain):
        raise TypeError(f"{target} is not a toolgym.apis.Domain")
    return domain
