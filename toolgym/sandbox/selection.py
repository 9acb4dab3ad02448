"""Choosing a sandbox backend for an env: ``sandbox="local" | "docker" | "auto"`` or a pool.

* ``"local"``: a :class:`LocalSandbox` per env (kernel namespaces and a cgroup where the host
  allows them, else rlimits; not a container boundary).
* ``"docker"``: sandboxes from a pool shared by every env of this process with the same image and
  limits. Each env that joins grows the pool by one, which starts a container for it in the
  background right away; each env that closes shrinks it, and the last one closes it, so nothing
  outlives ``env.close()``. Fails at construction when Docker cannot run the image.
* ``"auto"``: ``"docker"`` when a Docker engine answers and has the image, else ``"local"`` with a
  one-line warning that the local backend is not the container boundary.
* ``None``: the ``TOOLGYM_SANDBOX`` environment variable, else ``"local"``.
* a :class:`SandboxPool` you made: envs lease from it; you close it.

The engine is the docker SDK's default, or the one ``DOCKER_HOST`` names (remote engines too).
"""

from __future__ import annotations

import functools
import os
import threading
import warnings
from collections.abc import Callable

from toolgym.errors import SandboxError, SandboxStartError
from toolgym.sandbox.base import Sandbox, SandboxLimits
from toolgym.sandbox.containers import PYTHON_IMAGE
from toolgym.sandbox.local import LocalSandbox
from toolgym.sandbox.pool import SandboxPool

#: Environment variable naming the default backend ("local", "docker" or "auto").
ENV_VAR = "TOOLGYM_SANDBOX"
KINDS = ("local", "docker", "auto")
#: How long ``auto`` waits for a Docker engine to answer.
PROBE_TIMEOUT_S = 5


def requested_kind(kind: str | None = None) -> str:
    """``kind``, else ``$TOOLGYM_SANDBOX``, else ``"local"``; checked against :data:`KINDS`."""
    chosen = kind or os.environ.get(ENV_VAR) or "local"
    if chosen not in KINDS:
        source = "" if kind else f" (from ${ENV_VAR})"
        raise SandboxError(f"unknown sandbox kind {chosen!r}{source}; known kinds: {', '.join(KINDS)}")
    return chosen


def resolve_kind(kind: str | None = None, image: str = PYTHON_IMAGE) -> str:
    """The backend to use, ``"local"`` or ``"docker"``; ``auto`` probes Docker (once per process)."""
    chosen = requested_kind(kind)
    if chosen != "auto":
        return chosen
    problem = docker_problem(image)
    if problem is None:
        return "docker"
    warnings.warn(
        f"sandbox='auto': no usable Docker ({problem}); using the local sandbox (kernel namespaces "
        "where allowed, not a container boundary: docs/sandboxes.md)",
        RuntimeWarning,
        stacklevel=2,
    )
    return "local"


def docker_problem(image: str = PYTHON_IMAGE) -> str | None:
    """Why Docker cannot run sandboxes of ``image`` here (no SDK, no engine answering, no image),
    or None when it can. The answer is cached per process, engine address and image."""
    return _probe(os.getpid(), os.environ.get("DOCKER_HOST", ""), image)


@functools.lru_cache(maxsize=16)
def _probe(pid: int, host: str, image: str) -> str | None:
    try:
        import docker
    except ImportError:
        return "the docker SDK is not installed (pip install 'toolgym[docker]')"
    where = f" at {host}" if host else ""
    try:
        api = docker.from_env(timeout=PROBE_TIMEOUT_S).api
        api.inspect_image(image)
    except docker.errors.ImageNotFound:
        return f"image {image!r} not found{where}; build it with `toolgym sandbox build`"
    except docker.errors.DockerException as exc:
        return f"no Docker engine answers{where}: {exc}"
    return None


class SandboxSource:
    """How one env gets its sandbox: call it for a sandbox, close it when the env closes."""

    def __init__(self, make: Callable[[], Sandbox], on_close: Callable[[], None] | None = None) -> None:
        self._make = make
        self._on_close = on_close

    def __call__(self) -> Sandbox:
        return self._make()

    def close(self) -> None:
        """Let go of what the env held (a place in a shared pool). Idempotent."""
        on_close, self._on_close = self._on_close, None
        if on_close is not None:
            on_close()


def sandbox_source(
    sandbox: str | SandboxPool | None,
    limits: SandboxLimits,
    image: str = PYTHON_IMAGE,
    mounts: tuple[tuple[str, str], ...] = (),
) -> SandboxSource:
    """The :class:`SandboxSource` for an env's ``sandbox`` argument (see the module docstring).
    ``mounts`` (Docker only) are ``(host_path, container_path)`` pairs mounted read-only."""
    if isinstance(sandbox, SandboxPool):
        return SandboxSource(sandbox.acquire)
    kind = resolve_kind(sandbox, image)
    if kind == "local":
        return SandboxSource(lambda: LocalSandbox(limits))
    problem = docker_problem(image)
    if problem is not None:
        raise SandboxStartError(f"sandbox='docker' is unusable: {problem}")
    key = (os.getpid(), image, limits, tuple(mounts))
    pool = _join_shared(key)
    return SandboxSource(pool.acquire, lambda: _leave_shared(key))


_SHARED_LOCK = threading.Lock()
_Key = tuple[int, str, SandboxLimits, tuple[tuple[str, str], ...]]
_SHARED: dict[_Key, tuple[SandboxPool, int]] = {}


def _join_shared(key: _Key) -> SandboxPool:
    from toolgym.sandbox.docker import DockerSandbox

    _, image, limits, mounts = key
    with _SHARED_LOCK:
        pool, members = _SHARED.get(key) or (
            SandboxPool(lambda: DockerSandbox(limits, image=image, mounts=mounts), size=0), 0
        )
        _SHARED[key] = (pool, members + 1)
        pool.resize(members + 1)
    return pool


def _leave_shared(key: _Key) -> None:
    with _SHARED_LOCK:
        pool, members = _SHARED[key]
        if members > 1:
            _SHARED[key] = (pool, members - 1)
            pool.resize(members - 1)
            return
        del _SHARED[key]
    pool.close()

