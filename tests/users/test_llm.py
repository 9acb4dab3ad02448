"""LLMUser against a real OpenAI-compatible server on loopback: pinned params, retries, failures."""

import time

import pytest

from tests.llm.bad_server import DEADLINE_S, HOSTILE_REPLIES, SLACK_S, BadServer
from tests.llm.chat_server import ChatServer
from toolgym.errors import EndpointError
from toolgym.tasks import Task
from toolgym.users import LLMUser, LLMUserConfig, StopSignal, make_user

TASK = Task.from_dict({
    "id": "t", "env": "test", "question": "Hi, I want to cancel an order.", "split": "test", "tools": [],
    "gold": {"actions": [], "outputs": [], "user": {
        "instruction": "You are Ana. Cancel order #W1.", "facts": [{"say": "My email is a@b.com.", "when": ["email"]}]}},
    "reference": {"turns": [{"answer": "x"}]},
})


def user_for(srv: ChatServer, **kw) -> LLMUser:
    cfg = {"base_url": srv.base_url, "model": "user-sim-7b", "temperature": 0.0, "seed": 7, "timeout_s": 0.5,
           "max_retries": 1, "backoff_s": 0.01, **kw}
    user = make_user("llm", cfg)
    user.reset(TASK)
    return user


def test_conversation_with_pinned_model_and_stop_signal():
    with ChatServer(["My email is a@b.com.", "Great, thanks! ###STOP###"]) as srv:
        user = user_for(srv)
        first = user.respond("What is your email?")
        last = user.respond("Order #W1 is cancelled.")
        user.close()
    assert first.text == "My email is a@b.com." and first.stop is None
    assert last.stop is StopSignal.STOP
    body = srv.requests[-1]
    assert (body["model"], body["temperature"], body["seed"]) == ("user-sim-7b", 0.0, 7)
    roles = [m["role"] for m in body["messages"]]
    assert roles == ["system", "assistant", "user", "assistant", "user"]
    assert "Cancel order #W1" in body["messages"][0]["content"] and "a@b.com" in body["messages"][0]["content"]
    assert body["messages"][1]["content"] == TASK.question


def test_transfer_and_out_of_scope_signals():
    with ChatServer(["Sure. ###TRANSFER###", "###OUT-OF-SCOPE###"]) as srv:
        user = user_for(srv)
        assert user.respond("I'll transfer you.").stop is StopSignal.TRANSFER
        assert user.respond("What's your favourite film?").stop is StopSignal.OUT_OF_SCOPE


def test_a_500_is_retried():
    with ChatServer([500, "Hello."]) as srv:
        assert user_for(srv).respond("Hi").text == "Hello."
    assert len(srv.requests) == 2


@pytest.mark.parametrize("script, message", [
    ([500, 503], "HTTP 503"),
    (["hang", "hang"], "timed out"),
    (["garbage"], "not JSON"),
    ([""], "no message text"),
])
def test_endpoint_failures_raise_endpoint_error(script, message):
    with ChatServer(script, hang_s=1.5) as srv:
        with pytest.raises(EndpointError, match=message):
            user_for(srv).respond("Hi")


def test_config_rejects_unknown_keys_and_hides_the_key():
    with pytest.raises(ValueError, match="temprature"):
        LLMUserConfig.from_dict({"base_url": "x", "model": "m", "temprature": 0})
    assert "api_key" not in LLMUserConfig("x", "m", api_key="secret").to_dict()


@pytest.mark.parametrize("step", [s for _, s in HOSTILE_REPLIES], ids=[i for i, _ in HOSTILE_REPLIES])
def test_hostile_user_endpoint_ends_the_step_as_infra_within_the_deadline(step):
    """Through the env: any reply of the user model is an infra_error observation, never an exception."""
    from tests.apis.toy_domain import TOY
    from toolgym.apis import CustomerServiceEnv

    with BadServer([step]) as srv:
        env = CustomerServiceEnv(TOY, user="llm", user_config={
            "base_url": f"{srv.url}/v1", "model": "m", "timeout_s": DEADLINE_S, "max_retries": 3, "backoff_s": 0.05})
        env.reset(seed=0)
        start = time.monotonic()
        _, reward, terminated, _, info = env.step("Hello, how can I help?")
        wall = time.monotonic() - start
        env.close()
    assert terminated and reward == 0.0 and info["error"] == "infra_error", info
    assert wall <= DEADLINE_S + SLACK_S, f"{wall:.2f} s"
