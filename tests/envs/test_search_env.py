"""ToolGym/SearchQA-v1: reference trajectories, the Search-R1 format, EM/F1/OTC rewards, and the
retriever service shared over HTTP (including what happens when it is down)."""

import socket
import threading
import time

import gymnasium as gym
import pytest
import uvicorn

import toolgym  # noqa: F401  (registers the envs)
from toolgym.agents import ReferenceAgent
from toolgym.runner import play_episode
from toolgym.search.service import create_app
from toolgym_envs.search import SearchQAEnv
from toolgym_tasks.search import bm25_index


@pytest.fixture(scope="module")
def env():
    e = SearchQAEnv(split="all")
    yield e
    e.close()


def test_every_reference_trajectory_scores_one(env):
    agent = ReferenceAgent()
    assert len(env.tasks) >= 1000
    for task in env.tasks:
        rec = play_episode(env, agent, seed=None, task_id=task.id)
        assert rec.reward == 1.0 and rec.terminated and not rec.errors, task.id
        assert rec.components["f1"] == 1.0 and rec.components["searches"] == task.metadata["hops"]


def test_search_r1_format(env):
    task = next(t for t in env.tasks if t.metadata["hops"] == 2)
    obs, _ = env.reset(options={"task_id": task.id})
    assert "<search>" in obs and "<information>" in obs and obs.endswith(task.question)
    hop = task.gold["hops"][0]
    obs, r, term, trunc, info = env.step(f"<think>Let me look it up.</think>\n<search>{hop['query']}</search>")
    assert obs.startswith("<information>Doc 1 (Title: ") and obs.endswith("</information>")
    assert hop["answer"] in obs and not term and info["error"] is None
    obs, r, term, trunc, info = env.step(f"<answer> the {task.answer}. </answer>")
    assert term and r == 1.0  # normalized exact match


def test_wrong_and_partial_answers(env):
    task = next(t for t in env.tasks if t.metadata["template"] == "city_river")
    env.reset(options={"task_id": task.id})
    _, r, term, _, info = env.step("<answer>Some River</answer>")
    assert term and r == 0.0 and info["reward_components"]["f1"] == pytest.approx(0.5)


def test_one_search_per_turn_and_bad_queries_are_tool_errors(env):
    env.reset(options={"task_id": env.tasks[0].id})
    obs, *_, info = env.step("<search>a</search><search>b</search>")
    assert info["error"] == "tool_error" and info["tool_calls"][1]["error_kind"] == "call_budget"
    _, *_, info = env.step("<search>   </search>")
    assert info["error"] == "tool_error" and info["tool_calls"][0]["error_kind"] == "invalid_arguments"


def test_otc_pays_for_efficiency():
    env = gym.make("ToolGym/SearchQA-v1", split="test", otc=True)
    base = env.unwrapped
    task = next(t for t in base.tasks if t.metadata["hops"] == 2)
    rewards = []
    for extra in (0, 2):
        env.reset(options={"task_id": task.id})
        for _ in range(extra):
            env.step("<search>something unrelated</search>")
        for hop in task.gold["hops"]:
            env.step(f"<search>{hop['query']}</search>")
        _, r, term, _, info = env.step(f"<answer>{task.answer}</answer>")
        assert term and info["reward_components"]["correct"] == 1.0
        rewards.append(r)
    assert rewards[0] == 1.0 and 0.0 < rewards[1] < 1.0
    env.close()


@pytest.fixture
def live_service():
    server = uvicorn.Server(uvicorn.Config(create_app(bm25_index()), host="127.0.0.1", port=0, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    yield server, f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    server.should_exit = True
    thread.join(10)


def test_envs_share_a_retriever_service(live_service):
    _, url = live_service
    envs = [gym.make("ToolGym/SearchQA-v1", split="test", service_url=url) for _ in range(2)]
    agent = ReferenceAgent()
    for e in envs:
        for task in list(e.unwrapped.tasks)[:15]:
            rec = play_episode(e.unwrapped, agent, seed=None, task_id=task.id)
            assert rec.reward == 1.0 and not rec.errors
        e.close()


def test_service_down_is_an_infra_error_not_a_crash():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = SearchQAEnv(split="test", service_url=f"http://127.0.0.1:{port}")
    env.reset(seed=0)
    obs, r, term, trunc, info = env.step("<search>anything</search>")
    assert info["error"] == "infra_error" and "unavailable" in obs and not term
    env.close()


def test_retriever_and_service_url_are_exclusive():
    with pytest.raises(ValueError):
        SearchQAEnv(retriever=bm25_index(), service_url="http://127.0.0.1:1")
