"""Choosing the backend: sandbox="local" | "docker" | "auto", TOOLGYM_SANDBOX, and MathTIR on each."""

from __future__ import annotations

import os
import warnings

import gymnasium as gym
import pytest

import toolgym  # noqa: F401  (registers the envs)
from toolgym.agents import ReferenceAgent
from toolgym.errors import SandboxError, SandboxStartError
from toolgym.runner import iter_episodes
from toolgym.sandbox import LocalSandbox, make_sandbox, resolve_kind
from toolgym.sandbox.containers import SANDBOX_UID
from toolgym.sandbox.reaper import OWNER_PID_LABEL
from toolgym.sandbox.selection import ENV_VAR

from .conftest import session_containers

ENV_ID = "ToolGym/MathTIR-v1"
WHOAMI = '<tool_call>{"name": "python", "arguments": {"code": "import os; print(os.getuid())"}}</tool_call>'
NO_ENGINE = "unix:///nonexistent/docker.sock"


def test_kind_comes_from_the_argument_then_the_environment(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert resolve_kind(None) == "local"
    monkeypatch.setenv(ENV_VAR, "docker")
    assert resolve_kind(None) == "docker"
    assert resolve_kind("local") == "local"
    monkeypatch.setenv(ENV_VAR, "vm")
    with pytest.raises(SandboxError, match=r"unknown sandbox kind 'vm' \(from \$TOOLGYM_SANDBOX\)"):
        resolve_kind(None)


def test_auto_without_an_engine_falls_back_to_local_with_a_warning(monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", NO_ENGINE)
    with pytest.warns(RuntimeWarning, match="using the local sandbox .kernel namespaces where allowed, not a container boundary") as caught:
        assert resolve_kind("auto") == "local"
    assert len(caught) == 1 and "\n" not in str(caught[0].message)
    with pytest.warns(RuntimeWarning):
        box = make_sandbox("auto", limits=None)
    assert isinstance(box, LocalSandbox)
    box.close()


def test_docker_without_an_engine_fails_at_make(monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", NO_ENGINE)
    with pytest.raises(SandboxStartError, match="no Docker engine answers"):
        gym.make(ENV_ID, split="test", sandbox="docker")


def uid_seen_by_the_tool(env) -> str:
    env.reset(seed=0)
    obs, *_ = env.step(WHOAMI)
    return obs


def test_mathtir_default_stays_local(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    env = gym.make(ENV_ID, split="test")
    try:
        assert str(SANDBOX_UID) not in uid_seen_by_the_tool(env)
    finally:
        env.close()


def test_auto_uses_docker_when_it_answers(docker_engine):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no fallback warning
        assert resolve_kind("auto") == "docker"


@pytest.mark.parametrize("how", ["argument", "environment"])
def test_mathtir_on_docker_shares_a_pool_and_close_leaves_nothing(docker_engine, monkeypatch, how):
    kwargs = {"sandbox": "docker"} if how == "argument" else {}
    if how == "environment":
        monkeypatch.setenv(ENV_VAR, "docker")
    envs = [gym.make(ENV_ID, split="test", **kwargs) for _ in range(2)]
    try:
        for env in envs:
            assert f"{SANDBOX_UID}" in uid_seen_by_the_tool(env)
        ours = [c for c in session_containers(docker_engine) if c["Labels"][OWNER_PID_LABEL] == str(os.getpid())]
        assert len(ours) == 2  # one pre-warmed container per env in the shared pool
        # A worker the policy's code killed is the policy's fault (issue 12), never infra's.
        envs[0].reset(seed=1)
        kill = '<tool_call>{"name": "python", "arguments": {"code": "import os; os.kill(os.getpid(), 9)"}}</tool_call>'
        _, _, _, _, info = envs[0].step(kill)
        assert info["error"] == "tool_error"
    finally:
        for env in envs:
            env.close()
    assert session_containers(docker_engine) == []


def test_mathtir_reference_rewards_match_on_docker_and_local(docker_engine):
    """The reference agent scores the same on every task of the test split with both backends,
    and sees the same tool outputs."""
    records = {}
    for kind in ("local", "docker"):
        env = gym.make(ENV_ID, split="test", sandbox=kind)
        try:
            episodes = len(env.unwrapped.tasks)
            records[kind] = {r.task_id: r for r in iter_episodes(env.unwrapped, ReferenceAgent(), episodes)}
        finally:
            env.close()
    assert len(records["docker"]) == episodes > 0  # every task of the split, once
    rewards = {kind: {task: r.reward for task, r in recs.items()} for kind, recs in records.items()}
    assert rewards["docker"] == rewards["local"]
    assert not any(r.infra_error for r in records["docker"].values())
    observations = {
        kind: {task: [turn.get("observation") for turn in r.turns] for task, r in recs.items()}
        for kind, recs in records.items()
    }
    assert observations["docker"] == observations["local"]
