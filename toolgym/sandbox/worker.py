"""The process side of a sandbox: a fork server (zygote) and the exec server it forks per episode.

Run as a script (``python worker.py ...``); it is stdlib-only and needs nothing else from ToolGym,
so the Docker backend can copy it with ``protocol.py`` into a container and run it unchanged.

``--zygote FD``
    Pre-import heavy modules (``--preload numpy,sympy``), then serve requests on ``FD``, a
    ``SOCK_SEQPACKET`` control socket, one frame per datagram:

    * ``{"op": "spawn", "spec": {...}}`` with one stream socket attached via SCM_RIGHTS: fork a
      child that becomes a sandboxed interpreter (see :func:`prepare_interpreter`) serving exec
      requests on that socket; reply ``{"pid": N}``. Forking an interpreter that already imported
      numpy/sympy costs milliseconds, restarting Python costs tens to hundreds.
    * ``{"op": "kill", "uid": U}``: SIGKILL every process of uid ``U``; reply ``{"ok": true}``.

    Failures are replied as ``{"error": "..."}``. The zygote exits when the host closes the socket.
    If the host died without killing a uid it spawned for, the zygote then kills that uid's
    processes and deletes its work dir, unless the spec's ``uid_lock`` file stays locked by someone
    else (the uid was leased again).

``--stdio [--spec JSON]``
    Become one sandboxed interpreter serving exec requests on stdin/stdout. (Containers run
    ``supervisor.py`` instead, which forks interpreters from this module's :class:`ExecServer`.)

The exec server speaks :mod:`protocol` frames: it first sends ``{"op": "ready", "pid": N}`` (or
``{"op": "error", "error": ...}`` when setup failed), then answers ``{"op": "exec", "code": ...,
"max_output": N, "timeout": S}`` with ``{"op": "result", "stdout": ..., "stderr": ...,
"error_kind": ..., "error_type": ..., "traceback": ..., "truncated": ...}`` and ``{"op": "ping"}``
with ``{"op": "pong"}``. Variables persist across exec requests.
"""

from __future__ import annotations

import argparse
import builtins
import ctypes
import fcntl
import gc
import importlib
import io
import json
import linecache
import math
import os
import resource
import select
import shutil
import signal
import socket
import sys
import time
import traceback
import types
from typing import Any

if __package__:  # imported as toolgym.sandbox.worker (tests, tools)
    from toolgym.sandbox import protocol
else:  # run as a script next to protocol.py: the zygote, or a copy inside a container
    import protocol  # type: ignore[no-redef]

#: Seconds of CPU granted past the wall-clock timeout before RLIMIT_CPU kills a runaway worker:
#: a backstop for when the host cannot kill it (the host normally does so at the timeout).
CPU_MARGIN_S = 2.0
#: Frames of user code kept in a traceback, and characters kept from its end.
TRACEBACK_FRAMES = 20
TRACEBACK_CHARS = 8000
#: How long the zygote waits for a kill helper before killing the helper itself.
KILL_HELPER_TIMEOUT_S = 2.0
#: How long a zygote whose host died spends cleaning up before it exits.
ORPHAN_WAIT_S = 2.0
_CONTROL_DATAGRAM_BYTES = 64 * 1024
_PR_SET_CHILD_SUBREAPER = 36
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_KEEPCAPS = 8
_PR_CAP_AMBIENT = 47
_PR_CAP_AMBIENT_RAISE = 2
_CAP_DAC_READ_SEARCH = 2
_LINUX_CAPABILITY_VERSION_3 = 0x20080522


class _Budget:
    """Characters of output a call may still keep, shared by its stdout and stderr."""

    def __init__(self, chars: int) -> None:
        self.remaining = chars


