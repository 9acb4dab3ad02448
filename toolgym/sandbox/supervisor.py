"""The supervisor of a sandbox: the only process that talks to the host, one per sandbox.

Docker runs it as PID 1 of every sandbox container (``python3 supervisor.py --preload numpy,sympy
--spec JSON [--connect PATH]``: the host's frames on stdin/stdout, or with ``--connect`` on a Unix
socket the host listens on, see :mod:`toolgym.sandbox.direct`; the image build copies it with
``worker.py``, ``protocol.py`` and ``seccomp.py`` into ``/opt/toolgym``). The local backend forks
it from its fork server into a sandbox of its own (PID 1 of new pid, mount, network and IPC
namespaces where the kernel allows, see :mod:`isolation`). Stdlib only.

It forks one interpreter (a :class:`worker.ExecServer`) per episode from an already-imported
process, so a fresh interpreter costs a fork instead of a Python start, and it is the interpreter's
only way out. The interpreter gets a request pipe, a status socket and two output pipes (its fds
1 and 2); see :mod:`worker`. The supervisor reads the output pipes itself, keeps what was printed
up to the output limit, and frames the reply to the host. Nothing the policy's code writes can
become a frame: output pipes carry no framing, and a status datagram ends the call only if it is a
well-formed ``done`` carrying the current request's random nonce. The supervisor watches the
interpreter through a pidfd, so it knows *how* it died (exit status, signal, the memory cgroup's
OOM counter) and reports that as the policy's: only the supervisor's own death, seen by the host
as a closed stream, is infrastructure.

Requests (frames on ``host_in``) and replies (on ``host_out``):

* first, unasked: ``{"op": "ready", "pid": N, "preloaded": [...]}``;
* ``{"op": "exec", "code": ..., "max_output": N, "timeout": S}``: ``{"op": "result", "stdout":
  ..., "stderr": ..., "error_kind": None | "exception" | "memory" | "timeout" | "crashed",
  "error_type", "traceback", "truncated", "restarted": bool, "death": str | None}``. With
  ``restarted`` the interpreter was killed (past the timeout) or died (``death`` says how: an exit
  status or a signal; ``memory`` when the OOM killer struck), every other process of the sandbox
  is gone and a fresh interpreter is forked;
* ``{"op": "ping"}``: ``{"op": "pong"}`` once the interpreter answered a ping too;
* ``{"op": "reset"}``: ``{"op": "ready"}`` at once; before it reads the next request, the
  supervisor has killed every other process, emptied the scratch dirs and deleted the private IPC
  namespace's objects.

The supervisor exits at end of file from the host, also in the middle of a call.

Why the policy's code cannot kill it: as PID 1 of its pid namespace, the kernel drops signals sent
to it from inside the namespace unless it handles them, and it handles none; it is not dumpable (no
ptrace, no /proc/PID/mem). A local sandbox without namespaces (the fallback) runs the supervisor
as root and the interpreter under another uid, or, on a non-root host, under the same uid: only
then can the code kill it, and the host then charges that death to the policy.
"""

from __future__ import annotations

import argparse
import ctypes
import fcntl
import functools
import gc
import json
import os
import select
import shutil
import signal
import socket
import sys
import time
from dataclasses import dataclass, field
from typing import Any

if __package__:  # imported as toolgym.sandbox.supervisor (the local fork server, tests)
    from toolgym.sandbox import protocol, worker
else:  # run as a script in a container, next to protocol.py and worker.py
    import protocol  # type: ignore[no-redef]
    import worker  # type: ignore[no-redef]

#: How long a freshly forked interpreter may take to say it is ready.
SPAWN_TIMEOUT_S = 30.0
#: How long an interpreter may take to answer a ping.
PING_TIMEOUT_S = 5.0
#: How long killing every other process may take; past it the supervisor exits and the host
#: replaces the sandbox.
KILL_WAIT_S = 5.0
_PR_SET_DUMPABLE = 4
#: Where a container's memory cgroup counts OOM kills (cgroup v2, then v1).
_OOM_COUNTERS = ("/sys/fs/cgroup/memory.events", "/sys/fs/cgroup/memory/memory.oom_control")
_IPC_RMID = 0
_MQUEUE_DIR = "/dev/mqueue"
_READ_BYTES = 1024 * 1024
_F_SETPIPE_SZ = 1031
_PIPE_BYTES = 1024 * 1024
_STATUS_BYTES = 64 * 1024
#: Ways to kill every process of the sandbox but the supervisor (see :meth:`Supervisor._kill_others`).
KILL_MODES = ("pidns", "uid", "pgroup")


