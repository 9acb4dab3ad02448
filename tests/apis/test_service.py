"""The HTTP API service and its httpx client: same behaviour as in process, failures as infra."""

import json
import os
import signal
import socket
import subprocess
import sys

import httpx
import pytest

from toolgym.apis import HttpBackend, LocalBackend, ServiceError, local_backend
from toolgym.apis.service import ServiceThread
from tests.apis.toy_domain import TOY

CALLS = [
    ("get_counter", {"name": "apples"}),
    ("add", {"name": "apples", "amount": 3}),
    ("add", {"name": "apples", "amount": -100}),
    ("add", {"name": "apples"}),
    ("nope", {}),
    ("broken", {}),
    ("sneaky_read", {"name": "apples"}),
    ("get_counter", {"name": "apples"}),
]


@pytest.fixture(scope="module")
def url():
    with ServiceThread(LocalBackend(TOY)) as u:
        yield u


def test_http_and_in_process_sessions_behave_the_same(url):
    remote = HttpBackend(url)
    local, http = LocalBackend(TOY).open_session(), remote.open_session()
    for name, args in CALLS:
        a, b = local.call(name, args), http.call(name, args)
        assert (a.ok, a.content, a.error_kind) == (b.ok, b.content, b.error_kind), name
    assert local.state_hash() == http.state_hash()
    assert [s.to_dict() for s in remote.specs] == [f.spec.to_dict() for f in TOY.functions]
    http.close()
    remote.close()


def test_health_and_session_lifecycle(url):
    backend = HttpBackend(url)
    session = backend.open_session()
    health = httpx.get(f"{url}/health").json()
    assert health["status"] == "ok" and health["domain"] == "toy" and health["sessions"] >= 1
    session.close()
    res = session.call("get_counter", {"name": "apples"})  # the service forgot it
    assert res.error_kind == "infra" and "404" in res.metadata["exception"]
    backend.close()


def test_replay_hash_over_http_matches_local(url):
    actions = [{"name": "add", "arguments": {"name": "pears", "amount": 4}}]
    assert HttpBackend(url).replay_hash(actions) == LocalBackend(TOY).replay_hash(actions)


def test_session_cap_and_idle_expiry():
    with ServiceThread(LocalBackend(TOY), max_sessions=2) as u:
        backend = HttpBackend(u, retries=0)
        backend.open_session(), backend.open_session()
        with pytest.raises(ServiceError, match="503"):
            backend.open_session()
    with ServiceThread(LocalBackend(TOY), idle_ttl_s=0.0) as u:
        backend = HttpBackend(u)
        old = backend.open_session()
        backend.open_session()  # purges the idle one
        assert old.call("get_counter", {"name": "apples"}).error_kind == "infra"


def test_unreachable_service_is_infra_not_a_crash():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    backend = HttpBackend(f"http://127.0.0.1:{port}", timeout_s=0.5, retries=1, backoff_s=0.01)
    with pytest.raises(ServiceError, match="connection failed"):
        backend.open_session()
    with pytest.raises(ServiceError):
        _ = backend.specs


def test_env_over_http_scores_like_in_process(url):
    from toolgym.agents import ReferenceAgent
    from toolgym.apis import CustomerServiceEnv
    from toolgym.runner import play_episode

    rewards = []
    for api_url in (None, url):
        env = CustomerServiceEnv(TOY, api_url=api_url)
        rec = play_episode(env, ReferenceAgent(), seed=None, task_id="toy-0")
        rewards.append((rec.reward, rec.components["db_match"], rec.errors))
        env.close()
    assert rewards[0] == rewards[1] == (1.0, 1.0, [])


def test_env_with_a_dead_service_reports_infra_error():
    from toolgym_envs.retail import RetailEnv

    with ServiceThread(local_backend("retail")) as u:
        env = RetailEnv(split="test", api_url=u)  # tool specs are fetched while the service is up
    env.reset(seed=0)  # the service is gone now
    obs, reward, term, trunc, info = env.step('<tool_call>{"name": "list_all_product_types", "arguments": {}}</tool_call>')
    assert info["error"] == "infra_error" and "connection failed" in info["error_message"]
    assert "unavailable" in obs and not term
    for _ in range(3):  # the scripted user leaves; scoring cannot reach the service either
        obs, reward, term, trunc, info = env.step("Okay.")
    assert term and reward == 0.0 and info["error"] == "infra_error" and "scoring failed" in info["error_message"]
    env.close()


def test_cli_serves_a_domain_as_a_process():
    proc = subprocess.Popen([sys.executable, "-m", "toolgym.apis", "serve", "--domain", "retail", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("serving retail at http://127.0.0.1:"), (line, proc.stderr.read() if proc.poll() else "")
        base = line.rsplit(" ", 1)[1]
        tools = httpx.get(f"{base}/tools", timeout=10).json()
        assert len(tools) == 14 and {t["kind"] for t in tools} == {"read", "write"}
        sid = httpx.post(f"{base}/sessions", timeout=10).json()["session_id"]
        res = httpx.post(f"{base}/sessions/{sid}/call", json={"name": "calculate", "arguments": {"expression": "2*21"}},
                         timeout=10).json()
        assert res == {"ok": True, "content": "42.00", "error_kind": None}
        assert json.loads(httpx.get(f"{base}/health", timeout=10).text)["sessions"] == 1
    finally:
        os.kill(proc.pid, signal.SIGINT)
        proc.wait(timeout=20)
        proc.stdout.close()
        errors = proc.stderr.read()
        proc.stderr.close()
    assert proc.returncode == 0 and "Traceback" not in errors, errors


def test_listening_socket_is_tcp_so_asyncio_disables_nagle():
    from toolgym.apis.service import bind_socket

    sock = bind_socket("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP  # else keep-alive responses stall on delayed ACKs
    finally:
        sock.close()
