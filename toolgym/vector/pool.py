"""``EnvPool``: many trajectories in flight, each stepping as soon as its action arrives.

A trainer samples the next turn of every trajectory from an LLM whose latency varies turn by turn.
Stepping them in lock-step batches makes every batch wait for its slowest policy call; the pool lets
each trajectory step the moment its action is ready. Env work (``reset``, ``step``, env creation)
runs in a bounded thread pool (``max_concurrency`` threads, the concurrency limit), so an asyncio
event loop is never blocked, and any number of loops or threads may share one pool.

Two APIs over one core:

* asyncio: ``await pool.reset(...)`` -> :class:`Reset`, ``await pool.step(traj_id, action)`` ->
  :class:`Step` (unpacks like Gymnasium's 5-tuple); callable from any running loop (a verl agent loop,
  a FastAPI handler...).
* threads: ``pool.submit_reset(...)`` / ``pool.submit_step(...)`` return
  :class:`concurrent.futures.Future` objects.

Failures never escape as exceptions: an exception from creating, resetting or stepping an env
becomes an ``info["error"] == "infra_error"`` result for that trajectory alone (``end_reason``
``"infra"``, the trajectory is over and its env is discarded). Only caller mistakes raise
:class:`PoolError` (an unknown trajectory id, two concurrent steps of one trajectory, stepping a
trajectory that is over, using a closed pool).

Envs are reused: :meth:`EnvPool.release` hands a finished trajectory's env back for the next
``reset``, so sandbox-backed tools keep their warm sandboxes (and Docker-backed envs share the
process's container pool in any case).

>>> import asyncio, toolgym
>>> from toolgym.vector import EnvPool
>>> async def main():
...     with EnvPool(toolgym.env_ids()[0], max_concurrency=4, split="test") as pool:
...         first = await pool.reset(seed=0)
...         obs, reward, terminated, truncated, info = await pool.step(first.traj_id, "<answer>0</answer>")
...         pool.release(first.traj_id)
...         return terminated, info["error"]
>>> asyncio.run(main())
(True, None)
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import gymnasium as gym

from toolgym.errors import ToolGymError
from toolgym.failures import Blame


class PoolError(ToolGymError):
    """Raised when a pool is used wrongly: an unknown or finished trajectory, two concurrent steps of
    one trajectory, or a closed pool. Env failures never raise this: they become ``infra_error``."""


class Reset(NamedTuple):
    """A trajectory's start: its id, first observation and ``info``.

    If the env could not be created or reset, ``observation`` is None, ``info["error"]`` is
    ``"infra_error"`` and the trajectory is already over (``done``)."""

    traj_id: str
    observation: Any
    info: dict[str, Any]

    @property
    def done(self) -> bool:
        """True when the trajectory could not start."""
        return self.info.get("error") == Blame.INFRA.value


class Step(NamedTuple):
    """One step's result; unpacks like Gymnasium's ``(obs, reward, terminated, truncated, info)``."""

    observation: Any
    reward: float
    terminated: bool
    truncated: bool
    info: dict[str, Any]

    @property
    def done(self) -> bool:
        """True when the trajectory is over (terminated or truncated)."""
        return self.terminated or self.truncated


def infra_info(task_id: str | None, turn: int, message: str) -> dict[str, Any]:
    """The ``info`` of a step that failed outside the policy (every :mod:`toolgym.info` step key)."""
    return {
        "task_id": task_id,
        "turn": turn,
        "tool_calls": [],
        "reward_components": {},
        "format_ok": False,
        "error": Blame.INFRA.value,
        "error_message": message,
        "observation_truncated": False,
        "end_reason": "infra",
    }


def infra_step(observation: Any, task_id: str | None, turn: int, message: str) -> Step:
    """A truncated, zero-reward :class:`Step` blamed on infrastructure."""
    return Step(observation, 0.0, False, True, infra_info(task_id, turn, message))


EnvFactory = Callable[[], gym.Env[Any, Any]]


@dataclass
class _Slot:
    """One trajectory: its env and where it stands."""

    env: gym.Env[Any, Any] | None
    task_id: str | None = None
    turn: int = 0
    observation: Any = None
    busy: bool = False
    done: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


class EnvPool:
    """Trajectories of one env id (or factory) stepped concurrently in a bounded thread pool.

    ``env`` is a registered id (made with ``gym.make(env, **make_kwargs)``, e.g. ``mode="chat"`` or
    ``tokenizer=tok``) or a zero-argument factory. ``max_concurrency`` bounds the env calls running
    at once (the threads of the pool); trajectories waiting on their policy hold no thread.
    ``max_idle`` bounds the released envs kept for reuse.
    """

    def __init__(
        self,
        env: str | EnvFactory,
        *,
        max_concurrency: int = 32,
        max_idle: int | None = None,
        **make_kwargs: Any,
    ) -> None:
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be >= 1")
        if callable(env):
            if make_kwargs:
                raise ValueError("make_kwargs go with an env id, not with a factory")
            self._factory: EnvFactory = env
        else:
            env_id = env

            def make() -> gym.Env[Any, Any]:
                return gym.make(env_id, **make_kwargs)

            self._factory = make
        self.max_concurrency = max_concurrency
        self.max_idle = max_concurrency if max_idle is None else max_idle
        self._executor = ThreadPoolExecutor(max_workers=max_concurrency, thread_name_prefix="toolgym-pool")
        self._lock = threading.Lock()
        self._slots: dict[str, _Slot] = {}
        self._idle: list[gym.Env[Any, Any]] = []
        self._ids = itertools.count()
        self._closed = False

    # ------------------------------------------------------------------ asyncio API
    async def reset(
        self, *, traj_id: str | None = None, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> Reset:
        """Start a trajectory (a fresh id unless ``traj_id`` is given) and return its first observation."""
        return await asyncio.wrap_future(self.submit_reset(traj_id=traj_id, seed=seed, options=options))

    async def step(self, traj_id: str, action: Any) -> Step:
        """Step one trajectory; other trajectories keep stepping meanwhile."""
        return await asyncio.wrap_future(self.submit_step(traj_id, action))

    async def call(self, traj_id: str, fn: Callable[[gym.Env[Any, Any]], Any]) -> Any:
        """Run ``fn(env)`` on the trajectory's env in the pool (e.g. read its messages or token
        stream at the end); exceptions from ``fn`` propagate."""
        return await asyncio.wrap_future(self.submit_call(traj_id, fn))

    # ------------------------------------------------------------------ thread API
    def submit_reset(
        self, *, traj_id: str | None = None, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> Future[Reset]:
        """:meth:`reset` for threads: a future of the :class:`Reset`."""
        with self._lock:
            self._check_open()
            if traj_id is None:
                traj_id = f"t{next(self._ids)}"
            old = self._slots.get(traj_id)
            if old is not None and old.busy:
                raise PoolError(f"trajectory {traj_id!r} has a step in flight; wait for it before reset")
            env = old.env if old is not None else None
            slot = _Slot(env=env, busy=True)
            self._slots[traj_id] = slot
        return self._executor.submit(self._reset, traj_id, slot, seed, options)

    def submit_step(self, traj_id: str, action: Any) -> Future[Step]:
        """:meth:`step` for threads: a future of the :class:`Step`."""
        with self._lock:
            self._check_open()
            slot = self._slot(traj_id)
            if slot.busy:
                raise PoolError(f"trajectory {traj_id!r} already has a step in flight")
            if slot.done:
                raise PoolError(f"trajectory {traj_id!r} is over: reset it or release it")
            slot.busy = True
        return self._executor.submit(self._step, slot, action)

    def submit_call(self, traj_id: str, fn: Callable[[gym.Env[Any, Any]], Any]) -> Future[Any]:
        """:meth:`call` for threads."""
        with self._lock:
            self._check_open()
            slot = self._slot(traj_id)
            if slot.env is None:
                raise PoolError(f"trajectory {traj_id!r} has no env (it failed to start or was lost)")
            env = slot.env
        return self._executor.submit(fn, env)

    # ------------------------------------------------------------------ bookkeeping
    def release(self, traj_id: str) -> None:
        """Forget a trajectory and keep its env for the next ``reset`` (closed if the idle list is full)."""
        with self._lock:
            slot = self._slot(traj_id)
            if slot.busy:
                raise PoolError(f"trajectory {traj_id!r} has a step in flight; release it after the step")
            del self._slots[traj_id]
            env, keep = slot.env, slot.env is not None and not self._closed and len(self._idle) < self.max_idle
            if keep:
                self._idle.append(env)  # type: ignore[arg-type]
        if env is not None and not keep:
            _close_quietly(env)

    @property
    def trajectories(self) -> list[str]:
        """Ids of the trajectories the pool holds (running or over but not released)."""
        with self._lock:
            return list(self._slots)

    def close(self) -> None:
        """Wait for the steps in flight, then close every env. Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._executor.shutdown(wait=True)
        with self._lock:
            envs = [s.env for s in self._slots.values() if s.env is not None] + self._idle
            self._slots.clear()
            self._idle.clear()
        for env in envs:
            _close_quietly(env)

    def __enter__(self) -> EnvPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ in the worker threads
    def _reset(self, traj_id: str, slot: _Slot, seed: int | None, options: dict[str, Any] | None) -> Reset:
        try:
            if slot.env is None:
                slot.env = self._take_idle() or self._factory()
            obs, info = slot.env.reset(seed=seed, options=options)
        except Exception as exc:  # noqa: BLE001 - an env failure is the trajectory's infra_error
            self._discard(slot)
            slot.done, slot.busy = True, False
            info = infra_info(None, 0, f"reset failed: {exc!r}")
            return Reset(traj_id, None, info)
        slot.task_id, slot.turn, slot.observation = info.get("task_id"), 0, obs
        slot.busy = False
        return Reset(traj_id, obs, info)

    def _step(self, slot: _Slot, action: Any) -> Step:
        try:
            assert slot.env is not None
            obs, reward, terminated, truncated, info = slot.env.step(action)
        except Exception as exc:  # noqa: BLE001 - an env failure is the trajectory's infra_error
            self._discard(slot)
            slot.done, slot.busy = True, False
            return infra_step(slot.observation, slot.task_id, slot.turn + 1, f"env step failed: {exc!r}")
        slot.turn = int(info.get("turn", slot.turn + 1))
        slot.observation = obs
        slot.done = bool(terminated or truncated)
        slot.busy = False
        return Step(obs, float(reward), bool(terminated), bool(truncated), info)

    def _take_idle(self) -> gym.Env[Any, Any] | None:
        with self._lock:
            return self._idle.pop() if self._idle else None

    def _discard(self, slot: _Slot) -> None:
        """Close an env whose state is unknown after a failure; it is never reused."""
        env, slot.env = slot.env, None
        if env is not None:
            _close_quietly(env)

    def _slot(self, traj_id: str) -> _Slot:
        try:
            return self._slots[traj_id]
        except KeyError:
            raise PoolError(f"unknown trajectory {traj_id!r}") from None

    def _check_open(self) -> None:
        if self._closed:
            raise PoolError("the pool is closed")


def _close_quietly(env: gym.Env[Any, Any]) -> None:
    try:
        env.close()
    except Exception:  # noqa: BLE001 - closing a broken env must not take the pool down
        pass
