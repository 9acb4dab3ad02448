"""``RayEnvPool``: the :class:`~toolgym.vector.pool.EnvPool` API over env workers that are Ray actors.

Each actor (:class:`EnvWorker`) holds an ``EnvPool`` of its own, so one actor steps many
trajectories concurrently; a trajectory is pinned to the actor that reset it and every step goes
there (the env, its sandbox and its interpreter state live in that actor). ``reset`` picks the live
actor with the fewest pinned trajectories.

Failures stay per trajectory: if an actor dies (its node lost, the process killed, out of memory),
each step of a trajectory pinned to it returns an ``info["error"] == "infra_error"`` result
(``end_reason`` ``"infra"``, truncated) instead of raising, and new trajectories go to the actors
still alive; a ``reset`` whose actor dies is retried on another one.

Placement: ``actor_options`` goes to ``EnvWorker.options(...)``, so actors can be placed where the
sandboxes are, e.g. on nodes started with ``ray start --resources='{"toolgym_sandbox": 8}'`` by
``actor_options={"resources": {"toolgym_sandbox": 1}}``, on labelled nodes with ``label_selector``
(Ray >= 2.49), or on one node with a ``NodeAffinitySchedulingStrategy``. ``address=`` joins a
cluster (``"auto"``, ``"ray://head:10001"``); without it a local Ray starts (unless one is running).

>>> from toolgym.vector import RayEnvPool
>>> pool = RayEnvPool("ToolGym/MathTIR-v1", num_actors=2, split="test")   # doctest: +SKIP
>>> first = await pool.reset(seed=0)                                        # doctest: +SKIP
>>> obs, reward, terminated, truncated, info = await pool.step(first.traj_id, "<answer>1</answer>")  # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import itertools
import os
import socket
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, TypeVar

from toolgym.extras import require
from toolgym.vector.pool import (
    EnvFactory,
    EnvPool,
    PoolError,
    Reset,
    Step,
    infra_info,
    infra_step,
)

ray = require("ray", extra="ray", purpose="RayEnvPool")
from ray.exceptions import ActorDiedError, ActorUnavailableError, RayActorError

#: What a dead or unreachable actor raises to its callers.
ACTOR_LOST = (RayActorError, ActorDiedError, ActorUnavailableError)

T = TypeVar("T")


class EnvWorker:
    """A Ray actor's body: an :class:`EnvPool` for the trajectories pinned to this actor."""

    def __init__(self, env: str | EnvFactory, max_concurrency: int, make_kwargs: dict[str, Any]) -> None:
        import toolgym  # noqa: F401 - registers the ToolGym/* ids in the actor's process

        self.pool = EnvPool(env, max_concurrency=max_concurrency, **make_kwargs)

    async def reset(self, traj_id: str, seed: int | None, options: dict[str, Any] | None) -> Reset:
        return await self.pool.reset(traj_id=traj_id, seed=seed, options=options)

    async def step(self, traj_id: str, action: Any) -> Step:
        return await self.pool.step(traj_id, action)

    async def call(self, traj_id: str, fn: Callable[[Any], Any]) -> Any:
        return await self.pool.call(traj_id, fn)

    async def release(self, traj_id: str) -> None:
        self.pool.release(traj_id)

    async def where(self) -> dict[str, Any]:
        """Where this actor runs: Ray node id, host name, process id."""
        return {"node_id": ray.get_runtime_context().get_node_id(), "host": socket.gethostname(), "pid": os.getpid()}

    async def close(self) -> None:
        await asyncio.get_running_loop().run_in_executor(None, self.pool.close)


@dataclass
class _Pin:
    """A trajectory's actor and what the driver knows of it (for an infra_error result)."""

    actor: int
    task_id: str | None = None
    turn: int = 0
    observation: Any = None


