"""``ToolGym/MathTIR-v1``: tool-integrated math reasoning with a stateful Python interpreter.

Tasks come from ToolGym's curated math set (``split`` = train/test/all) or from the seeded
procedural generator (``source="generated"``). The reward pays 1 for a final answer equivalent
to the gold answer (several conflicting answers score 0); ``format`` and ``tool_calls`` are
logged at weight 0.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

from toolgym.parsers import ToolCallParser
from toolgym.rewards.base import Component, Rubric, tool_call_count
from toolgym.rewards.format import FormatReward
from toolgym.rewards.math import MathAnswerReward
from toolgym.python_env import PythonToolEnv
from toolgym.sandbox import SandboxPool
from toolgym.tasks import Task, TaskSet
from toolgym_envs.math_tir.prompts import PREAMBLE
from toolgym_tasks.math import generate, load_curated

SPLITS = ("train", "test", "all")


@lru_cache(maxsize=16)
def math_tasks(split: str = "train", source: str = "curated", seed: int = 0, n: int = 1000) -> TaskSet:
    """The MathTIR task set for a split, loaded (or generated) once per process."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    if source == "curated":
        tasks = load_curated()
    elif source == "generated":
        tasks = TaskSet.from_records(
            generate(n, seed=seed, split="train") + generate(max(n // 4, 1), seed=seed + 1, split="test")
        )
    else:
        raise ValueError(f"source must be 'curated' or 'generated', got {source!r}")
    return tasks if split == "all" else tasks.split(split)



class MathTIREnv(PythonToolEnv):
    """Math word problems + a ``python`` tool + an exact-answer reward.

    ``sandbox`` picks where the tool's code runs: ``"local"``, ``"docker"``, ``"auto"``, a
    :class:`SandboxPool`, or None for ``$TOOLGYM_SANDBOX`` (else ``"local"``); see
    :mod:`toolgym.sandbox.selection`.
    """

    def __init__(
        self,
        *,
        split: str = "train",
        source: str = "curated",
        generator_seed: int = 0,
        tasks: TaskSet | Sequence[Task] | None = None,
        sandbox: str | SandboxPool | None = None,
        python_timeout_s: float = 10.0,
        parser: str | ToolCallParser = "hermes",
        max_turns: int = 8,
        max_tool_calls: int = 4,
        max_observation_chars: int = 4096,
        format_weight: float = 0.0,
        render_mode: str | None = None,
    ) -> None:
        task_set = tasks if tasks is not None else math_tasks(split, source, generator_seed)
        rubric = Rubric(
            [
                Component("correct", MathAnswerReward(), 1.0),
                # paid only with a correct answer: a constant or empty answer must earn nothing
                Component("format", FormatReward(), format_weight, requires="correct"),
                Component("tool_calls", tool_call_count, 0.0),
            ]
        )
        super().__init__(
            task_set,
            rubric=rubric,
            preamble=PREAMBLE,
            sandbox=sandbox,
            python_timeout_s=python_timeout_s,
            parser=parser,
            max_turns=max_turns,
            max_tool_calls=max_tool_calls,
            max_observation_chars=max_observation_chars,
            render_mode=render_mode,
        )
