"""The local sandbox backend: the embedded default, isolated by the kernel where it allows.

Sandboxes are forked by a process-wide fork server (:mod:`zygote`) that has already imported
numpy and sympy, so a fresh interpreter costs a fork instead of a Python start. Each sandbox is a
:class:`~toolgym.sandbox.supervisor.Supervisor` that the host talks to over a socketpair with
:mod:`protocol` frames; it forks the interpreter, captures its output through pipes and frames the
replies, so nothing the policy's code writes can pass for a reply (see :mod:`worker`).

Containment, where the kernel allows (root, or unprivileged user namespaces; measured in
docs/sandboxes.md):

* the supervisor is PID 1 of new pid, mount, network, IPC and UTS namespaces: no network (not
  even the host's loopback), a read-only view of the host, a private size-capped tmpfs on
  ``/tmp`` (also ``/var/tmp`` and ``/dev/shm``) that holds the work dir and dies with the
  sandbox, a ``/proc`` with only the sandbox's processes;
* as root, one memory + pids cgroup per sandbox: the memory limit and process cap are totals;
* every interpreter: rlimits (address space, file size, process count, no core dumps, a CPU
  backstop), a private uid when the host is root (leased via a lock file, see
  :class:`_UidLease`), no new privileges and a seccomp filter that refuses ``unshare``,
  ``setns``, ``chroot`` and mounts (:mod:`seccomp`).

Where the kernel refuses namespaces, the sandbox runs without them (rlimits, the private uid and,
as root, the cgroup still apply) and a warning says so once per process; ``isolate=True``
makes that refusal an error instead. Without root there is no private uid and no cgroup: memory is
capped per process and kill-everything works by process group.

Blame. The supervisor reports how the interpreter died (exit status, signal, OOM kill) and the
host charges it to the policy (``crashed``/``memory``/``timeout``). Only the supervisor's own
death or silence is ``infra``: the policy's code cannot kill it (PID 1 of its namespace, or
another uid), except in the non-root fallback, where it shares the uid: there such a death is
charged to the policy.

Cleanup. ``close()`` (also run by a finalizer and at exit) kills every process of the sandbox and
deletes its work dir and cgroup. If the host dies without cleaning up (SIGKILL), each supervisor
sees its socket close and exits (a pid namespace dies with it), and the zygote, seeing its
control socket close, kills the processes of every private uid it spawned for and deletes their
work dirs and cgroups. Use the Docker backend where a container boundary is required.
"""

from __future__ import annotations

import atexit
import fcntl
import functools
import itertools
import os
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
import warnings
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from toolgym.errors import SandboxError, SandboxStartError
from toolgym.sandbox import protocol
from toolgym.sandbox.base import Sandbox, SandboxLimits, exec_result
from toolgym.sandbox.isolation import Cgroup
from toolgym.types import ExecResult

_ZYGOTE_SCRIPT = Path(__file__).with_name("zygote.py")
#: Importing numpy+sympy on a loaded machine can take seconds; a hung zygote must not hang us.
_ZYGOTE_START_TIMEOUT_S = 60.0
_REQUEST_TIMEOUT_S = 10.0
#: How long close() waits for killed processes to disappear before calling it an infra error.
_KILL_WAIT_S = 2.0
_UID_RANGE = 4096
#: How long past a call's timeout the host waits for the supervisor before giving the sandbox up.
HOST_GRACE_S = 5.0
#: Reply size bound for a call: output characters in UTF-8 and JSON escapes, plus room.
_REPLY_SLACK_BYTES = 256 * 1024
_SEQUENCE = itertools.count()
#: What a call reports when the sandbox itself (its supervisor) was lost.
SANDBOX_LOST_MESSAGE = (
    "The sandbox stopped answering while running this code and was replaced: variables, files and "
    "processes are gone"
)
_LOCK_DIR = Path(tempfile.gettempdir()) / "toolgym-sandbox-uids"

