"""The token-mode drift table: every stock template x every registered env, through gym.make.

``python -m tests.tokens.drift_table --episodes 112`` plays that many random episodes per env and
template (tool calls, chatter, answers, junk, cut turns, whitespace at action edges, <think>
blocks) and grades each stream independently against ``tokenizer.apply_chat_template`` of the same
conversation under the family's documented rule (:func:`tests.tokens.stock_episodes.independent_check`).
Prints ``unexplained/naive`` drift tokens per cell: naive is what a re-tokenizing trainer would get
wrong, unexplained must be 0.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter
from typing import Any

import gymnasium as gym

import toolgym
from tests.tokens.real_tokenizers import CASE_NAMES, StockCase, load_case
from tests.tokens.stock_episodes import play_token_env


def play_env(env_id: str, case: StockCase, tok: Any, episodes: int, seed: int = 0) -> Counter:
    """Play ``episodes`` random episodes of ``env_id`` in token mode; drift totals."""
    rng = random.Random(f"{seed}-{env_id}-{case.name}")
    env = gym.make(env_id, tokenizer=tok, token_family=case.family, template_kwargs=case.template_kwargs)
    total: Counter = Counter()
    try:
        for _ in range(episodes):
            verdict, kinds = play_token_env(env, rng)
            total.update(episodes=1, unexplained=verdict.unexplained, naive=verdict.naive, **kinds)
    finally:
        env.close()
    return total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--episodes", type=int, default=20, help="episodes per env and template")
    ap.add_argument("--templates", nargs="*", default=list(CASE_NAMES))
    args = ap.parse_args()
    ids = sorted(toolgym.env_ids())
    print("| template | " + " | ".join(i.split("/")[1] for i in ids) + " | episodes | unexplained |")
    print("|---" * (len(ids) + 3) + "|")
    for name in args.templates:
        case, tok = load_case(name)
        t0 = time.perf_counter()
        cells, episodes, unexplained = [], 0, 0
        for env_id in ids:
            row = play_env(env_id, case, tok, args.episodes)
            cells.append(f"{row['unexplained']}/{row['naive']}")
            episodes += row["episodes"]
            unexplained += row["unexplained"]
        print(f"| {name} | " + " | ".join(cells) + f" | {episodes} | {unexplained} |  ({time.perf_counter() - t0:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
