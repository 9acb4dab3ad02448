"""Evaluation runs: play N episodes of an env with an agent and summarise them.

Episodes walk a seeded permutation of the env's task set (cycling when N exceeds it), so a run
covers the split evenly and the same seed replays the same tasks. Step latency is the env's own
time (tools included), not the agent's.
"""

from __future__ import annotations

import json
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import gymnasium as gym
import numpy as np

from toolgym.agents.base import Agent
from toolgym.env import ToolEnv
from toolgym.errors import EndpointError, ToolGymError
from toolgym.lookup import check_env_kwargs, resolve_env_id
from toolgym.metrics import pass_k_curve


@dataclass
class EpisodeRecord:
    """One finished episode, as written to the trajectories JSONL."""

    task_id: str
    reward: float
    success: bool
    components: dict[str, float]
    tool_calls: int
    turns: list[dict[str, Any]]
    errors: list[str]
    step_latencies_s: list[float]
    terminated: bool
    truncated: bool
    infra_error: bool = False
    #: The env id the episode ran in (set by :func:`run`; read by ``toolgym view``).
    env_id: str | None = None

    def to_json(self) -> str:
        d = dict(self.__dict__)
        return json.dumps(d, ensure_ascii=True)


@dataclass
class RunSummary:
    """Aggregates over a run's episodes."""

    env_id: str
    episodes: int
    mean_reward: float
    success_rate: float
    tool_calls_per_episode: float
    median_step_latency_ms: float
    errors: dict[str, int] = field(default_factory=dict)
    wall_s: float = 0.0
    #: With several trials per task: pass^k for k = 1..trials (see :mod:`toolgym.metrics`).
    pass_k: dict[int, float] = field(default_factory=dict)
    #: The first message of each error kind (why the endpoint failed, what the tool said...).
    error_messages: dict[str, str] = field(default_factory=dict)
    #: Why the run stopped before playing every episode (``None`` when it did not).
    stopped: str | None = None

    def rows(self) -> list[tuple[str, str]]:
        errs = ", ".join(f"{k}: {v}" for k, v in sorted(self.errors.items())) or "none"
        return [
            ("env", self.env_id),
            ("episodes", str(self.episodes)),
            ("mean reward", f"{self.mean_reward:.4f}"),
            ("success rate", f"{self.success_rate:.2%}"),
            ("tool calls / episode", f"{self.tool_calls_per_episode:.2f}"),
            ("median step latency", f"{self.median_step_latency_ms:.3f} ms"),
            ("errors by kind", errs),
            ("wall time", f"{self.wall_s:.1f} s"),
            *((f"pass^{k}", f"{v:.4f}") for k, v in self.pass_k.items()),
            *((f"first {k}", _one_line(v)) for k, v in sorted(self.error_messages.items())
              if not (self.stopped and _one_line(v) in self.stopped)),
            *((("stopped early", self.stopped),) if self.stopped else ()),
        ]


class RunConfigError(ToolGymError):
    """Raised when a run cannot start: bad episode counts, or an env that cannot be made with these arguments."""


#: A run stops after this many episodes in a row ended by an endpoint failure.
MAX_ENDPOINT_FAILURES_IN_A_ROW = 3


def _one_line(text: str, limit: int = 200) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _endpoint_failure(record: "EpisodeRecord") -> str | None:
    """The message when the agent's endpoint ended this episode, else ``None``."""
    for turn in record.turns:
        if turn.get("action") is None and turn.get("error") == "infra_error":
            return str(turn.get("error_message"))
    return None


def make_env(env_id: str, env_kwargs: dict[str, Any] | None = None) -> gym.Env[Any, Any]:
    """``gym.make(env_id, **env_kwargs)`` with one-line errors: an unknown id or argument names the fix.

    Raises :class:`~toolgym.lookup.UnknownEnvError`, :class:`~toolgym.lookup.UnknownEnvArgError`,
    :class:`RunConfigError` (the env refused a value, such as an unknown split) or another
    :class:`~toolgym.errors.ToolGymError` (a missing extra names its ``pip install``).
    """
    env_id = resolve_env_id(env_id)
    kwargs = dict(env_kwargs or {})
    check_env_kwargs(env_id, kwargs)
    try:
        return gym.make(env_id, **kwargs)
    except ToolGymError:
        raise
    except ModuleNotFoundError as exc:
        from toolgym.extras import missing_extra

        missing = missing_extra(exc, purpose=env_id)
        if missing is None:
            raise
        raise missing from None
    except (ValueError, TypeError, KeyError) as exc:
        args = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
        raise RunConfigError(f"cannot make {env_id}({args}): {_one_line(str(exc))}") from None


def is_success(reward: float, components: dict[str, float]) -> bool:
    """An episode succeeds when its ``correct`` component (or, without one, its reward) is 1."""
    return components.get("correct", reward) >= 1.0 - 1e-9


