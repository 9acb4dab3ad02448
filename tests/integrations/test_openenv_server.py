"""`toolgym serve`'s app driven by openenv-core's own client over loopback: 32 concurrent sessions
with independent interpreter state, a killed session, and malformed requests."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time

import pytest

pytest.importorskip("openenv")
uvicorn = pytest.importorskip("uvicorn")
websockets = pytest.importorskip("websockets")

from openenv.core import GenericEnvClient

from toolgym.errors import ToolGymError
from toolgym.integrations.openenv_server import (
    QuietDisconnects,
    ToolGymEnvironment,
    create_toolgym_app,
)

ENV = "ToolGym/MathTIR-v1"
TASKS = ("mathtir-curated-0005", "mathtir-curated-0007")  # gold answers 3685 and 421/972
SESSIONS = 32


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served():
    app = create_toolgym_app(ENV, env_kwargs={"split": "all"}, max_sessions=SESSIONS + 4)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(QuietDisconnects(app), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", app.state.openenv_server
    server.should_exit = True
    thread.join(timeout=30)


async def _episode(url: str, i: int) -> dict:
    """Set x in this session's interpreter, read it back, then answer: returns what came back."""
    async with GenericEnvClient(base_url=url, message_timeout_s=120) as env:
        first = await env.reset(task_id=TASKS[i % 2], seed=i)
        set_x = {"content": "", "tool_calls": [
            {"id": f"c{i}", "type": "function", "function": {"name": "python", "arguments": json.dumps({"code": f"x = {i} * 1000 + 7"})}}]}
        await env.step(set_x)
        read = await env.step({"content": '<tool_call>{"name": "python", "arguments": {"code": "print(x)"}}</tool_call>'})
        state = await env.state()
        gold = "3685" if i % 2 == 0 else "421/972"
        answer = await env.step({"content": f"<answer>{gold if i % 4 < 2 else 0}</answer>"})
        return {"first": first, "read": read, "state": state, "answer": answer}


def test_32_concurrent_sessions_keep_their_own_state(served):
    url, server = served

    async def main():
        return await asyncio.gather(*(_episode(url, i) for i in range(SESSIONS)))

    results = asyncio.run(main())
    for i, r in enumerate(results):
        assert r["first"].done is False and TASKS[i % 2] == r["first"].observation["info"]["task_id"]
        assert r["first"].observation["tools"][0]["function"]["name"] == "python"
        assert "<tool_call>" in r["first"].observation["text"]  # text mode: the prompt carries the tool format
        read = r["read"].observation
        assert f"{i * 1000 + 7}" in read["text"], read["text"]  # its own interpreter, not another session's
        assert read["messages"] and read["info"]["error"] is None and r["read"].done is False
        assert r["state"]["task_id"] == TASKS[i % 2] and r["state"]["step_count"] == 2 and r["state"]["done"] is False
        answer = r["answer"]
        assert answer.done is True and answer.reward == (1.0 if i % 4 < 2 else 0.0)
        assert answer.observation["info"]["reward_components"]["correct"] == answer.reward
        assert answer.observation["info"]["end_reason"] == "answer"
    deadline = time.monotonic() + 30
    while server.active_sessions:  # every closed client ended its session
        assert time.monotonic() < deadline, server.active_sessions
        time.sleep(0.05)


def test_a_killed_session_is_closed_and_others_carry_on(served):
    url, server = served
    closed: list[int] = []
    original = ToolGymEnvironment.close

    def spy(self):
        closed.append(id(self))
        original(self)

    async def main():
        survivor = GenericEnvClient(base_url=url)
        await survivor.connect()
        await survivor.reset(task_id=TASKS[0])
        await survivor.step({"content": '<tool_call>{"name": "python", "arguments": {"code": "y = 41"}}</tool_call>'})
        victim = GenericEnvClient(base_url=url)
        await victim.connect()
        await victim.reset(task_id=TASKS[1])
        before = server.active_sessions
        victim._ws.transport.abort()  # the client process dies: no close frame, the TCP connection drops
        deadline = time.monotonic() + 30
        while server.active_sessions >= before:
            assert time.monotonic() < deadline
            await asyncio.sleep(0.05)
        after = await survivor.step({"content": '<tool_call>{"name": "python", "arguments": {"code": "print(y + 1)"}}</tool_call>'})
        await survivor.close()
        return after

    ToolGymEnvironment.close = spy
    try:
        after = asyncio.run(main())
    finally:
        ToolGymEnvironment.close = original
    assert "42" in after.observation["text"]
    assert closed  # the killed session's env (and its sandbox) was closed


