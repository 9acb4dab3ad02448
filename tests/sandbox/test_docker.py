"""DockerSandbox against a real Docker engine: state, hardening, lifecycle, cleanup, remote engines.

The attack suite is in ``test_docker_attacks.py``, pools in ``test_pool.py``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from toolgym.errors import SandboxError
from toolgym.sandbox import SandboxLimits, make_sandbox
from toolgym.sandbox.cli import main as sandbox_cli
from toolgym.sandbox.containers import SANDBOX_UID, docker_api
from toolgym.sandbox.docker import DockerSandbox
from toolgym.sandbox.reaper import OWNER_PID_LABEL, SANDBOX_LABEL, Owner, container_labels, reap

from .conftest import SQL_IMAGE, session_containers

ROOT = Path(__file__).resolve().parents[2]
LIMITS = SandboxLimits(timeout_s=5.0, max_output_chars=2000)


@pytest.fixture
def box(docker_engine):
    sandbox = DockerSandbox(LIMITS)
    yield sandbox
    sandbox.close()


def exists(api, container_id: str) -> bool:
    return any(c["Id"] == container_id for c in api.containers(all=True))


def wait_until(predicate, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def test_state_persists_and_reset_wipes_it_in_the_same_container(box):
    assert box.container_id is None  # nothing starts before the first call
    assert box.exec("x = 41\nopen('notes.txt', 'w').write('hi')").ok
    container = box.container_id
    assert box.preloaded == ["numpy", "sympy"]  # imported once by the supervisor, inherited by forks
    assert box.exec("print(x + 1)").stdout == "42\n"
    assert box.exec("import os; print(os.listdir('.'), os.getcwd())").stdout == "['notes.txt'] /work\n"
    box.reset()
    assert box.container_id == container  # a fresh interpreter, not a fresh container
    result = box.exec("print(x)")
    assert result.error_type == "NameError" and "name 'x' is not defined" in result.traceback
    assert box.exec("import os; print(os.listdir('.'))").stdout == "[]\n"


EPISODE_STATE = """
import ctypes, os, numpy
libc = ctypes.CDLL(None, use_errno=True)
rt = ctypes.CDLL("librt.so.1", use_errno=True)
if CREATE:
    segment = libc.shmget(4242, 4096, 0o1600)
    print(segment >= 0, libc.semget(4243, 1, 0o1600) >= 0, libc.msgget(4244, 0o1600) >= 0,
          rt.mq_open(b"/toolgym-queue", os.O_CREAT | os.O_RDWR, 0o600, None) >= 0)
else:
    print(libc.shmget(4242, 0, 0), libc.semget(4243, 0, 0), libc.msgget(4244, 0, 0), os.listdir("/dev/mqueue"))
