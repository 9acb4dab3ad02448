"""``ToolEnv``: the multi-turn Gymnasium env in which an LLM policy calls tools and answers.

One instance runs one trajectory at a time. ``reset`` picks a task (seeded, or by id) and returns
the prompt; ``step`` takes the policy's text, parses it, runs the tool calls, and returns the
rendered results as the next observation. A final answer terminates the episode and is scored by
the rubric; the turn budget truncates it. Nothing the policy writes can make ``step`` raise:
malformed text, bad arguments, unknown tools, tool crashes all become observations and ``info``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Sequence

import gymnasium as gym
from gymnasium.error import ResetNeeded

from toolgym.parsers import ToolCallParser, get_parser
from toolgym.prompts import build_system_prompt
from toolgym.rewards.base import Rubric
from toolgym.spaces import UnicodeText
from toolgym.tasks import Task, TaskSet
from toolgym.tools.base import Tool
from toolgym.types import ParseResult, ToolCall, ToolResult, Trajectory, TurnRecord

@dataclass
class Transition:
    """The outcome of one parsed action: next observation, whether it ended the episode, results.

    ``error``/``error_message`` let a transition flag a failure that is not a tool result, such as
    a simulated user's endpoint going down (``infra_error``).
    """

    observation: str
    terminated: bool
    results: list[ToolResult] = field(default_factory=list)
    error: str | None = None
    error_message: str | None = None


DEFAULT_PREAMBLE = "You are a helpful assistant that solves tasks step by step, using tools when they help."


class ToolEnv(gym.Env[str, str]):
    """A text-in, text-out env over a task set, a tool set, a parser and a reward rubric."""

    #: ``ansi`` renders the transcript as text; render_fps is declared only because Gymnasium's
    #: checker expects it of any env with render modes (a transcript has no frame rate).
    metadata = {"render_modes": ["ansi"], "render_fps": 1}

    def __init__(
        self,
        tasks: TaskSet | Sequence[Task],
        tools: Sequence[Tool],
        *,
        parser: str | ToolCallParser = "hermes",
        rubric: Rubric | None = None,
        preamble: str = DEFAULT_PREAMBLE,
        max_turns: int = 8,
        max_tool_calls: int = 4,
        max_observation_chars: int = 8192,
        render_mode: str | None = None,
    ) -> None:
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(f"render_mode must be one of {self.metadata['render_modes']}, got {render_mode!r}")
        if max_turns < 1 or max_tool_calls < 1 or max_observation_chars < 1:
            raise ValueError("max_turns, max_tool_calls and max_observation_chars must be >= 1")
        self.tasks = tasks if isinstance(tasks, TaskSet) else TaskSet(tasks)
        if len(self.tasks) == 0:
            raise ValueError("ToolEnv needs at least one task")
        self.tools: dict[str, Tool] = {t.name: t for t in tools}
        self.parser = get_parser(parser)
        self.rubric = rubric or Rubric([])
        self.max_turns = max_turns
        self.max_tool_calls = max_tool_calls
        self.max_observation_chars = max_observation_chars
        self.render_mode = render_mode
        self.observation_space = UnicodeText()
        self.action_space = UnicodeText()
        self.system_prompt = build_system_prompt(preamble, list(self.tools.values()), self.parser)
        self._task: Task | None = None
        self._trajectory: Trajectory | None = None
        self._done = True

    # ------------------------------------------------------------------ public state
    @property
    def task(self) -> Task:
        """The current episode's task."""
        if self._task is None:
            raise ResetNeeded("call reset() first")
        return self._task

    @property
    def trajectory(self) -> Trajectory:
        """Everything that happened in the current episode."""
        if self._trajectory is None:
            raise ResetNeeded("call reset() first")
        return self._trajectory

    @property
    def messages(self) -> list[dict[str, str]]:
        """The episode as chat messages (system, user question, then assistant/user turns)."""
        msgs = [{"role": "system", "content": self.system_prompt}, {"role": "user", "content": self.task.question}]
        for turn in self.trajectory.turns:
            msgs.append({"role": "assistant", "content": turn.action})
            if turn.observation:
                msgs.append({"role": "user", "content": turn.observation})
        return msgs

    # ------------------------------------------------------------------ gymnasium API
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
        super().reset(seed=seed)
        task = self._select_task(options)
        for tool in self.tools.values():
            tool.reset()
        self._task = task
        self._trajectory = Trajectory(task_id=task.id)
        self._done = False
        return self._prompt(task), {"task_id": task.id, "turn": 0}

    def step(self, action: str) -> tuple[str, float, bool, bool, dict[str, Any]]:
        if self._trajectory is None or self._task is None:
            raise ResetNeeded("call reset() before step()")
        if self._done:
            raise ResetNeeded("the episode is over: call reset() before step()")
        traj = self._trajectory
        error: str | None = None
        error_message: str | None = None
        if not isinstance(action, str):
            action = "" if action is None else repr(action)
            parse = ParseResult(text=action, format_ok=False, format_error="The action must be text.")
        else:
            try:
                parse = self.parser.parse(action)
            except Exception as exc:  # a parser bug is ours: flag it, don't charge the policy
                parse = ParseResult(text=action, format_ok=False, format_error="The action could not be parsed.")
                error, error_message = "infra_error", f"parser {self.parser.name!r} failed: {exc!r}"
        tr = self._transition(parse)
        observation, terminated, results = tr.observation, tr.terminated, tr.results
        if tr.error is not None and error is None:
            error, error_message = tr.error, tr.error_message
        truncated_obs = len(observation) > self.max_observation_chars
        if truncated_obs:
            cut = len(observation) - self.max_observation_chars
            observation = f"{observation[: self.max_observation_chars]}\n[... truncated {cut} characters]"
        traj.turns.append(TurnRecord(action=action, parse=parse, results=results, observation=observation))
        turn = len(traj.turns)
        truncated = not terminated and turn >= self.max_turns
        if error is None and results:
            error, error_message = _classify(parse.calls, results)
        reward = 0.0
        components: dict[str, float] = {}
        if terminated or truncated:
            self._done = True
            scored = self.rubric(self._task, traj)
            reward, components = scored.total, scored.components
        info = {
            "task_id": self._task.id,
            "turn": turn,
            "tool_calls": [_call_info(c, r) for c, r in zip(parse.calls, results)],
            "reward_components": components,
            "format_ok": parse.format_ok,
            "error": error,
            "error_message": error_message,
            "observation_truncated": truncated_obs,
        }
        return observation, reward, terminated, truncated, info

    def render(self) -> str | None:
        """``ansi``: the transcript so far as text."""
        if self.render_mode != "ansi" or self._trajectory is None:
            return None
        return "\n\n".join(f"[{m['role']}]\n{m['content']}" for m in self.messages)

    def close(self) -> None:
        for tool in self.tools.values():
            tool.close()
        super().close()

    # ------------------------------------------------------------------ hooks
    def _select_task(self, options: dict[str, Any] | None) -> Task:
        """The task for this episode: ``options['task']``, ``options['task_id']`` or a seeded draw."""
        if options:
            if "task" in options:
                task = options["task"]
                return task if isinstance(task, Task) else Task.from_dict(task)
            if "task_id" in options:
                return self.tasks.get(options["task_id"])
        return self.tasks.sample(self.np_random)

    def _transition(self, parse: ParseResult) -> "Transition":
        """What a parsed action does: the default episode shape of tool use then one answer.

        A final answer terminates (tool calls in that turn are not run); tool calls run and their
        rendered results are the observation; anything else gets the parser's corrective message.
        Subclasses with other episode shapes (a simulated user who replies) override this.
        """
        if parse.answer is not None:
            self.trajectory.answers.extend(parse.answers)
            self.trajectory.final_answer = parse.answer
            return Transition(observation="", terminated=True)
        if parse.calls:
            results = self._run_calls(parse.calls)
            return Transition(self.parser.render_results(parse.calls, results), False, results)
        return Transition(parse.format_error or "No tool call and no final answer found.", False)

    def _prompt(self, task: Task) -> str:
        """The first observation: system text, then the question."""
        return f"{self.system_prompt}\n\n{task.question}"

    def _run_calls(self, calls: list[ToolCall]) -> list[ToolResult]:
        """Run the turn's calls in order, within the per-turn budget; never raises."""
        results = []
        for i, call in enumerate(calls):
            if call.parse_error:
                results.append(ToolResult(ok=False, content=f"Error: {call.parse_error}", error_kind="malformed_call"))
            elif i >= self.max_tool_calls:
                results.append(
                    ToolResult(
                        ok=False,
                        content=f"Error: at most {self.max_tool_calls} tool calls per turn; this call was not run.",
                        error_kind="call_budget",
                    )
                )
            elif call.name not in self.tools:
                results.append(
                    ToolResult(
                        ok=False,
                        content=f"Error: unknown tool {call.name!r}; available tools: {', '.join(self.tools)}.",
                        error_kind="unknown_tool",
                    )
                )
            else:
                start = time.perf_counter()
                try:
                    result = self.tools[call.name](call.arguments)
                except Exception as exc:  # a tool bug is ours, not the policy's
                    result = ToolResult(
                        ok=False,
                        content=f"Error: tool {call.name!r} failed internally; please retry.",
                        error_kind="infra",
                        latency_s=time.perf_counter() - start,
                        metadata={"exception": repr(exc)},
                    )
                results.append(result)
        return results


def _call_info(call: ToolCall, result: ToolResult) -> dict[str, Any]:
    """One ``info['tool_calls']`` entry."""
    return {
        "name": call.name,
        "arguments": dict(call.arguments),
        "ok": result.ok,
        "error_kind": result.error_kind,
        "latency_s": result.latency_s,
    }


def _classify(calls: list[ToolCall], results: list[ToolResult]) -> tuple[str | None, str | None]:
    """``infra_error`` if any failure is ours, ``tool_error`` if any is the policy's, else None."""
    infra = [r for r in results if r.error_kind == "infra"]
    if infra:
        return "infra_error", "; ".join(str(r.metadata.get("exception", r.content)) for r in infra)
    failed = [(c, r) for c, r in zip(calls, results) if not r.ok]
    if failed:
        c, r = failed[0]
        return "tool_error", f"{c.name or '<malformed>'}: {r.error_kind}"
    return None, None
