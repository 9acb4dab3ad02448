"""The local fork server: forks pre-imported, isolated sandboxes on request.

Run as a script (``python zygote.py --ctrl FD --preload numpy,sympy``) next to the other sandbox
modules, which it imports as siblings (stdlib only: starting it does not import ToolGym). It
imports the heavy modules once, then serves requests on ``FD``, a ``SOCK_SEQPACKET`` control
socket, one :mod:`protocol` frame per datagram:

* ``{"op": "spawn", "spec": {...}, "isolate": bool, "scratch_bytes": N, "cgroup_procs": [...]}``
  with one stream socket attached via SCM_RIGHTS: start a sandbox whose :class:`supervisor.Supervisor`
  serves the host on that socket; reply ``{"pid": N, "isolated": bool, "why": str | None}``. With
  ``isolate``, a short-lived child unshares new pid, mount, network, IPC and UTS namespaces and
  forks the supervisor as PID 1 of the new pid namespace, which sets up the private view of
  :func:`isolation.private_view`; where the kernel refuses, ``why`` says so and the supervisor runs
  without namespaces (the host's rlimits, private uid and cgroup still apply).
* ``{"op": "kill", "uid": U}``: SIGKILL every process of uid ``U``; reply ``{"ok": true}``.

Failures are replied as ``{"error": "..."}``. The zygote exits when the host closes the socket.
If the host died without closing a sandbox, each supervisor sees its stream close and kills its
sandbox; the zygote also kills the processes of every uid it spawned for (unless the spec's
``uid_lock`` file stays locked by someone else: the uid was leased again) and deletes their work
dirs and cgroups.
"""

from __future__ import annotations

import argparse
import fcntl
import gc
import json
import os
import select
import shutil
import signal
import socket
import time
from typing import Any

if __package__:  # imported as toolgym.sandbox.zygote (tests, type checks)
    from toolgym.sandbox import isolation, protocol, supervisor, worker
else:  # run as a script next to its siblings
    import isolation  # type: ignore[no-redef]
    import protocol  # type: ignore[no-redef]
    import supervisor  # type: ignore[no-redef]
    import worker  # type: ignore[no-redef]

#: How long the zygote waits for a kill helper or a spawning child.
HELPER_TIMEOUT_S = 5.0
#: How long a zygote whose host died spends cleaning up before it exits.
ORPHAN_WAIT_S = 2.0
_CONTROL_DATAGRAM_BYTES = 64 * 1024
_PR_SET_CHILD_SUBREAPER = 36
_PR_SET_DUMPABLE = 4


class Zygote:
    """Forks sandboxes on request; see the module docstring for the requests."""

    def __init__(self, ctrl_fd: int) -> None:
        self._ctrl = socket.socket(fileno=ctrl_fd)
        #: uid -> the latest spawn request with it, for uids not killed yet.
        self._live_uids: dict[int, dict[str, Any]] = {}
        self._preloaded: list[str] = []

    def serve(self, preloaded: list[str]) -> None:
        self._preloaded = preloaded
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps our children: no zombies
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # our lifetime is the control socket's
        worker.prctl(_PR_SET_CHILD_SUBREAPER, 1)  # orphans of sandboxes come back here to be reaped
        gc.freeze()  # keep the preloaded heap out of the collector: fewer copy-on-write pages
        self._ctrl.send(protocol.encode_frame({"op": "ready", "pid": os.getpid(), "preloaded": preloaded}))
        while True:
            try:
                data, fds, flags, _ = socket.recv_fds(self._ctrl, _CONTROL_DATAGRAM_BYTES, 1)
            except ConnectionResetError:
                data, fds, flags = b"", [], 0
            if not data:  # the host closed the control socket, maybe by dying
                self._clean_up_after_host()
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
            reply = self._spawn(fds[0], request)
            uid = (request.get("spec") or {}).get("uid")
            if uid is not None:
                self._live_uids[int(uid)] = request
            return reply
        if op == "kill":
            uid = int(request["uid"])
            self._kill_uid(uid)
            self._live_uids.pop(uid, None)
            return {"ok": True}
        raise ValueError(f"unknown op {op!r}")

    def _spawn(self, host: int, request: dict[str, Any]) -> dict[str, Any]:
        """Start one sandbox through a short-lived child that enters the namespaces (a process
        can make only one new pid namespace for its children) and reports the supervisor's pid."""
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_end)
            self._intermediate(host, request, write_end)
        os.close(write_end)
        try:
            if not select.select([read_end], [], [], HELPER_TIMEOUT_S)[0]:
                os.kill(pid, signal.SIGKILL)
                raise TimeoutError("the sandbox did not start in time")
            data = os.read(read_end, 65536)
        finally:
            os.close(read_end)
        if not data:
            raise RuntimeError("the sandbox's starter died")
        reply = json.loads(data)
        if "error" in reply:
            raise RuntimeError(reply["error"])
        return reply

    def _intermediate(self, host: int, request: dict[str, Any], report: int) -> None:
        status = 1
        try:
            self._ctrl.close()
            os.setsid()  # own session and process group, apart from the host's terminal
            if request.get("cgroup_procs"):
                _never_oom_kill_me()  # inherited by the supervisor; interpreters raise theirs to 1000
            why = isolation.enter_namespaces() if request.get("isolate") else "isolation was not asked for"
            child = os.fork()
            if child == 0:
                os.close(report)
                _run_supervisor(host, request, isolated=why is None, preloaded=self._preloaded)
            os.write(report, json.dumps({"pid": child, "isolated": why is None, "why": why}).encode())
            status = 0
        except BaseException as exc:
            try:
                os.write(report, json.dumps({"error": f"{type(exc).__name__}: {exc}"}).encode())
            except OSError:
                pass
        finally:
            os._exit(status)

    def _clean_up_after_host(self) -> None:
        """Clean up after a host that died: kill its sandboxes' uids, delete their work dirs and
        cgroups, and wait for our children so none is left a zombie under an init that does not reap."""
        deadline = time.monotonic() + ORPHAN_WAIT_S
        for uid, request in self._live_uids.items():
            spec = request.get("spec") or {}
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
            for path in request.get("cgroup_dirs") or ():
                try:
                    os.rmdir(path)
                except OSError:
                    pass
        while time.monotonic() < deadline:
            try:
                os.waitpid(-1, os.WNOHANG)  # children are auto-reaped; this only asks if any remain
            except ChildProcessError:
                return
            time.sleep(0.01)

    def _kill_uid(self, uid: int) -> None:
        """SIGKILL all processes of ``uid`` from a helper that runs as ``uid``."""
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
            if not select.select([read_end], [], [], HELPER_TIMEOUT_S)[0]:
                os.kill(pid, signal.SIGKILL)
                raise TimeoutError(f"kill helper for uid {uid} did not finish")
        finally:
            os.close(read_end)


