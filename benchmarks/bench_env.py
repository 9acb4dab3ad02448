"""Env throughput: reset + final-answer step pairs per second through ``gym.make``.

The answer is numeric, so the reward takes its fast path (no symbolic check). The baseline,
measured in the same run, is the same loop's bare Python overhead: calling two no-op methods, so
the ratio shows how far the env is from free. Prints medians over repeats.
"""

from __future__ import annotations

import argparse
import statistics
import time

import gymnasium as gym

import toolgym  # noqa: F401


class _Noop:
    def reset(self, *, seed=None, options=None):
        return "", {}

    def step(self, action):
        return "", 0.0, True, False, {}


def pairs_per_second(env, n: int, answers: list[str]) -> float:
    """Time ``n`` reset + answer-step pairs; return pairs per second."""
    start = time.perf_counter()
    for i in range(n):
        env.reset()
        env.step(answers[i % len(answers)])
    return n / (time.perf_counter() - start)


def main(argv: list[str] | None = None) -> dict[str, float]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20_000, help="pairs per repeat")
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args(argv)
    env = gym.make("ToolGym/MathTIR-v1", split="test")
    env.reset(seed=0)
    answers = [f"<answer>{t.answer}</answer>" for t in env.unwrapped.tasks]
    env_rates, noop_rates = [], []
    for _ in range(args.repeats):
        env_rates.append(pairs_per_second(env, args.n, answers))
        noop_rates.append(pairs_per_second(_Noop(), args.n, answers))
    env.close()
    res = {
        "env_pairs_per_s_median": statistics.median(env_rates),
        "noop_pairs_per_s_median": statistics.median(noop_rates),
        "us_per_pair_median": 1e6 / statistics.median(env_rates),
    }
    res["noop_over_env_ratio"] = res["noop_pairs_per_s_median"] / res["env_pairs_per_s_median"]
    print(f"{'metric':34s} value")
    for k, v in res.items():
        print(f"{k:34s} {v:,.2f}")
    return res


if __name__ == "__main__":
    main()