class HostGone(Exception):
    """The host closed its end of the stream, or died."""


class _Died(Exception):
    """The interpreter died; ``death`` says how."""

    def __init__(self, death: str, oom: bool = False) -> None:
        super().__init__(death)
        self.death, self.oom = death, oom


@dataclass
class _Interpreter:
    """One forked interpreter and the supervisor's ends of its channels."""

    pid: int
    pidfd: int
    request: int
    status: socket.socket
    outputs: dict[int, int]  # our read end -> 1 (stdout) or 2 (stderr)
    #: Watches the outputs, the status socket, the pidfd and the host (kept across calls).
    poller: Any = None
    #: The memory cgroup's OOM kill count when it was forked.
    oom_baseline: int = 0
    fresh: bool = True  # its ready datagram is still unread

    def close(self) -> None:
        for fd in (self.pidfd, self.request, *self.outputs):
            try:
                os.close(fd)
            except OSError:
                pass
        self.status.close()


@dataclass
class _Capture:
    """What the interpreter printed during one call, kept up to ``max_chars`` characters."""

    max_chars: int
    parts: dict[int, bytearray] = field(default_factory=lambda: {1: bytearray(), 2: bytearray()})
    dropped: int = 0

    def feed(self, stream: int, data: bytes) -> None:
        room = 4 * self.max_chars - len(self.parts[1]) - len(self.parts[2])  # <= 4 bytes a char
        if len(data) > room:
            self.dropped += len(data) - max(room, 0)
            data = data[: max(room, 0)]
        self.parts[stream] += data

    def texts(self) -> tuple[str, str, bool]:
        """stdout and stderr as text, with a marker where the limit cut them, and whether it did."""
        texts, budget, truncated = [], self.max_chars, bool(self.dropped)
        for stream in (1, 2):
            text = self.parts[stream].decode("utf-8", "replace")
            cut = max(0, len(text) - budget)
            budget -= len(text) - cut
            more = cut + (self.dropped if stream == 1 else 0)
            if more:
                text = text[: len(text) - cut] + f"\n[... output truncated: {more} more characters not shown ...]\n"
                truncated = True
            texts.append(text)
        return texts[0], texts[1], truncated


