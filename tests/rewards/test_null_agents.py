"""Null agents score 0 on every env: no term of any default rubric pays a constant or empty answer.

Every registered ``ToolGym/*`` env is played with its default rubric by agents that ignore the task:
constant answers, an empty answer, an empty action. A constant answer may of course be right where
the gold *is* that constant (a math task whose answer is 0); that is the only payment allowed, and
only through the ``correct`` term.
"""

from __future__ import annotations

import gymnasium as gym
import pytest

import toolgym
from toolgym.agents import ConstantAgent
from toolgym.agents.base import Agent
from toolgym.env import ToolEnv
from toolgym.rewards.math import math_equal
from toolgym.runner import play_episode

ENV_IDS = sorted(i for i in gym.registry if i.startswith("ToolGym/"))
TASKS_PER_SPLIT = 40
CONSTANTS = ["0", "1", "yes", "SELECT 1", "42"]


class RawAgent(Agent):
    """Sends the same raw action text every turn (``""``: says nothing at all)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def act(self, env: ToolEnv, observation: str) -> str:
        return self.text


def _gold_is(task: object, constant: str) -> bool:
    answer = getattr(task, "answer", None)
    return isinstance(answer, str) and math_equal(constant, answer)


def test_every_env_is_covered() -> None:
    assert ENV_IDS == sorted(toolgym.env_ids())


@pytest.mark.parametrize("env_id", ENV_IDS)
@pytest.mark.parametrize("split", ["train", "test"])
def test_null_agents_score_zero(env_id: str, split: str) -> None:
    env = gym.make(env_id, split=split)
    base = env.unwrapped
    paid_weights = {name: w for name, w in base.rubric.weights.items() if w != 0}
    agents: list[tuple[str, Agent]] = [(f"constant {c!r}", ConstantAgent(c)) for c in CONSTANTS]
    agents += [("empty answer", ConstantAgent("")), ("empty action", RawAgent(""))]
    paid: list[tuple[str, str, dict[str, float]]] = []
    try:
        for task in list(base.tasks)[:TASKS_PER_SPLIT]:
            for label, agent in agents:
                rec = play_episode(base, agent, seed=None, task_id=task.id)
                terms = {k: v for k, v in rec.components.items() if k in paid_weights and v != 0}
                constant = getattr(agent, "answer", None)
                if terms == {"correct": terms.get("correct")} and constant and _gold_is(task, constant):
                    continue  # the gold is this constant: a right answer, not a null payment
                if terms or rec.reward != 0:
                    paid.append((task.id, label, terms))
    finally:
        env.close()
    assert paid == []