class _Zygote:
    """One fork-server process and its control socket. Requests are serialized by a lock; a
    zygote found dead is restarted on the next request."""

    def __init__(self, preload: tuple[str, ...]) -> None:
        self._preload = preload
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._ctrl: socket.socket | None = None

    def request(self, message: dict[str, Any], fds: tuple[int, ...] = ()) -> dict[str, Any]:
        """Send one request (with ``fds`` attached) and return the reply."""
        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                self._start()
            assert self._ctrl is not None
            try:
                socket.send_fds(self._ctrl, [protocol.encode_frame(message)], list(fds))
                reply = self._recv()
            except (OSError, protocol.ProtocolError) as exc:
                self._stop()
                raise SandboxStartError(f"the sandbox fork server failed: {exc}") from exc
        if "error" in reply:
            raise SandboxStartError(f"the sandbox fork server refused {message.get('op')!r}: {reply['error']}")
        return reply

    def stop(self) -> None:
        with self._lock:
            self._stop()

    def _recv(self) -> dict[str, Any]:
        assert self._ctrl is not None
        data = self._ctrl.recv(65536)
        if not data:
            raise protocol.ConnectionClosed("the fork server exited")
        return protocol.decode_frame(data)

    def _start(self) -> None:
        self._stop()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        with theirs:
            preload = ",".join(self._preload)
            command = [sys.executable, str(_ZYGOTE_SCRIPT), "--ctrl", str(theirs.fileno()), "--preload", preload]
            try:
                self._proc = subprocess.Popen(
                    command, pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL
                )
            except OSError as exc:
                ours.close()
                raise SandboxStartError(f"cannot start the sandbox fork server: {exc}") from exc
        self._ctrl = ours
        ours.settimeout(_ZYGOTE_START_TIMEOUT_S)
        try:
            hello = self._recv()
        except (OSError, protocol.ProtocolError) as exc:
            self._stop()
            raise SandboxStartError(f"the sandbox fork server did not start: {exc}") from exc
        if hello.get("op") != "ready":
            self._stop()
            raise SandboxStartError(f"the sandbox fork server sent {hello!r} instead of ready")
        ours.settimeout(_REQUEST_TIMEOUT_S)

    def _stop(self) -> None:
        """Kill the zygote. Interpreters it forked are independent processes and keep running."""
        if self._ctrl is not None:
            self._ctrl.close()
            self._ctrl = None
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait()
            self._proc = None


_ZYGOTES: dict[tuple[int, tuple[str, ...]], _Zygote] = {}
_REGISTRY_LOCK = threading.Lock()
_LIVE: set[_Session] = set()


def _zygote_for(preload: tuple[str, ...]) -> _Zygote:
    """The shared zygote for ``preload``; keyed by pid too, so a forked host gets its own."""
    key = (os.getpid(), preload)
    with _REGISTRY_LOCK:
        zygote = _ZYGOTES.get(key)
        if zygote is None:
            zygote = _ZYGOTES[key] = _Zygote(preload)
        return zygote


class _UidLease:
    """Exclusive use of one unprivileged uid, held by an flock for the sandbox's lifetime.

    The lock file per uid makes allocation safe across threads and processes; the kernel drops
    the lock if the holder dies, and the next holder's first interpreter kills any leftovers.
    Uids with an account in the passwd database are skipped: killing "everything of the sandbox
    uid" must never hit a real user.
    """

    def __init__(self) -> None:
        base = int(os.environ.get("TOOLGYM_SANDBOX_UID_BASE", "61000"))
        _LOCK_DIR.mkdir(mode=0o700, exist_ok=True)
        for uid in range(base, base + _UID_RANGE):
            if _has_account(uid):
                continue
            path = str(_LOCK_DIR / f"{uid}.lock")
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            self.uid, self.path, self._fd = uid, path, fd
            return
        raise SandboxStartError(f"no free sandbox uid in [{base}, {base + _UID_RANGE}); see TOOLGYM_SANDBOX_UID_BASE")

    def release(self) -> None:
        os.close(self._fd)


def _has_account(uid: int) -> bool:
    try:
        pwd.getpwuid(uid)
    except KeyError:
        return False
    return True


def _uid_processes(uid: int) -> list[int]:
    """Pids whose real uid is ``uid`` (zombies included), from /proc."""
    pids = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/status", "rb") as status:
                for line in status:
                    if line.startswith(b"Uid:"):
                        if int(line.split()[1]) == uid:
                            pids.append(int(entry.name))
                        break
        except OSError:
            continue  # exited while we looked
    return pids


