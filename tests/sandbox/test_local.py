"""LocalSandbox acceptance tests: state, limits, containment, cleanup.

Every test that breaks an interpreter also checks that the next call works. Process checks scan
/proc directly, so they see escaped, setsid'ed and zombie processes too.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from toolgym.errors import SandboxError
from toolgym.sandbox import LocalSandbox, SandboxLimits, make_sandbox

ROOT = Path(__file__).resolve().parents[2]
LIMITS = SandboxLimits(timeout_s=1.0, max_processes=32, max_output_chars=1000)
IS_ROOT = os.geteuid() == 0


def processes() -> list[dict[str, int | str]]:
    """Every process on the machine: pid, ppid, real uid and state letter."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/status") as status:
                fields = dict(line.split(":", 1) for line in status if ":" in line)
        except OSError:
            continue
        found.append(
            {
                "pid": int(entry.name),
                "ppid": int(fields["PPid"]),
                "uid": int(fields["Uid"].split()[0]),
                "state": fields["State"].split()[0],
            }
        )
    return found


def wait_until(predicate, timeout: float = 3.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


def alive(pid: int, uid: int) -> bool:
    return any(p["pid"] == pid and p["uid"] == uid for p in processes())


def zombie_children() -> list[dict[str, int | str]]:
    """Zombies whose parent is this test process or one of its children (the zygote)."""
    table = processes()
    ours = {os.getpid()} | {p["pid"] for p in table if p["ppid"] == os.getpid()}
    return [p for p in table if p["state"] == "Z" and p["ppid"] in ours]


def run_value(sandbox: LocalSandbox, code: str) -> str:
    result = sandbox.exec(code)
    assert result.ok, result
    return result.stdout.strip()


@pytest.fixture
def sandbox():
    """A sandbox that must leave no process of its uid behind after close()."""
    box = LocalSandbox(LIMITS)
    uid = int(run_value(box, "import os; print(os.getuid())"))
    yield box
    box.close()
    if IS_ROOT:
        assert uid != 0
        assert [p for p in processes() if p["uid"] == uid] == []


def test_state_persists_and_reset_wipes_it(sandbox):
    assert sandbox.exec("x = 41").ok
    assert sandbox.exec("print(x + 1)").stdout == "42\n"
    assert sandbox.exec("open('notes.txt', 'w').write('hi')\nimport os; print(os.listdir('.'))").stdout == "['notes.txt']\n"
    sandbox.reset()
    result = sandbox.exec("print(x)")
    assert result.error_kind == "exception" and result.error_type == "NameError"
    assert "NameError: name 'x' is not defined" in result.traceback
    assert run_value(sandbox, "import os; print(os.listdir('.'))") == "[]"
    with LocalSandbox(LIMITS) as fresh:
        assert "NameError" in fresh.exec("print(x)").traceback
        assert fresh.exec("print('fresh')").stdout == "fresh\n"


def test_reset_prepares_a_fresh_interpreter_that_shows_nothing_of_it(sandbox):
    """The supervisor forks and pings the next interpreter while the policy thinks (issue 13): each
    episode still gets a new process, and the warm-up leaves no trace the policy could see."""
    before = run_value(sandbox, "import os; print(os.getpid())")
    sandbox.reset()
    time.sleep(0.2)  # the policy thinks; the next interpreter is forked and pinged meanwhile
    result = sandbox.exec("import os, sys; print(os.getpid()); 1/0")
    assert result.stdout.strip() != before and result.stdout.strip().isdigit()
    assert result.stderr == ""
    assert 'File "<cell-1>", line 1' in result.traceback  # the ping ran no cell
    sandbox.reset()
    assert sandbox.exec("print('a')").stdout == "a\n"  # no pause: the call waits for the fork


def test_exceptions_show_user_frames_only(sandbox):
    result = sandbox.exec("def f():\n    raise ValueError('boom')\n\nf()")
    assert result.error_kind == "exception" and result.error_type == "ValueError"
    assert "ValueError: boom" in result.traceback and "line 2, in f" in result.traceback
    assert "worker.py" not in result.traceback
    syntax = sandbox.exec("x = = 1")
    assert syntax.error_type == "SyntaxError" and "worker.py" not in syntax.traceback
    assert sandbox.exec("import sys; sys.exit(0)").ok
    assert sandbox.exec("import sys; sys.exit(3)").error_type == "SystemExit"
    assert sandbox.exec("print('still here')").stdout == "still here\n"


def test_subprocess_output_is_captured(sandbox):
    result = sandbox.exec("import os, sys\nprint('py')\nos.system('echo sh; echo oops >&2')\nos.write(1, b'raw\\n')")
    assert result.stdout == "py\nsh\nraw\n" and result.stderr == "oops\n"
    assert sandbox.exec("print(2)").stdout == "2\n"  # the captured fd output was consumed


def test_timeout_restarts_the_interpreter(sandbox):
    assert sandbox.exec("y = 1").ok
    start = time.monotonic()
    result = sandbox.exec("while True: pass", timeout=1)
    elapsed = time.monotonic() - start
    assert result.error_kind == "timeout" and "timed out after 1 s" in result.stderr
    assert elapsed < 2.0
    assert sandbox.exec("print('next')").stdout == "next\n"
    assert sandbox.exec("print(y)").error_type == "NameError"


@pytest.mark.parametrize(
    "code",
    ["b = bytearray(8 * 1024**3)", "import numpy as np\na = np.ones(8 * 1024**3 // 8)"],
    ids=["bytearray", "numpy"],
)
def test_memory_limit(sandbox, code):
    result = sandbox.exec(code)
    assert result.error_kind == "memory", result
    assert sandbox.exec("print(len(bytearray(10**6)))").stdout == "1000000\n"


@pytest.mark.parametrize(
    "code",
    [
        'print("x" * 100_000_000)',
        'for _ in range(100_000):\n    print("y" * 1000)',
        "import os; os.system(\"head -c 20000000 /dev/zero | tr '\\\\0' z\")",
    ],
    ids=["one-print", "many-prints", "subprocess"],
)
def test_huge_output_is_truncated(sandbox, code):
    start = time.monotonic()
    result = sandbox.exec(code, timeout=10)
    assert time.monotonic() - start < 5
    assert result.ok and result.truncated
    assert "output truncated" in result.stdout
    assert len(result.stdout) < LIMITS.max_output_chars + 200
    follow = sandbox.exec("print('small')")
    assert follow.stdout == "small\n" and not follow.truncated


def test_fork_bomb_is_contained(sandbox):
    uid = int(run_value(sandbox, "import os; print(os.getuid())"))
    result = sandbox.exec("import os\nwhile True:\n    os.fork()", timeout=1)
    assert result.error_kind in ("exception", "timeout"), result
    assert sandbox.exec("print('alive')").stdout == "alive\n"
    sandbox.close()
    if IS_ROOT:
        assert [p for p in processes() if p["uid"] == uid] == []


SPAWN_ESCAPEES = """
import os, subprocess
plain = subprocess.Popen(["sleep", "3600"])
escaped = subprocess.Popen(["sleep", "3601"], start_new_session=True)
if os.fork() == 0:  # a double-forked daemon in its own session
    os.setsid()
    if os.fork() == 0:
        os.execvp("sleep", ["sleep", "3602"])
    os._exit(0)
print(os.getuid(), plain.pid, escaped.pid)
"""


def sleepers(uid: int) -> set[bytes]:
    """The ``sleep 360x`` processes of ``uid`` on the host (sandbox pids are namespace pids)."""
    found = set()
    for p in processes():
        if p["uid"] != uid:
            continue
        try:
            cmd = Path(f"/proc/{p['pid']}/cmdline").read_bytes()
        except OSError:
            continue
        if cmd.startswith(b"sleep\x00360"):
            found.add(cmd)
    return found


def test_close_kills_background_and_escaped_processes():
    box = LocalSandbox(LIMITS)
    uid = int(run_value(box, SPAWN_ESCAPEES).split()[0])
    assert wait_until(lambda: len(sleepers(uid)) == 3)
    box.close()
    assert wait_until(lambda: not sleepers(uid))
    if IS_ROOT:
        assert [p for p in processes() if p["uid"] == uid] == []
    box.close()  # idempotent
    with pytest.raises(SandboxError):
        box.exec("print(1)")


def test_reset_kills_background_processes(sandbox):
    uid = int(run_value(sandbox, SPAWN_ESCAPEES).split()[0])
    assert wait_until(lambda: len(sleepers(uid)) == 3)
    sandbox.reset()
    assert wait_until(lambda: not sleepers(uid))
    assert sandbox.exec("print('after reset')").stdout == "after reset\n"


HOST_THAT_DIES = """
import os, sys
from toolgym.sandbox import LocalSandbox
box = LocalSandbox(preload=())
print(box.exec(sys.argv[1]).stdout, flush=True)
os.kill(os.getpid(), 9)
"""


@pytest.mark.skipif(not IS_ROOT, reason="without a private uid, escaped processes are not tracked")
def test_host_killed_leaves_nothing():
    """A SIGKILLed host runs no cleanup; its zygote kills the sandbox's processes on hang-up."""
    done = subprocess.run(
        [sys.executable, "-c", HOST_THAT_DIES, SPAWN_ESCAPEES], cwd=ROOT, capture_output=True, text=True, timeout=30
    )
    uid = int(done.stdout.split()[0])
    assert wait_until(lambda: not sleepers(uid))


def test_killed_worker_reports_crash(sandbox):
    assert sandbox.exec("z = 1").ok
    result = sandbox.exec("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")
    assert result.error_kind == "crashed" and "died" in result.stderr
    assert sandbox.exec("print('respawned')").stdout == "respawned\n"
    assert sandbox.exec("print(z)").error_type == "NameError"
    assert wait_until(lambda: not zombie_children())


def test_zygote_restarts_transparently(sandbox):
    assert sandbox.exec("kept = 'yes'").ok
    cmdlines = {p["pid"]: Path(f"/proc/{p['pid']}/cmdline").read_bytes() for p in processes() if p["ppid"] == os.getpid()}
    zygotes = [pid for pid, cmd in cmdlines.items() if b"zygote.py" in cmd]
    assert zygotes
    for pid in zygotes:
        os.kill(pid, signal.SIGKILL)
    assert sandbox.exec("print(kept)").stdout == "yes\n"  # running interpreters are independent
    sandbox.reset()  # needs a zygote
    assert sandbox.exec("print('new')").stdout == "new\n"


def test_many_sandboxes_from_threads():
    # Zombies left by earlier tests of the session are not these sandboxes' to reap.
    before = {p["pid"] for p in zombie_children()}
    boxes = [LocalSandbox(LIMITS) for _ in range(16)]
    outputs: dict[int, tuple[str, str]] = {}
    errors: list[BaseException] = []

    def episode(i: int) -> None:
        try:
            box = boxes[i]
            first = box.exec(f"import os\nv = {i}\nprint(v, os.getuid())").stdout
            box.reset()
            outputs[i] = (first, box.exec("print('v' in globals())").stdout)
            box.close()
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=episode, args=(i,)) for i in range(len(boxes))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert all(outputs[i][0].split()[0] == str(i) and outputs[i][1] == "False\n" for i in outputs)
    if IS_ROOT:
        uids = {int(outputs[i][0].split()[1]) for i in outputs}
        assert len(uids) == len(boxes)  # one private uid per concurrent sandbox
        assert not [p for p in processes() if p["uid"] in uids]
    assert wait_until(lambda: not [p for p in zombie_children() if p["pid"] not in before])


