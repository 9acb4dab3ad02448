"""The in-process backend: tool semantics, transactions, and gold replay hashes."""

import json

import pytest

from toolgym.apis import GoldReplayError, LocalBackend, ServiceError
from tests.apis.toy_domain import TOY


@pytest.fixture
def backend():
    return LocalBackend(TOY)


def test_write_commits_and_changes_the_hash(backend):
    s = backend.open_session()
    before = s.state_hash()
    res = s.call("add", {"name": "apples", "amount": 2})
    assert res.ok and json.loads(res.content) == {"name": "apples", "value": 7}
    assert s.call("get_counter", {"name": "apples"}).content == "7"
    assert s.state_hash() != before


def test_api_error_is_the_policys_fault_and_rolls_back(backend):
    s = backend.open_session()
    before = s.state_hash()
    res = s.call("add", {"name": "apples", "amount": -9})
    assert not res.ok and res.error_kind == "api_error" and "below zero" in res.content
    assert s.state_hash() == before


def test_read_tools_cannot_write(backend):
    s = backend.open_session()
    assert s.call("sneaky_read", {"name": "apples"}).ok
    assert s.call("get_counter", {"name": "apples"}).content == "5"


def test_a_tool_bug_is_infra_and_rolls_back(backend):
    s = backend.open_session()
    before = s.state_hash()
    res = s.call("broken", {})
    assert res.error_kind == "infra" and "KeyError" in res.metadata["exception"]
    assert s.state_hash() == before


def test_bad_calls_are_reported_not_raised(backend):
    s = backend.open_session()
    assert s.call("nope", {}).error_kind == "unknown_tool"
    bad = s.call("add", {"name": "apples"})
    assert bad.error_kind == "invalid_arguments" and bad.metadata["field"] == "amount"
    assert s.call("add", ["not", "an", "object"]).error_kind == "invalid_arguments"


def test_sessions_are_isolated(backend):
    a, b = backend.open_session(), backend.open_session()
    a.call("add", {"name": "apples", "amount": 1})
    assert b.call("get_counter", {"name": "apples"}).content == "5"


def test_closed_session(backend):
    s = backend.open_session()
    s.close()
    s.close()
    assert s.call("get_counter", {"name": "apples"}).error_kind == "infra"
    with pytest.raises(ServiceError):
        s.state_hash()


def test_replay_hash_matches_a_manual_replay_and_is_cached(backend):
    actions = [{"name": "add", "arguments": {"name": "apples", "amount": 2}}]
    s = backend.open_session()
    s.call("add", {"name": "apples", "amount": 2})
    assert backend.replay_hash(actions) == s.state_hash()
    assert backend.replay_hash([]) != s.state_hash()
    assert json.dumps(actions, sort_keys=True) in backend._hashes


def test_a_failing_gold_action_means_a_broken_task(backend):
    with pytest.raises(GoldReplayError, match="below zero"):
        backend.replay_hash([{"name": "add", "arguments": {"name": "apples", "amount": -50}}])
