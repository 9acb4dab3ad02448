"""One token-mode episode played from an asyncio agent loop: the core the verl and OpenRLHF adapters share.

Both trainers hand an agent loop a token-in/token-out generation call and expect token ids back.
:func:`play_episode` runs the loop: reset a trajectory in an :class:`~toolgym.vector.EnvPool` (env
work in the pool's threads, never on the event loop), generate with the env's stop ids and its
remaining token budget, step the env with the sampled ids (and logprobs), repeat until the episode
ends. The ids that come back are the env's :class:`~toolgym.tokens.TokenTrajectory`, never
re-tokenized. An env failure anywhere becomes an :class:`EpisodeResult` with ``infra_error`` set
(the pool's contract), so the trainer can drop that sample.

>>> import asyncio
>>> from toolgym.integrations.token_episode import Generation, play_episode
>>> async def generate(context, max_tokens, stop_ids):   # a trainer's engine call    # doctest: +SKIP
...     return Generation(token_ids=[...], logprobs=None)
>>> result = asyncio.run(play_episode(pool, generate, task_id="mathtir-curated-0013"))  # doctest: +SKIP
"""

from __future__ import annotations

import atexit
import contextlib
import threading
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import gymnasium as gym

from toolgym.failures import Blame
from toolgym.tokens.budget import TokenBudget
from toolgym.tokens.spaces import TokenAction
from toolgym.tokens.trajectory import TokenTrajectory
from toolgym.tokens.wrapper import TokenEnv
from toolgym.vector.pool import EnvPool, PoolError


@dataclass(frozen=True)
class Generation:
    """One sampled policy turn: its token ids and, if the engine returned them, their logprobs."""

    token_ids: Sequence[int]
    logprobs: Sequence[float] | None = None


#: ``generate(context_ids, max_tokens, stop_token_ids)``: the trainer's engine, one turn.
Generate = Callable[[list[int], int, list[int]], Awaitable[Generation]]


@dataclass
class EpisodeResult:
    """How an episode went: its token stream (``None`` if it never started) and the env's verdict."""

    task_id: str | None
    trajectory: TokenTrajectory | None
    #: The prompt's ids (empty if the env could not even reset): with ``trajectory`` lost to an
    #: infra failure, an adapter still has a well-formed sample to hand back (and drop).
    prompt_ids: list[int] = field(default_factory=list)
    reward: float = 0.0
    reward_components: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    error_message: str | None = None
    end_reason: str | None = None

    @property
    def infra_error(self) -> bool:
        """True when infrastructure, not the policy, spoiled the sample: drop it from training."""
        return self.error == Blame.INFRA.value

    @property
    def policy_turns(self) -> int:
        """Policy turns played."""
        return 0 if self.trajectory is None else len(self.trajectory.turns)

    def action_ranges(self) -> list[tuple[int, int]]:
        """``[start, end)`` spans of policy tokens (loss mask 1) in the whole stream."""
        if self.trajectory is None:
            return []
        spans: list[tuple[int, int]] = []
        mask = self.trajectory.loss_mask
        start = None
        for i, m in enumerate([*mask, 0]):
            if m and start is None:
                start = i
            elif not m and start is not None:
                spans.append((start, i))
                start = None
        return spans

    def log_fields(self) -> dict[str, Any]:
        """Flat, JSON-able fields for the trainer's logs (``toolgym_`` prefixed)."""
        return {
            "toolgym_task_id": self.task_id or "",
            "toolgym_infra_error": self.infra_error,
            "toolgym_error": self.error or "",
            "toolgym_end_reason": self.end_reason or "",
            "toolgym_policy_turns": self.policy_turns,
        }


def token_env_factory(
    env_id: str,
    tokenizer: Any,
    *,
    budget: TokenBudget | None = None,
    max_response_tokens: int | None = None,
    template_kwargs: dict[str, Any] | None = None,
    **env_kwargs: Any,
) -> Callable[[], TokenEnv]:
    """A zero-argument factory of token envs for an :class:`EnvPool`."""

    capped = replace(budget or TokenBudget(), max_response_tokens=max_response_tokens)

    def make() -> TokenEnv:
        return TokenEnv(gym.make(env_id, **env_kwargs), tokenizer, budget=capped, template_kwargs=template_kwargs)

    return make


