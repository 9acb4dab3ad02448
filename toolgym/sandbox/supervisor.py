"""The in-container end of the Docker sandbox: PID 1 of every sandbox container.

A sandbox image's entry point runs ``python3 supervisor.py --preload numpy,sympy --spec JSON``;
the image build copies this file with ``worker.py`` and ``protocol.py`` into ``/opt/toolgym``.
Stdlib only, like them.

It imports the heavy modules once, then forks one interpreter (a :class:`worker.ExecServer`) per
episode, so a fresh interpreter costs a fork instead of a Python start, and relays the host's
requests to it over a socketpair. The host talks to the supervisor over the container's attached
stdin/stdout with :mod:`protocol` frames. Because the supervisor stays responsive while the
interpreter runs, it enforces the wall-clock timeout inside the container: the host never needs a
``docker exec``.

Requests (on stdin) and replies (on stdout):

* first, unasked: ``{"op": "ready", "pid": 1, "preloaded": [...]}``;
* ``{"op": "exec", "code": ..., "max_output": N, "timeout": S}``: the interpreter's
  ``{"op": "result", ...}``. When the supervisor had to kill the interpreter (past the timeout, it
  died, or the container's OOM killer struck) the reply is ``{"op": "result", "error_kind":
  "timeout" | "crashed" | "memory", "restarted": true}`` and a fresh interpreter is ready;
* ``{"op": "ping"}``: ``{"op": "pong"}`` once the interpreter answered a ping too;
* ``{"op": "reset"}``: every other process killed, the work dir emptied, the IPC namespace's
  SysV objects and POSIX message queues deleted: ``{"op": "ready"}``.

After every reply, a missing interpreter (after a reset, a timeout, a crash) is forked at once,
so it is ready by the time the next request arrives.

The supervisor exits at end of file on stdin (the host closed the stream, or died), also in the
middle of a call: the container then stops and Docker removes it (the host creates it with
auto-remove), so a crashed host leaves nothing running.

Containment comes from the container (pids, memory and CPU limits, no network, read-only root,
no capabilities, no new privileges) plus three properties set up here. The supervisor is PID 1 of
the container's pid namespace and shares its uid with the interpreters, so ``kill(-1, SIGKILL)``
reaches every other process in the container, including ones that escaped with setsid, atomically
with respect to fork. The kernel drops signals sent to PID 1 from inside its namespace unless PID
1 handles them, and the supervisor handles none, so sandboxed code cannot kill or stop it. And the
supervisor is not dumpable, so code running as the same uid cannot ptrace it or read its memory.
"""

from __future__ import annotations

import argparse
import ctypes
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
from typing import Any

if __package__:  # imported as toolgym.sandbox.supervisor (documentation, type checks)
    from toolgym.sandbox import protocol, worker
else:  # run as a script in a container, next to protocol.py and worker.py
    import protocol  # type: ignore[no-redef]
    import worker  # type: ignore[no-redef]

#: How long a freshly forked interpreter may take to say it is ready.
SPAWN_TIMEOUT_S = 30.0
#: How long an interpreter may take to answer a ping.
PING_TIMEOUT_S = 5.0
#: How long killing every other process may take; past it the supervisor exits and the host
#: replaces the container.
KILL_WAIT_S = 2.0
#: A reply holds at most ``max_output`` characters (up to 4 UTF-8 bytes each, and JSON escapes
#: can double that) plus a traceback. Anything larger comes from a broken or hostile interpreter.
_REPLY_SLACK_BYTES = 256 * 1024
_PR_SET_DUMPABLE = 4
#: Where the container's memory cgroup counts OOM kills (cgroup v2, then v1).
_OOM_COUNTERS = ("/sys/fs/cgroup/memory.events", "/sys/fs/cgroup/memory/memory.oom_control")
_IPC_RMID = 0
_MQUEUE_DIR = "/dev/mqueue"


class HostGone(Exception):
    """The host closed its end of the stream, or died."""


