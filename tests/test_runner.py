"""Evaluation runs on ToolGym/MathTIR-v1: reference agent, constant baseline, LLM endpoint."""

import json

import toolgym  # noqa: F401
from toolgym.agents import ConstantAgent, OpenAIAgent, ReferenceAgent
from toolgym.llm import ChatClient
from toolgym.runner import run
from tests.llm.chat_server import ChatServer

ENV = "ToolGym/MathTIR-v1"


def test_reference_agent_scores_one_on_200_test_episodes(tmp_path):
    out = tmp_path / "traj.jsonl"
    summary = run(ENV, ReferenceAgent(), episodes=200, seed=0, env_kwargs={"split": "test"}, output=out)
    assert summary.episodes == 200
    assert summary.mean_reward == 1.0 and summary.success_rate == 1.0
    assert summary.tool_calls_per_episode >= 1.0
    assert summary.errors == {}
    lines = out.read_text().splitlines()
    assert len(lines) == 200 and json.loads(lines[0])["reward"] == 1.0


def test_constant_zero_agent_scores_near_zero():
    summary = run(ENV, ConstantAgent("0"), episodes=200, seed=0, env_kwargs={"split": "test"})
    assert summary.mean_reward <= 0.02


def test_openai_agent_against_loopback_endpoint():
    with ChatServer(default="<answer>0</answer>") as srv:
        agent = OpenAIAgent(ChatClient(srv.base_url, "m", timeout_s=2.0, backoff_s=0.01))
        summary = run(ENV, agent, episodes=3, env_kwargs={"split": "test"})
        assert summary.episodes == 3 and summary.errors == {}
        first = srv.requests[0]["messages"]
        assert first[0]["role"] == "system" and first[1]["role"] == "user"
        assert srv.requests[0]["tools"][0]["function"]["name"] == "python"


def test_endpoint_failure_ends_episode_as_infra_error():
    with ChatServer(["garbage"] * 20) as srv:
        agent = OpenAIAgent(ChatClient(srv.base_url, "m", timeout_s=1.0, max_retries=0))
        summary = run(ENV, agent, episodes=2, env_kwargs={"split": "test"})
        # an endpoint that never answered stops the run after one episode, saying why
        assert summary.errors == {"endpoint_error": 1} and summary.success_rate == 0.0
        assert summary.stopped is not None and "never answered" in summary.stopped
        assert "infra_error" in summary.error_messages


def test_an_endpoint_that_goes_down_mid_run_stops_it_after_three_failed_episodes():
    from toolgym.runner import MAX_ENDPOINT_FAILURES_IN_A_ROW

    # two good episodes, then garbage for ever: the run stops after 3 endpoint-ended episodes in a row
    with ChatServer(["<answer>0</answer>"] * 2, default="garbage") as srv:
        agent = OpenAIAgent(ChatClient(srv.base_url, "m", timeout_s=1.0, max_retries=0))
        summary = run(ENV, agent, episodes=20, env_kwargs={"split": "test"})
    assert summary.episodes == 2 + MAX_ENDPOINT_FAILURES_IN_A_ROW
    assert summary.stopped is not None and "3 episodes in a row" in summary.stopped
    assert ("stopped early", summary.stopped) in summary.rows()
