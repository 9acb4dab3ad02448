"""CI-sized soak: fuzzed episodes across every registered env leave memory, fds, processes and threads flat.

The 10,000-episode version is ``benchmarks/bench_soak.py`` (numbers in ``docs/benchmarks.md``).
Envs are remade every few episodes, so make/close cycles are soaked too. After a warm-up (first
imports, caches, the shared fork server, one make/close cycle of every env) growth must stay small.
"""

import json
import os
import subprocess
import sys
import threading
import time

from tests.soak import Soak, sample
from toolgym.registration import env_ids

WARMUP = 60
EPISODES = 240

# Bounds after warm-up on the sustained growth (the smallest of the last three samples over the
# first): a leak of one fd, process or thread per ~100 episodes breaks them.
MAX_GROWTH = {"rss_mb": 64.0, "fds": 2, "children": 1, "threads": 1}
# Bounds on any single sample: envs are remade every few episodes and three families hold a sandbox
# (fork server + supervisor) or database workers while they live, so a sample taken while a new env
# starts and an old one's processes exit sees a few more for a moment.
MAX_TRANSIENT = {"rss_mb": 96.0, "fds": 6, "children": 4, "threads": 2}


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


SOAK_SCRIPT = f"""
from tests.soak import run_soak, to_json
print(to_json(run_soak({EPISODES}, warmup={WARMUP}, every=40, remake_every=10)))
"""


def test_soak_every_env_stays_flat():
    # A fresh interpreter: what other tests of this session started (pools, workers, their
    # zombies) must not count for or against the soak.
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", SOAK_SCRIPT], capture_output=True, text=True, timeout=600, check=True)
    soak_s = time.perf_counter() - start
    result = json.loads(out.stdout.strip().splitlines()[-1])
    rows = result["samples"]
    base, closed = rows[0], result["closed"]
    sustained = {k: min(r[k] for r in rows[-3:]) - base[k] for k in MAX_GROWTH}
    peak = {k: max(r[k] for r in rows) - base[k] for k in MAX_TRANSIENT}
    summary = f"sustained {sustained}, peak {peak}, samples {rows}, errors {result['errors']}, {soak_s:.1f} s"
    for measure, bound in MAX_GROWTH.items():
        assert sustained[measure] <= bound, f"{measure} grew by {sustained[measure]} (> {bound}): {summary}"
    for measure, bound in MAX_TRANSIENT.items():
        assert peak[measure] <= bound, f"{measure} peaked {peak[measure]} over the start (> {bound}): {summary}"
    # closing every env gives back its processes and fds (the fork server is shared and stays)
    assert closed["children"] <= base["children"] and closed["fds"] <= base["fds"], summary
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