class _BoundedStream(io.TextIOBase):
    """A text stream that keeps the first characters it is given and only counts the rest.

    Printing 100 MB therefore stores at most the budget; the overflow becomes a marker.
    """

    def __init__(self, budget: _Budget, fd: int) -> None:
        super().__init__()
        self._budget = budget
        self._fd = fd
        self._parts: list[str] = []
        self.dropped = 0

    @property
    def encoding(self) -> str:  # some libraries consult it before writing
        return "utf-8"

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        """The fd behind it (1 or 2, a captured memfd): ``subprocess.run(stdout=sys.stdout)`` works."""
        return self._fd

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        room = self._budget.remaining
        if len(text) <= room:
            self._parts.append(text)
            self._budget.remaining = room - len(text)
        else:
            self._parts.append(text[:room])
            self._budget.remaining = 0
            self.dropped += len(text) - room
        return len(text)

    def absorb_fd(self, fd: int) -> None:
        """Append what processes wrote to ``fd`` (an O_APPEND memfd) and empty it."""
        size = os.fstat(fd).st_size
        if not size:
            return
        data = os.pread(fd, min(size, 4 * self._budget.remaining), 0)  # <= 4 bytes per char
        os.ftruncate(fd, 0)
        self.write(data.decode("utf-8", "replace"))
        self.dropped += size - len(data)  # bytes never read, counted as characters

    def getvalue(self) -> str:
        text = "".join(self._parts)
        if self.dropped:
            text += f"\n[... output truncated: {self.dropped} more characters not shown ...]\n"
        return _valid_utf8(text)


class ExecServer:
    """Runs code in one persistent namespace and answers exec requests until the host hangs up."""

    def __init__(self, rfd: int, wfd: int, out_fd: int, err_fd: int) -> None:
        self._rfd, self._wfd = rfd, wfd
        self._out_fd, self._err_fd = out_fd, err_fd
        self._pid = os.getpid()
        self._forked = False
        self._cells = 0
        # Code runs as the __main__ module, so pickle and `if __name__ == "__main__"` behave.
        main = types.ModuleType("__main__")
        main.__builtins__ = builtins  # type: ignore[attr-defined]
        sys.modules["__main__"] = main
        self._globals = main.__dict__
        _, self._cpu_hard = resource.getrlimit(resource.RLIMIT_CPU)
        os.register_at_fork(after_in_child=self._detach)

    def serve(self) -> None:
        protocol.send_frame(self._wfd, {"op": "ready", "pid": self._pid})
        while True:
            try:
                request = protocol.recv_frame(self._rfd)
            except protocol.ConnectionClosed:
                return
            op = request.get("op")
            if op == "exec":
                reply = self._exec(request)
            elif op == "ping":
                reply = {"op": "pong"}
            else:
                reply = {"op": "error", "error": f"unknown op {op!r}"}
            protocol.send_frame(self._wfd, reply)

    def warm_up(self) -> None:
        """Run one empty cell. A freshly forked interpreter pays copy-on-write page faults the
        first time it runs the exec path (milliseconds); a server forked ahead of use pays them
        here, before it says it is ready, instead of in the episode's first call."""
        self._exec({"code": "pass", "max_output": 0, "timeout": 10.0})
        self._cells = 0

    def _detach(self) -> None:
        """In a child that user code forked: let go of the channel so only the server answers,
        and so the host sees end-of-file when the server dies even while such children live."""
        if self._forked:
            return
        self._forked = True
        for fd in {self._rfd, self._wfd}:
            try:
                os.close(fd)
            except OSError:
                pass  # the user's code already closed it

    def _exec(self, request: dict[str, Any]) -> dict[str, Any]:
        code = str(request.get("code", ""))
        self._arm_cpu_limit(float(request.get("timeout", 10.0)))
        budget = _Budget(int(request.get("max_output", 16_384)))
        out, err = _BoundedStream(budget, 1), _BoundedStream(budget, 2)
        self._cells += 1
        filename = f"<cell-{self._cells}>"
        linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
        error: BaseException | None = None
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = out, err
        try:
            exec(compile(code, filename, "exec"), self._globals)
        except SystemExit as exc:
            if exc.code not in (None, 0):
                error = exc
        except BaseException as exc:  # the policy's fault, reported as a result
            error = exc
        finally:
            sys.stdout, sys.stderr = saved
        if self._forked or os.getpid() != self._pid:
            # A child forked by the code ran to the end of the cell: it must not answer the host.
            os._exit(0 if error is None else 1)
        for stream in (sys.__stdout__, sys.__stderr__):
            try:
                if stream is not None:
                    stream.flush()
            except (OSError, ValueError):
                pass  # the code closed or broke it; what it held is lost
        out.absorb_fd(self._out_fd)
        err.absorb_fd(self._err_fd)
        reply: dict[str, Any] = {
            "op": "result",
            "stdout": out.getvalue(),
            "stderr": err.getvalue(),
            "error_kind": None,
            "error_type": None,
            "traceback": None,
            "truncated": bool(out.dropped or err.dropped),
        }
        if error is not None:
            reply["error_kind"] = "memory" if isinstance(error, MemoryError) else "exception"
            reply["error_type"] = type(error).__name__
            reply["traceback"] = _user_traceback(error)
        return reply

    def _arm_cpu_limit(self, timeout: float) -> None:
        """Let this call use ``timeout`` + margin more CPU seconds; past that the kernel kills us."""
        usage = resource.getrusage(resource.RUSAGE_SELF)
        soft = math.ceil(usage.ru_utime + usage.ru_stime + timeout + CPU_MARGIN_S)
        if self._cpu_hard != resource.RLIM_INFINITY:
            soft = min(soft, self._cpu_hard)
        try:
            resource.setrlimit(resource.RLIMIT_CPU, (soft, self._cpu_hard))
        except (ValueError, OSError):
            pass  # the code lowered the hard limit itself; the host's wall clock still applies