def _run_supervisor(host: int, request: dict[str, Any], isolated: bool, preloaded: list[str]) -> None:
    """In the sandbox's first process: set up its view of the host, then supervise; never return.
    A setup failure is sent to the host as ``{"op": "error"}`` instead of the ready frame."""
    status = 1
    try:
        worker.prctl(_PR_SET_DUMPABLE, 0)  # no ptrace, no /proc/PID/mem, even by the same uid
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the supervisor reaps, and reads exit statuses
        spec = dict(request.get("spec") or {})
        uid = spec.get("uid")
        isolation.quiet_std_fds()
        # The supervisor joins the sandbox's cgroup itself, so every interpreter is born in it;
        # it is the one process there the OOM killer must never pick.
        isolation.join_cgroup(request.get("cgroup_procs") or ())
        if isolated:
            isolation.private_view(int(request.get("scratch_bytes", 256 * 1024**2)), spec["workdir"], uid)
            spec["scratch_dirs"] = ["/tmp"]
            spec["kill_uid_on_start"] = False  # the pid namespace holds only this sandbox
            spec["drop_caps"] = uid is None  # root of a user namespace (a non-root host)
            kill_mode = "pidns"
        else:
            kill_mode = "uid" if uid is not None else "pgroup"
        spec["private_ipc"] = isolated
        spec["oom_counters"] = list(request.get("oom_counters") or ())
        server = supervisor.Supervisor(spec, host, host, kill_mode)
    except BaseException as exc:
        try:
            protocol.send_frame(host, {"op": "error", "error": f"{type(exc).__name__}: {exc}"}, time.monotonic() + 5)
        except (OSError, protocol.ProtocolError):
            pass
        os._exit(1)
    try:
        server.serve(preloaded)
        status = 0
    finally:
        if not isolated:  # a pid namespace dies with us; without one, clean up ourselves
            server.shut_down()
        os._exit(status)


def _never_oom_kill_me() -> None:
    """oom_score_adj -1000 where allowed (CAP_SYS_RESOURCE): the OOM killer of the sandbox's
    cgroup then never picks its supervisor. Without it, the interpreters' +1000 still makes
    them the first choice."""
    try:
        with open("/proc/self/oom_score_adj", "w") as adj:
            adj.write("-1000")
    except OSError:
        pass


def _try_flock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ctrl", type=int, required=True, metavar="FD", help="serve spawn requests on this socket")
    parser.add_argument("--preload", default="numpy,sympy", help="comma-separated modules to pre-import")
    args = parser.parse_args(argv)
    preloaded = worker.preload_modules([name for name in args.preload.split(",") if name])
    Zygote(args.ctrl).serve(preloaded)


if __name__ == "__main__":
    main()
