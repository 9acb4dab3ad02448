"""Token-mode overhead per env step against text mode, measured in the same run.

Both modes play the tasks' reference turns through the same env instance type: text mode calls
``env.step(text)``, token mode calls ``TokenEnv.step(ids)`` with the policy's ids prepared
beforehand (a policy hands over ids, it does not tokenize). The difference is what token mode
adds per step: decoding the action once, rendering and tokenizing the observation delta, and
keeping the stream. Reported: median step latency per mode, the overhead and the ratio, the same
for ``reset`` (the whole prompt is tokenized there), and the cost of a drift check per episode.
Tokenizers are built locally (ChatML, byte-level BPE) from each env's own texts.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import gymnasium as gym

import toolgym  # noqa: F401  (registers ToolGym/*)
from toolgym.env import ToolEnv
from toolgym.tokens import TokenEnv, build_local_tokenizer
from toolgym.train.tiny import env_corpus
from toolgym.train.toy import AddToolEnv
from toolgym.types import ToolCall


def reference_actions(env: ToolEnv) -> dict[str, list[str]]:
    """Each task's reference turns as action text in the env's format."""
    out = {}
    for task in env.tasks:
        out[task.id] = [
            env.parser.render_action([ToolCall(c.name, dict(c.arguments)) for c in t.tool_calls], t.answer, t.thought)
            for t in task.reference
        ]
    return out


def time_episodes(
    reset: Callable[[str], Any], step: Callable[[Any], tuple], actions: dict[str, list[Any]], episodes: int
) -> tuple[list[float], list[float]]:
    """Per-call latencies (s) of reset and of step over ``episodes`` reference episodes."""
    ids = list(actions)
    resets, steps = [], []
    for i in range(episodes):
        tid = ids[i % len(ids)]
        t0 = time.perf_counter()
        reset(tid)
        resets.append(time.perf_counter() - t0)
        for action in actions[tid]:
            t0 = time.perf_counter()
            _, _, term, trunc, _ = step(action)
            steps.append(time.perf_counter() - t0)
            if term or trunc:
                break
    return resets, steps


def bench(name: str, make: Callable[[], ToolEnv], episodes: int, repeats: int) -> dict[str, float]:
    env = make()
    tok = build_local_tokenizer(env_corpus(env), family="chatml", vocab_size=2000)
    texts = reference_actions(env)
    tenv = TokenEnv(env, tok)
    stop = tenv.stop_token_ids[0]
    ids = {tid: [tok(t, add_special_tokens=False)["input_ids"] + [stop] for t in acts] for tid, acts in texts.items()}
    text_reset = lambda tid: env.reset(options={"task_id": tid})
    token_reset = lambda tid: tenv.reset(options={"task_id": tid})
    rows: dict[str, list[float]] = {k: [] for k in ("text_step", "token_step", "text_reset", "token_reset", "drift")}
    time_episodes(text_reset, env.step, texts, 20)  # warm up both paths (sandbox start, caches)
    time_episodes(token_reset, tenv.step, ids, 20)
    for _ in range(repeats):  # interleaved, so both modes see the same machine load
        r, s = time_episodes(text_reset, env.step, texts, episodes)
        rows["text_reset"].append(statistics.median(r))
        rows["text_step"].append(statistics.median(s))
        r, s = time_episodes(token_reset, tenv.step, ids, episodes)
        rows["token_reset"].append(statistics.median(r))
        rows["token_step"].append(statistics.median(s))
        t0 = time.perf_counter()
        tenv.drift_report()
        rows["drift"].append(time.perf_counter() - t0)
    env.close()
    med = {k: statistics.median(v) * 1e6 for k, v in rows.items()}
    return {
        "text_step_us": med["text_step"],
        "token_step_us": med["token_step"],
        "step_overhead_us": med["token_step"] - med["text_step"],
        "step_ratio": med["token_step"] / med["text_step"],
        "text_reset_us": med["text_reset"],
        "token_reset_us": med["token_reset"],
        "reset_ratio": med["token_reset"] / med["text_reset"],
        "drift_check_us_per_episode": med["drift"],
    }


def main(argv: list[str] | None = None) -> dict[str, dict[str, float]]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--episodes", type=int, default=200, help="episodes per repeat and mode")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--skip-math", action="store_true", help="only the in-process toy env (no sandbox)")
    args = ap.parse_args(argv)
    envs: dict[str, Callable[[], ToolEnv]] = {"toy add (in-process tool)": AddToolEnv}
    if not args.skip_math:
        envs["ToolGym/MathTIR-v1 (python sandbox)"] = lambda: gym.make("ToolGym/MathTIR-v1", split="test").unwrapped
    results = {}
    for name, make in envs.items():
        res = bench(name, make, args.episodes, args.repeats)
        results[name] = res
        print(f"\n{name}: medians of {args.repeats} repeats x {args.episodes} episodes")
        print(f"{'metric':28s} value")
        for k, v in res.items():
            print(f"{k:28s} {v:,.2f}")
    return results


if __name__ == "__main__":
    main()
