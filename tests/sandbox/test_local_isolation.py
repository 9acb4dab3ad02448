"""What the local sandbox's kernel isolation holds, measured (docs/sandboxes.md, limits table).

These run where the kernel allows namespaces (root here and in CI). The fallback, where the
kernel refuses them, is tested by running a host under a seccomp filter that refuses
``unshare``: the sandbox must still work, and say once what it cannot contain.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from toolgym.sandbox import LocalSandbox, SandboxLimits

ROOT = Path(__file__).resolve().parents[2]
MiB = 1024**2
LIMITS = SandboxLimits(
    timeout_s=10.0, memory_bytes=256 * MiB, max_processes=16, workdir_bytes=32 * MiB, max_output_chars=4000
)
IS_ROOT = os.geteuid() == 0


@pytest.fixture
def box():
    sandbox = LocalSandbox(LIMITS)
    assert sandbox.exec("pass").ok
    if not sandbox.isolated:
        sandbox.close()
        pytest.skip("this kernel refuses namespaces: see test_fallback_without_namespaces")
    yield sandbox
    sandbox.close()


def value(sandbox: LocalSandbox, code: str) -> str:
    result = sandbox.exec(code)
    assert result.ok, result
    return result.stdout.strip()


def test_no_network(box):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    try:
        code = (
            "import socket\n"
            "for address in [('127.0.0.1', %d), ('1.1.1.1', 53), ('8.8.8.8', 443)]:\n"
            "    try:\n"
            "        socket.create_connection(address, timeout=1).close()\n"
            "        print('reached', address)\n"
            "    except OSError as exc:\n"
            "        print('refused', exc.errno)\n" % port
        )
        out = value(box, code)
        assert "reached" not in out and out.count("refused") == 3, out
    finally:
        server.close()


def test_private_tmp_var_tmp_and_dev_shm(box):
    name = f"toolgym-test-{uuid.uuid4().hex}"
    write = f"for d in ('/tmp', '/var/tmp', '/dev/shm'):\n    open(d + '/{name}', 'w').write('secret')\nprint('ok')"
    assert value(box, write) == "ok"
    for directory in ("/tmp", "/var/tmp", "/dev/shm"):
        assert not os.path.exists(f"{directory}/{name}")  # not on the host
    look = f"import os\nprint([os.path.exists(d + '/{name}') for d in ('/tmp', '/var/tmp', '/dev/shm')])"
    with LocalSandbox(LIMITS) as other:
        assert value(other, look) == "[False, False, False]"  # not in another sandbox
    assert value(box, look) == "[True, True, True]"
    box.reset()
    assert value(box, look) == "[False, False, False]"  # not in the next episode
    assert value(box, "import os; print(os.listdir('.'))") == "[]"


def test_host_is_read_only(box):
    code = (
        "import os\n"
        "for path in ['/etc/toolgym-x', '/root/toolgym-x', '/usr/toolgym-x', '/toolgym-x',\n"
        "             '/proc/sys/kernel/hostname']:\n"
        "    try:\n"
        "        open(path, 'w').write('x')\n"
        "        print('wrote', path)\n"
        "    except OSError as exc:\n"
        "        print('refused', exc.errno)\n"
        "print(len(open('/etc/hostname').read()) > 0)\n"
    )
    out = value(box, code)
    assert "wrote" not in out and out.endswith("True"), out


def test_sees_only_its_own_processes(box):
    code = "import os, json; print(json.dumps(sorted(int(p) for p in os.listdir('/proc') if p.isdigit())))"
    pids = json.loads(value(box, code))
    assert pids == [1, 2]  # the supervisor and the interpreter


@pytest.mark.skipif(not IS_ROOT, reason="cgroups need root")
def test_memory_cap_is_total(box):
    # Three processes of 100 MiB each: under the 256 MiB per-process rlimit each, 300 MiB together.
    code = (
        "import subprocess, sys, time\n"
        "hog = ('b = bytearray(100 * 1024 * 1024)\\nfor i in range(0, len(b), 4096): b[i] = 1\\n'\n"
        "       'import time; time.sleep(30)')\n"
        "procs = [subprocess.Popen([sys.executable, '-c', hog]) for _ in range(3)]\n"
        "time.sleep(3)\n"
        "print(sum(p.poll() is None for p in procs))\n"
    )
    result = box.exec(code, timeout=20)
    if result.ok:
        assert int(result.stdout) <= 2, result  # the OOM killer took at least one
    else:
        assert result.error_kind == "memory", result  # or the interpreter itself
    assert box.exec("print('after')").stdout == "after\n"


@pytest.mark.skipif(not IS_ROOT, reason="cgroups need root")
def test_process_cap_is_total(box):
    code = (
        "import subprocess\n"
        "started = []\n"
        "for _ in range(40):\n"
        "    try:\n"
        "        started.append(subprocess.Popen(['sleep', '30']))\n"
        "    except OSError:\n"
        "        break\n"
        "print(len(started))\n"
    )
    started = int(value(box, code))
    assert started < LIMITS.max_processes
    assert box.exec("print('after')").stdout == "after\n"


def test_disk_cap(box):
    code = (
        "written = 0\n"
        "try:\n"
        "    for d in ('/tmp', '/var/tmp', '/dev/shm', '.'):\n"
        "        with open(d + '/fill', 'wb') as f:\n"
        "            for _ in range(64):\n"
        "                f.write(b'x' * 1024 * 1024)\n"
        "                written += 1024 * 1024\n"
        "except OSError as exc:\n"
        "    print(exc.errno)\n"
        "print(written)\n"
    )
    errno_line, written = value(box, code).split()
    assert int(errno_line) == 28 and int(written) <= LIMITS.workdir_bytes  # ENOSPC
    box.reset()
    assert value(box, "f = open('/tmp/a', 'wb'); f.write(b'x' * 1024 * 1024); print('fresh')") == "fresh"


def test_unshare_and_chroot_are_refused(box):
    code = (
        "import ctypes, os, subprocess\n"
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        "print(libc.unshare(0x10000000), libc.unshare(0x00020000), libc.chroot(b'/tmp'))\n"
        "print(subprocess.run(['unshare', '-Ur', 'true'], capture_output=True).returncode != 0)\n"
        "print(subprocess.run(['unshare', '-rn', 'chroot', '/', 'true'], capture_output=True).returncode != 0)\n"
    )
    assert value(box, code).split() == ["-1", "-1", "-1", "True", "True"]


FALLBACK_HOST = """
import json, os, sys, warnings
sys.path.insert(0, sys.argv[1])
from toolgym.sandbox import seccomp
seccomp.install()  # this host's kernel now refuses unshare: as where user namespaces are off
from toolgym.sandbox import LocalSandbox, SandboxLimits
from toolgym.tools.python import failure_kind
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    box = LocalSandbox(SandboxLimits(timeout_s=5))
    out = {"value": box.exec("x = 6 * 7; print(x)").stdout, "isolated": box.isolated}
    second = LocalSandbox(SandboxLimits(timeout_s=5))
    second.exec("pass")
    second.close()