@functools.lru_cache(maxsize=1)
def python_readable_by_others() -> bool:
    """Whether an unprivileged uid can import from this Python: every ``sys.path`` directory and
    all its ancestors are world-searchable (and the directories world-readable).

    When not (a pyenv or venv under a 0700 home like /root), sandboxes running under a private
    uid keep CAP_DAC_READ_SEARCH so imports work; a warning says so once.
    """
    for entry in {sys.prefix, sys.base_prefix, *(p for p in sys.path if p)}:
        path = Path(entry).resolve()
        if not path.is_dir():
            continue
        for directory in (path, *path.parents):
            mode = directory.stat().st_mode
            if not mode & stat.S_IXOTH or (directory == path and not mode & stat.S_IROTH):
                warnings.warn(
                    f"{directory} is not readable by other users, so local sandboxes keep "
                    "CAP_DAC_READ_SEARCH after dropping root (they can read any host file). "
                    "Install Python in a world-readable place, or use the docker sandbox.",
                    RuntimeWarning,
                    stacklevel=3,
                )
                return False
    return True


def _make_workdir(uid: int | None) -> str:
    path = tempfile.mkdtemp(prefix="toolgym-sandbox-")
    if uid is not None:
        os.chown(path, uid, uid)
    return path


def _remove_tree(path: str) -> None:
    """Delete a work dir whatever the code did to its permissions."""
    if os.geteuid() != 0:  # root ignores permissions; others must re-open dirs made unreadable
        for root, dirs, _ in os.walk(path):
            for name in dirs:
                os.chmod(os.path.join(root, name), 0o700, follow_symlinks=False)
    shutil.rmtree(path, ignore_errors=True)


