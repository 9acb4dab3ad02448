"""The local sandbox backend: one persistent, rlimited Python process per episode.

Interpreters are forked by a process-wide fork server (the zygote, see :mod:`worker`) that has
already imported numpy and sympy, so a fresh interpreter costs a fork instead of a Python start.
The host talks to each interpreter over a socketpair with :mod:`protocol` frames.

Containment. Every interpreter gets rlimits (address space, file size, process count, no core
dumps, a CPU backstop), a private work dir and stdin from /dev/null. When the host runs as root,
each sandbox also gets an unprivileged uid of its own (leased via a lock file, see
:class:`_UidLease`), which makes RLIMIT_NPROC per sandbox and lets "kill everything of this
sandbox" reach processes that escaped with setsid. Without root, the sandbox shares the user's
uid: it is killed by process group, so an escaped setsid'ed process survives, and RLIMIT_NPROC is
the user's current count plus ``max_processes``.

Cleanup. ``close()`` (also run by a finalizer and at exit) kills every process of the sandbox and
deletes its work dir. If the host dies without cleaning up (SIGKILL), idle interpreters exit when
their socket closes, busy ones hit their CPU backstop, and the zygote, seeing its control socket
close, kills the processes of every private uid it spawned for and deletes their work dirs.

The local backend is NOT a security boundary: the code can read every world-readable file (and,
without root, everything the host user can), use the network, and fill the disk outside its work
dir (e.g. /tmp). Use the Docker backend for untrusted code.
"""

from __future__ import annotations

import atexit
import fcntl
import functools
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
from toolgym.sandbox.base import CRASH_MESSAGE, TIMEOUT_MESSAGE, Sandbox, SandboxLimits
from toolgym.types import ExecResult

_WORKER = Path(__file__).with_name("worker.py")
#: Importing numpy+sympy on a loaded machine can take seconds; a hung zygote must not hang us.
_ZYGOTE_START_TIMEOUT_S = 60.0
_REQUEST_TIMEOUT_S = 10.0
#: How long close() waits for killed processes to disappear before calling it an infra error.
_KILL_WAIT_S = 2.0
_UID_RANGE = 4096
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
            command = [sys.executable, str(_WORKER), "--zygote", str(theirs.fileno()), "--preload", ",".join(self._preload)]
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


