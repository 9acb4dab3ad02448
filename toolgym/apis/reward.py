"""The τ-bench-style reward: the final database must equal the gold one, and outputs must be said.

``db_match`` replays the task's gold actions (``gold["actions"]``) on a fresh database and compares
state hashes with the episode's database; ``outputs`` is the fraction of the required outputs
(``gold["outputs"]``) that the agent mentioned in its replies to the user. ``correct`` (the paid
component) is 1 only when both are perfect, as in τ-bench. A backend failure while scoring is
ours: the components score 0 and the env reports ``infra_error``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from toolgym.apis.episode import EpisodeApi
from toolgym.apis.errors import ServiceError
from toolgym.errors import RewardError
from toolgym.rewards.base import Component, Rubric
from toolgym.types import ParseResult, Trajectory
from toolgym.users.text import contains, phrase_pattern, read

if TYPE_CHECKING:
    from toolgym.tasks.model import Task

ReplyFn = Callable[[ParseResult], "str | None"]


def gold_actions(task: "Task") -> list[dict]:
    """The task's gold tool calls (``gold["actions"]``), in order."""
    gold = task.gold if isinstance(task.gold, dict) else {}
    return list(gold.get("actions", []))


def gold_outputs(task: "Task") -> list[str]:
    """What the agent must tell the user (``gold["outputs"]``)."""
    gold = task.gold if isinstance(task.gold, dict) else {}
    return [str(o) for o in gold.get("outputs", [])]


class TauReward:
    """Scores one env's episodes; keeps the last scoring failure for the env to report."""

    def __init__(self, episode: EpisodeApi, reply_of: ReplyFn) -> None:
        self.episode = episode
        self.reply_of = reply_of

    def db_match(self, task: "Task", trajectory: Trajectory) -> float:
        """1.0 when the episode's database hash equals the gold actions' hash."""
        try:
            return float(self.episode.state_hash() == self.episode.backend.replay_hash(gold_actions(task)))
        except ServiceError as exc:  # ours, not the policy's: the env reports it as infra_error
            raise RewardError(f"the API service failed while scoring: {exc}") from exc

    def outputs(self, task: "Task", trajectory: Trajectory) -> float:
        """Fraction of required outputs mentioned in the agent's replies (1.0 when none are required)."""
        required = gold_outputs(task)
        if not required:
            return 1.0
        # What counts is what the user reads of each reply (its first READ_LIMIT characters): the
        # same rule as the simulated user, and a cost bounded per reply however long the replies are.
        said = [read(r) for r in (self.reply_of(t.parse) for t in trajectory.turns) if r]
        patterns = [phrase_pattern(o) for o in required]
        return sum(any(contains(s, p) for s in said) for p in patterns) / len(required)

    def correct(self, task: "Task", trajectory: Trajectory) -> float:
        """1.0 when the database matches and every output was said (τ-bench's binary reward)."""
        return float(self.db_match(task, trajectory) == 1.0 and self.outputs(task, trajectory) == 1.0)

    def rubric(self) -> Rubric:
        """``correct`` paid; ``db_match``, ``outputs`` and ``tool_calls`` logged at weight 0."""
        return Rubric(
            [
                Component("correct", self.correct, 1.0),
                Component("db_match", self.db_match, 0.0),
                Component("outputs", self.outputs, 0.0),
                Component("tool_calls", lambda task, traj: float(traj.num_tool_calls), 0.0),
            ]
        )