class Supervisor:
    """Serves the host's requests with one forked interpreter at a time.

    ``host_in``/``host_out`` carry the host's frames (fds 0 and 1 in a container, one socket in
    a local sandbox). ``kill_mode`` says how to kill every other process of the sandbox: ``pidns`` (the
    supervisor is PID 1 of the sandbox's pid namespace: ``kill(-1)``), ``uid`` (the interpreter
    runs under a uid of its own: ``kill(-1)`` from that uid) or ``pgroup`` (its process group;
    processes that left it with ``setsid`` survive).
    """

    def __init__(
        self,
        spec: dict[str, Any],
        host_in: int = 0,
        host_out: int = 1,
        kill_mode: str = "pidns",
    ) -> None:
        if kill_mode not in KILL_MODES:
            raise ValueError(f"kill_mode must be one of {KILL_MODES}, got {kill_mode!r}")
        self._spec = spec
        self._in, self._out = host_in, host_out
        self._kill_mode = kill_mode
        self._workdir: str = spec.get("workdir") or os.getcwd()
        self._scratch: list[str] = list(spec.get("scratch_dirs") or [self._workdir])
        self._oom_counters: tuple[str, ...] = tuple(spec.get("oom_counters") or _OOM_COUNTERS)
        self._child: _Interpreter | None = None
        self._reaped: dict[int, int] = {}  # pid -> wait status, for children reaped in passing
        self._last_pgid: int | None = None
        self._wipe_pending = False

    def serve(self, preloaded: list[str]) -> None:
        protocol.send_frame(self._out, {"op": "ready", "pid": os.getpid(), "preloaded": preloaded})
        while True:
            if self._child is None:
                # Fork the next interpreter after replying, while the host reads the reply and
                # the policy thinks: a reset or a timeout answers without waiting for the fork.
                self._spawn_quietly()
                try:
                    self._warm_quietly()
                except HostGone:
                    return
            try:
                request = protocol.recv_frame(self._in)
            except protocol.ConnectionClosed:
                return
            try:
                reply = self._handle(request)
            except HostGone:
                return
            protocol.send_frame(self._out, reply)
            if self._wipe_pending:
                self._wipe()
            self._reap()

    def shut_down(self) -> None:
        """Kill every other process of the sandbox, as far as that goes (used on the way out
        where no pid namespace or container ends them)."""
        try:
            self._kill_others()
        except (OSError, SystemExit):
            pass

    def _handle(self, request: dict[str, Any]) -> dict[str, Any]:
        op = request.get("op")
        if op == "exec":
            return self._exec(request)
        if op == "ping":
            return self._ping()
        if op == "reset":
            # Answer at once and wipe right after, while the host carries on (the policy thinks):
            # requests are served one at a time, so nothing is served before the wipe is done.
            child, self._child = self._child, None
            if child is not None:
                child.close()
            self._kill_round()
            self._wipe_pending = True
            return {"op": "ready"}
        return {"op": "error", "error": f"unknown op {op!r}"}

    # --- one call ---------------------------------------------------------------------------

    def _exec(self, request: dict[str, Any]) -> dict[str, Any]:
        timeout = float(request.get("timeout", 10.0))
        capture = _Capture(max(0, int(request.get("max_output", 16_384))))
        deadline = time.monotonic() + timeout
        reply: dict[str, Any] = {"op": "result", "error_kind": None, "error_type": None, "traceback": None,
                                 "restarted": False, "death": None}
        try:
            child = self._interpreter()
        except _Died as exc:  # no policy code ran: the sandbox itself is broken
            return {"op": "error", "error": f"the interpreter failed to start: {exc.death}"}
        nonce = os.urandom(16).hex()
        try:
            try:
                protocol.send_frame(child.request, {"op": "exec", "code": request.get("code", ""),
                                                    "timeout": timeout, "nonce": nonce}, deadline)
            except OSError:
                pass  # the code closed its end of the request pipe: it is dying; see below
            status = self._await(child, nonce, deadline, capture)
            reply.update({k: status.get(k) for k in ("error_kind", "error_type", "traceback")})
            if reply["error_kind"] not in (None, "exception", "memory"):
                reply["error_kind"] = "exception"  # the interpreter speaks for its own cell only
        except protocol.FrameTimeout:
            self._kill_others()
            reply.update(error_kind="timeout", restarted=True)
        except _Died as exc:
            self._kill_others()
            oom = exc.oom or self._oom_kills() > child.oom_baseline
            reply.update(error_kind="memory" if oom else "crashed", restarted=True, death=exc.death)
        stdout, stderr, truncated = capture.texts()
        reply.update(stdout=stdout, stderr=stderr, truncated=truncated)
        return reply

    def _await(self, child: _Interpreter, nonce: str, deadline: float, capture: _Capture) -> dict[str, Any]:
        """Collect output until the interpreter's ``done`` for ``nonce``; raise :class:`_Died`
        when it dies first and :class:`protocol.FrameTimeout` at the deadline."""
        poller = child.poller
        open_outputs = set(child.outputs)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._drain(child, capture, open_outputs)
                raise protocol.FrameTimeout("the interpreter did not finish in time")
            for fd, _ in poller.poll(max(1, int(remaining * 1000 + 0.999))):
                if fd == self._in:
                    raise HostGone()
                if fd in child.outputs:
                    data = _read(fd)
                    if data:
                        capture.feed(child.outputs[fd], data)
                    elif data is not None:  # end of file: nobody holds the write end any more
                        poller.unregister(fd)
                        del child.outputs[fd]
                        open_outputs.discard(fd)
                        os.close(fd)
                elif fd == child.status.fileno():
                    message = self._status(child)
                    if message is None:
                        poller.unregister(fd)  # closed by the code: only its death ends the call now
                    elif message.get("op") == "done" and message.get("nonce") == nonce:
                        self._drain(child, capture, open_outputs)
                        return message
                elif fd == child.pidfd:
                    self._drain(child, capture, open_outputs)
                    raise _Died(self._death(child.pid))

    def _status(self, child: _Interpreter) -> dict[str, Any] | None:
        """The next status datagram as a dict ({} when it is not one), or None at end of file."""
        try:
            data = child.status.recv(_STATUS_BYTES)
        except BlockingIOError:
            return {}
        except OSError:
            return None
        if not data:
            return None
        try:
            message = json.loads(data)
        except ValueError:
            return {}
        return message if isinstance(message, dict) else {}

    @staticmethod
    def _drain(child: _Interpreter, capture: _Capture, open_outputs: set[int]) -> None:
        """Take what is already in the output pipes (their writers may live on: no end of file)."""
        for fd in list(open_outputs):
            while True:
                data = _read(fd)
                if not data:
                    break
                capture.feed(child.outputs[fd], data)

    def _ping(self) -> dict[str, Any]:
        for _ in range(2):
            try:
                child = self._interpreter()
                nonce = os.urandom(16).hex()
                deadline = time.monotonic() + PING_TIMEOUT_S
                protocol.send_frame(child.request, {"op": "ping", "nonce": nonce}, deadline)
                self._await(child, nonce, deadline, _Capture(0))
                return {"op": "pong"}
            except (OSError, protocol.ProtocolError, _Died):
                pass
            self._kill_others()
        return {"op": "error", "error": "the interpreter does not answer pings"}

    # --- interpreters -----------------------------------------------------------------------

    def _interpreter(self) -> _Interpreter:
        """The current interpreter, once it said it is ready; raise :class:`_Died` if it never does."""
        if self._child is None:
            self._spawn()
        child = self._child
        assert child is not None
        if child.fresh:
            deadline = time.monotonic() + SPAWN_TIMEOUT_S
            poller = select.poll()
            poller.register(child.status, select.POLLIN)
            poller.register(child.pidfd, select.POLLIN)
            while child.fresh:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self._kill_others()
                    raise _Died("it did not start in time")
                for fd, _ in poller.poll(max(1, int(remaining * 1000 + 0.999))):
                    if fd == child.pidfd:
                        self._kill_others()
                        raise _Died(self._death(child.pid))
                    message = self._status(child)
                    if message is None or message.get("op") == "error":
                        self._kill_others()
                        raise _Died(str((message or {}).get("error", "it closed its status channel")))
                    if message.get("op") == "ready":
                        child.fresh = False
        return child

    def _warm_quietly(self) -> None:
        """Wait for the fresh interpreter and ping it once, while the policy thinks.

        The fork left this process's pages shared copy-on-write with the child: the first round
        trip after it pays ~100 page faults here (half a millisecond or more), which the episode's
        first call paid before. A ping runs no policy code and leaves the interpreter as it was.
        An interpreter that fails here is killed; the next request starts one and reports why.
        """
        child = self._child
        if child is None:
            return
        try:
            child = self._interpreter()
            nonce = os.urandom(16).hex()
            deadline = time.monotonic() + PING_TIMEOUT_S
            protocol.send_frame(child.request, {"op": "ping", "nonce": nonce}, deadline)
            self._await(child, nonce, deadline, _Capture(0))
        except (OSError, protocol.ProtocolError, _Died):
            self._kill_others()

    def _spawn_quietly(self) -> None:
        try:
            self._spawn()
        except OSError:
            self._kill_others()  # e.g. EAGAIN under a full pids cap; the next request retries

    def _spawn(self) -> None:
        """Fork a fresh interpreter; its ready datagram is read when it is first needed."""
        request_r, request_w = os.pipe()
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        for fd in (out_r, err_r):
            try:
                fcntl.fcntl(fd, _F_SETPIPE_SZ, _PIPE_BYTES)  # fewer wake-ups for big outputs
            except OSError:
                pass  # above /proc/sys/fs/pipe-max-size: the default size works too
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            pid = os.fork()
        except OSError:
            for fd in (request_r, request_w, out_r, out_w, err_r, err_w):
                os.close(fd)
            ours.close()
            theirs.close()
            raise
        if pid == 0:
            self._become_interpreter(request_r, theirs.fileno(), out_w, err_w)
        for fd in (request_r, out_w, err_w):
            os.close(fd)
        theirs.close()
        for fd in (out_r, err_r):
            fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)
        ours.setblocking(False)
        child = _Interpreter(pid, os.pidfd_open(pid), request_w, ours, {out_r: 1, err_r: 2})
        child.poller = select.poll()
        for fd in (out_r, err_r, ours.fileno(), child.pidfd):
            child.poller.register(fd, select.POLLIN)
        child.poller.register(self._in, 0)  # an empty mask still reports POLLHUP and POLLERR
        child.oom_baseline = self._oom_kills()
        self._child = child
        self._last_pgid = pid

    def _become_interpreter(self, request: int, status: int, out: int, err: int) -> None:
        """In the forked child: keep only the interpreter's fds and serve; never return."""
        code = 1
        try:
            os.dup2(out, 1)
            os.dup2(err, 2)
            keep = {0, 1, 2, request, status}
            _close_fds_except(keep)
            worker.prctl(_PR_SET_DUMPABLE, 1)  # fork kept the supervisor's "not dumpable"
            _raise_oom_score()
            if self._kill_mode != "pidns":
                os.setsid()  # a process group of its own, apart from the supervisor's
            worker.prepare_interpreter(self._spec)
            server = worker.ExecServer(request, status)
            server.warm_up()
            server.serve()
            code = 0
        except BaseException as exc:
            try:
                os.write(status, json.dumps({"op": "error", "error": f"{type(exc).__name__}: {exc}"}).encode())
            except OSError:
                pass  # the supervisor hung up already
        finally:
            os._exit(code)  # never fall back into the supervisor's loop

    def _death(self, pid: int) -> str:
        """How ``pid`` (a child that exited) died, in words."""
        status = self._reaped.pop(pid, None)
        if status is None:
            try:
                _, status = os.waitpid(pid, 0)
            except ChildProcessError:
                return "it exited"
        if os.WIFSIGNALED(status):
            number = os.WTERMSIG(status)
            try:
                name = signal.Signals(number).name
            except ValueError:
                name = f"signal {number}"
            return f"killed by {name}"
        return f"exit status {os.WEXITSTATUS(status)}"

    def _kill_others(self) -> None:
        """SIGKILL every process of the sandbox but this one and wait until all are gone."""
        child, self._child = self._child, None
        if child is not None:
            child.close()
        deadline = time.monotonic() + KILL_WAIT_S
        while True:
            self._kill_round()
            self._reap()
            if not self._others_alive():
                return
            if time.monotonic() > deadline:
                raise SystemExit("sandbox processes survived SIGKILL")
            self._await_an_exit()

    def _kill_round(self) -> None:
        if self._kill_mode == "pidns":
            try:
                os.kill(-1, signal.SIGKILL)
            except ProcessLookupError:
                pass
        elif self._kill_mode == "uid":
            _kill_as(int(self._spec["uid"]))
        elif self._last_pgid is not None:
            try:
                os.killpg(self._last_pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def _others_alive(self) -> bool:
        if self._kill_mode == "pidns":
            return bool(_namespace_others())
        if self._kill_mode == "uid":
            return bool(_uid_tasks(int(self._spec["uid"])))
        if self._last_pgid is None:
            return False
        try:
            os.killpg(self._last_pgid, 0)
        except ProcessLookupError:
            return False
        return True

    def _await_an_exit(self) -> None:
        """Wait (at most 10 ms) until one of the processes still dying exits. With a pid namespace
        every one of them is watched through a pidfd, so the wait ends when the exit happens
        (a killed interpreter takes a millisecond or two to free its memory); otherwise 1 ms."""
        if self._kill_mode != "pidns":
            time.sleep(0.001)
            return
        poller = select.poll()
        fds = []
        try:
            for pid in _namespace_others():
                try:
                    fds.append(os.pidfd_open(pid))
                except OSError:
                    continue  # already gone
                poller.register(fds[-1], select.POLLIN)
            if fds and len(poller.poll(10)) == len(fds):
                time.sleep(0.001)  # all exited, but some wait for a dying parent to reparent them
        finally:
            for fd in fds:
                os.close(fd)

    def _reap(self) -> None:
        """Collect exited children (and, as PID 1, adopted orphans) so none stays a zombie."""
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            self._reaped[pid] = status
            if len(self._reaped) > 1024:
                self._reaped.pop(next(iter(self._reaped)))

    def _wipe(self) -> None:
        """The rest of a reset: every other process gone, scratch dirs empty, IPC objects deleted."""
        self._wipe_pending = False
        self._kill_others()
        self._empty_scratch()
        if self._spec.get("private_ipc", True):
            _remove_ipc_objects()

    def _empty_scratch(self) -> None:
        for path in self._scratch:
            if os.path.isdir(path):
                mode = os.stat(path).st_mode & 0o7777
                _empty_dir(path)
                os.chmod(path, mode)  # /tmp stays 1777
        os.makedirs(self._workdir, exist_ok=True)
        owner = self._spec.get("uid")
        if owner is not None and os.geteuid() == 0:
            os.chown(self._workdir, int(owner), int(owner))

    def _oom_kills(self) -> int:
        """How many processes the sandbox's memory cgroup has OOM-killed so far (0 if unknown)."""
        for path in self._oom_counters:
            try:
                with open(path) as counters:
                    for line in counters:
                        key, _, value = line.partition(" ")
                        if key == "oom_kill":
                            return int(value)
            except OSError:
                continue
        return 0


def _namespace_others() -> list[int]:
    """Every process of this pid namespace but this one (the supervisor is its PID 1)."""
    me = os.getpid()
    return [int(name) for name in os.listdir("/proc") if name.isdigit() and int(name) != me]


def _read(fd: int) -> bytes | None:
    """Read what is there: bytes, b"" at end of file, None when nothing is ready."""
    try:
        return os.read(fd, _READ_BYTES)
    except BlockingIOError:
        return None


def _close_fds_except(keep: set[int]) -> None:
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass  # the directory's own fd, already gone


def _kill_as(uid: int) -> None:
    """``kill(-1, SIGKILL)`` from a helper running as ``uid``: exactly that uid's processes,
    atomically with respect to fork (a fork bomb cannot outrun it)."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setuid(uid)
            os.kill(-1, signal.SIGKILL)
        except BaseException:
            pass
        os._exit(0)
    os.waitpid(pid, 0)


def _uid_tasks(uid: int) -> list[int]:
    """Pids whose real uid is ``uid`` (zombies included), from /proc."""
    pids = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/status", "rb") as status:
                for line in status:
                    if line.startswith(b"Uid:"):
                        if int(line.split()[1]) == uid:
                            pids.append(int(name))
                        break
        except OSError:
            continue
    return pids


def _raise_oom_score() -> None:
    """Make the interpreter, not the supervisor, the OOM killer's choice when memory runs out."""
    try:
        with open("/proc/self/oom_score_adj", "w") as adj:
            adj.write("1000")
    except OSError:
        pass  # only a preference: the memory limit holds either way


def _empty_dir(path: str) -> None:
    """Delete everything in ``path`` (the work dir), whatever the code did to permissions.

    Mount points inside it (the read-only interpreter directories shown again inside a private
    ``/tmp``, see :func:`toolgym.sandbox.isolation.private_view`) are left alone.
    """
    os.chmod(path, 0o700)
    for root, dirs, _ in os.walk(path):
        dirs[:] = [d for d in dirs if not os.path.ismount(os.path.join(root, d))]
        for name in dirs:
            try:
                os.chmod(os.path.join(root, name), 0o700, follow_symlinks=False)
            except OSError:
                continue
    for entry in os.scandir(path):
        if entry.is_dir(follow_symlinks=False) and os.path.ismount(entry.path):
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            try:
                os.unlink(entry.path)
            except FileNotFoundError:
                pass


@functools.lru_cache(maxsize=1)
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _remove_ipc_objects() -> None:
    """Delete the SysV shared memory segments, semaphores and message queues and the POSIX
    message queues of the container's IPC namespace: they outlive the processes that made them,
    and would carry state from one episode into the next."""
    libc = _libc()
    removers = {
        "shm": lambda ipc_id: libc.shmctl(ipc_id, _IPC_RMID, None),
        "sem": lambda ipc_id: libc.semctl(ipc_id, 0, _IPC_RMID),
        "msg": lambda ipc_id: libc.msgctl(ipc_id, _IPC_RMID, None),
    }
    for kind, remove in removers.items():
        try:
            with open(f"/proc/sysvipc/{kind}") as table:
                ids = [int(line.split()[1]) for line in list(table)[1:] if line.strip()]
        except OSError:
            continue
        for ipc_id in ids:
            remove(ipc_id)
    try:
        queues = os.listdir(_MQUEUE_DIR)
    except OSError:
        return
    for name in queues:
        try:
            os.unlink(os.path.join(_MQUEUE_DIR, name))
        except OSError:
            continue


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preload", default="numpy,sympy", help="comma-separated modules to pre-import")
    parser.add_argument("--spec", default="{}", help="JSON interpreter spec (see worker.prepare_interpreter)")
    parser.add_argument("--connect", metavar="PATH", help="serve the host on this Unix socket, not stdin/stdout")
    args = parser.parse_args(argv)
    if os.getpid() != 1:
        sys.exit("supervisor.py must be PID 1 of its container (run the container without --init)")
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a handler would let sandboxed code signal us
    worker.prctl(_PR_SET_DUMPABLE, 0)
    preloaded = worker.preload_modules([name for name in args.preload.split(",") if name])
    ends = (0, 1)  # stdin and stdout: the attach stream
    if args.connect:  # before any interpreter exists: nothing else here can reach this socket
        host = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        host.connect(args.connect)
        fd = host.detach()
        ends = (fd, fd)
    gc.freeze()  # keep the preloaded heap out of the collector: fewer copy-on-write pages
    Supervisor(json.loads(args.spec), *ends).serve(preloaded)


if __name__ == "__main__":
    main()
