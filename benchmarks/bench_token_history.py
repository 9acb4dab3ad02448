"""Token-mode step cost against episode length: the overhead per step at turn 1,000 vs turn 10.

One long episode (1,100 tool-call turns of the toy ``calc`` env) is played twice with the same
actions: in text mode (``env.step(text)``) and in token mode (``TokenEnv.step(ids)``, ids prepared
beforehand). Token-mode overhead at turn t = token step latency - text step latency at t, medians
over a window of turns around t and over repeats. Token mode must not grow with history: it renders
only each step's new messages (the step record) and never rebuilds the conversation.
Target: overhead at turn 1,000 within 1.3x of turn 10.
"""

from __future__ import annotations

import argparse
import statistics
import time

from toolgym.tokens import TokenEnv, build_local_tokenizer
from toolgym.train.toy import AddToolEnv

TURNS = 1100
WINDOWS = {10: range(5, 16), 1000: range(995, 1006)}


def actions(n: int) -> list[str]:
    """``n`` tool-call turns with varied arguments."""
    return [f"<calc>{i % 97} + {i % 13}</calc>" for i in range(n)]


def play(step, reset, acts) -> list[float]:
    """Per-turn step latencies (s) of one episode."""
    reset()
    out = []
    for a in acts:
        t0 = time.perf_counter()
        _, _, term, trunc, _ = step(a)
        out.append(time.perf_counter() - t0)
        if term or trunc:
            break
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    texts = actions(TURNS)
    text_env = AddToolEnv(max_turns=TURNS + 1)
    tok = build_local_tokenizer([text_env.system_prompt, *texts, "<result>42</result>"] * 3, "chatml")
    token_env = TokenEnv(AddToolEnv(max_turns=TURNS + 1), tok)
    stop = token_env.stop_token_ids[0]
    ids = [[*token_env.renderer.encode(t), stop] for t in texts]
    text_lat: list[list[float]] = []
    token_lat: list[list[float]] = []
    for r in range(args.repeats):
        text_lat.append(play(text_env.step, lambda: text_env.reset(seed=r), texts))
        token_lat.append(play(token_env.step, lambda: token_env.reset(seed=r), ids))
    overhead = {}
    for turn, window in WINDOWS.items():
        text_med = statistics.median(x[i] for x in text_lat for i in window)
        token_med = statistics.median(x[i] for x in token_lat for i in window)
        overhead[turn] = token_med - text_med
        print(f"turn {turn:>5}: text {text_med * 1e6:8.1f} us  token {token_med * 1e6:8.1f} us  overhead {overhead[turn] * 1e6:8.1f} us")
    ratio = overhead[1000] / overhead[10]
    print(f"token-mode overhead ratio, turn 1000 / turn 10: {ratio:.2f} (target <= 1.3)")
    print(f"stream length at the end: {len(token_env.trajectory)} tokens over {len(token_env.trajectory.turns)} turns")


if __name__ == "__main__":
    main()
