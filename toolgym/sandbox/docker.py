"""The Docker sandbox backend: one long-lived container per sandbox, ToolGym's isolation boundary.

A :class:`DockerSandbox` starts its container on first use (see :mod:`toolgym.sandbox.containers`
for every limit it gets) and keeps it for its whole life. Inside, a supervisor (PID 1) forks a
pre-imported interpreter per episode; the host talks to it over the container's attached
stdin/stdout (:mod:`toolgym.sandbox.attach`), so a call costs a round trip through the Docker
engine's stream copier, not a ``docker exec``:

* ``exec`` sends the code; the supervisor enforces the wall-clock timeout (killing every process in
  the container but itself and forking a fresh interpreter) and reports ``timeout``, ``memory``
  (the container's OOM killer struck) or ``crashed`` (the interpreter died);
* ``reset`` asks the supervisor for a fresh interpreter and an empty work dir: no new container;
* if the container itself dies or stops answering (the supervisor missed the timeout by
  :data:`HOST_GRACE_S`), the call reports ``infra`` (``infra_error`` in the env: the policy's
  code cannot kill the supervisor, PID 1 of the container), the container is removed, and the
  next call starts a new one. Deaths of the interpreter are the policy's (``crashed``).

Cleanup: ``close()`` (also run by a finalizer and at interpreter exit) removes the container. A
host killed outright leaves nothing either: the container's stdin closes with the host's socket,
the supervisor exits and Docker auto-removes the container. Leftovers of a host killed while
creating a container are reaped by the next process (:mod:`toolgym.sandbox.reaper`) or by
``toolgym sandbox gc``. Remote engines work through ``DOCKER_HOST`` (and the TLS variables).
"""

from __future__ import annotations

import atexit
import os
import threading
import time
import weakref
from typing import Any

from toolgym.errors import SandboxError
from toolgym.sandbox import protocol
from toolgym.sandbox.base import Sandbox, SandboxLimits, exec_result
from toolgym.sandbox.containers import PYTHON_IMAGE, ContainerSettings, StartedContainer, docker_api, start_container
from toolgym.sandbox.reaper import reap, remove_container
from toolgym.types import ExecResult

#: How long past a call's timeout the host waits for the supervisor before it gives the container up.
HOST_GRACE_S = 5.0
#: How long a reset or a ping may take.
CONTROL_TIMEOUT_S = 10.0
#: Reply size bound for a call (see the supervisor): output characters in UTF-8 and JSON, plus room.
_REPLY_SLACK_BYTES = 256 * 1024

CONTAINER_LOST_MESSAGE = (
    "The sandbox container stopped while running this code (it was killed or stopped answering). "
    "A new container is started on the next call: variables, files and processes are gone."
)


class _Session:
    """Everything one DockerSandbox owns, kept apart from it so a finalizer can close it."""

    def __init__(self, settings: ContainerSettings) -> None:
        self.settings = settings
        self._call = threading.Lock()  # one request/response exchange at a time
        self._state = threading.Lock()  # guards _container and _closed, never held during I/O
        self._container: StartedContainer | None = None
        self._closed = False

    @property
    def container_id(self) -> str | None:
        container = self._container
        return container.id if container is not None else None

    @property
    def preloaded(self) -> list[str]:
        container = self._container
        return list(container.preloaded) if container is not None else []

    def exec(self, code: str, timeout: float | None) -> ExecResult:
        limits = self.settings.limits
        timeout = limits.timeout_s if timeout is None else float(timeout)
        if not timeout > 0:
            raise ValueError(f"timeout must be positive, got {timeout}")
        request = {"op": "exec", "code": code, "max_output": limits.max_output_chars, "timeout": timeout}
        with self._call:
            container = self._ensure_container()
            started = time.monotonic()
            try:
                container.channel.send(request, started + timeout + HOST_GRACE_S)
                reply = container.channel.recv(
                    started + timeout + HOST_GRACE_S, 8 * limits.max_output_chars + _REPLY_SLACK_BYTES
                )
                if reply.get("op") not in ("result", "error"):
                    raise protocol.ProtocolError(f"the supervisor sent {reply.get('op')!r} instead of a result")
            except (OSError, protocol.ProtocolError):
                # The supervisor is PID 1 of the container: the policy's code cannot kill it, so a
                # lost container was killed or stopped from outside (or the engine failed).
                self._discard(container)
                return ExecResult(
                    stderr=CONTAINER_LOST_MESSAGE, error_kind="infra", duration_s=time.monotonic() - started
                )
        return exec_result(reply, timeout, time.monotonic() - started)

    def reset(self) -> None:
        with self._call:
            fresh = self._container is None
            container = self._ensure_container()
            if fresh:
                return  # a new container is as fresh as it gets
            try:
                container.channel.send({"op": "reset"}, time.monotonic() + CONTROL_TIMEOUT_S)
                reply = container.channel.recv(time.monotonic() + CONTROL_TIMEOUT_S, 64 * 1024)
                if reply.get("op") != "ready":
                    raise protocol.ProtocolError(f"the supervisor sent {reply!r} instead of ready")
            except (OSError, protocol.ProtocolError):
                self._discard(container)
                self._ensure_container()

    def ping(self, timeout: float) -> bool:
        with self._call:
            try:
                container = self._ensure_container()
            except SandboxError:
                return False
            deadline = time.monotonic() + timeout
            try:
                container.channel.send({"op": "ping"}, deadline)
                if container.channel.recv(deadline, 64 * 1024).get("op") == "pong":
                    return True
            except (OSError, protocol.ProtocolError):
                pass
            self._discard(container)
            return False

    def close(self) -> None:
        """Remove the container; a call in flight in another thread ends as ``crashed``."""
        with self._state:
            if self._closed:
                return
            self._closed = True
            container, self._container = self._container, None
        with _REGISTRY_LOCK:
            _LIVE.discard(self)
        if container is None:
            return
        try:
            remove_container(docker_api(), container.id)
        finally:
            container.channel.close()

    def hang_up(self) -> None:
        """Close the stream to the container: its supervisor exits and Docker removes it."""
        container = self._container
        if container is not None:
            container.channel.close()

    def forget_inherited(self) -> None:
        """In a forked child: let go of the parent's container without touching it."""
        self._call, self._state = threading.Lock(), threading.Lock()
        container, self._container = self._container, None
        if container is not None:
            container.channel.close()  # the child's copy of the socket; the parent keeps its own

    def _ensure_container(self) -> StartedContainer:
        """The running container, started first if there is none. Called with ``_call`` held."""
        with self._state:
            if self._closed:
                raise SandboxError("this DockerSandbox is closed")
            if self._container is not None:
                return self._container
        if _SHUTTING_DOWN.is_set():
            raise SandboxError("the interpreter is exiting: no new sandbox containers")
        api = docker_api()
        _reap_orphans_once(api)
        container = start_container(api, self.settings)
        with self._state:
            if not self._closed:
                self._container = container
                with _REGISTRY_LOCK:
                    _LIVE.add(self)
                return container
        remove_container(api, container.id)  # closed while it started
        container.channel.close()
        raise SandboxError("this DockerSandbox was closed while its container started")

    def _discard(self, container: StartedContainer) -> None:
        """Give up a broken container. Closing its stream makes it exit (and auto-remove) even
        if the engine cannot be reached to remove it now."""
        with self._state:
            if self._container is container:
                self._container = None
        container.channel.close()
        try:
            remove_container(docker_api(), container.id)
        except SandboxError:
            pass  # it stops by itself: its stdin is closed


