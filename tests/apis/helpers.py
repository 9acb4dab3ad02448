"""Agents and checks shared by the domain tests: do-nothing, wrong-write, state inspection."""

from __future__ import annotations

from typing import Any, Callable

from toolgym.agents import Agent, ReferenceAgent
from toolgym.apis import CustomerServiceEnv
from toolgym.tasks import Task
from toolgym.types import ToolCall

Action = dict[str, Any]


class SilentAgent(Agent):
    """Does nothing useful: answers every turn with an empty-handed pleasantry."""

    def act(self, env, observation: str) -> str:
        return "Okay."


class WrongWriteAgent(ReferenceAgent):
    """Replays the reference but slips one extra tool-call turn (a wrong write) before the last reply."""

    def __init__(self, wrong: Callable[[Task], Action]) -> None:
        super().__init__()
        self.wrong = wrong
        self._injected = False

    def begin(self, env) -> None:
        super().begin(env)
        self._injected = False

    def act(self, env, observation: str) -> str:
        if not self._injected and self._turn == len(env.task.reference) - 1:
            self._injected = True
            action = self.wrong(env.task)
            return env.parser.render_action([ToolCall(action["name"], action["arguments"])])
        return super().act(env, observation)


def write_actions(env: CustomerServiceEnv, task: Task) -> list[Action]:
    """The gold actions of ``task`` that write."""
    kinds = {s.name: s.kind for s in env.api.backend.specs}
    return [a for a in task.gold["actions"] if kinds[a["name"]] == "write"]


class MutatedWriteAgent(ReferenceAgent):
    """Replays the reference, but sends every write call through ``mutate`` (a wrong argument)."""

    def __init__(self, mutate: Callable[[Action], Action]) -> None:
        super().__init__()
        self.mutate = mutate

    def act(self, env, observation: str) -> str:
        turn = env.task.reference[self._turn] if self._turn < len(env.task.reference) else None
        kinds = {s.name: s.kind for s in env.api.backend.specs}
        if turn is not None and turn.tool_calls and kinds[turn.tool_calls[0].name] == "write":
            self._turn += 1
            call = self.mutate({"name": turn.tool_calls[0].name, "arguments": dict(turn.tool_calls[0].arguments)})
            return env.parser.render_action([ToolCall(call["name"], call["arguments"])])
        return super().act(env, observation)


def play_all(env: CustomerServiceEnv, agent: Agent, tasks: list[Task]) -> dict[str, Any]:
    """Play each task once; return ``task_id -> (reward, components, errors, terminated)``."""
    from toolgym.runner import play_episode

    out = {}
    for task in tasks:
        rec = play_episode(env, agent, seed=None, task_id=task.id)
        out[task.id] = (rec.reward, rec.components, rec.errors, rec.terminated)
    return out
