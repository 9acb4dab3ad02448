"""Retail/Travel step cost against history: median step time at turn 1 vs turn 50 after 1 MB of text.

The simulated user runs on every step of these envs; it must cost O(one message), never
O(history) (issue 12, item 5). For each env this times the same short, unrelated agent message
("Let me check that for you.", which makes the scripted user check whether it is satisfied)
as the first step of an episode (the baseline) and as step 50, after 49 messages that add up to
1 MB of text. Each filler asks the user to confirm, so the user answers and stays in the
conversation. Prints medians over repeats and the ratio (target: <= 2).
"""

from __future__ import annotations

import argparse
import statistics
import time

import gymnasium as gym

import toolgym  # noqa: F401
from toolgym.registration import env_ids

PROBE = "Let me check that for you."
HISTORY_CHARS = 1_000_000
TURN = 50


def _timed_step(env, action: str) -> float:
    start = time.perf_counter()
    _, _, terminated, truncated, _ = env.step(action)
    elapsed = time.perf_counter() - start
    if terminated or truncated:
        raise RuntimeError("the episode ended before the probe step: the benchmark is not measuring a mid-episode step")
    return elapsed


def measure(env_id: str, repeats: int) -> dict[str, float]:
    """Median probe-step seconds at turn 1 and at turn :data:`TURN` with 1 MB of history."""
    env = gym.make(env_id, max_turns=TURN + 10)
    task_id = env.unwrapped.tasks[0].id
    head = "Do you confirm? "
    filler = head + "x" * (HISTORY_CHARS // (TURN - 1) - len(head))
    first, late = [], []
    for _ in range(repeats):
        env.reset(options={"task_id": task_id})
        first.append(_timed_step(env, PROBE))
        env.reset(options={"task_id": task_id})
        for _ in range(TURN - 1):
            env.step(filler)
        late.append(_timed_step(env, PROBE))
    env.close()
    t1, t50 = statistics.median(first), statistics.median(late)
    return {"turn1_ms": t1 * 1e3, "turn50_1MB_ms": t50 * 1e3, "ratio": t50 / t1}


def main(argv: list[str] | None = None) -> dict[str, dict[str, float]]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=31)
    args = ap.parse_args(argv)
    ids = [i for i in env_ids() if "Retail" in i or "Travel" in i]
    results = {env_id: measure(env_id, args.repeats) for env_id in ids}
    print(f"{'env':22s} {'turn 1 ms':>10s} {'turn 50, 1 MB ms':>17s} {'ratio':>6s}")
    for env_id, r in results.items():
        print(f"{env_id:22s} {r['turn1_ms']:10.4f} {r['turn50_1MB_ms']:17.4f} {r['ratio']:6.2f}")
    return results


if __name__ == "__main__":
    main()
