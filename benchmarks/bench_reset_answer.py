"""Reset + answer step: ``ToolGym/MathTIR-v1`` through ``gym.make`` vs SkyRL-Gym's gsm8k env.

The cost of an episode that answers at once: what every single-turn RL sample pays around the
model. Both sides get the same gold answers (MathTIR's test split) and a correct final answer in
their own format, in the same run, interleaved over repeats; then the same with a wrong answer
(another task's gold):

* ToolGym: ``env.reset()`` + ``env.step("<answer>…</answer>")`` (the answer for the task that
  ``reset`` drew) on one ``gym.make`` env (Gymnasium
  envs are reused across episodes); the reward checks mathematical equivalence;
* SkyRL-Gym (the baseline): ``skyrl_gym.make("gsm8k", extras=…)`` + ``init`` + ``step("#### …")``
  + ``close``, one env per episode as SkyRL's generator does; its reward is a regex and a string
  comparison.

SkyRL-Gym is not a ToolGym dependency: ``pip install skyrl-gym`` to compare; without it the
comparison is skipped with a message and ToolGym alone is measured. Prints medians of µs per
episode, by wall time and by CPU time of this process (steadier on a shared machine), and the ratio
ToolGym / SkyRL in episodes per second (target >= 1).

    python benchmarks/bench_reset_answer.py --n 20000 --repeats 5
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

import gymnasium as gym

import toolgym


def _rates(n: int, wall: float, cpu: float) -> tuple[float, float]:
    return n / wall, n / cpu


def toolgym_rate(env, answer_for: dict[str, str], n: int) -> tuple[float, float]:
    """Episodes per second (wall, CPU); ``answer_for[task_id]`` answers the task ``reset`` drew."""
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(n):
        _, info = env.reset()
        env.step(answer_for[info["task_id"]])
    return _rates(n, time.perf_counter() - wall, time.process_time() - cpu)


def skyrl_rate(make, golds: list[str], given: list[str], n: int) -> tuple[float, float]:
    """Episodes per second (wall, CPU) of gsm8k envs with gold ``golds[k]`` answered ``given[k]``."""
    prompt = [{"role": "user", "content": "question"}]
    extras = [{"reward_spec": {"method": "rule", "ground_truth": g}} for g in golds]
    actions = [f"The answer is\n#### {g}" for g in given]
    wall, cpu = time.perf_counter(), time.process_time()
    for i in range(n):
        k = i % len(golds)
        env = make("gsm8k", env_config={}, extras=extras[k])
        env.init(prompt)
        env.step(actions[k])
        env.close()
    return _rates(n, time.perf_counter() - wall, time.process_time() - cpu)


def main(argv: list[str] | None = None) -> dict[str, float]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20_000, help="episodes per repeat")
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args(argv)
    env_id = next(i for i in toolgym.env_ids() if i.startswith("ToolGym/MathTIR"))
    env = gym.make(env_id, split="test")
    env.reset(seed=0)
    tasks = list(env.unwrapped.tasks)
    golds = [t.answer for t in tasks]
    wrong = golds[1:] + golds[:1]  # another task's gold: a wrong answer that still reads as a number
    cases = {
        "correct": ({t.id: f"<answer>{g}</answer>" for t, g in zip(tasks, golds)}, golds),
        "wrong": ({t.id: f"<answer>{w}</answer>" for t, w in zip(tasks, wrong)}, wrong),
    }
    try:
        import skyrl_gym
    except ImportError:
        skyrl_gym = None
        print("SkyRL-Gym is not installed (pip install skyrl-gym): skipping the comparison; ToolGym alone.")
    rates: dict[str, list[tuple[float, float]]] = {}
    for _ in range(args.repeats):
        for case, (answer_for, given) in cases.items():
            rates.setdefault(f"toolgym_{case}", []).append(toolgym_rate(env, answer_for, args.n))
            if skyrl_gym is not None:
                rates.setdefault(f"skyrl_{case}", []).append(skyrl_rate(skyrl_gym.make, golds, given, args.n))
    env.close()
    res: dict[str, float] = {}
    for key, values in rates.items():
        wall = statistics.median(v[0] for v in values)
        cpu = statistics.median(v[1] for v in values)
        res[f"{key}_us_per_episode_wall"] = 1e6 / wall
        res[f"{key}_us_per_episode_cpu"] = 1e6 / cpu
    for case in cases if skyrl_gym is not None else ():
        for clock in ("wall", "cpu"):
            res[f"toolgym_over_skyrl_{case}_{clock}"] = (
                res[f"skyrl_{case}_us_per_episode_{clock}"] / res[f"toolgym_{case}_us_per_episode_{clock}"]
            )
    print(f"{'metric (median of repeats)':34s} value")
    for k, v in res.items():
        print(f"{k:34s} {v:,.2f}")
    for case in cases if skyrl_gym is not None else ():
        print(
            f"ToolGym / SkyRL-Gym episodes per second, {case} answers: "
            f"{res[f'toolgym_over_skyrl_{case}_cpu']:.2f} by CPU time, "
            f"{res[f'toolgym_over_skyrl_{case}_wall']:.2f} by wall time (target >= 1)"
        )
    return res


if __name__ == "__main__":
    main()