_POOLS: dict[Hashable, EnvPool] = {}
_POOLS_LOCK = threading.Lock()


def shared_pool(key: Hashable, factory: Callable[[], TokenEnv], max_concurrency: int) -> EnvPool:
    """The process-wide pool for ``key`` (made on first use, closed at exit).

    Trainers make one agent-loop object per sample, so the envs (and their warm sandboxes) live
    here, shared by every sample with the same settings."""
    with _POOLS_LOCK:
        pool = _POOLS.get(key)
        if pool is None:
            pool = _POOLS[key] = EnvPool(factory, max_concurrency=max_concurrency)
        return pool


@atexit.register
def close_pools() -> None:
    """Close every shared pool (runs at exit; safe to call any time)."""
    with _POOLS_LOCK:
        pools = list(_POOLS.values())
        _POOLS.clear()
    for pool in pools:
        pool.close()


def _snapshot(env: Any) -> tuple[list[int], int | None, list[int]]:
    token_env = _token_env(env)
    return list(token_env.trajectory.input_ids), token_env.remaining_tokens, token_env.stop_token_ids


def _token_env(env: Any) -> TokenEnv:
    while not isinstance(env, TokenEnv):
        env = env.env
    return env


def _cut_at_stop(ids: list[int], logprobs: list[float] | None, stop: set[int]) -> tuple[list[int], list[float] | None]:
    """Keep ids up to and including the first stop id (an engine may run past it)."""
    for i, tok in enumerate(ids):
        if tok in stop:
            return ids[: i + 1], None if logprobs is None else logprobs[: i + 1]
    return ids, logprobs


async def play_episode(
    pool: EnvPool, generate: Generate, *, task_id: str | None = None, seed: int | None = None
) -> EpisodeResult:
    """Play one episode of ``pool``'s env with ``generate`` as the policy; always returns.

    ``task_id`` picks the task (else ``seed`` draws one). The trajectory is released to the pool
    at the end. ``max_tokens`` passed to ``generate`` is the env's remaining budget (at least 1).
    """
    options = {"task_id": task_id} if task_id else None
    start = await pool.reset(seed=seed, options=options)
    if start.done:
        pool.release(start.traj_id)
        return EpisodeResult(task_id, None, [], error=start.info.get("error"),
                             error_message=start.info.get("error_message"), end_reason="infra")
    tid = start.traj_id
    info: dict[str, Any] = dict(start.info)
    reward = 0.0
    try:
        while True:
            context, remaining, stops = await pool.call(tid, _snapshot)
            max_tokens = 1 << 30 if remaining is None else max(remaining, 1)
            gen = await generate(context, max_tokens, stops)
            ids = [int(t) for t in gen.token_ids][:max_tokens]
            lps = None if gen.logprobs is None else [float(x) for x in gen.logprobs][: len(ids)]
            ids, lps = _cut_at_stop(ids, lps, set(stops))
            step = await pool.step(tid, TokenAction(ids, lps) if lps is not None and len(lps) == len(ids) else ids)
            info, reward = step.info, step.reward
            if step.done:
                break
        try:
            traj = await pool.call(tid, lambda env: _token_env(env).trajectory)
        except Exception:  # noqa: BLE001 - an env lost after an infra failure has no stream left
            traj = None
    except Exception as exc:  # noqa: BLE001 - the engine or the adapter failed: not the policy's doing
        info = {**info, "error": Blame.INFRA.value, "error_message": f"rollout failed: {exc!r}", "end_reason": "infra"}
        traj = None
    finally:
        with contextlib.suppress(PoolError):  # a trajectory with a step in flight is left to the pool
            pool.release(tid)
    if traj is None and info.get("error") != Blame.INFRA.value:
        info = {**info, "error": Blame.INFRA.value, "error_message": "the token stream was lost", "end_reason": "infra"}
    return EpisodeResult(
        task_id=str(info.get("task_id") or task_id or ""),
        trajectory=traj,
        prompt_ids=[int(t) for t in start.observation],
        reward=float(reward),
        reward_components=dict(info.get("reward_components") or {}),
        error=info.get("error"),
        error_message=info.get("error_message"),
        end_reason=info.get("end_reason"),
    )
