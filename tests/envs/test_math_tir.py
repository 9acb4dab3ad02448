"""ToolGym/MathTIR-v1 through gym.make: the python tool's episode semantics and failure modes."""

import json
import time

import gymnasium as gym
import pytest

import toolgym  # noqa: F401


def call(code: str) -> str:
    return "<tool_call>" + json.dumps({"name": "python", "arguments": {"code": code}}) + "</tool_call>"


@pytest.fixture
def env():
    e = gym.make("ToolGym/MathTIR-v1", split="test", python_timeout_s=1.0)
    yield e
    e.close()


def test_state_persists_within_an_episode_and_never_across(env):
    env.reset(seed=0)
    env.step(call("x = 41"))
    obs, _, _, _, info = env.step(call("print(x + 1)"))
    assert obs == "<tool_response>\n42\n\n</tool_response>" and info["error"] is None
    env.reset()
    obs, _, _, _, info = env.step(call("print(x)"))
    assert "NameError" in obs and info["error"] == "tool_error"
    assert info["tool_calls"][0]["error_kind"] == "exception"


def test_infinite_loop_times_out_and_the_next_call_works(env):
    env.reset(seed=0)
    start = time.perf_counter()
    obs, _, _, _, info = env.step(call("while True: pass"))
    assert time.perf_counter() - start < 1.0 + 1.0
    assert "TimeoutError" in obs and info["tool_calls"][0]["error_kind"] == "timeout"
    assert info["error"] == "tool_error"
    obs, _, _, _, _ = env.step(call("print(6 * 7)"))
    assert "42" in obs


def test_memory_and_output_limits_are_observations(env):
    env.reset(seed=0)
    obs, _, _, _, info = env.step(call("b = bytearray(8 * 1024**3)"))
    assert info["tool_calls"][0]["error_kind"] == "memory" and "MemoryError" in obs
    obs, _, _, _, info = env.step(call("print('x' * 100_000_000)"))
    assert len(obs) < 20_000 and "truncated" in obs


def test_answer_after_tools_is_scored(env):
    env.reset(options={"task_id": env.unwrapped.tasks[0].id})
    task = env.unwrapped.task
    env.step(call("print(1)"))
    _, reward, terminated, _, info = env.step(f"<answer>{task.answer}</answer>")
    assert terminated and reward == 1.0
    assert info["reward_components"] == {"correct": 1.0, "format": 1.0, "tool_calls": 1.0}