died = box.exec("import os; os._exit(1)")
out["exit"] = [died.error_kind, failure_kind(died).blame.value]
forge = "import os, struct\\nfor fd in range(3, 64):\\n    try: os.write(fd, struct.pack('>I', 2) + b'{}')\\n"
out["forged"] = box.exec(forge + "    except OSError: pass\\nprint('real')").stdout
out["after"] = box.exec("print('after')").stdout
box.reset()
out["reset"] = box.exec("print('x' in globals())").stdout
box.close()
out["warnings"] = [str(w.message) for w in caught if "reduced isolation" in str(w.message)]
print(json.dumps(out))
"""


def test_fallback_without_namespaces():
    done = subprocess.run(
        [sys.executable, "-c", FALLBACK_HOST, str(ROOT)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.splitlines()[-1])
    assert out["value"] == "42\n" and out["isolated"] is False
    assert out["exit"] == ["crashed", "tool_error"]
    assert out["forged"] == "real\n" and out["after"] == "after\n" and out["reset"] == "False\n"
    assert len(out["warnings"]) == 1 and "no namespaces" in out["warnings"][0]  # said once


@pytest.mark.skipif(not IS_ROOT, reason="cgroups need root")
def test_stale_cgroups_of_dead_hosts_are_swept():
    from toolgym.sandbox.isolation import Cgroup, sweep_stale

    live = Cgroup.create(f"{os.getpid()}-test-{uuid.uuid4().hex[:6]}", 64 * MiB, 4)  # (sweeps once)
    stale = Cgroup.create(f"{2**22 + 12345}-test-{uuid.uuid4().hex[:6]}", 64 * MiB, 4)  # no such pid
    if stale is None or live is None:
        pytest.skip("no writable cgroup hierarchy here")
    try:
        assert sweep_stale() >= len(stale.dirs)
        assert not any(os.path.exists(d) for d in stale.dirs)
        assert all(os.path.exists(d) for d in live.dirs)
    finally:
        live.remove()
        stale.remove()


def test_an_interpreter_path_under_tmp_stays_visible_and_survives_resets(tmp_path):
    # A venv or checkout in /tmp (CI in a fresh venv, pytest's tmp_path) lies under the sandbox's
    # private /tmp: it is shown again read-only, and a reset's wipe of /tmp leaves it alone.
    if not str(tmp_path).startswith("/tmp/"):
        pytest.skip(f"tmp_path {tmp_path} is not under /tmp")
    pkg = tmp_path / "sitepkg"
    pkg.mkdir()
    (pkg / "toolgym_probe_mod.py").write_text("VALUE = 41\n")
    os.chmod(tmp_path, 0o755)
    script = (
        "from toolgym.sandbox.local import LocalSandbox\n"
        "from toolgym.sandbox import SandboxLimits\n"
        "box = LocalSandbox(SandboxLimits())\n"
        "code = 'import toolgym_probe_mod\\nprint(toolgym_probe_mod.VALUE + 1)'\n"
        "first = box.exec(code)\n"
        "box.exec('open(\"' + __import__('sys').argv[1] + '/x\", \"w\")')\n"
        "box.reset()\n"
        "second = box.exec(code)\n"
        "print(first.stdout.strip(), second.stdout.strip(), second.error_kind)\n"
        "box.close()\n"
    )
    env = {**os.environ, "PYTHONPATH": f"{pkg}:{os.environ.get('PYTHONPATH', '')}".rstrip(":")}
    out = subprocess.run([sys.executable, "-c", script, str(pkg)], capture_output=True, text=True, env=env, timeout=120)
    assert out.stdout.split() == ["42", "42", "None"], out.stderr[-2000:]
    assert not (pkg / "x").exists()  # read-only inside the sandbox
