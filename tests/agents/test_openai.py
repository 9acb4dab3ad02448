"""``OpenAIAgent`` against a real OpenAI-compatible server on loopback: structured ``tool_calls``,
parallel calls, malformed ``arguments`` and content-only replies, through ``toolgym run``'s loop."""

import json

import gymnasium as gym
import pytest

import toolgym  # noqa: F401
from tests.llm.chat_server import ChatServer
from toolgym.agents import OpenAIAgent
from toolgym.llm.client import ChatClient
from toolgym.runner import play_episode, run, task_order

ENV = "ToolGym/MathTIR-v1"


def _call(ident: str, code: str, raw_args: str | None = None) -> dict:
    args = raw_args if raw_args is not None else json.dumps({"code": code})
    return {"id": ident, "type": "function", "function": {"name": "python", "arguments": args}}


@pytest.fixture
def math_env():
    env = gym.make(ENV, split="test")
    base = env.unwrapped
    base.use_native_tools(True)
    yield base
    env.close()


def test_structured_parallel_malformed_and_text_calls(math_env):
    task_id = task_order(math_env, 0)[0]
    answer = math_env.tasks.get(task_id).answer
    script = [
        {"role": "assistant", "content": None, "tool_calls": [_call("c1", "print(6*7)")]},
        {"role": "assistant", "content": "two at once", "tool_calls": [_call("p1", "x = 5"), _call("p2", "print(x + 1)")]},
        {"role": "assistant", "content": "", "tool_calls": [_call("m1", "", raw_args="{not json")]},
        '<tool_call>{"name": "python", "arguments": {"code": "print(x * 2)"}}</tool_call>',
        f"<answer>{answer}</answer>",
    ]
    with ChatServer(script) as srv:
        agent = OpenAIAgent(ChatClient(srv.base_url, "m", timeout_s=5.0, backoff_s=0.01))
        record = play_episode(math_env, agent, seed=0, task_id=task_id)
        agent.close()
    first = srv.requests[0]
    assert [t["function"]["name"] for t in first["tools"]] == ["python"]
    assert "<tools>" not in first["messages"][0]["content"]  # specs travel natively, not in the prompt
    last = srv.requests[-1]["messages"]
    assert [m["role"] for m in last] == [
        "system", "user", "assistant", "tool", "assistant", "tool", "tool", "assistant", "tool", "assistant", "tool",
    ]
    assert last[2]["tool_calls"][0]["id"] == "c1" and last[3] == {
        "role": "tool", "tool_call_id": "c1", "name": "python", "content": "42\n",
    }
    assert [m["tool_call_id"] for m in last[5:7]] == ["p1", "p2"] and last[6]["content"] == "6\n"
    assert last[8]["tool_call_id"] == "m1" and "not valid JSON" in last[8]["content"]
    assert last[9]["tool_calls"][0]["function"]["name"] == "python" and last[10]["content"] == "10\n"
    assert [len(t["tool_calls"]) for t in record.turns[:4]] == [1, 2, 1, 1]
    assert record.turns[2]["error"] == "tool_error" and record.turns[1]["error"] is None
    assert record.reward == 1.0 and record.success and not record.infra_error


def test_content_only_model_works_through_the_parser():
    with ChatServer(default="<answer>0</answer>") as srv:
        agent = OpenAIAgent(ChatClient(srv.base_url, "m", timeout_s=2.0, backoff_s=0.01))
        summary = run(ENV, agent, episodes=3, env_kwargs={"split": "test"})
    assert summary.episodes == 3 and summary.errors == {}
    assert all("tools" in r for r in srv.requests)


def test_send_tools_false_keeps_the_text_format():
    with ChatServer(default="<answer>0</answer>") as srv:
        agent = OpenAIAgent(ChatClient(srv.base_url, "m", timeout_s=2.0, backoff_s=0.01), send_tools=False)
        run(ENV, agent, episodes=1, env_kwargs={"split": "test"})
    req = srv.requests[0]
    assert "tools" not in req and "<tools>" in req["messages"][0]["content"]
