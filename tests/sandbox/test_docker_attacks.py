"""The attack suite: hostile code in a DockerSandbox is contained, observed, and the next call works.

Each test runs an attack, checks what the sandbox reported, then checks that the sandbox serves
the next call. The sandbox is shared by the module (reset before every test), as an episode
sequence would share it; attacks that kill the container check that a new one takes over.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
import uuid

import pytest

from toolgym.sandbox import SandboxLimits
from toolgym.sandbox.docker import DockerSandbox
from toolgym.tools.python import PythonTool

LIMITS = SandboxLimits(timeout_s=5.0, max_output_chars=2000)


@pytest.fixture(scope="module")
def shared(docker_engine):
    sandbox = DockerSandbox(LIMITS)
    yield sandbox
    sandbox.close()


@pytest.fixture
def box(shared):
    shared.reset()
    return shared


def assert_next_call_works(box: DockerSandbox) -> None:
    result = box.exec("print(6 * 7)")
    assert result.ok and result.stdout == "42\n", result


def other_processes(box: DockerSandbox) -> list[str]:
    """Command lines of the container's processes other than the supervisor and the interpreter."""
    code = (
        "import os\n"
        "for pid in os.listdir('/proc'):\n"
        "    if pid.isdigit() and int(pid) not in (1, os.getpid()):\n"
        "        print(open(f'/proc/{pid}/cmdline', 'rb').read().replace(b'\\0', b' ').decode())\n"
    )
    return box.exec(code).stdout.splitlines()


def host_address() -> str:
    """This machine's address on its default route (no packet is sent)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))
        return probe.getsockname()[0]
    except OSError:
        return socket.gethostbyname(socket.gethostname())
    finally:
        probe.close()


# Inside the container: first list the network interfaces (only loopback may exist), and only then
# try to connect: to the host's own address, to the container's loopback, and to an address of the
# never-routed documentation range TEST-NET-3 standing for "a public address". With no route,
# connect() fails locally with ENETUNREACH: no packet can leave the container.
CONNECT = """
import errno, os, socket
print(" ".join(sorted(os.listdir("/sys/class/net"))))
def attempt(host, port):
    try:
        socket.create_connection((host, port), timeout=3).close()
        return "connected"
    except OSError as exc:
        return errno.errorcode.get(exc.errno, str(exc))
if os.listdir("/sys/class/net") == ["lo"]:
    print(attempt({host!r}, {port}), attempt("127.0.0.1", {port}), attempt("203.0.113.10", 443))
"""


def test_network_is_unreachable(box):
    server = socket.create_server(("0.0.0.0", 0))
    port = server.getsockname()[1]
    host = host_address()
    try:
        socket.create_connection((host, port), timeout=3).close()  # reachable from the host itself
        result = box.exec(CONNECT.format(host=host, port=port))
    finally:
        server.close()
    lines = result.stdout.splitlines()
    assert lines[0] == "lo", result  # no interface but loopback: --network none
    assert lines[1].split() == ["ENETUNREACH", "ECONNREFUSED", "ENETUNREACH"], result
    assert_next_call_works(box)


WRITE_OUTSIDE = """
import errno, os
targets = ["/escape", "/tmp/escape", "/var/tmp/escape", "/etc/passwd", "/opt/toolgym/supervisor.py",
           "/usr/lib/escape", "/root/escape", "/home/escape", "/run/escape", "/dev/shm/escape",
           "/sys/fs/cgroup/escape", "/proc/escape"]
for path in targets:
    try:
        with open(path, "a") as f:
            f.write("pwned")
        print(path, "WRITTEN")
    except OSError as exc:
        print(path, errno.errorcode[exc.errno])
