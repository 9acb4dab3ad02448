"""Kernel isolation for local sandboxes: namespaces, a private file system view, cgroup caps.

Stdlib only: the local fork server (:mod:`zygote`) imports it as a sibling module.

Two halves:

* :func:`enter_namespaces` and :func:`private_view`, run in the fork server's children: new pid,
  mount, network, IPC and UTS namespaces, then a read-only view of the host with a private,
  size-capped tmpfs on ``/tmp`` (also seen at ``/var/tmp`` and ``/dev/shm``) and a ``/proc`` that
  shows only the sandbox's processes. The network namespace has only a loopback device that is
  down: neither host services on 127.0.0.1 nor outside addresses are reachable.
* :class:`Cgroup`, run by the host: one memory and pids cgroup per sandbox (v2 where the host
  delegates both controllers, else v1), so the sandbox's *total* memory (its processes and the
  tmpfs pages they write) and process count are capped, not each process's.

Each returns why it could not do its part instead of raising: the local backend then falls back
to rlimits and says so once (see :mod:`toolgym.sandbox.local`).

>>> Cgroup.create("doc-example", 0, 0, root="/nonexistent") is None
True
"""

from __future__ import annotations

import ctypes
import errno
import os
import sys
import time
from dataclasses import dataclass

_CLONE_NEWNS = 0x00020000
_CLONE_NEWUTS = 0x04000000
_CLONE_NEWIPC = 0x08000000
_CLONE_NEWPID = 0x20000000
_CLONE_NEWNET = 0x40000000
_CLONE_NEWUSER = 0x10000000
NAMESPACES = _CLONE_NEWNS | _CLONE_NEWUTS | _CLONE_NEWIPC | _CLONE_NEWPID | _CLONE_NEWNET
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_NOEXEC = 1, 2, 4, 8
_MS_REMOUNT, _MS_BIND, _MS_REC, _MS_PRIVATE = 32, 4096, 0x4000, 1 << 18
_MOUNT_ATTR_RDONLY = 0x1
_AT_FDCWD = -100
_AT_RECURSIVE = 0x8000
_SYS_MOUNT_SETATTR = 442  # the same number on x86_64 and aarch64
#: The directories that share the sandbox's private tmpfs.
SCRATCH_MOUNTS = ("/tmp", "/var/tmp", "/dev/shm")


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{what}: {os.strerror(code)}")


def enter_namespaces() -> str | None:
    """Unshare the namespaces; the *next* child forked becomes PID 1 of the new pid namespace.

    As root the namespaces are made directly. Without root they are made inside a new user
    namespace (where the kernel allows unprivileged ones) that maps only the caller's uid and gid,
    to 0: the sandbox's processes are "root" there, over nothing but their own namespaces, and the
    interpreter drops even that (``drop_caps`` in :func:`worker.prepare_interpreter`). Returns None on success, else why
    not.
    """
    libc = _libc()
    if os.geteuid() == 0:
        if libc.unshare(NAMESPACES) != 0:
            return f"unshare(pid, mount, network, IPC, UTS namespaces) failed: {os.strerror(ctypes.get_errno())}"
        return None
    uid, gid = os.geteuid(), os.getegid()
    if libc.unshare(NAMESPACES | _CLONE_NEWUSER) != 0:
        return f"unprivileged user namespaces are not available: {os.strerror(ctypes.get_errno())}"
    try:
        for path, text in (("/proc/self/setgroups", "deny"), ("/proc/self/uid_map", f"0 {uid} 1"),
                           ("/proc/self/gid_map", f"0 {gid} 1")):
            with open(path, "w") as handle:
                handle.write(text)
    except OSError as exc:
        return f"cannot map the user namespace's ids: {exc}"
    return None


class _MountAttr(ctypes.Structure):
    _fields_ = [("attr_set", ctypes.c_uint64), ("attr_clr", ctypes.c_uint64),
                ("propagation", ctypes.c_uint64), ("userns_fd", ctypes.c_uint64)]


def interpreter_paths_in_scratch() -> list[str]:
    """The directories the interpreter needs (its prefixes, ``sys.path``) that lie under ``/tmp``,
    outermost first, nested ones dropped: the private tmpfs would hide them (a venv or a checkout
    in ``/tmp``), so :func:`private_view` shows them again, read-only. An interpreter under
    ``/var/tmp`` or ``/dev/shm`` is not supported by the isolated sandbox.
    """
    candidates = {sys.prefix, sys.exec_prefix, sys.base_prefix, *(p for p in sys.path if p)}
    found: list[str] = []
    for path in sorted({os.path.realpath(p) for p in candidates if os.path.isdir(p)}, key=len):
        if path.startswith("/tmp/") and not any(path == f or path.startswith(f + "/") for f in found):
            found.append(path)
    return found