class Supervisor:
    """Serves the host's requests on fds 0/1 with one forked interpreter at a time."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self._spec = spec
        self._workdir: str = spec.get("workdir") or os.getcwd()
        self._conn: socket.socket | None = None
        self._fresh = False  # the interpreter's ready frame is still unread

    def serve(self, preloaded: list[str]) -> None:
        protocol.send_frame(1, {"op": "ready", "pid": os.getpid(), "preloaded": preloaded})
        while True:
            if self._conn is None:
                # Fork the next interpreter after replying, while the host reads the reply and
                # the policy thinks: a reset or a timeout answers without waiting for the fork.
                self._spawn()
            try:
                request = protocol.recv_frame(0)
            except protocol.ConnectionClosed:
                return
            try:
                reply = self._handle(request)
            except HostGone:
                return
            protocol.send_frame(1, reply)

    def _handle(self, request: dict[str, Any]) -> dict[str, Any]:
        op = request.get("op")
        if op == "exec":
            return self._exec(request)
        if op == "ping":
            return self._ping()
        if op == "reset":
            self._kill_others()
            _empty_dir(self._workdir)
            _remove_ipc_objects()
            return {"op": "ready"}
        return {"op": "error", "error": f"unknown op {op!r}"}

    def _exec(self, request: dict[str, Any]) -> dict[str, Any]:
        timeout = float(request.get("timeout", 10.0))
        max_bytes = 8 * int(request.get("max_output", 16_384)) + _REPLY_SLACK_BYTES
        oom_kills = _oom_kills()
        try:
            conn = self._interpreter()
            deadline = time.monotonic() + timeout
            protocol.send_frame(conn, request, deadline)
            self._wait_readable(conn, deadline)
            reply = protocol.recv_frame(conn, deadline, max_bytes)
            if reply.get("op") != "result":
                raise protocol.ProtocolError(f"the interpreter sent {reply.get('op')!r} instead of a result")
            return reply
        except protocol.FrameTimeout:
            kind = "timeout"
        except (OSError, protocol.ProtocolError):
            kind = "memory" if _oom_kills() > oom_kills else "crashed"
        self._kill_others()
        return {"op": "result", "error_kind": kind, "restarted": True}

    def _ping(self) -> dict[str, Any]:
        for _ in range(2):
            try:
                conn = self._interpreter()
                deadline = time.monotonic() + PING_TIMEOUT_S
                protocol.send_frame(conn, {"op": "ping"}, deadline)
                if protocol.recv_frame(conn, deadline, 4096).get("op") == "pong":
                    return {"op": "pong"}
            except (OSError, protocol.ProtocolError):
                pass
            self._kill_others()
        return {"op": "error", "error": "the interpreter does not answer pings"}

    def _interpreter(self) -> socket.socket:
        """The current interpreter's channel, once it said it is ready."""
        if self._conn is None:
            self._spawn()
        assert self._conn is not None
        if self._fresh:
            try:
                hello = protocol.recv_frame(self._conn, time.monotonic() + SPAWN_TIMEOUT_S, 64 * 1024)
            except protocol.FrameTimeout:
                raise protocol.ProtocolError("the interpreter did not start in time") from None
            if hello.get("op") != "ready":
                raise protocol.ProtocolError(f"the interpreter failed to start: {hello.get('error', hello)}")
            self._fresh = False
        return self._conn

    def _spawn(self) -> None:
        """Fork a fresh interpreter; its ready frame is read when it is first needed."""
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                ours.close()
                worker.prctl(_PR_SET_DUMPABLE, 1)  # fork kept the supervisor's "not dumpable"
                _raise_oom_score()
                out_fd, err_fd = worker.prepare_interpreter(self._spec)  # also replaces fds 0-2
                server = worker.ExecServer(theirs.fileno(), theirs.fileno(), out_fd, err_fd)
                server.warm_up()
                server.serve()
                status = 0
            except BaseException as exc:
                try:
                    protocol.send_frame(theirs, {"op": "error", "error": f"{type(exc).__name__}: {exc}"})
                except OSError:
                    pass  # the supervisor hung up already
            finally:
                os._exit(status)  # never fall back into the supervisor's loop
        theirs.close()
        self._conn, self._fresh = ours, True

    def _kill_others(self) -> None:
        """SIGKILL every process in the container but this one and wait until all are gone."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        deadline = time.monotonic() + KILL_WAIT_S
        while True:
            try:
                os.kill(-1, signal.SIGKILL)
            except ProcessLookupError:
                pass
            if not _other_processes():
                return
            if time.monotonic() > deadline:
                raise SystemExit("sandbox processes survived SIGKILL")
            time.sleep(0.001)

    @staticmethod
    def _wait_readable(conn: socket.socket, deadline: float) -> None:
        """Wait for the interpreter's reply while watching stdin for the host hanging up."""
        poller = select.poll()
        poller.register(conn, select.POLLIN)
        poller.register(0, 0)  # an empty mask still reports POLLHUP and POLLERR
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise protocol.FrameTimeout("the interpreter did not answer in time")
            for fd, _ in poller.poll(max(1, int(remaining * 1000 + 0.999))):
                if fd == 0:
                    raise HostGone()
                return


def _other_processes() -> list[str]:
    me = str(os.getpid())
    return [name for name in os.listdir("/proc") if name.isdigit() and name != me]


def _oom_kills() -> int:
    """How many processes the container's OOM killer has killed so far (0 if unknown)."""
    for path in _OOM_COUNTERS:
        try:
            with open(path) as counters:
                for line in counters:
                    key, _, value = line.partition(" ")
                    if key == "oom_kill":
                        return int(value)
        except OSError:
            continue
    return 0


def _raise_oom_score() -> None:
    """Make the interpreter, not the supervisor, the OOM killer's choice when memory runs out."""
    try:
        with open("/proc/self/oom_score_adj", "w") as adj:
            adj.write("1000")
    except OSError:
        pass  # only a preference: the memory limit holds either way


def _empty_dir(path: str) -> None:
    """Delete everything in ``path`` (the work dir), whatever the code did to permissions."""
    os.chmod(path, 0o700)
    for root, dirs, _ in os.walk(path):
        for name in dirs:
            try:
                os.chmod(os.path.join(root, name), 0o700, follow_symlinks=False)
            except OSError:
                continue
    for entry in os.scandir(path):
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
    args = parser.parse_args(argv)
    if os.getpid() != 1:
        sys.exit("supervisor.py must be PID 1 of its container (run the container without --init)")
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a handler would let sandboxed code signal us
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps children and adopted orphans
    worker.prctl(_PR_SET_DUMPABLE, 0)
    preloaded = worker.preload_modules([name for name in args.preload.split(",") if name])
    gc.freeze()  # keep the preloaded heap out of the collector: fewer copy-on-write pages
    Supervisor(json.loads(args.spec)).serve(preloaded)


if __name__ == "__main__":
    main()
