"""math-verify (sympy) in killable worker processes: the math verifier's symbolic path.

math-verify's own time limit uses ``signal.alarm``, which works only in the main thread (envs may
step in worker threads) and fires only between Python bytecodes, so it cannot stop a long C-level
computation; a worker process can be killed from any thread, at any point. A pair that runs past the
time limit counts as not equal (and is cached as such); the killed worker is replaced in the
background so the next check does not wait for a start. Never raises.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import queue
import select
import subprocess
import sys
import threading
from functools import lru_cache

logger = logging.getLogger(__name__)

_WORKER_SOURCE = r"""
import json, sys
import math_verify as mv

FLOAT_ROUNDING = %d

def parse(s):
    return mv.parse("$" + s + "$", parsing_timeout=None) or mv.parse(s, parsing_timeout=None)

# warm up (lazy imports, sympy caches) before saying ready: the first real check is then timed fairly
mv.verify(parse("\\frac{1}{2}x + \\sqrt{8}i"), parse("x/2 + 2\\sqrt{2}i"), timeout_seconds=None)
sys.stdout.write("ready\n")
sys.stdout.flush()
for line in sys.stdin:
    try:
        pred, gold = json.loads(line)
        ok = bool(mv.verify(parse(gold), parse(pred), float_rounding=FLOAT_ROUNDING, timeout_seconds=None))
    except Exception:
        ok = False
    sys.stdout.write("1\n" if ok else "0\n")
    sys.stdout.flush()
"""
_WORKER_START_TIMEOUT_S = 60.0
#: Decimal places math-verify rounds floats to (its default is 6, which pays ``3.1415927`` for
#: :math:`\\pi` and ``0.7071068`` for :math:`\\sqrt{2}/2`); 12 keeps only float noise out.
FLOAT_ROUNDING = 12


class _Worker:
    """One math-verify process answering ``[pred, gold]`` JSON lines with ``1`` or ``0``."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _WORKER_SOURCE % FLOAT_ROUNDING],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        if self._read_line(_WORKER_START_TIMEOUT_S) != "ready":
            self.kill()
            raise RuntimeError("math-verify worker did not start")

    def _read_line(self, timeout_s: float) -> str | None:
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout_s)
        return self.proc.stdout.readline().strip() if ready else None

    def ask(self, pred: str, gold: str, timeout_s: float) -> bool | None:
        """The worker's verdict, or ``None`` when it timed out or died (then it must be killed)."""
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps([pred, gold]) + "\n")
            self.proc.stdin.flush()
        except OSError:
            return None
        reply = self._read_line(timeout_s)
        return None if reply not in ("0", "1") else reply == "1"

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                pipe.close()  # type: ignore[union-attr]


class _WorkerPool:
    """Up to ``size`` lazily started workers shared by all threads; reset in a forked child."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._reset()

    def _reset(self) -> None:
        self._pid = os.getpid()
        self._lock = threading.Lock()
        self._idle: queue.LifoQueue[_Worker | None] = queue.LifoQueue()
        self._all: list[_Worker] = []
        for _ in range(self.size):
            self._idle.put(None)

    def equal(self, pred: str, gold: str, timeout_s: float) -> bool:
        if self._pid != os.getpid():  # a forked child must not share its parent's workers
            self._reset()
        worker = self._idle.get()
        replace = False
        try:
            worker = self._alive(worker)
            verdict = worker.ask(pred, gold, timeout_s)
            if verdict is None:  # timed out or died: kill it, start a replacement in the background
                self._discard(worker)
                worker, replace = None, True
            return bool(verdict)
        except Exception:  # could not start a worker: symbolic checks are unavailable
            logger.warning("symbolic math check unavailable", exc_info=True)
            return False
        finally:
            if replace:
                threading.Thread(target=self._replace, daemon=True).start()
            else:
                self._idle.put(worker)

    def _alive(self, worker: _Worker | None) -> _Worker:
        if worker is not None and worker.proc.poll() is not None:
            self._discard(worker)
            worker = None
        if worker is None:
            worker = _Worker()
            with self._lock:
                self._all.append(worker)
        return worker

    def _replace(self) -> None:
        worker: _Worker | None = None
        try:
            worker = self._alive(None)
        except Exception:
            logger.warning("could not restart a symbolic math worker", exc_info=True)
        finally:
            self._idle.put(worker)

    def prestart(self) -> None:
        """Block until every slot of the pool holds a started worker."""
        if self._pid != os.getpid():
            self._reset()
        taken = [self._idle.get() for _ in range(self.size)]
        try:
            taken = [self._alive(w) for w in taken]
        finally:
            for w in taken:
                self._idle.put(w)

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)

    def close(self) -> None:
        """Kill this process's workers (run at exit; a no-op in a forked child)."""
        if self._pid != os.getpid():
            return
        with self._lock:
            workers, self._all = self._all, []
        for w in workers:
            w.kill()


_POOL = _WorkerPool(size=max(1, min(4, os.cpu_count() or 1)))
atexit.register(_POOL.close)


@lru_cache(maxsize=8192)
def symbolic_equal(pred: str, gold: str, timeout_s: float) -> bool:
    """math-verify equivalence of two cleaned strings; time-outs and errors count as not equal."""
    return _POOL.equal(pred, gold, timeout_s)


def prestart() -> None:
    """Start every worker of the pool now (tests and benchmarks time checks, not start-ups)."""
    _POOL.prestart()
