"""The interpreter side of a sandbox: one persistent Python namespace serving exec requests.

Stdlib only; it needs nothing else from ToolGym, so the Docker backend copies it with
``protocol.py``, ``seccomp.py`` and ``supervisor.py`` into a container. A supervisor (see
:mod:`supervisor`) forks one :class:`ExecServer` per episode and is the only process that talks
to the host. What the interpreter may touch, and therefore what the policy's code may touch, is
deliberately limited to:

* fd 0: ``/dev/null``;
* fds 1 and 2: pipes whose other ends the supervisor reads. Whatever the code (or any process it
  starts) writes there is *output*, kept byte for byte up to the output limit: these pipes carry no
  framing, so nothing written to them can pass for a protocol frame or an end-of-call marker;
* a request pipe (read end): the supervisor writes :mod:`protocol` frames ``{"op": "exec",
  "code": ..., "nonce": ...}`` or ``{"op": "ping", "nonce": ...}``;
* a status socket (``SOCK_SEQPACKET``, write side): one datagram per finished request,
  ``{"op": "done", "nonce": ..., "error_kind": ..., "error_type": ..., "traceback": ...}``, plus
  ``{"op": "ready"}`` once at start. The supervisor drops every datagram that is not a well-formed
  ``done`` carrying the current request's nonce, so garbage or replayed frames are ignored; the
  status never carries output, and the supervisor, not the interpreter, decides ``timeout``,
  ``crashed`` and ``memory`` deaths.

The server keeps private references to everything it uses (``os.read``, ``os.write``, a JSON
encoder and decoder of its own), so code that rebinds ``json.dumps``, ``os.write`` or ``print``
breaks only itself. Anything that still breaks the server (closing its fds, ``os._exit``) ends
the process; the supervisor sees how it died and reports it as the policy's crash.
"""

from __future__ import annotations

import builtins
import ctypes
import importlib
import io
import json
import linecache
import math
import os
import resource
import signal
import sys
import traceback
import types
from typing import Any

if __package__:  # imported as toolgym.sandbox.worker (the zygote, tests)
    from toolgym.sandbox import protocol, seccomp
else:  # a copy inside a container, next to protocol.py and seccomp.py
    import protocol  # type: ignore[no-redef]
    import seccomp  # type: ignore[no-redef]

#: Seconds of CPU granted past the wall-clock timeout before RLIMIT_CPU kills a runaway worker:
#: a backstop for when the host cannot kill it (the host normally does so at the timeout).
CPU_MARGIN_S = 2.0
#: Frames of user code kept in a traceback, and characters kept from its end.
TRACEBACK_FRAMES = 20
TRACEBACK_CHARS = 8000
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_KEEPCAPS = 8
_PR_CAPBSET_DROP = 24
_PR_CAP_AMBIENT = 47
_PR_CAP_AMBIENT_RAISE = 2
_CAP_DAC_READ_SEARCH = 2
_LINUX_CAPABILITY_VERSION_3 = 0x20080522



#: Largest status datagram the server sends (a traceback is cut to TRACEBACK_CHARS before).
STATUS_BYTES = 60 * 1024
#: Read size for request frames.
_READ_BYTES = 1024**2
# Private references, taken before any user code runs: rebinding the public names breaks only
# the code that did it.
_os_read, _os_write, _os_getpid, _os_exit = os.read, os.write, os.getpid, os._exit
_encode = json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode
_decode = json.JSONDecoder().decode
_unpack_header = protocol._HEADER.unpack  # noqa: SLF001 - same package, frozen at import


#: Characters a cell may print line by line (so ``print`` then ``os.system`` keep their order);
#: past them, output is written in blocks of OUTPUT_BUFFER_BYTES (print-heavy loops stay fast).
LINE_BUFFERED_CHARS = 64 * 1024
OUTPUT_BUFFER_BYTES = 64 * 1024


class _OutputStream(io.TextIOWrapper):
    """sys.stdout/sys.stderr of the interpreter: line buffered for the first
    LINE_BUFFERED_CHARS characters of each cell, block buffered after."""

    _budget = 0

    def start_cell(self) -> None:
        self._budget = LINE_BUFFERED_CHARS
        if not self.line_buffering:
            self.reconfigure(line_buffering=True)

    def write(self, text: str) -> int:
        written = super().write(text)
        if self._budget > 0:
            self._budget -= len(text)
            if self._budget <= 0:
                self.reconfigure(line_buffering=False)
        return written

    def fileno(self) -> int:  # ``subprocess.run(stdout=sys.stdout)`` works
        return self.buffer.fileno()


