"""The core ToolEnv on a sandbox-free task set (an ``add`` tool)."""

import pytest
from gymnasium.error import ResetNeeded

from toolgym.agents import ReferenceAgent
from toolgym.env import ToolEnv
from toolgym.tools import Tool, tool


def test_reset_prompt_contains_tool_spec_and_question(add_env):
    obs, info = add_env.reset(seed=0, options={"task_id": "add-2"})
    assert '"name": "add"' in obs and obs.endswith("What is 14 + 22?")
    assert info == {"task_id": "add-2", "turn": 0}


def test_reference_trajectory_scores_one(add_env):
    agent = ReferenceAgent()
    for task in add_env.tasks:
        obs, _ = add_env.reset(options={"task_id": task.id})
        agent.begin(add_env)
        obs, r, term, trunc, info = add_env.step(agent.act(add_env, obs))
        assert obs == f"<tool_response>\n{task.answer}\n</tool_response>"
        assert (r, term, trunc) == (0.0, False, False)
        assert info["tool_calls"][0]["ok"] and info["error"] is None
        obs, r, term, trunc, info = add_env.step(agent.act(add_env, obs))
        assert (r, term, trunc) == (1.0, True, False)
        assert info["reward_components"] == {"correct": 1.0}


def test_wrong_answer_scores_zero(add_env):
    add_env.reset(options={"task_id": "add-1"})
    _, r, term, _, info = add_env.step("<answer>-1</answer>")
    assert term and r == 0.0 and info["reward_components"] == {"correct": 0.0}


def test_bad_calls_become_observations(add_env):
    add_env.reset(seed=1)
    obs, r, term, trunc, info = add_env.step(
        '<tool_call>{"name": "add", "arguments": {"a": "x", "b": 1}}</tool_call>'
        '<tool_call>{"name": "mul", "arguments": {}}</tool_call>'
        "<tool_call>{oops</tool_call>"
    )
    assert "field 'a'" in obs and "unknown tool 'mul'" in obs and "invalid JSON" in obs
    assert [c["error_kind"] for c in info["tool_calls"]] == ["invalid_arguments", "unknown_tool", "malformed_call"]
    assert info["error"] == "tool_error" and not info["format_ok"] and not term


def test_void_turn_gets_corrective_observation(add_env):
    add_env.reset(seed=1)
    obs, _, term, trunc, info = add_env.step("hmm")
    assert "No tool call and no final answer" in obs and not info["format_ok"] and info["error"] is None


def test_turn_budget_truncates_and_scores(add_env):
    add_env.reset(seed=1)
    for i in range(4):
        _, r, term, trunc, info = add_env.step("thinking")
    assert trunc and not term and info["reward_components"] == {"correct": 0.0}
    with pytest.raises(ResetNeeded):
        add_env.step("again")


def test_per_turn_call_budget(add_tasks):
    env = ToolEnv(add_tasks, [_echo], max_tool_calls=2)
    env.reset(seed=0)
    call = '<tool_call>{"name": "echo", "arguments": {"s": "x"}}</tool_call>'
    _, _, _, _, info = env.step(call * 3)
    assert [c["error_kind"] for c in info["tool_calls"]] == [None, None, "call_budget"]


def test_observation_truncation_is_marked(add_tasks):
    env = ToolEnv(add_tasks, [_echo], max_observation_chars=50)
    env.reset(seed=0)
    obs, _, _, _, info = env.step('<tool_call>{"name": "echo", "arguments": {"s": "' + "y" * 500 + '"}}</tool_call>')
    assert info["observation_truncated"] and obs.endswith("characters]") and "[... truncated" in obs


def test_tool_bug_is_infra_error(add_tasks):
    env = ToolEnv(add_tasks, [_Broken()])
    env.reset(seed=0)
    obs, _, _, _, info = env.step('<tool_call>{"name": "broken", "arguments": {}}</tool_call>')
    assert info["error"] == "infra_error" and "ZeroDivisionError" in info["error_message"]
    assert "failed internally" in obs


def test_step_before_reset_raises(add_tasks):
    with pytest.raises(ResetNeeded):
        ToolEnv(add_tasks, []).step("x")


def test_non_string_action_does_not_crash(add_env):
    add_env.reset(seed=0)
    obs, _, _, _, info = add_env.step(b"bytes")  # type: ignore[arg-type]
    assert not info["format_ok"] and "text" in obs


def test_seed_selects_same_task(add_env):
    a = add_env.reset(seed=7)[1]["task_id"]
    add_env.reset(seed=8)
    assert add_env.reset(seed=7)[1]["task_id"] == a


