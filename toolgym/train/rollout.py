"""Asynchronous rollouts: tool time overlaps the generation of other trajectories.

Each trajectory lives in its own token env. Env work (``reset``, and ``step``, which runs the
tools) happens on a thread pool; generation happens on the calling thread for whichever
trajectories are waiting for an action at that moment. A trajectory whose tool is slow therefore
never holds up the others: while it runs, the generator serves the rest, and it joins the next
batch as soon as its observation is back. Lock-step batching (generate for all, then step all,
then wait for the slowest tool) is the special case this avoids.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from toolgym.tokens.spaces import TokenAction
from toolgym.tokens.trajectory import TokenTrajectory
from toolgym.tokens.wrapper import TokenEnv
from toolgym.train.generation import GenerationRequest, Generator


@dataclass(frozen=True)
class RolloutRequest:
    """One trajectory to play: a task, its group (for group-relative advantages), a sampling seed."""

    task_id: str
    group: int
    seed: int


@dataclass
class Rollout:
    """A finished trajectory and where it came from."""

    request: RolloutRequest
    trajectory: TokenTrajectory


@dataclass
class RolloutStats:
    """Timing of one :meth:`RolloutEngine.run`: wall time, generation time, env (tool) time summed
    over threads, and the number of generation batches."""

    wall_s: float = 0.0
    generate_s: float = 0.0
    env_s: float = 0.0
    batches: int = 0
    batch_sizes: list[int] = field(default_factory=list)

    @property
    def overlap(self) -> float:
        """(generation + env time) / wall time: above 1 means tools ran while the model generated."""
        return (self.generate_s + self.env_s) / self.wall_s if self.wall_s > 0 else 0.0


@dataclass
class _Slot:
    """A trajectory in flight: its request, its env, and how many actions it has taken."""

    request: RolloutRequest
    env: TokenEnv
    turn: int = 0


class RolloutEngine:
    """Plays rollout requests through token envs with a generator, asynchronously."""

    def __init__(
        self,
        env_factory: Callable[[], TokenEnv],
        generator: Generator,
        *,
        max_new_tokens: int,
        max_concurrency: int = 64,
        env_workers: int = 8,
    ) -> None:
        self.env_factory = env_factory
        self.generator = generator
        self.max_new_tokens = int(max_new_tokens)
        self.max_concurrency = int(max_concurrency)
        self._pool = ThreadPoolExecutor(max_workers=env_workers, thread_name_prefix="toolgym-env")
        self._idle: list[TokenEnv] = []
        self._all: list[TokenEnv] = []
        self.last_stats = RolloutStats()

    def run(self, requests: Sequence[RolloutRequest]) -> list[Rollout]:
        """Play every request to the end of its episode; results come back in request order."""
        stats = RolloutStats()
        start = time.perf_counter()
        queue: deque[tuple[int, RolloutRequest]] = deque(enumerate(requests))
        results: dict[int, Rollout] = {}
        pending: dict[Future[tuple[float, Any]], tuple[int, _Slot]] = {}
        ready: list[tuple[int, _Slot]] = []

        while queue or ready or pending:
            while queue and len(pending) + len(ready) < self.max_concurrency:
                index, request = queue.popleft()
                slot = _Slot(request, self._acquire())
                pending[self._pool.submit(_timed, slot.env.reset, seed=request.seed, options={"task_id": request.task_id})] = (index, slot)
            finished = [f for f in pending if f.done()]
            if not ready and not finished:
                finished = list(wait(pending, return_when=FIRST_COMPLETED).done)
            for fut in finished:
                index, slot = pending.pop(fut)
                elapsed, outcome = fut.result()  # env bugs surface here, with their traceback
                stats.env_s += elapsed
                if _episode_over(outcome):
                    results[index] = Rollout(slot.request, slot.env.trajectory)
                    self._idle.append(slot.env)
                else:
                    ready.append((index, slot))
            if ready:
                batch, ready = ready, []
                reqs = [self._request(slot) for _, slot in batch]
                t0 = time.perf_counter()
                outputs = self.generator.generate(reqs)
                stats.generate_s += time.perf_counter() - t0
                stats.batches += 1
                stats.batch_sizes.append(len(batch))
                for (index, slot), out in zip(batch, outputs):
                    slot.turn += 1
                    action = TokenAction(out.token_ids, out.logprobs)
                    pending[self._pool.submit(_timed, slot.env.step, action)] = (index, slot)
        stats.wall_s = time.perf_counter() - start
        self.last_stats = stats
        return [results[i] for i in range(len(requests))]

    def close(self) -> None:
        """Close every env and stop the worker threads."""
        self._pool.shutdown(wait=True)
        for env in self._all:
            env.close()
        self._all.clear()
        self._idle.clear()

    def _acquire(self) -> TokenEnv:
        if self._idle:
            return self._idle.pop()
        env = self.env_factory()
        self._all.append(env)
        return env

    def _request(self, slot: _Slot) -> GenerationRequest:
        remaining = slot.env.remaining_tokens
        limit = self.max_new_tokens if remaining is None else min(self.max_new_tokens, remaining)
        seed = (slot.request.seed * 1_000_003 + slot.turn) % (2**63)
        return GenerationRequest(list(slot.env.trajectory.input_ids), limit, seed)


def _timed(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - start, out


def _episode_over(outcome: Any) -> bool:
    """True for a step result that ended the episode; False for a reset or a continuing step."""
    if len(outcome) == 2:  # (observation, info) from reset
        return False
    _, _, terminated, truncated, _ = outcome
    return bool(terminated or truncated)
