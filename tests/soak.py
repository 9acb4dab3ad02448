"""Soak machinery shared by ``tests/test_soak.py`` (CI-sized) and ``benchmarks/bench_soak.py`` (10,000 episodes).

A soak plays fuzzed episodes on every registered env (local sandbox) and samples what a leak would
grow: the host process's resident memory, open file descriptors, descendant processes and threads.
The actions come from the fuzz generators of ``tests/envs/test_fuzz.py``: random Unicode from the
action space, mutated reference actions, broken JSON, unknown tools and long strings.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym
import numpy as np

import toolgym  # noqa: F401  (registers the envs)
from tests.envs.test_fuzz import FRAGMENTS, mutate, special_actions
from toolgym.agents import ReferenceAgent
from toolgym.registration import env_ids

#: Steps an episode may take before the soak abandons it (reset mid-episode is a case too).
MAX_STEPS = 8
BROKEN = [
    '<tool_call>{"name": "python", "arguments": {"code": "print(1)"</tool_call>',
    "<tool_call>{'name': 'python'}</tool_call>",
    '<tool_call>{"name": "no_such_tool", "arguments": {"x": 1}}</tool_call>',
    '<tool_call>{"name": "python", "arguments": {"code": 12}}</tool_call>',
    '<tool_call>{"name": "", "arguments": null}</tool_call>',
    "<sql>SELEC * FRM</sql>", "<search></search>", "<answer></answer>", "```python\nimport os; os._exit(3)\n```",
]


@dataclass(frozen=True)
class Sample:
    """What a leak would grow, for this process."""

    rss_mb: float
    fds: int
    children: int
    threads: int


def _status(field_name: str) -> int:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field_name} in /proc/self/status")


def descendants(pid: int | None = None) -> int:
    """How many live processes descend from ``pid`` (default: this process), by the ppid chain in /proc."""
    root = os.getpid() if pid is None else pid
    parent: dict[int, int] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", encoding="ascii", errors="replace") as f:
                stat = f.read()
        except OSError:
            continue  # exited while we looked
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] != "Z":  # zombies are counted by the kernel, not leaks of ours once reaped
            parent[int(name)] = int(fields[1])
    count = 0
    for p in parent:
        seen = 0
        while p in parent and seen < 64:
            p, seen = parent[p], seen + 1
            if p == root:
                count += 1
                break
    return count


def sample() -> Sample:
    """A :class:`Sample` of this process now."""
    return Sample(
        rss_mb=_status("VmRSS") / 1024,
        fds=len(os.listdir("/proc/self/fd")),
        children=descendants(),
        threads=_status("Threads"),
    )


def make(env_id: str) -> gym.Env[Any, Any]:
    """The env on the local sandbox, with short tool timeouts where the env has them."""
    kwargs: dict[str, Any] = {}
    if "MathTIR" in env_id:
        kwargs = {"sandbox": "local", "python_timeout_s": 2.0}
    return gym.make(env_id, **kwargs)


@dataclass
class Soak:
    """Plays fuzzed episodes round-robin over every registered env, remaking each env every ``remake_every``."""

    seed: int = 0
    remake_every: int = 25
    long_every: int = 10
    envs: dict[str, gym.Env[Any, Any]] = field(default_factory=dict)
    episodes: int = 0
    steps: int = 0
    errors: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.ids = env_ids()
        self.rng = np.random.default_rng(self.seed)
        self.ref = ReferenceAgent()
        self.specials = special_actions()
        self.played: dict[str, int] = {i: 0 for i in self.ids}

    def _env(self, env_id: str) -> gym.Env[Any, Any]:
        env = self.envs.get(env_id)
        if env is not None and self.played[env_id] % self.remake_every == 0 and self.played[env_id]:
            env.close()  # make/close cycles must not leak either
            env = None
        if env is None:
            env = self.envs[env_id] = make(env_id)
            env.action_space.seed(int(self.rng.integers(2**31)))
        return env

    def _action(self, env: gym.Env[Any, Any], obs: str, long_ok: bool) -> str:
        base = env.unwrapped
        kind = self.rng.random()
        if long_ok and kind < 0.15:
            return self.specials[int(self.rng.integers(len(self.specials)))]
        if kind < 0.35:
            return env.action_space.sample()  # random Unicode
        if kind < 0.5:
            return BROKEN[int(self.rng.integers(len(BROKEN)))]
        if kind < 0.55:
            return FRAGMENTS[int(self.rng.integers(len(FRAGMENTS)))] * int(self.rng.integers(1, 2000))
        try:
            seedling = self.ref.act(base, obs) if base.task.reference else "<answer>1</answer>"
        except Exception:  # the reference agent may not follow a fuzzed conversation: not the env's problem
            seedling = "<answer>1</answer>"
        if kind < 0.75:
            return seedling  # the real thing, so tools really run
        for _ in range(int(self.rng.integers(1, 4))):
            seedling = mutate(self.rng, seedling)
        return seedling

    def episode(self) -> None:
        """One fuzzed episode on the next env in turn."""
        env_id = self.ids[self.episodes % len(self.ids)]
        env = self._env(env_id)
        obs, _ = env.reset(seed=int(self.rng.integers(2**31)))
        self.ref.begin(env.unwrapped)
        long_ok = self.episodes % self.long_every == 0
        for _ in range(MAX_STEPS):
            obs, _, terminated, truncated, info = env.step(self._action(env, obs, long_ok))
            self.steps += 1
            if info.get("error"):
                self.errors[info["error"]] = self.errors.get(info["error"], 0) + 1
            if terminated or truncated:
                break
        self.played[env_id] += 1
        self.episodes += 1

    def close(self) -> None:
        for env in self.envs.values():
            env.close()
        self.envs.clear()


def start_shared_pools() -> None:
    """Start the process-wide worker pools that grow lazily up to a fixed size (part of the warm-up).

    The math verifier's symbolic checks run in a pool of math-verify worker processes (one per
    core, at most 4) started on first need, and ReasoningGym's scorer worker on the first answer that
    needs it; started here, what the soak measures is per-episode growth, not a pool filling up. The
    sandbox fork server is started by the first MathTIR episode.
    """
    from toolgym.rewards.math_symbolic import prestart
    from toolgym_envs.reasoning_gym.worker import WORKER

    prestart()
    WORKER.score(("basic_arithmetic", "{}", 0, 2, 0), "0", timeout_s=60)


def run_soak(
    episodes: int, warmup: int, every: int, seed: int = 0, remake_every: int = 25, report: Any = None
) -> dict[str, Any]:
    """Play ``warmup`` then ``episodes`` fuzzed episodes; sample resources every ``every`` episodes.

    Returns the samples after warm-up (``samples``), the baseline (first post-warm-up sample), the
    final sample after closing every env (``closed``), counts and wall time.
    """
    soak = Soak(seed=seed, remake_every=remake_every)
    start = time.perf_counter()
    try:
        for _ in range(warmup):
            soak.episode()
        start_shared_pools()
        samples = [(soak.episodes, sample())]
        for i in range(1, episodes + 1):
            soak.episode()
            if i % every == 0 or i == episodes:
                samples.append((soak.episodes, sample()))
                if report:
                    report(soak, samples[-1])
    finally:
        soak.close()
    time.sleep(0.2)  # let closed sandboxes exit
    return {
        "samples": samples,
        "closed": sample(),
        "episodes": soak.episodes,
        "steps": soak.steps,
        "errors": dict(soak.errors),
        "wall_s": time.perf_counter() - start,
    }


def growth(result: dict[str, Any]) -> dict[str, float]:
    """Largest growth of each measure over the post-warm-up baseline."""
    base = result["samples"][0][1]
    worst = {k: max(getattr(s, k) for _, s in result["samples"]) for k in ("rss_mb", "fds", "children", "threads")}
    return {k: worst[k] - getattr(base, k) for k in worst}


def to_json(result: dict[str, Any]) -> str:
    rows = [{"episode": e, **s.__dict__} for e, s in result["samples"]]
    return json.dumps({**{k: v for k, v in result.items() if k not in ("samples", "closed")}, "samples": rows,
                       "closed": result["closed"].__dict__})
