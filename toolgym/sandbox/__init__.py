"""Sandboxes: where model-written code runs (see ``base`` for the contract).

Backends: ``local`` (:class:`LocalSandbox`: processes forked from a shared fork server, in
namespaces of their own with a cgroup where the kernel allows; docs/sandboxes.md says what
holds) and ``docker`` (:class:`~toolgym.sandbox.docker.DockerSandbox`: one hardened container
per sandbox, the isolation boundary; needs the ``docker`` extra and an image from ``toolgym
sandbox build``). ``auto`` picks Docker when it is usable (:mod:`.selection`).
:class:`SandboxPool` keeps sandboxes pre-warmed and hands them to episodes.
"""

from __future__ import annotations

from typing import Any

from toolgym.sandbox.base import Sandbox, SandboxLimits
from toolgym.sandbox.containers import PYTHON_IMAGE
from toolgym.sandbox.local import LocalSandbox
from toolgym.sandbox.pool import PooledSandbox, SandboxPool
from toolgym.sandbox.selection import KINDS, SandboxSource, resolve_kind, sandbox_source

__all__ = [
    "KINDS",
    "LocalSandbox",
    "PooledSandbox",
    "Sandbox",
    "SandboxLimits",
    "SandboxPool",
    "SandboxSource",
    "make_sandbox",
    "resolve_kind",
    "sandbox_source",
]


def make_sandbox(kind: str | None = None, **kwargs: Any) -> Sandbox:
    """Build a sandbox of backend ``kind`` ("local", "docker", "auto"; None: ``$TOOLGYM_SANDBOX``
    or "local"); ``kwargs`` go to the backend's constructor (``limits``, and for Docker ``image``
    and ``network``, ``mounts``)."""
    if resolve_kind(kind, kwargs.get("image", PYTHON_IMAGE)) == "docker":
        from toolgym.sandbox.docker import DockerSandbox

        return DockerSandbox(**kwargs)
    for docker_only in ("image", "network", "mounts"):  # "auto" may land here with Docker options
        kwargs.pop(docker_only, None)
    return LocalSandbox(**kwargs)
