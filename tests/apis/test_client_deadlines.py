"""HttpBackend / HttpSession against hostile API services on loopback: every reply ends in a
ServiceError (or an ``infra`` tool result) within the total deadline, never another exception."""

import pytest

from tests.llm.bad_server import DEADLINE_S, HOSTILE_REPLIES, SLACK_S, BadServer, refused_url, timed
from toolgym.apis import HttpBackend, ServiceError
from toolgym.apis.client import HttpSession
from toolgym.failures import FailureKind

IDS = [i for i, _ in HOSTILE_REPLIES]
STEPS = [s for _, s in HOSTILE_REPLIES]


def backend(url: str) -> HttpBackend:
    return HttpBackend(url, timeout_s=DEADLINE_S, retries=3, backoff_s=0.05)


@pytest.mark.parametrize("step", STEPS, ids=IDS)
def test_hostile_open_session_is_a_service_error_within_the_deadline(step):
    with BadServer([step]) as srv:
        exc, wall = timed(backend(srv.url).open_session)
    assert isinstance(exc, ServiceError), repr(exc)
    assert wall <= DEADLINE_S + SLACK_S, f"{wall:.2f} s"


@pytest.mark.parametrize("step", STEPS, ids=IDS)
def test_hostile_tool_call_is_an_infra_result_within_the_deadline(step):
    with BadServer([step]) as srv:
        session = HttpSession(backend(srv.url), "s1")
        got: list = []
        exc, wall = timed(lambda: got.append(session.call("add", {"x": 1})))
    assert exc is None, repr(exc)
    result = got[0]
    assert not result.ok and result.error_kind == FailureKind.INFRA and result.is_infra
    assert wall <= DEADLINE_S + SLACK_S, f"{wall:.2f} s"



@pytest.mark.parametrize("reply", [
    {"ok": True, "content": "x"},
    {"ok": "yes", "content": "x", "error_kind": None},
    {"ok": True, "content": ["x"], "error_kind": None},
    {"ok": True, "content": "x", "error_kind": {"a": 1}},
    {"ok": True, "content": "x", "error_kind": "exception"},
    [1, 2],
])
def test_malformed_call_results_are_infra(reply):
    with BadServer([("json", reply)]) as srv:
        result = HttpSession(backend(srv.url), "s1").call("add", {})
    message = result.metadata["exception"]
    assert result.is_infra and ("malformed" in message or "inconsistent" in message), message


def test_tool_calls_are_not_retried_but_reads_are():
    with BadServer([("status", 503)]) as srv:
        assert HttpSession(backend(srv.url), "s1").call("add", {}).is_infra
        assert len(srv.requests) == 1
        exc, wall = timed(backend(srv.url).open_session)
    assert isinstance(exc, ServiceError) and len(srv.requests) >= 3 and wall <= DEADLINE_S + SLACK_S


def test_refused_connection_with_retries_is_within_the_deadline():
    b = HttpBackend(refused_url(), timeout_s=DEADLINE_S, retries=100, backoff_s=0.05)
    exc, wall = timed(lambda: b.specs)
    assert isinstance(exc, ServiceError) and "connection failed" in str(exc)
    assert wall <= DEADLINE_S + SLACK_S