class ExecServer:
    """Runs code in one persistent namespace and answers requests until the supervisor hangs up."""

    def __init__(self, request_fd: int, status_fd: int) -> None:
        self._rfd, self._sfd = request_fd, status_fd
        self._pid = os.getpid()
        self._forked = False
        self._cells = 0
        # Code runs as the __main__ module, so pickle and `if __name__ == "__main__"` behave.
        main = types.ModuleType("__main__")
        main.__builtins__ = builtins  # type: ignore[attr-defined]
        sys.modules["__main__"] = main
        self._globals = main.__dict__
        self._stdout = self._stream(1)
        self._stderr = self._stream(2)
        sys.stdout, sys.stderr = self._stdout, self._stderr
        sys.__stdout__, sys.__stderr__ = self._stdout, self._stderr  # type: ignore[misc]
        _, self._cpu_hard = resource.getrlimit(resource.RLIMIT_CPU)
        self._getrusage, self._setrlimit = resource.getrusage, resource.setrlimit
        os.register_at_fork(before=self._flush, after_in_child=self._detach)

    def _flush(self) -> None:
        """Before a fork: what was printed so far goes out once, and before the child's output."""
        for stream in (self._stdout, self._stderr):
            try:
                stream.flush()
            except Exception:
                pass  # the code closed or broke it

    @staticmethod
    def _stream(fd: int) -> "_OutputStream":
        raw = io.FileIO(fd, "w", closefd=False)
        return _OutputStream(io.BufferedWriter(raw, OUTPUT_BUFFER_BYTES), encoding="utf-8", errors="backslashreplace")

    def serve(self) -> None:
        self._status({"op": "ready", "pid": self._pid})
        while True:
            request = self._recv()
            if request is None:
                return
            op = request.get("op")
            if op == "exec":
                status = self._exec(request)
            else:
                status = {"op": "done"} if op == "ping" else {"op": "done", "error_kind": "exception",
                                                              "error_type": "ProtocolError",
                                                              "traceback": f"unknown op {op!r}"}
            status["nonce"] = request.get("nonce")
            self._status(status)

    def warm_up(self) -> None:
        """Run one empty cell. A freshly forked interpreter pays copy-on-write page faults the
        first time it runs the exec path (milliseconds); a server forked ahead of use pays them
        here, before it says it is ready, instead of in the episode's first call."""
        self._exec({"code": "pass", "timeout": 10.0})
        self._cells = 0

    def _recv(self) -> dict[str, Any] | None:
        """The next request, or None when the supervisor hung up (or the code broke the pipe)."""
        try:
            header = self._read_exact(protocol.HEADER_BYTES)
            if header is None:
                return None
            (length,) = _unpack_header(header)
            payload = self._read_exact(length) if length else b""
            if payload is None:
                return None
            message = _decode(payload.decode("utf-8"))
        except (OSError, ValueError):
            return None
        return message if isinstance(message, dict) else None

    def _read_exact(self, size: int) -> bytes | None:
        parts, missing = [], size
        while missing:
            chunk = _os_read(self._rfd, min(missing, _READ_BYTES))
            if not chunk:
                return None
            parts.append(chunk)
            missing -= len(chunk)
        return b"".join(parts)

    def _status(self, message: dict[str, Any]) -> None:
        """Send one status datagram; a server that cannot (the code closed or replaced the
        socket) ends here, and the supervisor reports the death as the policy's crash."""
        try:
            data = _encode(message).encode("ascii")
            if len(data) > STATUS_BYTES:
                message = dict(message, traceback=(message.get("traceback") or "")[-TRACEBACK_CHARS // 2 :])
                data = _encode(message).encode("ascii")[:STATUS_BYTES]
            _os_write(self._sfd, data)
        except BaseException:
            _os_exit(3)

    def _detach(self) -> None:
        """In a child that user code forked: let go of the channels so only the server answers,
        and so the supervisor sees the server's death even while such children live."""
        if self._forked:
            return
        self._forked = True
        for fd in {self._rfd, self._sfd}:
            try:
                os.close(fd)
            except OSError:
                pass  # the user's code already closed it

    def _exec(self, request: dict[str, Any]) -> dict[str, Any]:
        code = str(request.get("code", ""))
        self._arm_cpu_limit(float(request.get("timeout", 10.0)))
        self._cells += 1
        filename = f"<cell-{self._cells}>"
        linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
        error: BaseException | None = None
        if self._stdout.closed or self._stderr.closed:  # the code closed our streams: new ones
            self._stdout, self._stderr = self._stream(1), self._stream(2)
        for stream in (self._stdout, self._stderr):
            stream.start_cell()
        sys.stdout, sys.stderr = self._stdout, self._stderr
        try:
            exec(compile(code, filename, "exec"), self._globals)
        except SystemExit as exc:
            if exc.code not in (None, 0):
                error = exc
        except BaseException as exc:  # the policy's fault, reported as a result
            error = exc
        if self._forked or _os_getpid() != self._pid:
            # A child forked by the code ran to the end of the cell: it must not answer.
            _os_exit(0 if error is None else 1)
        for stream in {self._stdout, self._stderr, sys.stdout, sys.stderr}:
            try:
                stream.flush()
            except Exception:
                pass  # the code closed or broke it; what it held is lost
        sys.stdout, sys.stderr = self._stdout, self._stderr
        status: dict[str, Any] = {"op": "done", "error_kind": None, "error_type": None, "traceback": None}
        if error is not None:
            try:
                status["error_kind"] = "memory" if isinstance(error, MemoryError) else "exception"
                status["error_type"] = type(error).__name__
                status["traceback"] = _user_traceback(error)
            except BaseException:  # the code broke the traceback machinery itself
                status["traceback"] = "(the traceback could not be formatted)"
        return status

    def _arm_cpu_limit(self, timeout: float) -> None:
        """Let this call use ``timeout`` + margin more CPU seconds; past that the kernel kills us."""
        try:
            usage = self._getrusage(resource.RUSAGE_SELF)
            soft = math.ceil(usage.ru_utime + usage.ru_stime + timeout + CPU_MARGIN_S)
            if self._cpu_hard != resource.RLIM_INFINITY:
                soft = min(soft, self._cpu_hard)
            self._setrlimit(resource.RLIMIT_CPU, (soft, self._cpu_hard))
        except Exception:
            pass  # the code lowered the hard limit or broke ``resource``; the wall clock still applies


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


def prepare_interpreter(spec: dict[str, Any]) -> None:
    """Turn this process into a sandboxed interpreter described by ``spec``.

    ``spec`` keys, all optional: ``workdir`` (cwd, HOME and TMPDIR), ``memory_bytes``
    (RLIMIT_AS), ``file_size_bytes`` (RLIMIT_FSIZE), ``max_processes`` (RLIMIT_NPROC), ``uid``
    (drop to this uid; needs root), ``drop_caps`` (without a uid: drop every capability) and
    ``kill_uid_on_start`` (default true). Core dumps are disabled, stdin reads /dev/null and the
    seccomp filter of :mod:`seccomp` is installed (where the architecture has one). With a
    ``uid``, every other process of that uid is killed first (unless ``kill_uid_on_start`` is
    false): the uid belongs to one sandbox, and a fresh interpreter must not share it with the
    previous one's leftovers.
    """
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
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
        if spec.get("kill_uid_on_start", True):
            try:
                os.kill(-1, signal.SIGKILL)  # every process of this uid but us
            except ProcessLookupError:
                pass
    elif spec.get("drop_caps"):
        _drop_all_capabilities()
    prctl(_PR_SET_NO_NEW_PRIVS, 1)  # setuid binaries cannot regain privileges
    try:
        seccomp.install()
    except seccomp.SeccompUnavailable:
        pass  # documented: without the filter, a host that allows user namespaces lets it unshare


def _drop_all_capabilities() -> None:
    """No capability left, in any set, and none to regain (an interpreter that is root of a user
    namespace: without this it could ptrace its supervisor)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in range(64):
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 and ctypes.get_errno() == 22:  # EINVAL
            break  # past the last capability this kernel knows
    header = _CapHeader(_LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    if libc.capset(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capset(nothing) failed")


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


