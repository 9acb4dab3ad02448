"""SandboxPool: pre-warmed sandboxes handed to episodes, wiped between them, recycled, health-checked.

Starting a Docker sandbox costs a container start plus importing numpy and sympy (about a second
here); a pool pays that ahead of time, in the background, so that an episode gets a running
sandbox in well under a millisecond. The pool is generic over :class:`Sandbox` factories.

* ``acquire()`` hands out an idle sandbox as a :class:`PooledSandbox` lease (after a health
  check: a ping through the supervisor to the interpreter); it blocks while all ``size`` sandboxes
  are leased. ``lease.close()`` (or ``pool.release(lease)``) gives it back.
* State is wiped between episodes: on release and on ``lease.reset()`` the sandbox is reset (for
  Docker: a fresh interpreter forked in the same container and an empty work dir; the container
  is not recreated).
* After ``max_episodes`` episodes a sandbox is recycled: closed (its container removed) and
  replaced by a fresh one, which bounds whatever state could survive a reset.
* A maintenance thread keeps ``size`` sandboxes started, pings idle ones every
  ``health_interval_s`` and replaces any that stopped answering. Start failures (no engine, no
  image) are retried with a backoff; meanwhile ``acquire`` raises the last one at once instead of
  waiting for a sandbox that may never start.
* ``close()`` closes every sandbox, leased ones included, and returns once all are gone.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field
from collections.abc import Callable

from toolgym.errors import SandboxError, SandboxStartError
from toolgym.sandbox.base import Sandbox
from toolgym.types import ExecResult

#: Longest wait between two attempts to start a sandbox after failures.
MAX_BACKOFF_S = 30.0


@dataclass(eq=False)
class _Slot:
    """One started sandbox and how many episodes it served."""

    sandbox: Sandbox
    episodes: int = 0
    checked_at: float = field(default_factory=time.monotonic)


class PooledSandbox(Sandbox):
    """A lease on one of a pool's sandboxes. ``reset()`` starts a new episode, ``close()`` gives
    the sandbox back to the pool (it is wiped there); the lease is unusable afterwards."""

    def __init__(self, pool: SandboxPool, slot: _Slot) -> None:
        self._pool = pool
        self._slot: _Slot | None = slot
        self.limits = slot.sandbox.limits

    @property
    def sandbox(self) -> Sandbox:
        """The sandbox currently behind the lease (it changes when it is recycled)."""
        if self._slot is None:
            raise SandboxError("this sandbox was given back to its pool")
        return self._slot.sandbox

    def exec(self, code: str, timeout: float | None = None) -> ExecResult:
        return self.sandbox.exec(code, timeout)

    def reset(self) -> None:
        if self._slot is None:
            raise SandboxError("this sandbox was given back to its pool")
        self._pool._next_episode(self._slot)

    def ping(self, timeout: float = 10.0) -> bool:
        return self._slot is not None and self._slot.sandbox.ping(timeout)

    def close(self) -> None:
        self._pool.release(self)

    def _detach(self) -> _Slot | None:
        slot, self._slot = self._slot, None
        return slot


class SandboxPool:
    """Keeps ``size`` sandboxes made by ``factory`` started and hands them out; see the module
    docstring. Thread-safe. ``start_workers`` bounds how many sandboxes start at once."""

    def __init__(
        self,
        factory: Callable[[], Sandbox],
        size: int = 4,
        *,
        max_episodes: int = 256,
        health_interval_s: float = 30.0,
        start_workers: int = 4,
    ) -> None:
        if size < 0 or max_episodes < 1 or start_workers < 1:
            raise ValueError("size must be >= 0, max_episodes and start_workers >= 1")
        self._factory = factory
        self._size = size
        self.max_episodes = max_episodes
        self.health_interval_s = health_interval_s
        self._start_workers = start_workers
        self._cond = threading.Condition()
        self._idle: deque[_Slot] = deque()
        self._leased: set[_Slot] = set()
        self._starting = 0
        self._retiring = 0
        self._failures = 0
        self._retry_at = 0.0
        self._last_error: BaseException | None = None
        self._closed = False
        self._maintainer = threading.Thread(target=self._maintain, name="toolgym-sandbox-pool", daemon=True)
        self._maintainer.start()

    # ------------------------------------------------------------------ public API
    @property
    def size(self) -> int:
        """How many sandboxes the pool keeps started (idle and leased together)."""
        return self._size

    @property
    def idle(self) -> int:
        """Started sandboxes waiting to be acquired."""
        return len(self._idle)

    @property
    def leased(self) -> int:
        return len(self._leased)

    def resize(self, size: int) -> None:
        """Keep ``size`` sandboxes from now on: start more in the background, or close idle ones."""
        if size < 0:
            raise ValueError(f"size must be >= 0, got {size}")
        with self._cond:
            self._size = size
            self._cond.notify_all()

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Block until ``size`` sandboxes are started (idle or leased); False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while len(self._idle) + len(self._leased) < self._size and not self._closed:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._cond.wait(remaining)
            return not self._closed

    def acquire(self, timeout: float | None = 120.0) -> PooledSandbox:
        """A healthy started sandbox, waiting up to ``timeout`` s for one to be free or to start."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._cond:
                while not self._idle:
                    if self._closed:
                        raise SandboxError("the sandbox pool is closed")
                    if self._failures and not self._starting:  # starts fail: say so, do not wait
                        raise SandboxStartError(f"no sandbox could be started: {self._last_error}")
                    remaining = None if deadline is None else deadline - time.monotonic()
                    if remaining is not None and remaining <= 0:
                        raise SandboxError(f"no sandbox became free within {timeout} s ({len(self._leased)} leased)")
                    self._cond.wait(remaining)
                slot = self._idle.popleft()
                self._leased.add(slot)
            if slot.sandbox.ping():
                slot.checked_at = time.monotonic()
                return PooledSandbox(self, slot)
            with self._cond:  # broken while idle: replace it and try the next one
                self._leased.discard(slot)
                self._retire(slot)

    def release(self, lease: PooledSandbox) -> None:
        """Take a sandbox back: wipe it for the next episode, or recycle it. Idempotent."""
        slot = lease._detach()
        if slot is None or self._closed:  # a closed pool closed its leased sandboxes already
            return
        slot.episodes += 1
        keep = slot.episodes < self.max_episodes
        if keep:
            try:
                slot.sandbox.reset()
                slot.checked_at = time.monotonic()
            except SandboxError:
                keep = False
        with self._cond:
            self._leased.discard(slot)
            if keep and not self._closed and self._total() < self._size:
                self._idle.append(slot)
                self._cond.notify_all()
            else:
                self._retire(slot)

    def close(self) -> None:
        """Close every sandbox (leased ones too) and stop the pool; returns once all are gone."""
        with self._cond:
            if self._closed:
                return
            self._closed = True
            slots = [*self._idle, *self._leased]
            self._idle.clear()
            self._leased.clear()
            for slot in slots:
                self._retire(slot)
            self._cond.notify_all()
            while self._starting or self._retiring:
                self._cond.wait()
        self._maintainer.join()

    def __enter__(self) -> SandboxPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ internals
    def _next_episode(self, slot: _Slot) -> None:
        """A lease starts a new episode: wipe its sandbox, or swap in a fresh one after
        ``max_episodes`` (started here: the caller needs a sandbox now)."""
        slot.episodes += 1
        if slot.episodes < self.max_episodes:
            slot.sandbox.reset()
            return
        fresh = self._factory()
        try:
            fresh.reset()
        except BaseException:
            fresh.close()
            raise
        with self._cond:
            self._retire(_Slot(slot.sandbox))
        slot.sandbox, slot.episodes = fresh, 0

    def _total(self) -> int:
        return len(self._idle) + len(self._leased) + self._starting

    def _retire(self, slot: _Slot) -> None:
        """Close a sandbox in the background. Called with the condition held."""
        self._retiring += 1
        threading.Thread(target=self._close_slot, args=(slot,), name="toolgym-sandbox-retire", daemon=True).start()
        self._cond.notify_all()

    def _close_slot(self, slot: _Slot) -> None:
        try:
            slot.sandbox.close()
        except SandboxError:
            pass  # its container stops by itself when its stream closes; gc removes leftovers
        finally:
            with self._cond:
                self._retiring -= 1
                self._cond.notify_all()

    def _start_one(self) -> None:
        sandbox: Sandbox | None = None
        try:
            sandbox = self._factory()
            sandbox.reset()  # starts it (for Docker: the container, with its modules preloaded)
        except Exception as exc:
            if sandbox is not None:
                try:
                    sandbox.close()
                except SandboxError:
                    pass
            with self._cond:
                self._starting -= 1
                self._failures += 1
                self._last_error = exc
                self._retry_at = time.monotonic() + min(MAX_BACKOFF_S, 0.5 * 2**self._failures)
                self._cond.notify_all()
            return
        with self._cond:
            self._starting -= 1
            self._failures = 0
            slot = _Slot(sandbox)
            if self._closed or self._total() >= self._size:
                self._retire(slot)
            else:
                self._idle.append(slot)
            self._cond.notify_all()

    def _maintain(self) -> None:
        """Start missing sandboxes, close extra idle ones, health-check idle ones."""
        while True:
            with self._cond:
                if self._closed:
                    return
                now = time.monotonic()
                while self._idle and self._total() > self._size:
                    self._retire(self._idle.pop())
                if now >= self._retry_at:
                    while self._total() < self._size and self._starting < self._start_workers:
                        self._starting += 1
                        threading.Thread(target=self._start_one, name="toolgym-sandbox-start", daemon=True).start()
                due = [slot for slot in self._idle if now - slot.checked_at >= self.health_interval_s]
                for slot in due:
                    self._idle.remove(slot)
                    self._leased.add(slot)  # held by the health check meanwhile
            for slot in due:
                healthy = slot.sandbox.ping()
                slot.checked_at = time.monotonic()
                with self._cond:
                    if self._closed:  # close() retired it already
                        continue
                    self._leased.discard(slot)
                    if healthy:
                        self._idle.append(slot)
                    else:
                        self._retire(slot)
                    self._cond.notify_all()
            with self._cond:
                if self._closed:
                    return
                wake = self.health_interval_s
                backoff = self._retry_at - time.monotonic()
                if self._total() < self._size and backoff > 0:
                    wake = min(wake, backoff)
                self._cond.wait(wake)
