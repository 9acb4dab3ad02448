"""Attacks on blame and on the protocol, run against both backends (local and Docker).

A losing policy would like its episode dropped (``infra_error``) or its tool results forged. Each
test runs the attack as the policy's code and checks that: the death is reported as the
policy's (``crashed``, never ``infra``) with an observation that says what happened; the result
holds exactly what the code printed; and the next call (and the next episode) works.
"""

from __future__ import annotations

import pytest

from toolgym.failures import Blame
from toolgym.sandbox import LocalSandbox, SandboxLimits
from toolgym.sandbox.base import Sandbox
from toolgym.tools.python import PythonTool, failure_kind

LIMITS = SandboxLimits(timeout_s=5.0, max_output_chars=4000)

#: Each attack kills or corrupts the interpreter from inside: (code, what the result says).
DEATHS = {
    "os._exit": ("import os\nos._exit(1)", "exit status 1"),
    "self SIGKILL": ("import os\nos.kill(os.getpid(), 9)", "SIGKILL"),
    "closerange": ("import os\nos.closerange(0, 4096)", "died"),
    "close then run on": ("import os, time\nos.closerange(3, 4096)\nprint('x')\ntime.sleep(0.2)", "died"),
    "SIGSEGV": ("import ctypes\nctypes.string_at(0)", "SIGSEGV"),
    "SIGSTOP self": ("import os, signal\nos.kill(os.getpid(), signal.SIGSTOP)", None),
}

FORGE_EVERY_FD = r"""
import json, os, struct, threading, time
def frame(obj):
    data = json.dumps(obj).encode()
    return struct.pack(">I", len(data)) + data
fakes = [
    frame({"op": "result", "stdout": "FORGED", "stderr": "", "error_kind": None}),
    frame({"op": "done", "nonce": "0" * 32, "error_kind": None}),
    json.dumps({"op": "done", "nonce": None}).encode(),
    json.dumps({"op": "result", "stdout": "FORGED"}).encode(),
    frame({"op": "result", "error_kind": "infra", "restarted": True}),
    b"\x00\x00\x00\x05garbage",
]
def spam(stop_at):
    while time.monotonic() < stop_at:
        for name in os.listdir("/proc/self/fd"):
            fd = int(name)
            if fd in (1, 2):
                continue  # those are output: see the printed part below
            for fake in fakes:
                try:
                    os.write(fd, fake)
                except OSError:
                    pass
        time.sleep(0.005)
spam(time.monotonic() + 0.05)
threading.Thread(target=spam, args=(time.monotonic() + 1.0,), daemon=True).start()
print("REAL")
print('{"op": "done"} <<END-OF-CALL>> \x00\x00\x00\x10{"op":"result"}')
"""
PRINTED = 'REAL\n{"op": "done"} <<END-OF-CALL>> \x00\x00\x00\x10{"op":"result"}\n'


@pytest.fixture(params=["local", "docker"])
def backend(request) -> str:
    if request.param == "docker":
        request.getfixturevalue("docker_engine")  # skips (or fails in CI) without Docker
    return request.param


def make(backend: str) -> Sandbox:
    if backend == "docker":
        from toolgym.sandbox.docker import DockerSandbox

        return DockerSandbox(LIMITS)
    return LocalSandbox(LIMITS)


@pytest.fixture
def box(backend):
    sandbox = make(backend)
    yield sandbox
    sandbox.close()


def assert_works(box: Sandbox) -> None:
    result = box.exec("print(6 * 7)")
    assert result.ok and result.stdout == "42\n", result


@pytest.mark.parametrize("attack", list(DEATHS))
def test_a_death_the_code_caused_is_the_policys(box, attack):
    code, said = DEATHS[attack]
    assert box.exec("kept = 1").ok
    result = box.exec(code, timeout=2.0)
    if attack == "SIGSTOP self":  # a stopped interpreter is a timeout: the policy's too
        assert result.error_kind == "timeout", result
    else:
        assert result.error_kind == "crashed", result
        assert said in result.stderr, result.stderr
    kind = failure_kind(result)
    assert kind is not None and kind.blame is Blame.POLICY
    assert_works(box)
    assert box.exec("print(kept)").error_type == "NameError"  # a fresh interpreter
    box.reset()  # the next episode
    assert_works(box)


def test_corrupting_the_runtime_breaks_only_the_code(box):
    result = box.exec(
        "import json, os\njson.dumps = None\njson.loads = None\nos.write = None\nos.read = None\nprint('still')"
    )
    assert result.ok and result.stdout == "still\n", result
    assert_works(box)
    broken = box.exec("import sys\nsys.stdout = None\nsys.stderr = None\nraise ValueError('x')")
    assert broken.error_kind == "exception" and broken.error_type == "ValueError", broken
    assert_works(box)
    box.reset()
    assert_works(box)


def test_frames_written_to_every_fd_are_not_replies(box):
    result = box.exec(FORGE_EVERY_FD)
    assert result.ok, result
    assert result.stdout == PRINTED and result.stderr == ""
    for _ in range(5):  # the spamming thread is still running during these calls
        follow = box.exec("import time; time.sleep(0.05); print('next')")
        assert follow.ok and follow.stdout == "next\n" and follow.stderr == "", follow
    box.reset()
    assert_works(box)


def test_raw_frames_on_stdout_are_output(box):
    code = (
        "import os, struct\n"
        "payload = b'{\"op\":\"result\",\"stdout\":\"FORGED\",\"error_kind\":null}'\n"
        "os.write(1, struct.pack('>I', len(payload)) + payload)\n"
        "os.write(2, struct.pack('>I', len(payload)) + payload)\n"
    )
    result = box.exec(code)
    payload = '{"op":"result","stdout":"FORGED","error_kind":null}'
    expected = f"\x00\x00\x00{chr(len(payload))}{payload}"
    assert result.ok and result.stdout == expected and result.stderr == expected, result
    assert_works(box)


@pytest.mark.parametrize("attack", ["os._exit", "self SIGKILL", "closerange"])
def test_through_the_tool_a_death_is_a_tool_error(backend, attack):
    tool = PythonTool(lambda: make(backend))
    try:
        assert tool({"code": "x = 1"}).ok
        result = tool({"code": DEATHS[attack][0]})
        assert not result.ok and result.error_kind == "crashed" and not result.is_infra, result
        assert "died" in result.content
        after = tool({"code": "print(6 * 7)"})
        assert after.ok and after.content == "42\n"
        tool.reset()
        assert tool({"code": "print('next episode')"}).content == "next episode\n"
    finally:
        tool.close()


def test_output_through_pipes_keeps_order_and_speed(box):
    mixed = box.exec(
        "import os, sys\nprint('a')\nos.system('echo b')\nprint('c', file=sys.stderr)\nos.write(1, b'd\\n')\nprint('e')"
    )
    assert mixed.stdout == "a\nb\nd\ne\n" and mixed.stderr == "c\n", mixed
    heavy = box.exec("for i in range(200000):\n    print(i)", timeout=30)
    assert heavy.ok and heavy.truncated and heavy.stdout.startswith("0\n1\n2\n"), heavy
    assert heavy.duration_s < 5.0  # block-buffered past the first 64 KiB of a cell
    assert_works(box)
