"""``ToolGym/Custom-v0``: tasks + plain functions + any callable reward, through gym.make."""

import gymnasium as gym
import pytest

import toolgym  # noqa: F401  (registers the ToolGym/* ids)


def capital(country: str) -> str:
    """The capital of a country."""
    return {"France": "Paris"}.get(country, "unknown")


TASKS = [{"id": "fr", "question": "Capital of France?", "answer": "Paris"}]


def test_functions_tasks_and_default_exact_match():
    env = gym.make("ToolGym/Custom-v0", tasks=TASKS, tools=[capital])
    obs, _ = env.reset(seed=0)
    assert "capital" in obs and "Capital of France?" in obs
    obs, *_ = env.step('<tool_call>{"name": "capital", "arguments": {"country": "France"}}</tool_call>')
    assert "Paris" in obs
    _, reward, terminated, _, info = env.step("<answer> paris. </answer>")
    assert (reward, terminated, info["reward_components"]["tool_calls"]) == (1.0, True, 1.0)
    env.close()


def test_any_callable_is_the_reward_and_bad_ones_are_refused_early():
    shorter = lambda task, traj: 1.0 / (1 + traj.num_tool_calls) if traj.final_answer == task.answer else 0.0
    env = gym.make("ToolGym/Custom-v0", tasks=TASKS, tools=[capital], reward=shorter)
    env.reset(seed=0)
    assert env.step("<answer>Paris</answer>")[1] == 1.0
    env.close()
    with pytest.raises(TypeError, match="task, trajectory"):
        gym.make("ToolGym/Custom-v0", tasks=TASKS, reward=lambda answer: 1.0)


def test_a_crashing_reward_is_blamed_on_infra_not_a_silent_zero():
    env = gym.make("ToolGym/Custom-v0", tasks=TASKS, reward=lambda task, traj: 1 / 0)
    env.reset(seed=0)
    *_, info = env.step("<answer>Paris</answer>")  # a scorer bug never crashes the episode
    assert info["error"] == "infra_error" and "ZeroDivisionError" in info["error_message"]
    env.close()


def test_a_constant_answer_is_not_paid_by_the_default_reward():
    env = gym.make("ToolGym/Custom-v0", tasks=TASKS + [{"id": "x", "question": "q", "answer": "Lyon"}])
    paid = []
    for task_id in ("fr", "x"):
        env.reset(options={"task_id": task_id})
        paid.append(env.step("<answer>Paris Lyon</answer>")[1])
    assert paid == [0.0, 0.0]
    env.close()


def test_split_and_columns_pass_through(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text('{"q": "a?", "a": "1", "split": "test"}\n{"q": "b?", "a": "2"}\n')
    env = gym.make("ToolGym/Custom-v0", tasks=str(path), columns={"question": "q", "answer": "a"}, split="test")
    assert [t.question for t in env.unwrapped.tasks] == ["a?"]
    env.close()
