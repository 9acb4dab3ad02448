"""Sandboxes: where model-written code runs (see ``base`` for the contract).

``make_sandbox("local")`` gives a :class:`LocalSandbox` (rlimited processes forked from a shared
fork server; not a security boundary).
"""

from __future__ import annotations

from typing import Any

from toolgym.errors import SandboxError
from toolgym.sandbox.base import Sandbox, SandboxLimits
from toolgym.sandbox.local import LocalSandbox

__all__ = ["LocalSandbox", "Sandbox", "SandboxLimits", "make_sandbox"]

_BACKENDS: dict[str, type[Sandbox]] = {"local": LocalSandbox}


def make_sandbox(kind: str = "local", **kwargs: Any) -> Sandbox:
    """Build a sandbox of backend ``kind``; ``kwargs`` go to the backend's constructor."""
    try:
        backend = _BACKENDS[kind]
    except KeyError:
        known = ", ".join(sorted(_BACKENDS))
        raise SandboxError(f"unknown sandbox kind {kind!r}; known kinds: {known}") from None
    return backend(**kwargs)
