"""``ToolGym/ReasoningGym-v0``: any reasoning-gym dataset as a tool-use env with a stateful Python tool.

The policy reads a reasoning-gym question, may run Python (like ``ToolGym/MathTIR-v1``), and gives a
final answer, which reasoning-gym's own ``score_answer`` grades. Pick the dataset and its difficulty::

    gym.make("ToolGym/ReasoningGym-v0", dataset="chain_sum", config={"min_terms": 3, "max_digits": 4})
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from toolgym.parsers import ToolCallParser
from toolgym.rewards.base import Component, Rubric, tool_call_count
from toolgym.rewards.format import FormatReward
from toolgym.python_env import PythonToolEnv
from toolgym.sandbox import SandboxPool
from toolgym.tasks import Task
from toolgym.types import Trajectory
from toolgym_envs.reasoning_gym.tasks import (
    SCORE_TIMEOUT_S,
    Entry,
    raw_score,
    reasoning_gym_tasks,
)

PREAMBLE = (
    "Solve the problem. You have a Python interpreter: use it to compute, search or check your "
    "work. Give the final answer in exactly the form the question asks for."
)

DEFAULT_DATASET = "basic_arithmetic"


class ReasoningGymScore:
    """Reward terms from reasoning-gym's ``score_answer`` for the env's own tasks.

    ``correct`` is 1.0 only for full credit; ``score`` is the raw (clamped) score, partial credit
    included, for logging. An episode that gave several different answers scores 0.

    >>> from toolgym_envs.reasoning_gym.tasks import reasoning_gym_tasks
    >>> tasks, entries = reasoning_gym_tasks("basic_arithmetic", size=2)
    >>> ReasoningGymScore(entries).correct(tasks[0], Trajectory(tasks[0].id, final_answer=tasks[0].answer))
    1.0
    """

    def __init__(self, entries: Mapping[str, Entry], timeout_s: float = SCORE_TIMEOUT_S) -> None:
        self.entries = dict(entries)
        self.timeout_s = timeout_s

    def score(self, task: Task, trajectory: Trajectory) -> float:
        """The clamped raw score of the episode's one final answer (0 with none, several, or a foreign task)."""
        item = self.entries.get(task.id)
        answers = set(trajectory.answers) if trajectory.answers else {trajectory.final_answer}
        if item is None or len(answers) != 1:
            return 0.0
        return raw_score(item, next(iter(answers)), self.timeout_s)

    def correct(self, task: Task, trajectory: Trajectory) -> float:
        """1.0 when reasoning-gym pays the answer in full, else 0.0."""
        return 1.0 if self.score(task, trajectory) >= 1.0 else 0.0



class ReasoningGymEnv(PythonToolEnv):
    """One reasoning-gym dataset + a ``python`` tool + reasoning-gym's ``score_answer``.

    ``dataset`` is any reasoning-gym dataset name; ``config`` its config keys (difficulty settings),
    passed through unchanged; ``size`` entries per split, generated from ``seed``. ``sandbox`` picks
    where the Python tool runs, as in ``ToolGym/MathTIR-v1``; ``score_timeout_s`` bounds the scoring of one
    answer (a killable worker; past it the answer scores 0).
    """

    def __init__(
        self,
        *,
        dataset: str = DEFAULT_DATASET,
        config: Mapping[str, Any] | None = None,
        split: str = "train",
        size: int = 16,
        seed: int = 0,
        sandbox: str | SandboxPool | None = None,
        python_timeout_s: float = 10.0,
        score_timeout_s: float = SCORE_TIMEOUT_S,
        parser: str | ToolCallParser = "hermes",
        max_turns: int = 8,
        max_tool_calls: int = 4,
        max_observation_chars: int = 4096,
        format_weight: float = 0.0,
        render_mode: str | None = None,
    ) -> None:
        task_set, entries = reasoning_gym_tasks(dataset, split=split, size=size, seed=seed, config=config)
        scorer = ReasoningGymScore(entries, score_timeout_s)
        rubric = Rubric(
            [
                Component("correct", scorer.correct, 1.0),
                Component("score", scorer.score, 0.0),  # partial credit: logged, never paid
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