class _Session:
    """Everything one LocalSandbox owns. Kept apart from it so a finalizer can close it."""

    def __init__(self, limits: SandboxLimits, preload: tuple[str, ...], isolate: bool | None) -> None:
        self.limits = limits
        self._preload = preload
        self._isolate = isolate
        self._lock = threading.Lock()
        self._zygote: _Zygote | None = None
        self._lease: _UidLease | None = None
        self._cgroup: Cgroup | None = None
        self._workdir: str | None = None
        self._conn: socket.socket | None = None
        self._pid: int | None = None
        #: Whether the running supervisor is in its own namespaces (None before the first start).
        self.isolated: bool | None = None
        self._closed = False

    def exec(self, code: str, timeout: float | None) -> ExecResult:
        timeout = self.limits.timeout_s if timeout is None else float(timeout)
        if not timeout > 0:
            raise ValueError(f"timeout must be positive, got {timeout}")
        request = {"op": "exec", "code": code, "max_output": self.limits.max_output_chars, "timeout": timeout}
        with self._lock:
            self._check_open()
            if self._conn is None:
                self._start_supervisor()
            assert self._conn is not None
            started = time.monotonic()
            deadline = started + timeout + HOST_GRACE_S
            try:
                protocol.send_frame(self._conn, request, deadline)
                reply = protocol.recv_frame(self._conn, deadline, 8 * self.limits.max_output_chars + _REPLY_SLACK_BYTES)
                if reply.get("op") not in ("result", "error"):
                    raise protocol.ProtocolError(f"the supervisor sent {reply.get('op')!r} instead of a result")
            except (OSError, protocol.ProtocolError) as exc:
                # The supervisor died or stopped answering. The policy's code cannot kill it unless
                # it shares its uid (the non-root fallback): only then is it the policy's doing.
                reachable = os.geteuid() != 0 and not self.isolated
                self._stop_supervisor()
                kind = "crashed" if reachable else "infra"
                return ExecResult(stderr=f"{SANDBOX_LOST_MESSAGE} ({exc})", error_kind=kind,
                                  duration_s=time.monotonic() - started)
        return exec_result(reply, timeout, time.monotonic() - started)

    def reset(self) -> None:
        with self._lock:
            self._check_open()
            if self._conn is None:
                return  # the next call starts a fresh sandbox
            try:
                protocol.send_frame(self._conn, {"op": "reset"}, time.monotonic() + _REQUEST_TIMEOUT_S)
                reply = protocol.recv_frame(self._conn, time.monotonic() + _REQUEST_TIMEOUT_S, 64 * 1024)
                if reply.get("op") != "ready":
                    raise protocol.ProtocolError(f"the supervisor sent {reply!r} instead of ready")
            except (OSError, protocol.ProtocolError):
                self._stop_supervisor()  # the next call starts a fresh one

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            try:
                self._stop_supervisor()
            finally:
                if self._cgroup is not None:
                    self._cgroup.remove()
                    self._cgroup = None
                if self._lease is not None:
                    self._lease.release()
                    self._lease = None
                if self._workdir is not None:
                    _remove_tree(self._workdir)
                    self._workdir = None
                with _REGISTRY_LOCK:
                    _LIVE.discard(self)

    def _check_open(self) -> None:
        if self._closed:
            raise SandboxError("this LocalSandbox is closed")

    def _start_supervisor(self) -> None:
        """Fork a sandbox from the zygote and wait until its supervisor is ready; retry once."""
        if self._zygote is None:
            self._zygote = _zygote_for(self._preload)
            with _REGISTRY_LOCK:
                _LIVE.add(self)
        root = os.geteuid() == 0
        if self._lease is None and root:
            self._lease = _UidLease()
        uid = self._lease.uid if self._lease is not None else None
        if self._cgroup is None and root:
            self._cgroup = Cgroup.create(
                f"{os.getpid()}-{uid}-{next(_SEQUENCE)}", self.limits.memory_bytes, self.limits.max_processes + 1
            )  # + 1: the supervisor is in it too
        if self._workdir is None:
            self._workdir = _make_workdir(uid)
        spec = {
            "workdir": self._workdir,
            "uid": uid,
            "uid_lock": self._lease.path if self._lease is not None else None,
            "memory_bytes": self.limits.memory_bytes,
            "file_size_bytes": self.limits.file_size_bytes,
            "max_processes": self.limits.max_processes,
            "keep_read_search": uid is not None and not python_readable_by_others(),
        }
        cgroup = self._cgroup
        request = {
            "op": "spawn",
            "spec": spec,
            "isolate": self._isolate is not False,
            "scratch_bytes": self.limits.workdir_bytes,
            "cgroup_procs": list(cgroup.procs) if cgroup else [],
            "cgroup_dirs": list(cgroup.dirs) if cgroup else [],
            "oom_counters": list(cgroup.oom_counters) if cgroup else [],
        }
        failure: Exception | None = None
        for _ in range(2):
            ours, theirs = socket.socketpair()
            try:
                with theirs:
                    reply = self._zygote.request(request, (theirs.fileno(),))
                self._pid = int(reply["pid"])
                hello = protocol.recv_frame(ours, time.monotonic() + _ZYGOTE_START_TIMEOUT_S)
                if hello.get("op") != "ready":
                    raise SandboxStartError(f"the sandbox failed to start: {hello.get('error', hello)}")
            except (SandboxStartError, OSError, protocol.ProtocolError) as exc:
                ours.close()
                self._kill_supervisor()
                failure = exc
                continue
            self._conn, self.isolated = ours, bool(reply.get("isolated"))
            _explain_once(self.isolated, reply.get("why"), cgroup is not None)
            if self._isolate and not self.isolated:
                self._stop_supervisor()
                raise SandboxStartError(f"isolate=True but the kernel refused: {reply.get('why')}")
            return
        raise SandboxStartError(f"cannot start a sandbox: {failure}") from failure

    def _stop_supervisor(self) -> None:
        """Hang up and make sure every process of the sandbox is gone."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._pid is None:
            return
        if not self.isolated:  # it kills its processes itself on hang-up; give it a moment
            self._wait_gone(lambda: _pid_alive(self._pid), lambda: None, quiet=0.5)
        self._kill_supervisor()
        if self._lease is not None:
            self._wait_gone(lambda: bool(_uid_processes(self._lease.uid)), self._kill_uid)

    def _kill_supervisor(self) -> None:
        pid, self._pid = self._pid, None
        if pid is not None:
            _signal_pid(pid, signal.SIGKILL)  # PID 1 of a pid namespace: the namespace dies too

    def _kill_uid(self) -> None:
        assert self._zygote is not None and self._lease is not None
        self._zygote.request({"op": "kill", "uid": self._lease.uid})

    @staticmethod
    def _wait_gone(alive: Callable[[], bool], kill: Callable[[], object], quiet: float | None = None) -> None:
        """Kill, then poll until nothing is ``alive()``, killing again every 0.25 s. With
        ``quiet``, only wait that long (no kill, no error)."""
        deadline = time.monotonic() + (quiet if quiet is not None else _KILL_WAIT_S)
        next_kill = 0.0
        while True:
            now = time.monotonic()
            if quiet is None and now >= next_kill:
                kill()
                next_kill = now + 0.25
            if not alive():
                return
            if now > deadline:
                if quiet is not None:
                    return
                raise SandboxError("sandbox processes survived SIGKILL")
            time.sleep(0.002)


_EXPLAINED = threading.Event()


def _explain_once(isolated: bool, why: str | None, capped: bool) -> None:
    """Say once per process what a local sandbox cannot contain on this host."""
    if (isolated and capped) or _EXPLAINED.is_set():
        return
    _EXPLAINED.set()
    missing = []
    if not isolated:
        missing.append(
            f"no namespaces ({why}): the code can use the network and sees the host's /tmp, "
            "/var/tmp and /dev/shm"
        )
    if not capped:
        missing.append("no per-sandbox cgroup (needs root): memory is capped per process, not in total")
    warnings.warn(
        "local sandboxes run with reduced isolation on this host: " + "; ".join(missing)
        + ". Use sandbox='docker' for untrusted code (docs/sandboxes.md, limits table).",
        RuntimeWarning,
        stacklevel=4,
    )


def _pid_alive(pid: int | None) -> bool:
    return pid is not None and _signal_pid(pid, 0)


def _signal_pid(pid: int, sig: int) -> bool:
    """Send ``sig`` to ``pid``; return whether it still exists."""
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        return False
    return True


class LocalSandbox(Sandbox):
    """A sandbox of local processes, isolated where the kernel allows; see the module docstring.

    ``isolate``: None (default) uses namespaces where the kernel allows and warns once where it
    does not; True requires them (:class:`~toolgym.errors.SandboxStartError` otherwise); False
    never tries.

    >>> with LocalSandbox(preload=()) as box:
    ...     print(box.exec("x = 6 * 7; print(x)").stdout.strip())
    42

    Nothing starts until the first :meth:`exec` or :meth:`reset`. One instance serves one episode
    at a time; many instances may run concurrently from threads.
    """

    def __init__(
        self,
        limits: SandboxLimits | None = None,
        preload: tuple[str, ...] = ("numpy", "sympy"),
        *,
        isolate: bool | None = None,
    ) -> None:
        self.limits = limits or SandboxLimits()
        self._session = _Session(self.limits, tuple(preload), isolate)
        # Closed when garbage-collected; at exit, _shutdown closes all sessions before zygotes.
        self._finalizer = weakref.finalize(self, self._session.close)
        self._finalizer.atexit = False

    @property
    def isolated(self) -> bool | None:
        """Whether the sandbox runs in namespaces of its own (None until it first started)."""
        return self._session.isolated

    def exec(self, code: str, timeout: float | None = None) -> ExecResult:
        """Run ``code``; timeouts, memory errors, exceptions and crashes come back as results."""
        return self._session.exec(code, timeout)

    def reset(self) -> None:
        """Replace the interpreter with a fresh one: variables, processes, the work dir and (when
        isolated) the private /tmp are wiped."""
        self._session.reset()

    def close(self) -> None:
        """Kill every process of the sandbox, free its uid and delete its work dir. Idempotent."""
        self._finalizer()


@atexit.register
def _shutdown() -> None:
    with _REGISTRY_LOCK:
        sessions = list(_LIVE)
    for session in sessions:
        try:
            session.close()
        except SandboxError:
            pass  # exiting anyway; the zygote is killed next
    with _REGISTRY_LOCK:
        zygotes = [z for (pid, _), z in _ZYGOTES.items() if pid == os.getpid()]
    for zygote in zygotes:
        zygote.stop()
