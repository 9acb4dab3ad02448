"""How a sandbox container is configured, started and removed (host side, on the docker SDK).

Every container runs the image's supervisor (:mod:`toolgym.sandbox.supervisor`) as PID 1 and gets:

* no network (``--network none``) unless the caller asks for one;
* a memory limit (the interpreter's address-space limit + the work dir + room for the supervisor,
  no swap), a CPU quota, and a pids limit (``max_processes`` + the supervisor);
* a read-only root file system and a tmpfs work dir (``/work``: ``noexec``, ``nosuid``,
  ``nodev``, sized by ``workdir_bytes``), no ``/dev/shm`` (``--ipc none``), no core dumps;
* a non-root user (uid 10001), all capabilities dropped, ``no-new-privileges``;
* ToolGym labels (:mod:`toolgym.sandbox.reaper`), no log driver (results are not logged to disk),
  and auto-remove, so a container whose supervisor exits disappears.

The host attaches to the container *before* starting it (like ``docker run -i``), with stdin
closing when the host hangs up (``StdinOnce``): if the host dies, the supervisor reads end of
file, exits, and Docker removes the container. With an engine on this machine, frames travel on
a Unix socket the supervisor connects to at start (:mod:`toolgym.sandbox.direct`), which ends
with the host the same way; the attach stream then carries only the supervisor's stderr.
"""

from __future__ import annotations

import functools
import json
import os
import time
import warnings
from dataclasses import dataclass
from typing import Any

from toolgym.errors import SandboxError, SandboxStartError
from toolgym.sandbox import protocol
from toolgym.sandbox.attach import AttachChannel
from toolgym.sandbox.base import SandboxLimits
from toolgym.sandbox.direct import Rendezvous, SocketChannel, engine_is_local
from toolgym.sandbox.reaper import container_labels, remove_container

#: The image of the ``python`` sandbox (``sandboxes/python``; ``toolgym sandbox build`` makes it).
PYTHON_IMAGE = "toolgym/python:latest"
#: The unprivileged user every sandbox runs as (no account on the host, outside the uid range
#: the local backend leases).
SANDBOX_UID = 10001
WORKDIR = "/work"
#: Memory for the supervisor (which holds the preloaded modules) and the page cache, on top of
#: the interpreter's limit and the work dir.
SUPERVISOR_MEMORY_BYTES = 256 * 1024**2
#: How long a new container may take to start and preload its modules.
START_TIMEOUT_S = 60.0
#: Seconds an API call (create, start, remove) may take.
API_TIMEOUT_S = 60
_API_POOL_SIZE = 64
_HELLO_BYTES = 64 * 1024


@dataclass(frozen=True)
class ContainerSettings:
    """What a sandbox container runs and what it may use."""

    image: str = PYTHON_IMAGE
    limits: SandboxLimits = SandboxLimits()
    #: Docker network mode; ``none`` (the default) gives the container only a loopback device.
    network: str = "none"
    #: Host paths mounted read-only into the container, as ``(host_path, container_path)`` pairs
    #: (a tool's data: a database, a search index). Bind mounts need the engine on this machine.
    mounts: tuple[tuple[str, str], ...] = ()
    #: Frames over a Unix socket straight to the supervisor when the engine runs on this machine
    #: (:mod:`toolgym.sandbox.direct`); ``False`` keeps them on the attach stream.
    direct: bool = True

    def memory_limit(self) -> int:
        return self.limits.memory_bytes + self.limits.workdir_bytes + SUPERVISOR_MEMORY_BYTES


@dataclass
class StartedContainer:
    """A running sandbox container whose supervisor said it is ready."""

    id: str
    channel: AttachChannel | SocketChannel
    preloaded: list[str]


def docker_api() -> Any:
    """This process's low-level Docker client, configured from the environment (``DOCKER_HOST``,
    ``DOCKER_TLS_VERIFY``, ``DOCKER_CERT_PATH``). One per process and engine address."""
    return _api(os.getpid(), os.environ.get("DOCKER_HOST", ""))


@functools.lru_cache(maxsize=8)
def _api(pid: int, host: str) -> Any:
    try:
        import docker
    except ImportError as exc:
        raise SandboxStartError("the Docker sandbox needs the docker SDK: pip install 'toolgym[docker]'") from exc
    try:
        return docker.from_env(timeout=API_TIMEOUT_S, max_pool_size=_API_POOL_SIZE).api
    except docker.errors.DockerException as exc:
        raise SandboxStartError(f"cannot reach the Docker engine{_where(host)}: {exc}") from exc