class DockerSandbox(Sandbox):
    """A sandbox in its own Docker container; see the module docstring.

    Nothing starts until the first call. One instance serves one episode at a time; many may run
    concurrently from threads. ``image`` is a sandbox image built from ``sandboxes/`` (``toolgym
    sandbox build``); ``network`` is a Docker network mode (``none`` by default); ``mounts`` are
    ``(host_path, container_path)`` pairs mounted read-only (a tool's data).
    """

    def __init__(
        self,
        limits: SandboxLimits | None = None,
        *,
        image: str = PYTHON_IMAGE,
        network: str = "none",
        mounts: tuple[tuple[str, str], ...] = (),
    ) -> None:
        self.limits = limits or SandboxLimits()
        settings = ContainerSettings(image=image, limits=self.limits, network=network, mounts=tuple(mounts))
        self._session = _Session(settings)
        self._finalizer = weakref.finalize(self, self._session.close)
        self._finalizer.atexit = False  # _shutdown closes every session, hanging up on all first

    @property
    def container_id(self) -> str | None:
        """The id of the running container, or None before the first call and after a loss."""
        return self._session.container_id

    @property
    def preloaded(self) -> list[str]:
        """The modules the running container's supervisor imported for every episode to inherit
        (empty before the first call)."""
        return self._session.preloaded

    def exec(self, code: str, timeout: float | None = None) -> ExecResult:
        """Run ``code``; timeouts, memory errors, exceptions and crashes come back as results.
        Raises :class:`~toolgym.errors.SandboxStartError` when no container can be started."""
        return self._session.exec(code, timeout)

    def reset(self) -> None:
        """A fresh interpreter and an empty work dir in the same container (a new container only
        if the old one is broken)."""
        self._session.reset()

    def ping(self, timeout: float = CONTROL_TIMEOUT_S) -> bool:
        """Start the container if needed; say whether the supervisor and interpreter answer."""
        return self._session.ping(timeout)

    def close(self) -> None:
        """Remove the container. Idempotent."""
        self._finalizer()


_REGISTRY_LOCK = threading.Lock()
_LIVE: set[_Session] = set()
_SHUTTING_DOWN = threading.Event()
_REAPED: set[tuple[int, str]] = set()


def _reap_orphans_once(api: Any) -> None:
    """Remove orphans of dead processes on this machine, once per process and engine."""
    key = (os.getpid(), str(getattr(api, "base_url", "")))
    with _REGISTRY_LOCK:
        if key in _REAPED:
            return
        _REAPED.add(key)
    try:
        reap(api)
    except Exception:  # reaping is housekeeping: never fail a sandbox start over it
        pass


def _forget_inherited() -> None:
    global _REGISTRY_LOCK
    _REGISTRY_LOCK = threading.Lock()
    for session in list(_LIVE):
        session.forget_inherited()
    _LIVE.clear()


@atexit.register
def _shutdown() -> None:
    """Remove every container this process still owns. No threads at exit (newer Pythons refuse
    to start them): hanging up on all containers first makes them exit and auto-remove in
    parallel inside the engine, so the removals that follow mostly wait for work under way."""
    _SHUTTING_DOWN.set()
    with _REGISTRY_LOCK:
        sessions = list(_LIVE)
    for session in sessions:
        session.hang_up()
    for session in sessions:
        try:
            session.close()
        except SandboxError:
            pass  # exiting anyway: the container stops by itself, its stdin is closed


os.register_at_fork(after_in_child=_forget_inherited)