def _signal_group(pgid: int, sig: int) -> bool:
    """Send ``sig`` to process group ``pgid``; return whether the group still exists."""
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        return False
    return True


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

    def __init__(self, limits: SandboxLimits, preload: tuple[str, ...]) -> None:
        self.limits = limits
        self._preload = preload
        self._lock = threading.Lock()
        self._zygote: _Zygote | None = None
        self._lease: _UidLease | None = None
        self._workdir: str | None = None
        self._conn: socket.socket | None = None
        self._pid: int | None = None
        self._closed = False

    def exec(self, code: str, timeout: float | None) -> ExecResult:
        timeout = self.limits.timeout_s if timeout is None else float(timeout)
        if not timeout > 0:
            raise ValueError(f"timeout must be positive, got {timeout}")
        with self._lock:
            self._check_open()
            if self._conn is None:
                self._start_interpreter()
            assert self._conn is not None
            started = time.monotonic()
            deadline = started + timeout
            request = {"op": "exec", "code": code, "max_output": self.limits.max_output_chars, "timeout": timeout}
            try:
                protocol.send_frame(self._conn, request, deadline)
                reply = protocol.recv_frame(self._conn, deadline)
                if reply.get("op") != "result":
                    raise protocol.ProtocolError(f"the interpreter sent {reply.get('op')!r} instead of a result")
            except protocol.FrameTimeout:
                self._stop_interpreter()
                self._start_interpreter()
                message = TIMEOUT_MESSAGE.format(timeout=timeout)
                return ExecResult(stderr=message, error_kind="timeout", duration_s=time.monotonic() - started)
            except (OSError, protocol.ProtocolError):
                self._stop_interpreter()
                return ExecResult(stderr=CRASH_MESSAGE, error_kind="crashed", duration_s=time.monotonic() - started)
        return ExecResult(
            stdout=reply.get("stdout", ""),
            stderr=reply.get("stderr", ""),
            error_kind=reply.get("error_kind"),
            error_type=reply.get("error_type"),
            traceback=reply.get("traceback"),
            truncated=bool(reply.get("truncated")),
            duration_s=time.monotonic() - started,
        )

    def reset(self) -> None:
        with self._lock:
            self._check_open()
            self._stop_interpreter()
            stale, self._workdir = self._workdir, None
            self._start_interpreter()  # under a private uid this also kills the old processes
            if stale is not None:
                _remove_tree(stale)

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            pid, lease = self._pid, self._lease
            self._stop_interpreter()
            try:
                if lease is not None:
                    self._wait_gone(lambda: bool(_uid_processes(lease.uid)), self._kill_uid)
                elif pid is not None:
                    self._wait_gone(lambda: _signal_group(pid, 0), lambda: _signal_group(pid, signal.SIGKILL))
            finally:
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

    def _start_interpreter(self) -> None:
        """Fork a fresh interpreter from the zygote and wait until it is ready; retry once."""
        if self._zygote is None:
            self._zygote = _zygote_for(self._preload)
            with _REGISTRY_LOCK:
                _LIVE.add(self)
        if self._lease is None and os.geteuid() == 0:
            self._lease = _UidLease()
        uid = self._lease.uid if self._lease is not None else None
        lock = self._lease.path if self._lease is not None else None
        if self._workdir is None:
            self._workdir = _make_workdir(uid)
        spec = {
            "workdir": self._workdir,
            "uid": uid,
            "uid_lock": lock,
            "memory_bytes": self.limits.memory_bytes,
            "file_size_bytes": self.limits.file_size_bytes,
            "max_processes": self.limits.max_processes,
            "keep_read_search": uid is not None and not python_readable_by_others(),
        }
        failure: Exception | None = None
        for _ in range(2):
            ours, theirs = socket.socketpair()
            try:
                with theirs:
                    reply = self._zygote.request({"op": "spawn", "spec": spec}, (theirs.fileno(),))
                hello = protocol.recv_frame(ours, time.monotonic() + _REQUEST_TIMEOUT_S)
                if hello.get("op") != "ready":
                    raise SandboxStartError(f"the sandbox interpreter failed to start: {hello.get('error', hello)}")
            except (SandboxStartError, OSError, protocol.ProtocolError) as exc:
                ours.close()
                failure = exc
                continue
            self._conn, self._pid = ours, int(reply["pid"])
            return
        raise SandboxStartError(f"cannot start a sandbox interpreter: {failure}") from failure

    def _stop_interpreter(self) -> None:
        """Hang up on the interpreter and, without a private uid, kill its process group. (With
        one, the next interpreter or close() kills every process of the uid.)"""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._lease is None and self._pid is not None:
            _signal_group(self._pid, signal.SIGKILL)
        self._pid = None

    def _kill_uid(self) -> None:
        assert self._zygote is not None and self._lease is not None
        self._zygote.request({"op": "kill", "uid": self._lease.uid})

    @staticmethod
    def _wait_gone(alive: Callable[[], bool], kill: Callable[[], object]) -> None:
        """Kill, then poll until nothing is ``alive()``, killing again every 0.25 s."""
        deadline = time.monotonic() + _KILL_WAIT_S
        next_kill = 0.0
        while True:
            now = time.monotonic()
            if now >= next_kill:
                kill()
                next_kill = now + 0.25
            if not alive():
                return
            if now > deadline:
                raise SandboxError("sandbox processes survived SIGKILL")
            time.sleep(0.002)


class LocalSandbox(Sandbox):
    """A sandbox backed by a local, rlimited Python process; see the module docstring.

    Nothing starts until the first :meth:`exec` or :meth:`reset`. One instance serves one episode
    at a time; many instances may run concurrently from threads.
    """

    def __init__(self, limits: SandboxLimits | None = None, preload: tuple[str, ...] = ("numpy", "sympy")) -> None:
        self.limits = limits or SandboxLimits()
        self._session = _Session(self.limits, tuple(preload))
        # Closed when garbage-collected; at exit, _shutdown closes all sessions before zygotes.
        self._finalizer = weakref.finalize(self, self._session.close)
        self._finalizer.atexit = False

    def exec(self, code: str, timeout: float | None = None) -> ExecResult:
        """Run ``code``; timeouts, memory errors, exceptions and crashes come back as results."""
        return self._session.exec(code, timeout)

    def reset(self) -> None:
        """Replace the interpreter with a fresh one: variables, processes and work dir are wiped."""
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