def private_view(scratch_bytes: int, workdir: str, uid: int | None) -> None:
    """Make this mount namespace the sandbox's view of the host.

    Run as PID 1 of the new pid namespace, inside the new mount namespace, with no file open for
    writing (the kernel refuses to make a mount read-only while it has writers): see
    :func:`join_cgroup` and :func:`quiet_std_fds`.
    """
    libc = _libc()
    _check(libc.mount(b"none", b"/", None, _MS_REC | _MS_PRIVATE, None), "mount --make-rprivate /")
    _read_only_everywhere(libc)
    # The interpreter and its packages may live under a scratch directory (a venv or a checkout in
    # /tmp): hold them open now, and show them again, read-only, inside the private tmpfs.
    kept = [(path, os.open(path, os.O_PATH | os.O_DIRECTORY)) for path in interpreter_paths_in_scratch()]
    # A /proc of this pid namespace (only the sandbox's processes), writable where procfs itself
    # allows it (a process's own oom_score_adj): its files check permissions of their own.
    _check(libc.mount(b"proc", b"/proc", b"proc", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC, None), "mount /proc")
    options = f"size={max(scratch_bytes, 1 << 20)},mode=1777".encode()
    _check(libc.mount(b"tmpfs", b"/tmp", b"tmpfs", _MS_NOSUID | _MS_NODEV, options), "mount tmpfs /tmp")
    for path, fd in kept:
        os.makedirs(path, exist_ok=True)
        source = f"/proc/self/fd/{fd}".encode()
        _check(libc.mount(source, path.encode(), None, _MS_BIND | _MS_REC, None), f"bind {path}")
        _check(libc.mount(None, path.encode(), None, _MS_REMOUNT | _MS_BIND | _MS_RDONLY, None), f"read-only {path}")
        os.close(fd)
    for target in SCRATCH_MOUNTS[1:]:
        if os.path.isdir(target):
            _check(libc.mount(b"/tmp", target.encode(), None, _MS_BIND, None), f"bind /tmp on {target}")
    os.makedirs(workdir, mode=0o700, exist_ok=True)
    if uid is not None:
        os.chown(workdir, uid, uid)


def join_cgroup(procs: tuple[str, ...] | list[str]) -> None:
    """Move this process (and so all it will fork) into the cgroups whose ``cgroup.procs`` files
    are given; once the host is read-only, nothing in the sandbox can move out again."""
    for path in procs:
        with open(path, "w") as handle:
            handle.write("0")  # "0": the writing process


def quiet_std_fds() -> None:
    """Point fds 0-2 at /dev/null, opened read-only: no file stays open for writing."""
    null = os.open(os.devnull, os.O_RDONLY)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)


def _read_only_everywhere(libc: ctypes.CDLL) -> None:
    """Every mount of this namespace read-only: one ``mount_setattr`` (Linux 5.12+), else a
    read-only bind remount of each mount point."""
    attr = _MountAttr(_MOUNT_ATTR_RDONLY, 0, 0, 0)
    if libc.syscall(_SYS_MOUNT_SETATTR, _AT_FDCWD, b"/", _AT_RECURSIVE, ctypes.byref(attr), ctypes.sizeof(attr)) == 0:
        return
    if ctypes.get_errno() != errno.ENOSYS:
        _check(-1, "mount_setattr(/, read-only, recursive)")
    with open("/proc/self/mountinfo") as table:
        points = [line.split()[4] for line in table]
    for point in points:
        path = point.encode().decode("unicode_escape").encode()
        flags = _MS_BIND | _MS_REMOUNT | _MS_RDONLY
        if libc.mount(None, path, None, flags, None) != 0 and ctypes.get_errno() not in (errno.ENOENT, errno.EACCES):
            _check(-1, f"remount {point} read-only")