def _user_traceback(error: BaseException) -> str:
    """The traceback of ``error`` without the worker's own frames, cut to its last part."""
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename == _WORKER_FILE:
        tb = tb.tb_next
    text = "".join(traceback.format_exception(type(error), error, tb, limit=-TRACEBACK_FRAMES))
    if len(text) > TRACEBACK_CHARS:
        text = "[... traceback truncated ...]\n" + text[-TRACEBACK_CHARS:]
    return _valid_utf8(text)


_WORKER_FILE = _user_traceback.__code__.co_filename


def _valid_utf8(text: str) -> str:
    """Replace lone surrogates (e.g. ``print("\\udc80")``) so the text is valid UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def prepare_interpreter(spec: dict[str, Any]) -> tuple[int, int]:
    """Turn this process into a sandboxed interpreter described by ``spec``.

    ``spec`` keys, all optional: ``workdir`` (cwd, HOME and TMPDIR), ``memory_bytes``
    (RLIMIT_AS), ``file_size_bytes`` (RLIMIT_FSIZE), ``max_processes`` (RLIMIT_NPROC) and ``uid``
    (drop to this uid; needs root). Core dumps are disabled, stdin reads /dev/null, and fds 1/2
    point at memfds so output of subprocesses (``os.system``) can be captured; their fds are
    returned. With a ``uid``, every other process of that uid is killed first: the uid belongs to
    one sandbox, and a fresh interpreter must not share it with the previous one's leftovers.
    """
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    captured = []
    for target, name in ((1, "toolgym-stdout"), (2, "toolgym-stderr")):
        fd = os.memfd_create(name)
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_APPEND)
        os.dup2(fd, target)
        captured.append(fd)
    workdir = spec.get("workdir")
    if workdir:
        os.chdir(workdir)
        os.environ.update(HOME=workdir, TMPDIR=workdir, PWD=workdir)
        sys.path[0] = workdir  # as for a script run from the work dir
        if "tempfile" in sys.modules:  # a preloaded module may have cached the old TMPDIR
            sys.modules["tempfile"].tempdir = None
    _reseed_inherited_rngs()
    uid = spec.get("uid")
    _apply_rlimits(spec, own_uid=uid is not None)
    if uid is not None:
        keep_read = bool(spec.get("keep_read_search"))
        if keep_read:
            prctl(_PR_SET_KEEPCAPS, 1)
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
        if keep_read:
            _retain_read_search()
        try:
            os.kill(-1, signal.SIGKILL)  # every process of this uid but us
        except ProcessLookupError:
            pass
    prctl(_PR_SET_NO_NEW_PRIVS, 1)  # setuid binaries cannot regain privileges
    return captured[0], captured[1]


def _reseed_inherited_rngs() -> None:
    """Give a forked interpreter its own random state. ``random`` reseeds itself after a fork;
    numpy's global generator does not, so every interpreter forked from a server that imported
    ``numpy.random`` would draw the same numbers, episode after episode."""
    numpy_random = sys.modules.get("numpy.random")
    if numpy_random is not None:
        numpy_random.seed()


def _apply_rlimits(spec: dict[str, Any], own_uid: bool) -> None:
    _cap(resource.RLIMIT_CORE, 0)
    if spec.get("memory_bytes") is not None:
        _cap(resource.RLIMIT_AS, int(spec["memory_bytes"]))
    if spec.get("file_size_bytes") is not None:
        _cap(resource.RLIMIT_FSIZE, int(spec["file_size_bytes"]))
    if spec.get("max_processes") is not None:
        # RLIMIT_NPROC counts every task of the real uid. With a uid of its own the sandbox's
        # count starts at zero; sharing the user's uid, allow what the user already runs.
        already = 0 if own_uid else _count_tasks(os.getuid())
        _cap(resource.RLIMIT_NPROC, already + int(spec["max_processes"]))


def _cap(limit: int, value: int) -> None:
    _, hard = resource.getrlimit(limit)
    if hard != resource.RLIM_INFINITY and os.geteuid() != 0:
        value = min(value, hard)
    resource.setrlimit(limit, (value, value))


def _count_tasks(uid: int) -> int:
    """Tasks (threads included, as RLIMIT_NPROC counts them) whose real uid is ``uid``."""
    count = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/status", "rb") as status:
                fields = dict(line.split(b":", 1) for line in status if b":" in line)
        except OSError:
            continue  # the process exited while we looked
        if int(fields[b"Uid"].split()[0]) == uid:
            count += int(fields[b"Threads"])
    return count


def prctl(option: int, arg2: int, arg3: int = 0) -> None:
    """Call prctl(2) through libc (the stdlib has no binding); raise OSError on failure."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(option, arg2, arg3, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), f"prctl({option}) failed")


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def _retain_read_search() -> None:
    """After dropping root, keep only CAP_DAC_READ_SEARCH, also across execve (ambient).

    Used when the Python installation lives where the sandbox uid cannot read it (a pyenv or venv
    under a 0700 home such as /root): without it, every module the zygote did not preload fails
    to import. The capability lets the sandbox read and list files it otherwise could not; it
    grants no write, kill or other privilege, and RLIMIT_NPROC still applies.
    """
    bit = 1 << _CAP_DAC_READ_SEARCH
    header = _CapHeader(_LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    data[0].effective = data[0].permitted = data[0].inheritable = bit
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.capset(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capset(CAP_DAC_READ_SEARCH) failed")
    prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_RAISE, _CAP_DAC_READ_SEARCH)


class Zygote:
    """Forks pre-imported interpreters on request; see the module docstring for the requests."""

    def __init__(self, ctrl_fd: int) -> None:
        self._ctrl = socket.socket(fileno=ctrl_fd)
        #: uid -> the latest spec spawned with it, for uids not killed yet.
        self._live_uids: dict[int, dict[str, Any]] = {}

    def serve(self, preloaded: list[str]) -> None:
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps our children: no zombies
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # our lifetime is the control socket's
        prctl(_PR_SET_CHILD_SUBREAPER, 1)  # orphans of sandboxes come back here to be reaped
        gc.freeze()  # keep the preloaded heap out of the collector: fewer copy-on-write pages
        self._ctrl.send(protocol.encode_frame({"op": "ready", "pid": os.getpid(), "preloaded": preloaded}))
        while True:
            try:
                data, fds, flags, _ = socket.recv_fds(self._ctrl, _CONTROL_DATAGRAM_BYTES, 1)
            except ConnectionResetError:
                data, fds, flags = b"", [], 0
            if not data:  # the host closed the control socket, maybe by dying
                self._kill_orphaned_uids()
                return
            try:
                if flags & (socket.MSG_TRUNC | socket.MSG_CTRUNC):
                    raise protocol.ProtocolError("control datagram truncated")
                reply = self._handle(protocol.decode_frame(data), fds)
            except Exception as exc:  # reported to the host, which raises SandboxStartError
                reply = {"error": f"{type(exc).__name__}: {exc}"}
            finally:
                for fd in fds:
                    os.close(fd)
            self._ctrl.send(protocol.encode_frame(reply))

    def _handle(self, request: dict[str, Any], fds: list[int]) -> dict[str, Any]:
        op = request.get("op")
        if op == "spawn":
            if len(fds) != 1:
                raise ValueError(f"spawn needs exactly one attached socket, got {len(fds)}")
            spec = dict(request.get("spec") or {})
            pid = self._spawn(fds[0], spec)
            if spec.get("uid") is not None:
                self._live_uids[int(spec["uid"])] = spec
            return {"pid": pid}
        if op == "kill":
            uid = int(request["uid"])
            self._kill_uid(uid)
            self._live_uids.pop(uid, None)
            return {"ok": True}
        raise ValueError(f"unknown op {op!r}")

    def _spawn(self, fd: int, spec: dict[str, Any]) -> int:
        pid = os.fork()
        if pid:
            return pid
        status = 1
        try:
            self._ctrl.close()
            os.setsid()  # own process group: the non-root host kills the sandbox by group
            try:
                out_fd, err_fd = prepare_interpreter(spec)
            except BaseException as exc:
                protocol.send_frame(fd, {"op": "error", "error": f"{type(exc).__name__}: {exc}"})
                raise
            ExecServer(fd, fd, out_fd, err_fd).serve()
            status = 0
        finally:
            os._exit(status)  # never fall back into the zygote's loop

    def _kill_orphaned_uids(self) -> None:
        """Clean up after a host that died: kill its sandboxes' processes, delete their work dirs,
        and wait for our children so none is left a zombie under an init that does not reap."""
        deadline = time.monotonic() + ORPHAN_WAIT_S
        for uid, spec in self._live_uids.items():
            lock = None
            try:
                if spec.get("uid_lock"):
                    lock = os.open(spec["uid_lock"], os.O_RDWR)
                # The host's fds close one by one as it dies: its lease lock may outlive our socket.
                while lock is not None and not _try_flock(lock):
                    if time.monotonic() > deadline:
                        raise BlockingIOError(f"uid {uid} was leased again")
                    time.sleep(0.01)
                self._kill_uid(uid)
            except OSError:
                continue
            finally:
                if lock is not None:
                    os.close(lock)
            if spec.get("workdir"):
                shutil.rmtree(spec["workdir"], ignore_errors=True)
        while time.monotonic() < deadline:
            try:
                os.waitpid(-1, os.WNOHANG)  # children are auto-reaped; this only asks if any remain
            except ChildProcessError:
                return
            time.sleep(0.01)

    def _kill_uid(self, uid: int) -> None:
        """SIGKILL all processes of ``uid`` from a helper that runs as ``uid``.

        ``kill(-1)`` from that uid reaches exactly its processes, including ones that escaped
        with setsid, and the kernel delivers it atomically with respect to fork, so a fork bomb
        cannot outrun it.
        """
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                os.setuid(uid)
                os.kill(-1, signal.SIGKILL)
            except BaseException:
                pass  # ProcessLookupError: nothing left; the host checks /proc either way
            os._exit(0)
        os.close(write_end)
        try:
            # The pipe reads as closed once the helper exits; the sandbox could stop the helper.
            if not select.select([read_end], [], [], KILL_HELPER_TIMEOUT_S)[0]:
                os.kill(pid, signal.SIGKILL)
                raise TimeoutError(f"kill helper for uid {uid} did not finish")
        finally:
            os.close(read_end)


def _try_flock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def preload_modules(names: list[str]) -> list[str]:
    """Import ``names`` where installed; return those imported.

    BLAS/OpenMP pools are pinned to one thread first: forking a process whose pool threads are
    running can deadlock the child, and parallel episodes share the CPUs anyway.
    """
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    imported = []
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:
            continue  # optional: sandboxed code that needs it gets the real error on import
        imported.append(name)
    return imported


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--zygote", type=int, metavar="FD", help="serve spawn requests on this socket")
    mode.add_argument("--stdio", action="store_true", help="serve exec requests on stdin/stdout")
    parser.add_argument("--preload", default="numpy,sympy", help="comma-separated modules to pre-import")
    parser.add_argument("--spec", default="{}", help="JSON interpreter spec for --stdio")
    args = parser.parse_args(argv)
    preloaded = preload_modules([name for name in args.preload.split(",") if name])
    if args.zygote is not None:
        Zygote(args.zygote).serve(preloaded)
        return
    channel_in, channel_out = os.dup(0), os.dup(1)
    out_fd, err_fd = prepare_interpreter(json.loads(args.spec))
    ExecServer(channel_in, channel_out, out_fd, err_fd).serve()


if __name__ == "__main__":
    main()
