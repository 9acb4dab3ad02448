"""reasoning-gym's ``score_answer`` in a killable worker process.

Some datasets parse the answer with sympy or ``eval`` an expression (``simple_integration``,
``polynomial_multiplication``, ``countdown``, ``puzzle24``...), so an answer such as ``9**9**9**9``
runs for minutes; their own ``try`` swallows ``signal.alarm``. The worker recreates each dataset
from its name, config, seed and size (entries are deterministic), scores one answer per request, and
is killed and replaced when one runs past the time limit: that answer scores 0. Never raises.

>>> ScoreWorker().score(("basic_arithmetic", "{}", 0, 2, 0), "not a number", timeout_s=30)
0.0
"""

from __future__ import annotations

import atexit
import json
import os
import select
import subprocess
import sys
import threading

#: (dataset, config JSON, seed, size, index): what the worker needs to rebuild an entry.
EntryKey = tuple[str, str, int, int, int]

_SOURCE = r"""
import json, sys, warnings
warnings.filterwarnings("ignore")
import reasoning_gym
datasets = {}
sys.stdout.write("ready\n")
sys.stdout.flush()
for line in sys.stdin:
    name, config, seed, size, index, answer = json.loads(line)
    try:
        key = (name, config, seed, size)
        if key not in datasets:
            datasets[key] = reasoning_gym.create_dataset(name, seed=seed, size=size, **json.loads(config))
        ds = datasets[key]
        value = float(ds.score_answer(answer, ds[index]))
    except Exception:
        value = 0.0
    sys.stdout.write(json.dumps(value if value == value else 0.0) + "\n")
    sys.stdout.flush()
"""

START_TIMEOUT_S = 120.0


class ScoreWorker:
    """One worker process, started on first use, shared by the threads of this process (one request at a time)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[str] | None = None
        self._pid = os.getpid()

    def _readline(self, timeout_s: float) -> str | None:
        assert self._proc is not None and self._proc.stdout is not None
        ready, _, _ = select.select([self._proc.stdout], [], [], timeout_s)
        return self._proc.stdout.readline() if ready else None

    def _start(self) -> bool:
        env = dict(os.environ, PYTHONHASHSEED="0")
        self._proc = subprocess.Popen(
            [sys.executable, "-c", _SOURCE], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True, bufsize=1, env=env,
        )
        if self._readline(START_TIMEOUT_S) != "ready\n":
            self.close()
            return False
        return True

    def score(self, key: EntryKey, answer: str, timeout_s: float) -> float:
        """reasoning-gym's score of ``answer`` for the entry ``key``; 0.0 on timeout or any failure."""
        with self._lock:
            if self._pid != os.getpid():  # a forked child must not share its parent's worker
                self._proc, self._pid = None, os.getpid()
            if (self._proc is None or self._proc.poll() is not None) and not self._start():
                return 0.0
            assert self._proc is not None and self._proc.stdin is not None
            try:
                self._proc.stdin.write(json.dumps([*key, answer]) + "\n")
                self._proc.stdin.flush()
                line = self._readline(timeout_s)
            except (OSError, ValueError):
                line = None
            if not line:
                self.close()  # past the limit, or dead: kill it; the next request starts a fresh one
                return 0.0
            try:
                return float(json.loads(line))
            except (ValueError, TypeError):
                return 0.0

    def close(self) -> None:
        """Kill the worker (a no-op when none runs)."""
        proc, self._proc = self._proc, None
        if proc is not None and self._pid == os.getpid():
            proc.kill()
            proc.wait()
            for stream in (proc.stdin, proc.stdout):
                if stream is not None:
                    stream.close()


#: The worker of this process.
WORKER = ScoreWorker()
atexit.register(WORKER.close)