open("/work/inside.txt", "w").write("fine")
print("work dir", os.listdir("/work"))
"""


def test_writes_outside_the_work_dir_fail(box):
    result = box.exec(WRITE_OUTSIDE)
    lines = result.stdout.splitlines()
    assert lines[-1] == "work dir ['inside.txt']", result
    outcomes = dict(line.split() for line in lines[:-1])
    assert "WRITTEN" not in outcomes.values(), outcomes
    assert set(outcomes.values()) <= {"EROFS", "EACCES", "ENOENT", "EPERM"}, outcomes
    assert outcomes["/tmp/escape"] == "EROFS"  # world-writable in the image: the read-only root stops it
    assert_next_call_works(box)


def test_host_files_are_invisible(box, tmp_path):
    secret = tmp_path / f"secret-{uuid.uuid4().hex}.txt"
    secret.write_text("host secret")
    here = os.path.dirname(os.path.abspath(__file__))
    code = (
        "import os\n"
        f"for path in [{str(secret)!r}, {here!r}, '/var/run/docker.sock', '/run/docker.sock', '/root/.pyenv']:\n"
        "    print(path, os.path.exists(path))\n"
        "virtual = {'overlay', 'proc', 'tmpfs', 'sysfs', 'cgroup', 'cgroup2', 'devpts', 'mqueue'}\n"
        "disk = [line.split()[4] for line in open('/proc/self/mountinfo')\n"
        "        if line.split(' - ')[1].split()[0] not in virtual]\n"
        "print('mounts from host disks:', sorted(disk))\n"
        "print('rendezvous:', os.listdir('/run/toolgym-host'))\n"
        "try:\n"
        "    open('/run/toolgym-host/x', 'w')\n"
        "except OSError:\n"
        "    print('write: refused')\n"
    )
    result = box.exec(code)
    lines = result.stdout.splitlines()
    assert [line.rsplit(" ", 1)[1] for line in lines[:5]] == ["False"] * 5, result
    # Only the per-container files Docker writes (not host files) come from the host's disk, and
    # the directory the supervisor's socket was in (toolgym.sandbox.direct): deleted on the host
    # once the supervisor connected, so it is empty and read-only.
    assert lines[5] == (
        "mounts from host disks: ['/etc/hostname', '/etc/hosts', '/etc/resolv.conf', '/run/toolgym-host']"
    ), result
    assert lines[6:] == ["rendezvous: []", "write: refused"], result
    assert_next_call_works(box)


def test_fork_bomb_hits_the_pids_limit(box):
    counted = box.exec(
        "import os, time\n"
        "children = 0\n"
        "try:\n"
        "    while True:\n"
        "        if os.fork() == 0:\n"
        "            time.sleep(600)\n"
        "            os._exit(0)\n"
        "        children += 1\n"
        "except OSError as exc:\n"
        "    import errno\n"
        "    print(children, errno.errorcode[exc.errno])\n"
    )
    children, code = counted.stdout.split()
    assert code == "EAGAIN" and int(children) <= LIMITS.max_processes, counted
    # A real bomb sustains itself at the limit (each exit frees a slot for another fork): the
    # interpreter still answers, and the episode's reset kills the lot.
    bomb = box.exec("import os\nwhile True:\n    os.fork()", timeout=2)
    assert bomb.error_kind in ("timeout", "exception"), bomb
    assert_next_call_works(box)
    box.reset()
    assert other_processes(box) == []


@pytest.mark.parametrize(
    "code", ["b = bytearray(8 * 1024**3)", "import numpy as np\na = np.ones(8 * 1024**3 // 8)"], ids=["bytes", "numpy"]
)
def test_8gb_allocation_is_a_memory_error(box, code):
    result = box.exec(code)
    assert result.error_kind == "memory" and result.error_type == "MemoryError", result
    tool = PythonTool(lambda: box)
    observation = tool({"code": code})
    assert observation.error_kind == "memory" and "memory limit" in observation.content
    assert_next_call_works(box)


OOM_ACROSS_PROCESSES = """
import subprocess, sys
mine = b"x" * (700 * 2**20)
child = subprocess.run([sys.executable, "-c", "import time; b = b'y' * (600 * 2**20); time.sleep(60)"])
print("survived", child.returncode)
"""


def test_memory_limit_across_processes_is_a_memory_error(docker_engine):
    """Each process stays under its address-space limit; together they pass the container's
    memory limit, and the cgroup OOM killer takes the interpreter: reported as ``memory``."""
    limits = SandboxLimits(timeout_s=30.0, memory_bytes=1024**3, workdir_bytes=64 * 1024**2)
    sandbox = DockerSandbox(limits)
    try:
        assert sandbox.exec("x = 1").ok
        container = sandbox.container_id
        result = sandbox.exec(OOM_ACROSS_PROCESSES)
        assert result.error_kind == "memory" and "memory limit" in result.stderr, result
        assert sandbox.container_id == container  # the supervisor survived; the container stays
        assert sandbox.exec("print('x' in globals())").stdout == "False\n"
        assert other_processes(sandbox) == []
    finally:
        sandbox.close()


def test_infinite_loop_times_out(box):
    assert box.exec("y = 1").ok
    started = time.monotonic()
    result = box.exec("while True: pass", timeout=1)
    assert time.monotonic() - started < 2.5
    assert result.error_kind == "timeout" and "timed out after 1 s" in result.stderr
    assert box.exec("print(y)").error_type == "NameError"  # a fresh interpreter
    assert_next_call_works(box)


def test_subprocess_sleep_is_killed_at_the_timeout(box):
    started = time.monotonic()
    result = box.exec("import subprocess\nsubprocess.run(['sleep', '3600'])", timeout=1)
    assert time.monotonic() - started < 2.5
    assert result.error_kind == "timeout"
    assert other_processes(box) == []
    assert_next_call_works(box)


def test_100mb_print_is_truncated(box):
    started = time.monotonic()
    result = box.exec('print("x" * 100_000_000)', timeout=30)
    assert time.monotonic() - started < 10
    assert result.ok and result.truncated and "output truncated" in result.stdout
    assert len(result.stdout) < LIMITS.max_output_chars + 200
    shell = box.exec("import os; os.system('head -c 100000000 /dev/zero | tr \"\\\\0\" z')", timeout=30)
    assert shell.truncated and len(shell.stdout) < LIMITS.max_output_chars + 200
    assert_next_call_works(box)


def test_worker_killing_itself_is_the_policys_error(box):
    tool = PythonTool(lambda: box)
    observation = tool({"code": "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"})
    assert observation.error_kind == "crashed" and not observation.is_infra
    assert "SIGKILL" in observation.content
    assert_next_call_works(box)


def kill_mid_call(box: DockerSandbox, kill) -> tuple[str, object]:
    """Run a long call, kill something from the host while it runs; return the tool result."""
    tool = PythonTool(lambda: box)
    results = []
    call = threading.Thread(target=lambda: results.append(tool({"code": "import time; time.sleep(30)"})))
    call.start()
    time.sleep(1.0)
    kill()
    call.join(20)
    assert results, "the call did not return"
    return results[0]


def test_worker_killed_from_the_host_mid_call(box, docker_engine):
    assert box.exec("z = 1").ok
    container = box.container_id
    supervisor = docker_engine.inspect_container(container)["State"]["Pid"]

    def kill_interpreter() -> None:
        for process in docker_engine.top(container)["Processes"]:
            pid = int(process[1])
            if pid != supervisor:
                os.kill(pid, signal.SIGKILL)

    observation = kill_mid_call(box, kill_interpreter)
    # A SIGKILL of the interpreter cannot be told from one its own code sent (any of its threads,
    # its process group, a child): charged to the policy, so no policy can choose infra_error.
    # A host that takes a sandbox down kills the container or its supervisor: infra (below).
    assert observation.error_kind == "crashed" and "SIGKILL" in observation.content
    assert box.container_id == container  # the supervisor replaced the interpreter
    assert box.exec("print('z' in globals())").stdout == "False\n"
    assert_next_call_works(box)


def test_supervisor_killed_from_the_host_mid_call(box, docker_engine):
    assert box.exec("print(1)").ok
    container = box.container_id
    supervisor = docker_engine.inspect_container(container)["State"]["Pid"]
    observation = kill_mid_call(box, lambda: os.kill(supervisor, signal.SIGKILL))
    assert observation.error_kind == "infra" and "container stopped" in observation.content.lower()
    assert_next_call_works(box)
    assert box.container_id != container  # a new container took over


def test_container_killed_mid_call(box, docker_engine):
    assert box.exec("print(1)").ok
    container = box.container_id
    observation = kill_mid_call(box, lambda: docker_engine.kill(container))
    assert observation.error_kind == "infra"
    assert_next_call_works(box)
    assert box.container_id != container
    deadline = time.monotonic() + 10
    while any(c["Id"] == container for c in docker_engine.containers(all=True)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(c["Id"] == container for c in docker_engine.containers(all=True))

