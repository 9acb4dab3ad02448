"""The reference agent: replays a task's reference trajectory in the env's action format."""

from __future__ import annotations

from toolgym.agents.base import Agent
from toolgym.env import ToolEnv
from toolgym.types import ToolCall


class ReferenceAgent(Agent):
    """Plays the task's reference turns, one per step, rendered by the env's parser."""

    name = "reference"

    def __init__(self) -> None:
        self._turn = 0

    def begin(self, env: ToolEnv) -> None:
        self._turn = 0

    def act(self, env: ToolEnv, observation: str) -> str:
        turns = env.task.reference
        if self._turn >= len(turns):
            return env.parser.render_action([], answer="")
        ref = turns[self._turn]
        self._turn += 1
        calls = [ToolCall(c.name, dict(c.arguments)) for c in ref.tool_calls]
        return env.parser.render_action(calls, answer=ref.answer, thought=ref.thought)
