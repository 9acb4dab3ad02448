"""A constant-answer agent: the baseline a reward must not pay (it always answers the same)."""

from __future__ import annotations

from toolgym.agents.base import Agent
from toolgym.env import ToolEnv


class ConstantAgent(Agent):
    """Answers ``answer`` immediately, whatever the task."""

    name = "constant"

    def __init__(self, answer: str = "0") -> None:
        self.answer = answer

    def act(self, env: ToolEnv, observation: str) -> str:
        return env.parser.render_action([], answer=self.answer)