@dataclass
class Cgroup:
    """A memory + pids cgroup for one sandbox, created and removed by the (root) host."""

    #: The cgroup directories (one for v2, one per controller for v1).
    dirs: tuple[str, ...]
    #: Where processes join (``cgroup.procs`` of each directory).
    procs: tuple[str, ...]
    #: Files with an ``oom_kill N`` line: how many processes the memory cap killed.
    oom_counters: tuple[str, ...]

    @classmethod
    def create(cls, name: str, memory_bytes: int, max_processes: int, root: str = "/sys/fs/cgroup") -> "Cgroup | None":
        """A new cgroup capped at ``memory_bytes`` and ``max_processes``, or None when this host
        does not let us (no root, controllers not delegated); :func:`cgroup_problem` says why."""
        try:
            made = cls._create_v2(root, name, memory_bytes, max_processes) or cls._create_v1(
                root, name, memory_bytes, max_processes
            )
        except OSError:
            return None
        if made is not None and not _SWEPT:
            _SWEPT.append(root)
            sweep_stale(root)
        return made

    @classmethod
    def _create_v2(cls, root: str, name: str, memory_bytes: int, max_processes: int) -> "Cgroup | None":
        try:
            with open(os.path.join(root, "cgroup.controllers")) as controllers:
                if not {"memory", "pids"} <= set(controllers.read().split()):
                    return None
        except OSError:
            return None
        parent = os.path.join(root, "toolgym")
        os.makedirs(parent, exist_ok=True)
        with open(os.path.join(parent, "cgroup.subtree_control"), "w") as control:
            control.write("+memory +pids")
        path = os.path.join(parent, name)
        os.mkdir(path)
        try:
            _write(os.path.join(path, "memory.max"), memory_bytes)
            _write(os.path.join(path, "memory.swap.max"), 0, optional=True)
            _write(os.path.join(path, "pids.max"), max_processes)
        except OSError:
            os.rmdir(path)
            raise
        return cls((path,), (os.path.join(path, "cgroup.procs"),), (os.path.join(path, "memory.events"),))

    @classmethod
    def _create_v1(cls, root: str, name: str, memory_bytes: int, max_processes: int) -> "Cgroup | None":
        memory, pids = os.path.join(root, "memory"), os.path.join(root, "pids")
        if not all(os.path.isfile(os.path.join(c, "cgroup.procs")) for c in (memory, pids)):
            return None
        made: list[str] = []
        try:
            for controller in (memory, pids):
                path = os.path.join(controller, "toolgym", name)
                os.makedirs(path)
                made.append(path)
            _write(os.path.join(made[0], "memory.limit_in_bytes"), memory_bytes)
            _write(os.path.join(made[0], "memory.memsw.limit_in_bytes"), memory_bytes, optional=True)
            _write(os.path.join(made[1], "pids.max"), max_processes)
        except OSError:
            for path in made:
                os.rmdir(path)
            raise
        procs = tuple(os.path.join(path, "cgroup.procs") for path in made)
        return cls(tuple(made), procs, (os.path.join(made[0], "memory.oom_control"),))

    def remove(self, wait_s: float = 5.0) -> bool:
        """Delete the directories once their processes are gone; False if some could not be."""
        deadline = time.monotonic() + wait_s
        left = list(self.dirs)
        while left:
            for path in list(left):
                try:
                    os.rmdir(path)
                    left.remove(path)
                except FileNotFoundError:
                    left.remove(path)
                except OSError:
                    pass  # EBUSY while the last processes exit
            if not left or time.monotonic() > deadline:
                break
            time.sleep(0.005)
        return not left


_SWEPT: list[str] = []


def sweep_stale(root: str = "/sys/fs/cgroup") -> int:
    """Remove empty sandbox cgroups of host processes that are gone (a host killed outright, or a
    teardown slower than :meth:`Cgroup.remove` waited); names start with the host's pid.
    Returns how many were removed."""
    removed = 0
    for parent in (os.path.join(root, *sub, "toolgym") for sub in ((), ("memory",), ("pids",))):
        try:
            names = os.listdir(parent)
        except OSError:
            continue
        for name in names:
            owner = name.split("-", 1)[0]
            if not owner.isdigit() or os.path.exists(f"/proc/{owner}"):
                continue
            try:
                os.rmdir(os.path.join(parent, name))
                removed += 1
            except OSError:
                pass  # not a cgroup of ours, or still has processes
    return removed


def cgroup_problem(root: str = "/sys/fs/cgroup") -> str | None:
    """Why no per-sandbox cgroup can be made here, or None if one can."""
    probe = Cgroup.create(f"probe-{os.getpid()}", 64 * 1024**2, 8, root)
    if probe is None:
        return "no writable memory+pids cgroup (cgroup v2 with both controllers delegated, or v1, as root)"
    probe.remove()
    return None


def _write(path: str, value: int, optional: bool = False) -> None:
    try:
        with open(path, "w") as handle:
            handle.write(str(value))
    except FileNotFoundError:
        if not optional:
            raise
    except OSError:
        if not optional:
            raise
