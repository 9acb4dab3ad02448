"""CustomerServiceEnv: tool turns vs messages, user stop signals, user failures as infra_error."""

import pytest

from tests.apis.toy_domain import TOY
from tests.llm.chat_server import ChatServer
from toolgym.apis import CustomerServiceEnv, reply_of
from toolgym.errors import TaskValidationError
from toolgym.parsers import HermesParser

CALL = '<tool_call>{"name": "add", "arguments": {"name": "apples", "amount": 2}}</tool_call>'


@pytest.fixture
def env():
    e = CustomerServiceEnv(TOY)
    e.reset(seed=0)
    yield e
    e.close()


def test_prompt_has_policy_tools_and_conversation_rules(env):
    obs, _ = env.reset(seed=1)
    assert "Be a good counter clerk." in obs and '"name": "add"' in obs and "# Conversation" in obs
    assert obs.endswith("Please add 2 to apples.")


def test_plain_text_is_a_message_to_the_user(env):
    obs, reward, term, trunc, info = env.step("Which counter would you like?")
    assert obs == "Apples, please." and info["format_ok"] and info["error"] is None and not term


def test_answer_tags_are_a_message_too(env):
    obs, *_ = env.step("<answer>Which counter?</answer>")
    assert obs == "Apples, please."


def test_tool_turn_sends_no_message(env):
    obs, _, term, _, info = env.step(CALL + "\n<answer>Which counter?</answer>")
    assert '"value": 7' in obs and "not delivered" in obs and not term
    assert info["tool_calls"][0]["ok"]


def test_empty_or_broken_actions_get_a_corrective_observation(env):
    obs, _, term, _, info = env.step("   ")
    assert not info["format_ok"] and "No tool call" in obs and not term
    obs, _, _, _, info = env.step("<answer>unclosed")
    assert not info["format_ok"] and "Unclosed" in obs


def test_episode_ends_when_the_user_stops_and_is_scored(env):
    env.step(CALL)
    obs, reward, term, trunc, info = env.step("Done: I added 2, apples is now 7.")
    assert term and not trunc and info["user_stop"] == "STOP" and "###STOP###" in obs
    assert reward == 1.0 and info["reward_components"] == {"correct": 1.0, "db_match": 1.0, "outputs": 1.0, "tool_calls": 1.0}


def test_outputs_without_the_write_score_zero(env):
    for _ in range(3):
        obs, reward, term, trunc, info = env.step("Apples is now 7, I added it.")
        if term:
            break
    assert term and reward == 0.0 and info["reward_components"]["db_match"] == 0.0
    assert info["reward_components"]["outputs"] == 1.0


def test_turn_budget_truncates():
    env = CustomerServiceEnv(TOY, max_turns=2)
    env.reset(seed=0)
    env.step(CALL)
    _, reward, term, trunc, info = env.step('<tool_call>{"name": "get_counter", "arguments": {"name": "apples"}}</tool_call>')
    assert trunc and not term and reward == 0.0 and "correct" in info["reward_components"]


def test_each_reset_gets_a_fresh_database(env):
    env.step(CALL)
    env.reset(seed=0)
    obs, *_ = env.step('<tool_call>{"name": "get_counter", "arguments": {"name": "apples"}}</tool_call>')
    assert "<tool_response>\n5\n</tool_response>" in obs


def test_unplayable_tasks_are_refused_at_reset(env):
    from toolgym_envs.retail.domain import DOMAIN

    with pytest.raises(TaskValidationError, match="lacks"):
        env.reset(options={"task": DOMAIN.tasks()[0]})
    no_script = {**TOY.tasks()[0].to_dict(), "gold": {"actions": []}}
    with pytest.raises(TaskValidationError, match="instruction"):
        env.reset(options={"task": no_script})
    assert env.reset(options={"task_id": "toy-0"})[1]["task_id"] == "toy-0"


def test_reply_of():
    p = HermesParser()
    assert reply_of(p.parse("hello")) == "hello"
    assert reply_of(p.parse("<answer>a</answer> and <answer>b</answer>")) == "a\nb"
    assert reply_of(p.parse(CALL)) is None
    assert reply_of(p.parse("")) is None
    assert reply_of(p.parse("<answer>unclosed")) is None


@pytest.mark.parametrize("script, message", [([500, 500], "HTTP 500"), (["hang", "hang"], "timed out"),
                                             (["garbage"], "not JSON")])
def test_llm_user_failure_ends_the_episode_as_infra_error(script, message):
    with ChatServer(script, hang_s=1.5) as srv:
        env = CustomerServiceEnv(TOY, user="llm", user_config={
            "base_url": srv.base_url, "model": "m", "timeout_s": 0.5, "max_retries": 1, "backoff_s": 0.01})
        env.reset(seed=0)
        obs, reward, term, trunc, info = env.step("Which counter?")
        env.close()
    assert term and info["error"] == "infra_error"
    assert message in info["error_message"] and "user simulator failed" in info["error_message"]
    assert "unavailable" in obs


def test_llm_user_episode_runs_to_its_stop_signal():
    with ChatServer(["Apples, please.", "Yes.", "Thanks! ###STOP###"]) as srv:
        env = CustomerServiceEnv(TOY, user="llm", user_config={"base_url": srv.base_url, "model": "m"})
        env.reset(seed=0)
        assert env.step("Which counter?")[0] == "Apples, please."
        env.step("Shall I add 2 to apples?")
        env.step(CALL)
        obs, reward, term, trunc, info = env.step("Added 2: apples is now 7.")
        env.close()
    assert term and info["user_stop"] == "STOP" and reward == 1.0 and info["error"] is None


def test_outputs_count_only_what_the_user_reads_of_a_reply(env):
    """Same rule as the simulated user (issue 12, item 5): text past READ_LIMIT in one reply is not heard."""
    from toolgym.users.text import READ_LIMIT

    env.step(CALL)
    filler = "Let me explain at length. " * (READ_LIMIT // 20)
    obs, reward, term, _, info = env.step(filler + "Done: I added 2, apples is now 7.")
    assert not term  # the user did not read that far, so it keeps waiting
    for _ in range(3):
        obs, reward, term, _, info = env.step("Hmm.")
        if term:
            break
    assert term and info["reward_components"]["outputs"] == 0.0 and reward == 0.0