def play_episode(env: ToolEnv, agent: Agent, *, seed: int | None, task_id: str) -> EpisodeRecord:
    """Run one episode to its end; endpoint failures end it flagged as ``infra_error``."""
    obs, _ = env.reset(seed=seed, options={"task_id": task_id})
    agent.begin(env)
    turns: list[dict[str, Any]] = []
    latencies: list[float] = []
    errors: list[str] = []
    reward, components = 0.0, {}
    terminated = truncated = infra = False
    while not (terminated or truncated):
        try:
            action = agent.act(env, obs)
        except EndpointError as exc:
            errors.append("endpoint_error")
            infra = True
            turns.append({"action": None, "error": "infra_error", "error_message": str(exc)})
            break
        start = time.perf_counter()
        obs, reward, terminated, truncated, info = env.step(action)
        latencies.append(time.perf_counter() - start)
        if info["error"]:
            errors.append(info["error"])
            infra = infra or info["error"] == "infra_error"
        if not info["format_ok"]:
            errors.append("format_error")
        components = info["reward_components"]
        turns.append({"action": action, "observation": obs, **info})
    return EpisodeRecord(
        task_id=task_id,
        reward=float(reward),
        success=is_success(reward, components) and not infra,
        components=dict(components),
        tool_calls=sum(len(t.get("tool_calls", [])) for t in turns),
        turns=turns,
        errors=errors,
        step_latencies_s=latencies,
        terminated=terminated,
        truncated=truncated,
        infra_error=infra,
    )


def task_order(env: ToolEnv, seed: int) -> list[str]:
    """The env's task ids in a seeded permutation: a run covers its split evenly, reproducibly."""
    ids = [t.id for t in env.tasks]
    return [ids[i] for i in np.random.default_rng(seed).permutation(len(ids))]


def iter_episodes(
    env: ToolEnv, agent: Agent, episodes: int, seed: int = 0, trials: int = 1
) -> Iterator[EpisodeRecord]:
    """Play the run's episodes over a seeded permutation of the env's tasks.

    With ``trials == 1``: ``episodes`` episodes, cycling through the permutation. With more: the
    first ``episodes`` tasks of the permutation, each played ``trials`` times (trial ``t`` resets
    with seed ``seed + t``), for pass^k.
    """
    order = task_order(env, seed)
    if trials == 1:
        for i in range(episodes):
            yield play_episode(env, agent, seed=seed if i == 0 else None, task_id=order[i % len(order)])
        return
    for trial in range(trials):
        for task_id in order[: min(episodes, len(order))]:
            yield play_episode(env, agent, seed=seed + trial, task_id=task_id)


def summarize(env_id: str, records: list[EpisodeRecord], wall_s: float) -> RunSummary:
    """Aggregate episode records into a :class:`RunSummary`."""
    n = len(records)
    lat = [x for r in records for x in r.step_latencies_s]
    return RunSummary(
        env_id=env_id,
        episodes=n,
        mean_reward=sum(r.reward for r in records) / n if n else 0.0,
        success_rate=sum(r.success for r in records) / n if n else 0.0,
        tool_calls_per_episode=sum(r.tool_calls for r in records) / n if n else 0.0,
        median_step_latency_ms=statistics.median(lat) * 1e3 if lat else 0.0,
        errors=dict(Counter(e for r in records for e in r.errors)),
        wall_s=wall_s,
        error_messages=_first_messages(records),
    )


def _first_messages(records: list[EpisodeRecord]) -> dict[str, str]:
    firsts: dict[str, str] = {}
    for r in records:
        for turn in r.turns:
            kind, message = turn.get("error"), turn.get("error_message")
            if kind and message and kind not in firsts:
                firsts[str(kind)] = str(message)
    return firsts


def run(
    env_id: str,
    agent: Agent,
    *,
    episodes: int,
    seed: int = 0,
    trials: int = 1,
    env_kwargs: dict[str, Any] | None = None,
    output: str | Path | None = None,
    progress: Callable[[int], Any] | None = None,
) -> RunSummary:
    """Make ``env_id``, play the episodes, optionally write trajectories, summarise.

    ``trials > 1`` plays each of ``episodes`` tasks ``trials`` times and adds pass^k to the summary;
    an episode with an ``infra_error`` counts as a failure there.

    The run fails fast when the agent's endpoint is down: it stops after the first episode if the
    endpoint failed before ever answering, or after :data:`MAX_ENDPOINT_FAILURES_IN_A_ROW`
    endpoint-ended episodes in a row; ``summary.stopped`` and ``summary.error_messages`` say why.
    """
    if episodes < 1:
        raise RunConfigError(f"episodes must be >= 1, got {episodes}")
    if trials < 1:
        raise RunConfigError(f"trials must be >= 1, got {trials}")
    env = make_env(env_id, env_kwargs)
    base = env.unwrapped
    if not isinstance(base, ToolEnv):
        raise TypeError(f"{env_id} is not a ToolGym env")
    if agent.chat:
        base.use_native_tools(True)
    records: list[EpisodeRecord] = []
    start = time.perf_counter()
    out = open(output, "w", encoding="utf-8") if output else None
    stopped: str | None = None
    answered, failures_in_a_row = False, 0
    try:
        for record in iter_episodes(base, agent, episodes, seed, trials):
            record.env_id = env_id
            records.append(record)
            if out:
                out.write(record.to_json() + "\n")
            if progress:
                progress(1)
            failure = _endpoint_failure(record)
            answered = answered or any(t.get("action") is not None for t in record.turns)
            failures_in_a_row = failures_in_a_row + 1 if failure else 0
            if failure and (not answered or failures_in_a_row >= MAX_ENDPOINT_FAILURES_IN_A_ROW):
                why = "never answered" if not answered else f"failed {failures_in_a_row} episodes in a row"
                stopped = f"the agent's endpoint {why}: {_one_line(failure)}"
                break
    finally:
        if out:
            out.close()
        env.close()
        agent.close()
    summary = summarize(env_id, records, time.perf_counter() - start)
    summary.stopped = stopped
    if trials > 1:
        outcomes: dict[str, list[bool]] = {}
        for r in records:
            outcomes.setdefault(r.task_id, []).append(r.success)
        summary.pass_k = pass_k_curve(outcomes)
    return summary
