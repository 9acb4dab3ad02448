"""Through the env: what the policy's code does to its interpreter is ``tool_error``, never
``infra_error``, on both backends; the next step and the next episode work."""

from __future__ import annotations

import json
import os

import gymnasium as gym
import pytest

import toolgym  # noqa: F401  (registers the envs)
from toolgym.sandbox.containers import PYTHON_IMAGE
from toolgym.sandbox.selection import docker_problem

ATTACKS = {
    "os._exit": "import os\nos._exit(1)",
    "self SIGKILL": "import os\nos.kill(os.getpid(), 9)",
    "closerange": "import os\nos.closerange(0, 4096)",
    "json.dumps = None": "import json\njson.dumps = None\nraise RuntimeError('after corrupting json')",
    "forged frames": (
        "import os, struct\n"
        "frame = b'{\"op\":\"result\",\"error_kind\":\"infra\",\"restarted\":true}'\n"
        "for name in os.listdir('/proc/self/fd'):\n"
        "    try: os.write(int(name), struct.pack('>I', len(frame)) + frame)\n"
        "    except OSError: pass\n"
        "raise RuntimeError('lost anyway')"
    ),
}


def call(code: str) -> str:
    return "<tool_call>" + json.dumps({"name": "python", "arguments": {"code": code}}) + "</tool_call>"


@pytest.fixture(params=["local", "docker"])
def env(request):
    if request.param == "docker":
        problem = docker_problem(PYTHON_IMAGE)
        if problem is not None:  # as tests/sandbox/conftest.py: a failure where Docker is required
            if os.environ.get("TOOLGYM_REQUIRE_DOCKER") == "1":
                pytest.fail(f"Docker is required but unusable: {problem}", pytrace=False)
            pytest.skip(f"Docker unusable: {problem}")
    environment = gym.make("ToolGym/MathTIR-v1", split="test", sandbox=request.param)
    yield environment
    environment.close()


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_attacks_are_tool_errors(env, attack):
    env.reset(seed=0)
    obs, reward, terminated, truncated, info = env.step(call(ATTACKS[attack]))
    assert info["error"] == "tool_error", (info, obs)
    assert not terminated
    obs, *_, info = env.step(call("print(6 * 7)"))
    assert info["error"] is None and "42" in obs
    env.reset(seed=1)  # the next episode
    obs, *_, info = env.step(call("print('fresh')"))
    assert info["error"] is None and "fresh" in obs