def test_messages_and_render(add_tasks):
    env = ToolEnv(add_tasks, [_echo], render_mode="ansi")
    env.reset(options={"task_id": "add-0"})
    env.step('<tool_call>{"name": "echo", "arguments": {"s": "hi"}}</tool_call>')
    msgs = env.messages
    assert [m["role"] for m in msgs] == ["system", "user", "assistant", "tool"]
    call = msgs[2]["tool_calls"][0]
    assert call["type"] == "function" and call["function"] == {"name": "echo", "arguments": '{"s": "hi"}'}
    assert msgs[3] == {"role": "tool", "tool_call_id": call["id"], "name": "echo", "content": "hi"}
    assert "[assistant]" in env.render()
    msgs[2]["tool_calls"][0]["function"]["name"] = "changed"  # copies: the record stays as it was
    assert env.messages[2]["tool_calls"][0]["function"]["name"] == "echo"


def test_feedback_and_nameless_calls_are_user_messages(add_tasks):
    env = ToolEnv(add_tasks, [_echo])
    env.reset(options={"task_id": "add-0"})
    env.step("just thinking")
    env.step('<tool_call>{oops</tool_call><tool_call>{"name": "echo", "arguments": {"s": "x"}}</tool_call>')
    roles = [m["role"] for m in env.messages]
    assert roles == ["system", "user", "assistant", "user", "assistant", "tool", "user"]
    assert "No tool call" in env.messages[3]["content"] and "invalid JSON" in env.messages[6]["content"]
    assert env.trajectory.turns[1].observation_messages == env.messages[5:]


def test_structured_calls_run_without_text_parsing(add_tasks):
    from tests.conftest import exact
    from toolgym.rewards.base import Component, Rubric

    env = ToolEnv(add_tasks, [_echo], rubric=Rubric([Component("correct", exact, 1.0)]))
    env.reset(options={"task_id": "add-0"})
    msg = {"role": "assistant", "content": "let me check",
           "tool_calls": [{"id": "c9", "type": "function", "function": {"name": "echo", "arguments": '{"s": "a"}'}},
                          {"id": "c10", "type": "function", "function": {"name": "echo", "arguments": "{bad"}}]}
    obs, r, term, trunc, info = env.step(msg)
    assert [c["id"] for c in info["tool_calls"]] == ["c9", "c10"]
    assert info["tool_calls"][0]["ok"] and info["tool_calls"][1]["error_kind"] == "malformed_call"
    assert info["error"] == "tool_error" and not info["format_ok"]
    assert [m.get("tool_call_id") for m in env.messages[3:]] == ["c9", "c10"]
    # Hermes text in the content still works beside structured calls; an answer in content ends it.
    _, r, term, _, info = env.step({"content": "<answer>%s</answer>" % env.task.answer})
    assert term and r == 1.0 and info["end_reason"] == "answer"


def test_unusable_assistant_messages_are_format_errors(add_env):
    for bad in ({"role": "user", "content": "hi"}, {"content": 5}, {"tool_calls": "x"}, {"tool_calls": [7]}):
        add_env.reset(seed=0)
        obs, r, term, trunc, info = add_env.step(bad)
        assert not info["format_ok"] and not term and r == 0.0 and info["error"] in (None, "tool_error")


def test_scoring_failure_is_infra_not_a_crash(add_tasks):
    from toolgym.rewards.base import Component, Rubric

    def broken(task, traj):
        raise RuntimeError("reward bug")

    env = ToolEnv(add_tasks, [_echo], rubric=Rubric([Component("correct", broken, 1.0)]))
    env.reset(seed=0)
    _, r, term, _, info = env.step("<answer>1</answer>")
    assert term and r == 0.0 and info["error"] == "infra_error" and "reward bug" in info["error_message"]


@tool(name="echo")
def _echo(s: str) -> str:
    """Echo."""
    return s


class _Broken(Tool):  # a Tool whose run() has a bug
    name = "broken"
    description = "always fails"
    parameters = {"type": "object", "properties": {}}

    def run(self, arguments):
        return 1 / 0


def test_lone_surrogates_in_arguments_are_the_policys_fault(add_tasks):
    # Attack: text no UTF-8 service can encode makes the service fail; that must not read as infra.
    env = ToolEnv(add_tasks, [_echo])
    env.reset(seed=0)
    for action in (
        '<tool_call>{"name": "echo", "arguments": {"s": "zoe\\udfff"}}</tool_call>',
        {"tool_calls": [{"id": "a", "type": "function", "function": {"name": "echo", "arguments": '{"s": "\\ud800x"}'}}]},
    ):
        obs, _, _, _, info = env.step(action)
        assert info["error"] == "tool_error" and info["tool_calls"][0]["error_kind"] == "invalid_arguments"
    import gymnasium as gym

    retail = gym.make("ToolGym/Retail-v1")
    retail.reset(seed=0)
    _, _, _, _, info = retail.step('<tool_call>{"name": "get_user_details", "arguments": {"user_id": "zoe\\udfff"}}</tool_call>')
    assert info["error"] == "tool_error"
    retail.close()