class RayEnvPool:
    """Trajectories spread over ``num_actors`` Ray actors; the API of :class:`EnvPool`.

    ``env`` is a registered id (made in the actor with ``gym.make(env, **make_kwargs)``) or a
    picklable zero-argument factory. ``max_concurrency`` is per actor (its env thread pool).
    ``init_kwargs`` go to ``ray.init`` when this pool starts Ray.
    """

    def __init__(
        self,
        env: str | EnvFactory,
        *,
        num_actors: int = 2,
        max_concurrency: int = 32,
        address: str | None = None,
        actor_options: dict[str, Any] | None = None,
        init_kwargs: dict[str, Any] | None = None,
        **make_kwargs: Any,
    ) -> None:
        if num_actors < 1:
            raise ValueError("num_actors must be >= 1")
        if not ray.is_initialized():
            ray.init(address=address, **(init_kwargs or {}))
        options = {"max_concurrency": max(1000, max_concurrency), **(actor_options or {})}
        remote_cls = ray.remote(EnvWorker)
        self._actors = [
            remote_cls.options(**options).remote(env, max_concurrency, make_kwargs) for _ in range(num_actors)
        ]
        self._alive = [True] * num_actors
        self._load = [0] * num_actors
        self._pins: dict[str, _Pin] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False

    # ------------------------------------------------------------------ asyncio API
    async def reset(
        self, *, traj_id: str | None = None, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> Reset:
        """Start a trajectory on the least-loaded live actor (retried on another if that one dies)."""
        with self._lock:
            self._check_open()
            if traj_id is None:
                traj_id = f"r{next(self._ids)}"
            old = self._pins.pop(traj_id, None)
            if old is not None:
                self._load[old.actor] -= 1
        if old is not None and self._alive[old.actor]:
            await self._quiet(self._actors[old.actor].release.remote(traj_id))
        while True:
            index = self._pick()
            if index is None:
                return Reset(traj_id, None, infra_info(None, 0, "no live env actor"))
            try:
                first: Reset = await self._actors[index].reset.remote(traj_id, seed, options)
            except ACTOR_LOST:
                self._lost(index)
                with self._lock:
                    self._load[index] -= 1
                continue
            with self._lock:
                self._pins[traj_id] = _Pin(index, first.info.get("task_id"), 0, first.observation)
            return first

    async def step(self, traj_id: str, action: Any) -> Step:
        """Step a trajectory on its actor; a dead actor gives an ``infra_error`` result."""
        with self._lock:
            self._check_open()
            pin = self._pins.get(traj_id)
            if pin is None:
                raise PoolError(f"unknown trajectory {traj_id!r}")
        if not self._alive[pin.actor]:
            return infra_step(pin.observation, pin.task_id, pin.turn + 1, f"env actor {pin.actor} is dead")
        try:
            result: Step = await self._actors[pin.actor].step.remote(traj_id, action)
        except ACTOR_LOST as exc:
            self._lost(pin.actor)
            return infra_step(pin.observation, pin.task_id, pin.turn + 1, f"env actor {pin.actor} died: {exc!r}")
        pin.turn = int(result.info.get("turn", pin.turn + 1))
        pin.observation = result.observation
        return result

    async def call(self, traj_id: str, fn: Callable[[Any], T]) -> T:
        """Run ``fn(env)`` on the trajectory's env inside its actor (``fn`` must be picklable)."""
        pin = self._pin(traj_id)
        return await self._actors[pin.actor].call.remote(traj_id, fn)

    async def release(self, traj_id: str) -> None:
        """Forget a trajectory; its actor keeps the env for the next reset."""
        with self._lock:
            pin = self._pins.pop(traj_id, None)
            if pin is None:
                raise PoolError(f"unknown trajectory {traj_id!r}")
            self._load[pin.actor] -= 1
        if self._alive[pin.actor]:
            await self._quiet(self._actors[pin.actor].release.remote(traj_id))

    # ------------------------------------------------------------------ thread API
    def submit_reset(
        self, *, traj_id: str | None = None, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> Future[Reset]:
        """:meth:`reset` for threads."""
        return self._submit(self.reset(traj_id=traj_id, seed=seed, options=options))

    def submit_step(self, traj_id: str, action: Any) -> Future[Step]:
        """:meth:`step` for threads."""
        return self._submit(self.step(traj_id, action))

    def submit_release(self, traj_id: str) -> Future[None]:
        """:meth:`release` for threads."""
        return self._submit(self.release(traj_id))

    # ------------------------------------------------------------------ inspection, lifecycle
    @property
    def actors(self) -> list[Any]:
        """The actor handles (index = ``actor_of(traj_id)``)."""
        return list(self._actors)

    def actor_of(self, traj_id: str) -> int:
        """The index of the actor a trajectory is pinned to."""
        return self._pin(traj_id).actor

    def alive(self) -> list[bool]:
        """Which actors the pool still uses."""
        return list(self._alive)

    def placement(self) -> list[dict[str, Any]]:
        """Where each live actor runs (node id, host, pid); dead actors give ``None``."""
        out: list[dict[str, Any]] = []
        for i, actor in enumerate(self._actors):
            try:
                out.append(ray.get(actor.where.remote()) if self._alive[i] else None)
            except ACTOR_LOST:
                self._lost(i)
                out.append(None)
        return out

    def close(self) -> None:
        """Close every env and end the actors (Ray itself keeps running). Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        for i, actor in enumerate(self._actors):
            if self._alive[i]:
                try:
                    ray.get(actor.close.remote(), timeout=60)
                except Exception:  # noqa: BLE001 - a dying actor must not stop the others closing
                    pass
            ray.kill(actor)
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)

    def __enter__(self) -> RayEnvPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ internals
    def _pick(self) -> int | None:
        """The live actor with the fewest trajectories, its count already raised; None if none lives."""
        with self._lock:
            live = [i for i, ok in enumerate(self._alive) if ok]
            if not live:
                return None
            index = min(live, key=lambda i: self._load[i])
            self._load[index] += 1
            return index

    def _lost(self, index: int) -> None:
        with self._lock:
            self._alive[index] = False

    def _pin(self, traj_id: str) -> _Pin:
        with self._lock:
            pin = self._pins.get(traj_id)
        if pin is None:
            raise PoolError(f"unknown trajectory {traj_id!r}")
        return pin

    def _check_open(self) -> None:
        if self._closed:
            raise PoolError("the pool is closed")

    @staticmethod
    async def _quiet(ref: Any) -> None:
        try:
            await ref
        except ACTOR_LOST:
            pass

    def _submit(self, coro: Coroutine[Any, Any, T]) -> Future[T]:
        """Run ``coro`` on the pool's own event loop thread (started on first use)."""
        with self._lock:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                threading.Thread(target=self._loop.run_forever, name="toolgym-ray-pool", daemon=True).start()
            loop = self._loop
        return asyncio.run_coroutine_threadsafe(coro, loop)
