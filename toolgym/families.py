"""Env families as plugins: one :class:`EnvSpec` per env id, discovered through the ``toolgym.envs``
entry-point group.

A package (ToolGym's own included) declares each env in its ``pyproject.toml``::

    [project.entry-points."toolgym.envs"]
    "Acme/Weather-v0" = "acme_envs.weather.spec:SPEC"

where ``SPEC`` is an :class:`EnvSpec` whose ``id`` equals the entry point's name. ``import toolgym``
registers every declared id with Gymnasium from the entry-point *names* alone; the spec (and the
env module behind it) is imported only when the env is made or listed, so plugins cost nothing at
import time. No code in ToolGym names a family: ``toolgym list``, ``toolgym task validate`` and the
conformance kit (:mod:`toolgym.testing`) all read the specs.

>>> spec = EnvSpec(id="Acme/Echo-v0", entry_point="acme_envs.echo:EchoEnv", description="Echo.",
...                family="echo", parser="hermes", budgets={"max_turns": 2})
>>> spec.default_kwargs()
{'parser': 'hermes', 'max_turns': 2}
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata, resources
from typing import Any

from toolgym.errors import ToolGymError

#: The entry-point group a package declares its envs in.
ENTRY_POINT_GROUP = "toolgym.envs"


class PluginError(ToolGymError):
    """Raised when a ``toolgym.envs`` entry point does not load to a matching :class:`EnvSpec`."""


@dataclass(frozen=True)
class EnvSpec:
    """One env id: its class, tasks, parser, budgets and card, declared in one place.

    ``entry_point`` is ``"module:Class"`` (any callable returning a :class:`toolgym.ToolEnv`);
    ``tasks`` is ``"module:function"``, a function of ``split`` returning the shipped
    :class:`~toolgym.tasks.TaskSet`; ``family`` is the ``env`` value of its task records;
    ``parser`` and ``budgets`` (``max_turns``, ``max_tool_calls``...) are default constructor keywords,
    as is ``kwargs``; ``card`` is ``"package/README.md"``, the env card.
    """

    id: str
    entry_point: str
    description: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    family: str | None = None
    tasks: str | None = None
    parser: str | None = None
    budgets: dict[str, int] = field(default_factory=dict)
    card: str | None = None
    #: What the family lends to library services, kind -> ``"module:attr"``: ``api_domain`` (a
    #: :class:`toolgym.apis.Domain` for ``toolgym api serve --domain FAMILY``), ``search_corpus``
    #: (``f(seed, scale, backend) -> (passages, retriever)`` for ``toolgym search serve``).
    resources: dict[str, str] = field(default_factory=dict)

    def default_kwargs(self) -> dict[str, Any]:
        """The constructor keywords ``gym.make(id)`` passes before the caller's own."""
        out: dict[str, Any] = {}
        if self.parser is not None:
            out["parser"] = self.parser
        return {**out, **self.budgets, **self.kwargs}

    def load_tasks(self, split: str = "test") -> Any:
        """The family's shipped task set for ``split`` (via ``tasks``), or ``None`` when it declares none."""
        if self.tasks is None:
            return None
        return load_object(self.tasks)(split)

    def card_text(self) -> str | None:
        """The env card's Markdown, or ``None`` when the spec names none."""
        if self.card is None:
            return None
        package, _, name = self.card.rpartition("/")
        return resources.files(package.replace("/", ".")).joinpath(name).read_text("utf-8")


def load_object(reference: str) -> Any:
    """``"module:attr"`` imported and returned."""
    module, _, attr = reference.partition(":")
    obj: Any = importlib.import_module(module)
    for part in attr.split(".") if attr else ():
        obj = getattr(obj, part)
    return obj


def declared_ids() -> list[str]:
    """Every env id declared in the ``toolgym.envs`` group, without importing any plugin."""
    return sorted({ep.name for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)})


@cache
def load_spec(env_id: str) -> EnvSpec:
    """The :class:`EnvSpec` behind entry point ``env_id`` (imports its module)."""
    eps = [ep for ep in metadata.entry_points(group=ENTRY_POINT_GROUP) if ep.name == env_id]
    if not eps:
        raise PluginError(f"no {ENTRY_POINT_GROUP!r} entry point named {env_id!r}")
    obj = eps[0].load()
    spec = obj() if callable(obj) and not isinstance(obj, EnvSpec) else obj
    if not isinstance(spec, EnvSpec):
        raise PluginError(f"entry point {env_id!r} ({eps[0].value}) is a {type(spec).__name__}, not an EnvSpec")
    if spec.id != env_id:
        raise PluginError(f"entry point {env_id!r} ({eps[0].value}) declares id {spec.id!r}; the two must match")
    return spec


def spec_creator(env_id: str, wrap: Callable[[str], Callable[..., Any]]) -> Callable[..., Any]:
    """A Gymnasium creator for ``env_id`` that loads the spec only when the env is made."""

    def create(**kwargs: Any) -> Any:
        spec = load_spec(env_id)
        return wrap(spec.entry_point)(**{**spec.default_kwargs(), **kwargs})

    create.__name__ = create.__qualname__ = f"toolgym_plugin[{env_id}]"
    return create


def provided(kind: str) -> dict[str, str]:
    """``family -> "module:attr"`` for every registered spec that lends a ``kind`` resource (see
    :attr:`EnvSpec.resources`): how library services find family data without naming a family."""
    from toolgym.registration import all_specs

    return {s.family or s.id: s.resources[kind] for s in all_specs() if kind in s.resources}


def specs(extra: Iterable[EnvSpec] = ()) -> list[EnvSpec]:
    """Every env spec: the entry-point plugins (loaded), then ``extra`` (in-tree declarations)."""
    out = [load_spec(i) for i in declared_ids()]
    seen = {s.id for s in out}
    return out + [s for s in extra if s.id not in seen]


def make_from_spec(spec: EnvSpec, **kwargs: Any) -> Any:
    """``gym.make`` for a spec that is not installed (yet): ``mode=`` and ``tokenizer=`` work as for a registered id.

    The env comes back without Gymnasium's wrappers, as ``gym.make`` gives ToolGym envs.
    """
    from toolgym.modes import mode_entry_point

    return mode_entry_point(spec.entry_point)(**{**spec.default_kwargs(), **kwargs})
