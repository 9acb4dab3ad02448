"""ChatClient against hostile servers on loopback: every reply ends in EndpointError within the total
deadline (retries included), never another exception or a hang."""

import resource

import pytest

from tests.llm.bad_server import DEADLINE_S, HOSTILE_REPLIES, SLACK_S, BadServer, refused_url, timed
from toolgym.errors import EndpointError
from toolgym.llm import ChatClient, JsonHttp
from toolgym.llm.jsonhttp import check_depth, parse_json


def client(url: str, **kw) -> ChatClient:
    return ChatClient(f"{url}/v1", "m", timeout_s=DEADLINE_S, max_retries=3, backoff_s=0.05, **kw)


@pytest.mark.parametrize("step", [s for _, s in HOSTILE_REPLIES], ids=[i for i, _ in HOSTILE_REPLIES])
def test_hostile_reply_is_an_endpoint_error_within_the_deadline(step):
    with BadServer([step]) as srv:
        c = client(srv.url)
        exc, wall = timed(c.chat, [{"role": "user", "content": "hi"}])
        c.close()
    assert isinstance(exc, EndpointError), repr(exc)
    assert wall <= DEADLINE_S + SLACK_S, f"{wall:.2f} s"


def test_trickle_that_would_take_minutes_is_cut_at_the_deadline():
    """The issue's case: one byte every 1.5 s used to hold a call for 121 s with timeout_s=2."""
    body = b'{"choices": [{"message": {"content": "' + b"x" * 100 + b'"}}]}'
    with BadServer([("trickle", body, 0.3)]) as srv:
        c = ChatClient(f"{srv.url}/v1", "m", timeout_s=2.0, max_retries=3, backoff_s=0.01)
        exc, wall = timed(c.chat, [])
    assert isinstance(exc, EndpointError) and "timed out" in str(exc)
    assert 1.9 <= wall <= 2.0 + SLACK_S


def test_retries_fit_inside_the_deadline():
    with BadServer([("status", 503)]) as srv:
        c = ChatClient(f"{srv.url}/v1", "m", timeout_s=1.0, max_retries=50, backoff_s=0.1)
        exc, wall = timed(c.chat, [])
    assert isinstance(exc, EndpointError) and "HTTP 503" in str(exc)
    assert wall <= 1.0 + SLACK_S
    assert 2 <= len(srv.requests) < 51  # it retried, and stopped when time ran out


def test_hang_then_success_is_not_retried_past_the_deadline():
    ok = {"choices": [{"message": {"content": "late"}}]}
    with BadServer([("hang",), ("json", ok)]) as srv:
        c = client(srv.url)
        exc, wall = timed(c.chat, [])
    assert isinstance(exc, EndpointError) and wall <= DEADLINE_S + SLACK_S


def test_connection_refused_with_retries_is_within_the_deadline():
    c = ChatClient(f"{refused_url()}/v1", "m", timeout_s=DEADLINE_S, max_retries=100, backoff_s=0.05)
    exc, wall = timed(c.chat, [])
    assert isinstance(exc, EndpointError) and "connection failed" in str(exc)
    assert wall <= DEADLINE_S + SLACK_S


def test_huge_reply_is_never_held_whole():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with BadServer([("huge", 300 * 2**20, False)]) as srv:
        exc, _ = timed(client(srv.url, max_reply_bytes=2**20).chat, [])
    assert isinstance(exc, EndpointError) and "limit" in str(exc)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 100, f"peak RSS grew {grown_mb:.0f} MB for a 300 MB reply"


def test_a_good_reply_after_a_failure_still_works():
    ok = {"choices": [{"message": {"content": "fine", "tool_calls": [{"id": "1"}]}}]}
    with BadServer([("status", 500), ("close",), ("json", ok)]) as srv:
        msg = client(srv.url).chat([])
    assert msg["content"] == "fine" and len(srv.requests) == 3


@pytest.mark.parametrize("reply, message", [
    ({"choices": []}, "no choices"),
    ({"choices": [{"message": "text"}]}, "not an object"),
    ({"choices": [{"message": {"content": 5}}]}, "content is not a string"),
    ({"choices": [{"message": {"content": "x", "tool_calls": "call"}}]}, "tool_calls"),
    ("just a string", "no choices"),
])
def test_wrong_shapes_name_the_problem(reply, message):
    with BadServer([("json", reply)]) as srv:
        with pytest.raises(EndpointError, match=message):
            client(srv.url).chat([])


def test_json_checks_do_not_recurse():
    deep = current = []
    for _ in range(100_000):  # deeper than Python's recursion limit: the check must be iterative
        current.append([])
        current = current[0]
    with pytest.raises(ValueError, match="deeper than 64"):
        check_depth(deep)
    check_depth([[[]]])
    with pytest.raises(ValueError, match="nested too deeply"):
        parse_json(b"{\"a\": " * 100_000)


def test_jsonhttp_rejects_bad_settings():
    with pytest.raises(ValueError):
        JsonHttp("http://x", timeout_s=0)


def test_hostnames_are_resolved_within_the_deadline():
    ok = {"choices": [{"message": {"content": "by name"}}]}
    with BadServer([("json", ok)]) as srv:
        port = srv.url.rsplit(":", 1)[1]
        assert ChatClient(f"http://localhost:{port}/v1", "m", timeout_s=DEADLINE_S).chat([])["content"] == "by name"
    exc, wall = timed(ChatClient("http://no-such-host.invalid/v1", "m", timeout_s=DEADLINE_S, max_retries=2).chat, [])
    assert isinstance(exc, EndpointError) and wall <= DEADLINE_S + SLACK_S


def test_a_compressed_reply_under_the_cap_is_read():
    import gzip
    import json

    from tests.llm import bad_server

    body = gzip.compress(json.dumps({"choices": [{"message": {"content": "z" * 100_000}}]}).encode())
    reply = bad_server._head(200, len(body), extra=b"Content-Encoding: gzip\r\n") + body
    with BadServer([("raw", reply)]) as srv:
        assert client(srv.url).chat([])["content"] == "z" * 100_000


def test_the_environment_proxy_is_used_and_still_bounded(monkeypatch):
    ok = {"choices": [{"message": {"content": "via proxy"}}]}
    with BadServer([("json", ok), ("trickle", b'{"choices": []}' * 20, 0.2)]) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("NO_PROXY", "")
        c = ChatClient("http://llm.example.invalid/v1", "m", timeout_s=DEADLINE_S, max_retries=0)
        assert c.chat([])["content"] == "via proxy"
        assert proxy.requests[0].startswith(b"POST http://llm.example.invalid/v1/chat/completions")
        exc, wall = timed(c.chat, [])
    assert isinstance(exc, EndpointError) and wall <= DEADLINE_S + SLACK_S
