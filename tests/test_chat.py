"""Chat mode (``gym.make(id, mode="chat")``): OpenAI messages in, assistant messages out, every env."""

import json
import warnings

import gymnasium as gym
import pytest
from gymnasium.utils.env_checker import check_env

import toolgym

ENV_IDS = sorted(toolgym.env_ids())


def _reference_message(env, turn) -> dict:
    """A reference turn as an assistant message: structured calls, thought and answer as content."""
    msg = {"role": "assistant", "content": env.unwrapped.parser.render_action([], turn.answer, turn.thought)}
    if turn.tool_calls:
        msg["tool_calls"] = [
            {"id": f"ref_{i}", "type": "function", "function": {"name": c.name, "arguments": json.dumps(c.arguments)}}
            for i, c in enumerate(turn.tool_calls)
        ]
    return msg


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_check_env_passes_without_warnings(env_id):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        env = gym.make(env_id, mode="chat")
        assert env.unwrapped.chat_mode
        check_env(env)
        env.close()
    assert [str(w.message) for w in caught] == []


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_reference_calls_as_structured_tool_calls_score_one(env_id):
    env = gym.make(env_id, mode="chat", split="test")
    for task in list(env.unwrapped.tasks)[:10]:
        obs, _ = env.reset(options={"task_id": task.id})
        assert env.observation_space.contains(obs)
        assert "<tools>" not in obs["messages"][0]["content"] and obs["tools"]
        done, reward = False, 0.0
        filler = type(task.reference[0])(answer="")  # as the text reference agent: empty answers after the last turn
        for turn in [*task.reference, *[filler] * env.unwrapped.max_turns]:
            obs, reward, term, trunc, info = env.step(_reference_message(env, turn))
            assert info["error"] is None, (task.id, info)
            if turn.tool_calls and not (term or trunc):
                tool_msgs = [m for m in obs["messages"] if m["role"] == "tool"][-len(turn.tool_calls):]
                assert [m["tool_call_id"] for m in tool_msgs] == [f"ref_{i}" for i in range(len(turn.tool_calls))]
            done = term or trunc
            if done:
                break
        assert done and reward == 1.0, (task.id, reward)
    env.close()


def test_json_string_and_plain_text_actions():
    env = gym.make("ToolGym/MathTIR-v1", mode="chat", split="test")
    env.reset(seed=0)
    call = {"id": "j1", "type": "function", "function": {"name": "python", "arguments": '{"code": "print(1+1)"}'}}
    obs, *_ = env.step(json.dumps({"role": "assistant", "content": None, "tool_calls": [call]}))
    assert obs["messages"][-1] == {"role": "tool", "tool_call_id": "j1", "name": "python", "content": "2\n"}
    obs, r, term, trunc, info = env.step("just text, no call")  # plain text is the message's content
    assert obs["messages"][-2] == {"role": "assistant", "content": "just text, no call"}
    assert obs["messages"][-1]["role"] == "user" and not info["format_ok"]
    env.close()


def test_chat_and_token_modes_are_exclusive_and_modes_are_checked():
    with pytest.raises(ValueError, match="exclusive"):
        gym.make("ToolGym/MathTIR-v1", mode="chat", tokenizer=object())
    with pytest.raises(ValueError, match="mode must be one of"):
        gym.make("ToolGym/MathTIR-v1", mode="tokens")