def test_make_sandbox():
    box = make_sandbox("local", limits=LIMITS)
    assert isinstance(box, LocalSandbox)
    box.close()
    with pytest.raises(SandboxError, match="unknown sandbox kind 'nope'"):
        make_sandbox("nope")


NON_ROOT_SCRIPT = """
import json, os, sys, time, types
# The interpreter may lack the project's dependencies (gymnasium, ...); the sandbox modules need
# only the stdlib, so import them without running toolgym/__init__.py.
package = types.ModuleType("toolgym")
package.__path__ = [os.path.join(os.environ["TOOLGYM_ROOT"], "toolgym")]
sys.modules["toolgym"] = package
from toolgym.sandbox import LocalSandbox, SandboxLimits
box = LocalSandbox(SandboxLimits(timeout_s=1.0), preload=())
out = {"value": box.exec("x = 2\\nprint(x * 21)").stdout}
out["timeout"] = box.exec("while True: pass").error_kind
out["after"] = box.exec("import subprocess; p = subprocess.Popen(['sleep', '3600']); print(p.pid)").stdout
out["isolated"] = box.isolated
probe = "import socket\\ntry:\\n    socket.create_connection(('127.0.0.1', 22), timeout=1)\\n"
out["network"] = box.exec(probe + "except OSError as e:\\n    print(e.errno)").stdout
out["bomb"] = box.exec("import os\\nwhile True:\\n    os.fork()").error_kind
out["after_bomb"] = box.exec("print('ok')").stdout
box.close()
def sleepers():
    found = []
    for pid in os.listdir("/proc"):
        try:
            if pid.isdigit() and open(f"/proc/{pid}/cmdline", "rb").read() == b"sleep\\x003600\\x00":
                found.append(pid)
        except OSError:
            pass
    return found
deadline = time.monotonic() + 3
while sleepers() and time.monotonic() < deadline:
    time.sleep(0.01)
out["sleepers_left"] = sleepers()
print(json.dumps(out))
"""


