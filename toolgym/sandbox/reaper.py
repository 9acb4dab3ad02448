"""Labels on every ToolGym container, and the reaper that removes containers nobody owns.

Every container ToolGym starts carries :data:`SANDBOX_LABEL` and labels naming its owner: the
host name, the boot id, the pid and the start time of the process that created it. A container
is an orphan when its owner ran on this machine and is gone (no such pid, or a pid reused by a
later process, or an earlier boot). Orphans are rare (a running sandbox stops by itself when its
owner dies, see :mod:`toolgym.sandbox.supervisor`), but a host killed between creating and starting
a container leaves one behind. Each process reaps once when it starts its first container, and
``toolgym sandbox gc`` reaps on demand (``--all`` also removes live and foreign containers).

``TOOLGYM_SANDBOX_LABELS`` (``key=value,key=value``) adds labels to every container, e.g. to tag
the containers of one experiment or test session.
"""

from __future__ import annotations

import functools
import os
import socket
import time
from dataclasses import dataclass
from typing import Any

from toolgym.errors import SandboxError

#: The label every ToolGym container carries: ``docker ps -a --filter label=org.toolgym.sandbox``.
SANDBOX_LABEL = "org.toolgym.sandbox"
OWNER_HOST_LABEL = "org.toolgym.owner.host"
OWNER_BOOT_LABEL = "org.toolgym.owner.boot"
OWNER_PID_LABEL = "org.toolgym.owner.pid"
OWNER_START_LABEL = "org.toolgym.owner.start"
EXTRA_LABELS_VAR = "TOOLGYM_SANDBOX_LABELS"
#: How long removing one container may take (a force-remove kills it first).
REMOVE_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Owner:
    """The process that created a container, identified across pid reuse and reboots."""

    host: str
    boot: str
    pid: int
    start: str

    @classmethod
    def current(cls) -> Owner:
        return cls(socket.gethostname(), _boot_id(), os.getpid(), _start_time(os.getpid()) or "")

    @classmethod
    def from_labels(cls, labels: dict[str, str]) -> Owner | None:
        try:
            return cls(labels[OWNER_HOST_LABEL], labels[OWNER_BOOT_LABEL], int(labels[OWNER_PID_LABEL]),
                       labels[OWNER_START_LABEL])
        except (KeyError, ValueError):
            return None

    def labels(self) -> dict[str, str]:
        return {OWNER_HOST_LABEL: self.host, OWNER_BOOT_LABEL: self.boot, OWNER_PID_LABEL: str(self.pid),
                OWNER_START_LABEL: self.start}

    def is_local(self) -> bool:
        """Whether the owner ran on this machine, so its liveness can be checked here."""
        return self.host == socket.gethostname()

    def is_alive(self) -> bool:
        """Whether the owning process still runs (only meaningful when :meth:`is_local`)."""
        if not self.start:  # no /proc where it ran: the pid alone must do
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                return False
            except PermissionError:
                return True
            return True
        return self.boot == _boot_id() and _start_time(self.pid) == self.start


def container_labels() -> dict[str, str]:
    """The labels for a new container: the ToolGym label, its owner, and any extra labels."""
    labels = {SANDBOX_LABEL: "1", **Owner.current().labels()}
    for item in os.environ.get(EXTRA_LABELS_VAR, "").split(","):
        key, sep, value = item.strip().partition("=")
        if key and sep:
            labels[key] = value
    return labels


def list_containers(api: Any, *labels: str) -> list[dict[str, Any]]:
    """Every ToolGym container (running or not) that also has ``labels`` (``key`` or ``key=value``)."""
    return api.containers(all=True, filters={"label": [SANDBOX_LABEL, *labels]})


def is_orphan(container: dict[str, Any]) -> bool:
    """Whether a container's owner ran on this machine and is gone."""
    owner = Owner.from_labels(container.get("Labels") or {})
    return owner is not None and owner.is_local() and not owner.is_alive()


def reap(api: Any, *, everything: bool = False, dry_run: bool = False) -> list[str]:
    """Remove orphaned ToolGym containers (all of them with ``everything``); return their ids."""
    doomed = [c["Id"] for c in list_containers(api) if everything or is_orphan(c)]
    if not dry_run:
        for container_id in doomed:
            remove_container(api, container_id)
    return doomed


def remove_container(api: Any, container_id: str) -> None:
    """Kill and remove a container, and return once it is gone.

    Containers are created with auto-remove, so Docker may already be removing one that exited;
    that shows as a conflict, and then this waits for the removal to finish.
    """
    from docker.errors import APIError, NotFound

    deadline = time.monotonic() + REMOVE_TIMEOUT_S
    while True:
        try:
            api.remove_container(container_id, force=True)
            return
        except NotFound:
            return
        except APIError as exc:
            if exc.status_code != 409 or time.monotonic() > deadline:
                raise SandboxError(f"cannot remove container {container_id[:12]}: {exc}") from exc
        time.sleep(0.05)


@functools.lru_cache(maxsize=1)
def _boot_id() -> str:
    try:
        with open("/proc/sys/kernel/random/boot_id") as f:
            return f.read().strip()
    except OSError:
        return ""


def _start_time(pid: int) -> str | None:
    """A process's start time in clock ticks since boot (field 22 of /proc/PID/stat), or None."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return None
    return stat.rsplit(b")", 1)[1].split()[19].decode()
