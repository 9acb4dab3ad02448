"""CI-sized soak: fuzzed episodes across every registered env leave memory, fds, processes and threads flat.

The 10,000-episode version is ``benchmarks/bench_soak.py`` (numbers in ``docs/benchmarks.md``).
Envs are remade every few episodes, so make/close cycles are soaked too. After a warm-up (first
imports, caches, the shared fork server, one make/close cycle of every env) growth must stay small.
"""

import os
import subprocess
import sys
import threading
import time

from tests.soak import Soak, growth, run_soak, sample
from toolgym.registration import env_ids

WARMUP = 60
EPISODES = 240

# Bounds after warm-up: a leak of one fd, process or thread per ~100 episodes breaks them.
MAX_GROWTH = {"rss_mb": 64.0, "fds": 2, "children": 1, "threads": 1}


def test_the_sampler_sees_what_a_leak_grows():
    before = sample()
    fds = [os.open(os.devnull, os.O_RDONLY) for _ in range(5)]
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    blob = bytearray(80 * 1024 * 1024)
    try:
        during = sample()
        assert during.fds >= before.fds + 5
        assert during.children == before.children + 1
        assert during.threads == before.threads + 1
        assert during.rss_mb >= before.rss_mb + 70
    finally:
        del blob
        stop.set()
        thread.join()
        child.kill()
        child.wait()
        for fd in fds:
            os.close(fd)


def test_soak_every_env_stays_flat():
    start = time.perf_counter()
    result = run_soak(EPISODES, warmup=WARMUP, every=40, remake_every=10)
    soak_s = time.perf_counter() - start
    grew = growth(result)
    summary = f"growth {grew}, samples {result['samples']}, errors {result['errors']}, {soak_s:.1f} s"
    for measure, bound in MAX_GROWTH.items():
        assert grew[measure] <= bound, f"{measure} grew by {grew[measure]} (> {bound}): {summary}"
    base, closed = result["samples"][0][1], result["closed"]
    # closing every env gives back its processes and fds (the fork server is shared and stays)
    assert closed.children <= base.children and closed.fds <= base.fds, summary
    assert result["episodes"] == WARMUP + EPISODES and result["steps"] > result["episodes"]
    assert "tool_error" in result["errors"]  # the fuzz really reached the tools


def test_the_soak_covers_every_registered_env():
    soak = Soak(remake_every=2)
    try:
        for _ in range(2 * len(env_ids()) + 1):
            soak.episode()
        assert set(soak.played) == set(env_ids()) and all(n >= 2 for n in soak.played.values())
    finally:
        soak.close()
