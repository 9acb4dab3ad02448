"""Friendly lookups for command lines: env ids and env constructor arguments, with suggestions.

``toolgym run MathTIR-v1`` or ``--env-arg splt=test`` should fail with one line that says what
would work, derived from the registry (never a hard-coded id list), before anything is built.

>>> from toolgym.lookup import resolve_env_id
>>> try:
...     resolve_env_id("ToolGym/Nope-v0")
... except UnknownEnvError as exc:
...     print(str(exc).split(";")[0])
unknown env id 'ToolGym/Nope-v0'
"""

from __future__ import annotations

import difflib
import inspect
from typing import Any, Iterable

from toolgym.errors import ToolGymError

#: Keywords every ``ToolGym/*`` creator takes besides the env class's own (mode and token mode).
WRAPPER_KWARGS = ("mode", "tokenizer", "token_family", "token_budget", "check_drift", "template_kwargs")


class UnknownEnvError(ToolGymError):
    """Raised when an env id is not registered; the message suggests the closest ids."""


class UnknownEnvArgError(ToolGymError):
    """Raised when an env keyword argument is not one its constructor takes; the message lists valid ones."""


def _closest(word: str, choices: Iterable[str], n: int = 3, cutoff: float = 0.5) -> list[str]:
    lowered = {c.lower(): c for c in choices}
    hits = difflib.get_close_matches(word.lower(), list(lowered), n=n, cutoff=cutoff)
    return [lowered[h] for h in hits]


def resolve_env_id(env_id: str) -> str:
    """``env_id`` when it is a registered ``ToolGym/*`` id (or any Gymnasium id); else :class:`UnknownEnvError`.

    A unique case-insensitive match, with or without the namespace (``mathtir-v0``), is not taken
    silently: the error names it, so scripts stay exact.
    """
    import gymnasium as gym

    from toolgym.registration import env_ids

    ids = env_ids()
    if env_id in ids or env_id in gym.registry:
        return env_id
    short = {i.split("/", 1)[-1]: i for i in ids}
    exact = [i for i in ids if env_id.lower() in (i.lower(), i.split("/", 1)[-1].lower())]
    suggestions = exact or [short[s] for s in _closest(env_id.split("/", 1)[-1], short, cutoff=0.6)]
    hint = f"did you mean {' or '.join(suggestions)}?" if suggestions else "see `toolgym list`"
    raise UnknownEnvError(f"unknown env id {env_id!r}; {hint} (registered: {', '.join(ids)})")


def env_class(env_id: str) -> type | None:
    """The env class behind a registered ``ToolGym/*`` id, or ``None`` when it cannot be told."""
    from gymnasium.envs.registration import load_env_creator

    from toolgym.registration import spec_for

    spec = spec_for(env_id)
    if spec is None:
        return None
    creator = load_env_creator(spec.entry_point)
    return creator if isinstance(creator, type) else None


def constructor_kwargs(cls: type) -> list[str] | None:
    """Keyword names ``cls(...)`` accepts, following ``**kwargs`` up the MRO; ``None`` when unbounded."""
    names: list[str] = []
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        params = inspect.signature(init).parameters.values()
        names += [p.name for p in params if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD) and p.name != "self"]
        if not any(p.kind is p.VAR_KEYWORD for p in params):
            return sorted(set(names))
    return None


def check_env_kwargs(env_id: str, kwargs: dict[str, Any], flag: str = "--env-arg") -> None:
    """Raise :class:`UnknownEnvArgError` when ``kwargs`` has a name the env's constructor does not take."""
    cls = env_class(env_id)
    valid = constructor_kwargs(cls) if cls is not None else None
    if valid is None:
        return
    valid = sorted(set(valid) | set(WRAPPER_KWARGS))
    for key in kwargs:
        if key not in valid:
            near = _closest(key, valid, n=2)
            hint = f"did you mean {' or '.join(near)}? " if near else ""
            raise UnknownEnvArgError(
                f"{env_id} has no argument {key!r} ({flag} {key}=...); {hint}valid names: {', '.join(valid)}"
            )
