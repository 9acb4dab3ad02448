"""Soak: 10,000 fuzzed episodes across every registered env (local sandbox); host resources stay flat.

Plays fuzzed episodes (random Unicode, mutated reference actions, broken JSON, unknown tools,
megabyte strings) round-robin over every ``ToolGym/*`` id, remaking each env every 25 of its
episodes, and samples this process's resident memory, open fds, descendant processes and
threads every ``--every`` episodes. The baseline is the first sample after ``--warmup`` episodes
(same run); it prints each sample, the largest growth over the baseline, and the state after
closing every env. Uses the machinery of ``tests/soak.py``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout, for tests.soak

from tests.soak import growth, run_soak, to_json  # noqa: E402


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--episodes", type=int, default=10_000, help="measured episodes, after the warm-up")
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--every", type=int, default=500, help="sample every N episodes")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", help="also write the samples to this file")
    args = ap.parse_args(argv)

    def report(soak, point) -> None:
        episode, s = point
        print(f"{episode:>8,d} {soak.steps:>8,d} {s.rss_mb:>8.1f} {s.fds:>5d} {s.children:>9d} {s.threads:>8d}", flush=True)

    print(f"{'episode':>8s} {'steps':>8s} {'RSS MB':>8s} {'fds':>5s} {'children':>9s} {'threads':>8s}")
    result = run_soak(args.episodes, args.warmup, args.every, seed=args.seed, report=report)
    base = result["samples"][0][1]
    print(f"baseline after {args.warmup} warm-up episodes: {base}")
    print(f"largest growth over the baseline: {growth(result)}")
    print(f"after closing every env: {result['closed']}")
    print(f"{result['episodes']:,} episodes, {result['steps']:,} steps in {result['wall_s']:.0f} s "
          f"({result['wall_s'] / result['episodes'] * 1e3:.1f} ms/episode); info['error'] counts: {result['errors']}")
    if args.json:
        Path(args.json).write_text(to_json(result))
    return result


if __name__ == "__main__":
    main()