print(numpy.random.randint(2**62))
"""


def test_reset_wipes_ipc_objects_and_gives_fresh_random_state(box):
    """SysV IPC objects and POSIX message queues outlive processes; a reset removes them. And a
    forked interpreter must not replay the numpy random stream of the previous episode."""
    first = box.exec("CREATE = True\n" + EPISODE_STATE).stdout.splitlines()
    assert first[0] == "True True True True", first
    box.reset()
    second = box.exec("CREATE = False\n" + EPISODE_STATE).stdout.splitlines()
    assert second[0] == "-1 -1 -1 []", second
    assert first[1] != second[1]


def test_results_match_the_local_backend(box):
    result = box.exec("def f():\n    raise ValueError('boom')\n\nf()")
    assert result.error_kind == "exception" and result.error_type == "ValueError"
    assert "line 2, in f" in result.traceback and "worker.py" not in result.traceback
    out = box.exec("import os, sys\nprint('py')\nos.system('echo sh; echo oops >&2')\nos.write(1, b'raw\\n')")
    assert out.stdout == "py\nsh\nraw\n" and out.stderr == "oops\n"
    assert box.exec("import sys; sys.exit(3)").error_type == "SystemExit"
    science = box.exec("import numpy, sympy; print(int(numpy.arange(5).sum()), sympy.factorint(12))")
    assert science.stdout == "10 {2: 2, 3: 1}\n"


def test_container_is_hardened(box, docker_engine):
    assert box.exec("print(1)").ok
    info = docker_engine.inspect_container(box.container_id)
    host, config = info["HostConfig"], info["Config"]
    assert host["NetworkMode"] == "none"
    assert host["Memory"] == LIMITS.memory_bytes + LIMITS.workdir_bytes + 256 * 1024**2
    assert host["MemorySwap"] == host["Memory"]  # no swap on top
    assert host["NanoCpus"] == 1_000_000_000
    assert host["PidsLimit"] == LIMITS.max_processes + 1
    assert host["ReadonlyRootfs"] is True
    assert "size=268435456" in host["Tmpfs"]["/work"] and "noexec" in host["Tmpfs"]["/work"]
    assert host["CapDrop"] == ["ALL"] and not host["CapAdd"]
    assert host["SecurityOpt"] == ["no-new-privileges"]
    assert host["IpcMode"] == "none" and host["Privileged"] is False
    assert host["AutoRemove"] is True and host["LogConfig"]["Type"] == "none"
    assert config["User"] == f"{SANDBOX_UID}:{SANDBOX_UID}"
    assert config["Labels"][SANDBOX_LABEL] == "1" and config["Labels"][OWNER_PID_LABEL] == str(os.getpid())
    inside = box.exec(
        "import os\n"
        "status = dict(line.split(':', 1) for line in open('/proc/self/status'))\n"
        "print(os.getuid(), os.getgid(), int(status['CapEff'], 16), int(status['CapBnd'], 16),"
        " status['NoNewPrivs'].strip(), status['Seccomp'].strip())"
    )
    assert inside.stdout.split() == [str(SANDBOX_UID), str(SANDBOX_UID), "0", "0", "1", "2"]


def test_supervisor_cannot_be_signalled_or_traced_from_inside(box):
    code = (
        "import os, signal\n"
        "for sig in (signal.SIGKILL, signal.SIGTERM, signal.SIGINT, signal.SIGSTOP):\n"
        "    os.kill(1, sig)\n"
        "for path in ('/proc/1/mem', '/proc/1/environ'):\n"
        "    try:\n"
        "        open(path, 'rb').read(1)\n"
        "        print('read', path)\n"
        "    except OSError as exc:\n"
        "        print(type(exc).__name__)\n"
    )
    assert box.exec(code).stdout == "PermissionError\nPermissionError\n"
    assert box.exec("print('still served')").stdout == "still served\n"


def test_make_sandbox_docker_and_ping(docker_engine):
    sandbox = make_sandbox("docker", limits=LIMITS)
    try:
        assert isinstance(sandbox, DockerSandbox)
        assert sandbox.ping()  # starts it
        assert sandbox.container_id is not None
    finally:
        sandbox.close()
    assert not sandbox.ping()
    with pytest.raises(SandboxError, match="closed"):
        sandbox.exec("print(1)")


def test_close_removes_the_container_even_mid_call(docker_engine):
    sandbox = DockerSandbox(LIMITS)
    assert sandbox.exec("print(1)").ok
    container = sandbox.container_id
    results = []
    worker = threading.Thread(target=lambda: results.append(sandbox.exec("import time; time.sleep(30)", timeout=60)))
    worker.start()
    time.sleep(0.5)
    started = time.monotonic()
    sandbox.close()
    worker.join(10)
    assert time.monotonic() - started < 10
    assert results and results[0].error_kind == "infra"  # closed by the host, not the code
    assert not exists(docker_engine, container)
    sandbox.close()  # idempotent


def test_sql_image_runs_duckdb(docker_engine):
    sandbox = DockerSandbox(LIMITS, image=SQL_IMAGE)
    try:
        result = sandbox.exec(
            "import duckdb\n"
            "con = duckdb.connect('shop.db')\n"
            "con.execute('create table t as select range as i from range(5)')\n"
            "print(con.execute('select sum(i) from t').fetchone()[0])"
        )
        assert result.stdout == "10\n", result
        sandbox.reset()
        assert sandbox.exec("import os; print(os.listdir('.'))").stdout == "[]\n"
    finally:
        sandbox.close()


def test_concurrent_sandboxes_from_threads(docker_engine):
    boxes = [DockerSandbox(LIMITS) for _ in range(6)]
    outputs: dict[int, str] = {}
    errors: list[BaseException] = []

    def episode(i: int) -> None:
        try:
            assert boxes[i].exec(f"v = {i}").ok
            outputs[i] = boxes[i].exec("print(v)").stdout
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=episode, args=(i,)) for i in range(len(boxes))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = {box.container_id for box in boxes}
    for box in boxes:
        box.close()
    assert not errors, errors
    assert outputs == {i: f"{i}\n" for i in range(len(boxes))}
    assert len(ids) == len(boxes) and not any(exists(docker_engine, c) for c in ids)


HOST_THAT_DIES = """
import os, sys, threading, time
from toolgym.sandbox.docker import DockerSandbox
idle, busy = DockerSandbox(), DockerSandbox()
idle.exec("import subprocess; subprocess.Popen(['sleep', '3600'])")
busy.exec("pass")
threading.Thread(target=busy.exec, args=("import time; time.sleep(600)",), kwargs={"timeout": 900}).start()
time.sleep(1)
print(idle.container_id, busy.container_id, flush=True)
os.kill(os.getpid(), 9)
"""


def test_host_killed_leaves_nothing(docker_engine):
    """A SIGKILLed host runs no cleanup: its containers (one idle, one mid-call) see their stdin
    close, and their supervisors exit at once, so Docker removes them."""
    done = subprocess.run([sys.executable, "-c", HOST_THAT_DIES], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == -signal.SIGKILL, done.stderr
    containers = done.stdout.split()
    assert len(containers) == 2 and all(len(c) == 64 for c in containers)
    assert wait_until(lambda: not any(exists(docker_engine, c) for c in containers))


HOST_THAT_EXITS = """
from toolgym.sandbox import SandboxPool
from toolgym.sandbox.docker import DockerSandbox
box = DockerSandbox()
box.exec("x = 1")
pool = SandboxPool(DockerSandbox, size=2)
assert pool.wait_ready(120)
lease = pool.acquire()
print(box.container_id, lease.sandbox.container_id, flush=True)
"""  # exits without closing anything


def test_interpreter_exit_removes_every_container(docker_engine):
    command = [sys.executable, "-c", HOST_THAT_EXITS]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    containers = done.stdout.split()
    assert len(containers) == 2
    # Removed by the exit hook before the process ended, not later by auto-remove.
    assert not any(exists(docker_engine, c) for c in containers)
    assert not [c for c in session_containers(docker_engine) if c["Labels"][OWNER_PID_LABEL] != str(os.getpid())]


def test_gc_removes_orphans_only(docker_engine, capsys):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    me = Owner.current()
    orphan_owner = Owner(me.host, me.boot, int(dead.stdout), "1")
    labels = {**container_labels(), **orphan_owner.labels()}
    # A container created but never started, as a host killed mid-start leaves behind.
    orphan = docker_engine.create_container("toolgym/python:latest", labels=labels)["Id"]
    live = DockerSandbox(LIMITS)
    try:
        assert live.exec("print(1)").ok
        assert sandbox_cli(["gc", "--dry-run"]) == 0
        assert f"would remove {orphan[:12]}" in capsys.readouterr().out and exists(docker_engine, orphan)
        assert orphan in reap(docker_engine)
        assert not exists(docker_engine, orphan)
        assert exists(docker_engine, live.container_id)  # its owner (this process) is alive
        assert live.exec("print(2)").stdout == "2\n"
    finally:
        live.close()


class UnixToTcp:
    """A TCP port on 127.0.0.1 forwarding to the engine's Unix socket: a 'remote' engine."""

    def __init__(self, unix_path: str) -> None:
        self._unix_path = unix_path
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self._connections: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            upstream = socket.socket(socket.AF_UNIX)
            upstream.connect(self._unix_path)
            self._connections += [client, upstream]
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def close(self) -> None:
        self._server.close()
        for conn in self._connections:
            conn.close()


def test_remote_engine_through_docker_host(docker_engine, monkeypatch):
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    forwarder = None
    if host.startswith("unix://"):  # make the local engine look remote: reach it over TCP
        forwarder = UnixToTcp(host[len("unix://"):])
        monkeypatch.setenv("DOCKER_HOST", f"tcp://127.0.0.1:{forwarder.port}")
    sandbox = DockerSandbox(LIMITS)
    try:
        assert "127.0.0.1" in docker_api().base_url or forwarder is None
        assert sandbox.exec("x = 6").ok
        assert sandbox.exec("print(x * 7)").stdout == "42\n"
        sandbox.reset()
        timed = sandbox.exec("while True: pass", timeout=1)
        assert timed.error_kind == "timeout"
        assert sandbox.exec("print('over tcp')").stdout == "over tcp\n"
    finally:
        sandbox.close()
        if forwarder is not None:
            forwarder.close()