def python_for_others() -> str | None:
    """A Python >= 3.10 that an unprivileged user can run (pyenv under /root often is not)."""
    for candidate in (sys.executable, shutil.which("python3", path="/usr/local/bin:/usr/bin:/bin")):
        if not candidate:
            continue
        path = Path(candidate).resolve()
        if all(os.stat(p).st_mode & 0o001 for p in [path, *path.parents]):
            version = subprocess.run([str(path), "-c", "import sys; print(sys.version_info >= (3, 10))"],
                                     capture_output=True, text=True)
            if version.stdout.strip() == "True":
                return str(path)
    return None


@pytest.mark.skipif(not IS_ROOT, reason="needs root to switch to an unprivileged user")
def test_non_root_host_mode():
    """Without root: namespaces inside an unprivileged user namespace (where the kernel allows
    them, as here), no private uid, no cgroup, relative RLIMIT_NPROC."""
    python = python_for_others()
    if python is None:
        pytest.skip("no Python interpreter that the nobody user may run")
    env = dict(os.environ, TOOLGYM_ROOT=str(ROOT))
    done = subprocess.run(
        [python, "-c", NON_ROOT_SCRIPT], user=65534, group=65534, extra_groups=[],
        env=env, cwd="/", capture_output=True, text=True, timeout=30,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["value"] == "42\n" and out["timeout"] == "timeout" and out["sleepers_left"] == []
    assert out["bomb"] in ("exception", "timeout") and out["after_bomb"] == "ok\n"
    if out["isolated"]:
        assert out["network"].strip() in ("101", "111")  # unreachable / refused: no host service


def test_modules_not_preloaded_import_in_the_sandbox(sandbox):
    # Under a private uid the interpreter must still read the Python installation, even when it
    # lives under a 0700 home (pyenv in /root): regression test for imports of unloaded modules.
    code = (
        "import statistics, csv, sympy.tensor.tensor, subprocess, sys\n"
        "print(statistics.mean([1, 2, 3]))\n"
        "print(subprocess.run([sys.executable, '-c', 'import decimal; print(5)'],"
        " capture_output=True, text=True).stdout.strip())"
    )
    r = sandbox.exec(code)
    assert r.ok, r.traceback
    assert r.stdout.split() == ["2", "5"]


def supervisor_pid(box: LocalSandbox) -> int:
    return box._session._pid  # noqa: SLF001 - the host-side pid of the sandbox's supervisor


def test_sandbox_killed_from_outside_is_infra(sandbox):
    """The policy's code cannot kill the supervisor; the host killing it is infra, and the next
    call gets a fresh sandbox."""
    assert sandbox.exec("x = 1").ok
    results = []
    call = threading.Thread(target=lambda: results.append(sandbox.exec("import time; time.sleep(30)", timeout=20)))
    call.start()
    time.sleep(0.5)
    os.kill(supervisor_pid(sandbox), signal.SIGKILL)
    call.join(10)
    assert results and results[0].error_kind == "infra", results
    assert sandbox.exec("print('x' in globals())").stdout == "False\n"


def test_code_cannot_kill_its_supervisor(sandbox):
    if not sandbox.exec("pass").ok or not sandbox.isolated:
        pytest.skip("without namespaces the supervisor is protected by its uid (root hosts) only")
    code = (
        "import os, signal\n"
        "for sig in (signal.SIGKILL, signal.SIGTERM, signal.SIGSTOP):\n"
        "    try:\n"
        "        os.kill(1, sig)\n"
        "    except OSError as exc:\n"
        "        print(exc.errno)\n"
        "print('alive', os.getppid())"
    )
    result = sandbox.exec(code)
    assert result.ok and result.stdout.endswith("alive 1\n"), result
    assert sandbox.exec("print(2)").stdout == "2\n"