def start_container(api: Any, settings: ContainerSettings) -> StartedContainer:
    """Create, attach to and start a sandbox container; return once its supervisor is ready.

    Frames take the direct socket where the engine is on this machine. Where that fails (an engine
    that cannot see this machine's /tmp, as a snap's or a VM's, or cannot pass a socket through
    its file sharing), the container is started again with the attach stream alone, and this
    process does not try the direct socket again.
    """
    engine = os.environ.get("DOCKER_HOST", "")
    if settings.direct and engine_is_local(engine) and engine not in _DIRECT_FAILED:
        try:
            return _start(api, settings, Rendezvous(SANDBOX_UID))
        except SandboxStartError as direct_failure:
            try:
                started = _start(api, settings, None)
            except SandboxStartError:
                raise direct_failure from None
            _DIRECT_FAILED.add(engine)
            warnings.warn(
                f"the sandbox's direct socket failed ({direct_failure}); frames use the attach stream "
                "(about 0.25 ms more per call)",
                RuntimeWarning,
                stacklevel=2,
            )
            return started
    return _start(api, settings, None)


#: Engines (by ``DOCKER_HOST``) on which the direct socket failed while the attach stream worked.
_DIRECT_FAILED: set[str] = set()


def _start(api: Any, settings: ContainerSettings, meeting: Rendezvous | None) -> StartedContainer:
    import docker.errors

    try:
        container_id = api.create_container(**_create_arguments(api, settings, meeting))["Id"]
    except docker.errors.ImageNotFound as exc:
        _close(meeting)
        raise SandboxStartError(
            f"sandbox image {settings.image!r} not found{_where()}: build it with `toolgym sandbox build`"
        ) from exc
    except docker.errors.DockerException as exc:
        _close(meeting)
        raise SandboxStartError(f"cannot create a sandbox container{_where()}: {exc}") from exc
    channel: AttachChannel | SocketChannel | None = None
    try:
        raw = api.attach_socket(container_id, params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1})
        channel = AttachChannel(raw)
        api.start(container_id)
        deadline = time.monotonic() + START_TIMEOUT_S
        if meeting is not None:
            channel = SocketChannel(meeting.accept(deadline, channel), channel)
        hello = channel.recv(deadline, _HELLO_BYTES)
        if hello.get("op") != "ready":
            raise SandboxStartError(f"the supervisor sent {hello!r} instead of ready")
    except (OSError, protocol.ProtocolError, docker.errors.DockerException, SandboxStartError) as exc:
        _close(meeting)
        detail = channel.stderr_tail().strip() if channel is not None else ""
        if channel is not None:
            channel.close()
        try:
            remove_container(api, container_id)
        except SandboxError:
            pass  # the start failure is what matters; gc removes the rest
        stderr = f"; its stderr: {detail}" if detail else ""
        raise SandboxStartError(f"sandbox container {container_id[:12]} did not start: {exc}{stderr}") from exc
    return StartedContainer(container_id, channel, list(hello.get("preloaded", [])))


def _close(meeting: Rendezvous | None) -> None:
    if meeting is not None:
        meeting.close()


def _create_arguments(api: Any, settings: ContainerSettings, meeting: Rendezvous | None = None) -> dict[str, Any]:
    from docker.types import LogConfig, Ulimit

    limits = settings.limits
    memory = settings.memory_limit()
    spec = {"workdir": WORKDIR, "memory_bytes": limits.memory_bytes, "file_size_bytes": limits.file_size_bytes}
    tmpfs = (
        f"rw,noexec,nosuid,nodev,size={limits.workdir_bytes},uid={SANDBOX_UID},gid={SANDBOX_UID},mode=0700"
    )
    mounts = list(settings.mounts) + ([meeting.bind()] if meeting is not None else [])
    host_config = api.create_host_config(
        network_mode=settings.network,
        mem_limit=memory,
        memswap_limit=memory,
        nano_cpus=int(limits.cpus * 1e9),
        pids_limit=limits.max_processes + 1,
        read_only=True,
        tmpfs={WORKDIR: tmpfs},
        ipc_mode="none",
        cap_drop=["ALL"],
        security_opt=["no-new-privileges"],
        ulimits=[Ulimit(name="core", soft=0, hard=0)],
        log_config=LogConfig(type=LogConfig.types.NONE),
        auto_remove=True,
        init=False,
        binds={host: {"bind": inside, "mode": "ro"} for host, inside in mounts} or None,
    )
    command = ["--spec", json.dumps(spec)]  # appended to the image's supervisor entry point
    if meeting is not None:
        command += ["--connect", meeting.socket_path_inside]
    return {
        "image": settings.image,
        "command": command,
        "user": f"{SANDBOX_UID}:{SANDBOX_UID}",
        "working_dir": WORKDIR,
        "labels": container_labels(),
        "detach": False,  # with stdin_open: StdinOnce, stdin closes when the host hangs up
        "stdin_open": True,
        "host_config": host_config,
    }


def _where(host: str | None = None) -> str:
    host = os.environ.get("DOCKER_HOST", "") if host is None else host
    return f" at {host}" if host else ""