def test_malformed_requests_get_clear_errors(served):
    url, _ = served

    async def raw():
        replies = {}
        async with websockets.connect(url.replace("http", "ws") + "/ws") as ws:
            for name, message in {
                "json": "{not json",
                "type": json.dumps({"type": "dance"}),
                "early": json.dumps({"type": "step", "data": {"content": "hi"}}),
                "field": json.dumps({"type": "step", "data": {"contnet": "hi"}}),
                "calls": json.dumps({"type": "step", "data": {"tool_calls": "python"}}),
                "task": json.dumps({"type": "reset", "data": {"task_id": "no-such-task"}}),
            }.items():
                await ws.send(message)
                replies[name] = json.loads(await ws.recv())
            # the session survives all of that: a normal episode still runs on the same connection
            await ws.send(json.dumps({"type": "reset", "data": {"task_id": TASKS[0]}}))
            replies["reset"] = json.loads(await ws.recv())
            await ws.send(json.dumps({"type": "step", "data": {"content": "<answer>3685</answer>"}}))
            replies["answer"] = json.loads(await ws.recv())
            await ws.send(json.dumps({"type": "step", "data": {"content": "<answer>3685</answer>"}}))
            replies["after_done"] = json.loads(await ws.recv())
        return replies

    r = asyncio.run(raw())
    assert r["json"]["data"]["code"] == "INVALID_JSON"
    assert r["type"]["data"]["code"] == "UNKNOWN_TYPE" and "dance" in r["type"]["data"]["message"]
    assert r["early"]["data"]["code"] == "EXECUTION_ERROR" and "send reset first" in r["early"]["data"]["message"]
    assert r["field"]["data"]["code"] == "VALIDATION_ERROR" and r["field"]["data"]["errors"][0]["loc"] == ["contnet"]
    assert r["calls"]["data"]["code"] == "VALIDATION_ERROR" and r["calls"]["data"]["errors"][0]["loc"][0] == "tool_calls"
    assert r["task"]["data"]["code"] == "EXECUTION_ERROR" and "no-such-task" in r["task"]["data"]["message"]
    assert r["reset"]["type"] == "observation" and r["answer"]["data"]["reward"] == 1.0 and r["answer"]["data"]["done"]
    assert "episode is over" in r["after_done"]["data"]["message"]

    async def through_client():
        async with GenericEnvClient(base_url=url) as env:
            with pytest.raises(RuntimeError, match="send reset first"):
                await env.step({"content": "hi"})
            with pytest.raises(RuntimeError, match="VALIDATION_ERROR"):
                await env.step({"bogus": 1})

    asyncio.run(through_client())


def test_http_step_without_a_session_says_why(served):
    import httpx

    url, _ = served
    reply = httpx.post(f"{url}/step", json={"action": {"content": "hi"}}, timeout=30)
    assert reply.status_code == 409 and "send reset first" in reply.json()["detail"]
    schema = httpx.get(f"{url}/schema", timeout=30).json()
    assert "content" in schema["action"]["properties"] and "info" in schema["observation"]["properties"]


def test_bad_env_id_fails_before_serving():
    with pytest.raises(Exception, match="NoSuch"):
        create_toolgym_app("ToolGym/NoSuch-v0")
    with pytest.raises(ToolGymError, match="max_sessions"):
        create_toolgym_app(ENV, max_sessions=0)


def test_serve_command_with_a_bad_env_id_prints_one_line(capsys):
    from toolgym.cli import main

    assert main(["serve", "ToolGym/NoSuch-v0", "--port", "0"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("toolgym serve: error: cannot make ToolGym/NoSuch-v0") and "toolgym list" in err[0]
