"""``ToolEnv``: the multi-turn Gymnasium env in which an LLM policy calls tools and answers.

One instance runs one trajectory at a time. ``reset`` picks a task (seeded, or by id) and returns
the prompt; ``step`` takes the policy's action (text, or in chat mode an assistant message with
structured ``tool_calls``), runs the tool calls, and returns the results as the next observation.
A final answer terminates the episode; the turn budget truncates it. Nothing the policy writes can
make ``step`` raise: malformed text, bad arguments, unknown tools, tool crashes all become
observations and ``info`` (keys: :mod:`toolgym.info`).

Every step is recorded as a :class:`~toolgym.types.TurnRecord` whose ``messages`` are the step in
the OpenAI chat format (assistant ``tool_calls``, ``role: "tool"`` results, ``user`` feedback):
text mode, chat mode (:mod:`toolgym.chat`) and token mode (:mod:`toolgym.tokens`) all render from
that record. An episode ends and is scored in exactly one place, :meth:`ToolEnv._end`, whatever
ends it (an answer, the user stopping, the turn budget, a token budget via :meth:`ToolEnv.truncate`).

>>> from toolgym.tasks import Task
>>> from toolgym.tools import tool
>>> @tool
... def add(a: int, b: int) -> int:
...     "Add two integers."
...     return a + b
>>> from toolgym.rewards.base import Component, Rubric
>>> task = Task.from_dict({"id": "t1", "env": "demo", "question": "What is 2 + 3?", "answer": "5",
...                        "reference": [{"answer": "5"}]})
>>> paid = Rubric([Component("correct", lambda task, traj: float(traj.final_answer == task.answer), 1.0)])
>>> env = ToolEnv([task], [add], rubric=paid)
>>> obs, info = env.reset(seed=0)
>>> obs, reward, terminated, truncated, info = env.step(
...     '<tool_call>{"name": "add", "arguments": {"a": 2, "b": 3}}</tool_call>')
>>> print(obs)
<tool_response>
5
</tool_response>
>>> [m["role"] for m in env.messages]
['system', 'user', 'assistant', 'tool']
>>> env.step("<answer>5</answer>")[1:4]
(1.0, True, False)
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Sequence

import gymnasium as gym
from gymnasium.error import ResetNeeded

from toolgym.failures import Blame, FailureKind
from toolgym.info import StepInfo, ToolCallInfo
from toolgym.messages import (
    as_message,
    assistant_message,
    call_id,
    read_assistant_message,
    tool_message,
    user_message,
)
from toolgym.observations import clean_observation
from toolgym.parsers import ToolCallParser, get_parser
from toolgym.parsers.base import NO_ACTION, merge_structured_calls
from toolgym.prompts import build_system_prompt
from toolgym.rewards.base import Rubric
from toolgym.spaces import AssistantMessage, ChatObservation, UnicodeText
from toolgym.tasks import Task, TaskSet
from toolgym.tools.base import Tool
from toolgym.types import EndReason, ParseResult, ToolCall, ToolResult, Trajectory, TurnRecord


@dataclass(frozen=True, slots=True)
class Transition:
    """What one parsed action does: results, plain-text feedback, and whether it ends the episode.

    ``feedback`` is text for the policy that is not a tool result (format feedback, a simulated
    user's reply); it travels as a ``user`` message. ``error``/``error_message`` flag a failure
    that is not a tool result, such as a simulated user's endpoint going down.
    """

    terminated: bool = False
    results: Sequence[ToolResult] = ()
    feedback: str | None = None
    end_reason: EndReason | None = None
    error: Blame | None = None
    error_message: str | None = None


#: The transition of a final answer (frozen, so one object serves every episode).
ANSWERED = Transition(terminated=True, end_reason="answer")

#: ``gym.make(id, mode=...)`` values (token mode is ``tokenizer=``, see :mod:`toolgym.modes`).
MODES = ("text", "chat")

DEFAULT_PREAMBLE = "You are a helpful assistant that solves tasks step by step, using tools when they help."
_TRUNCATED = "\n[... truncated {} characters]"
#: Raw task draws read from ``np_random`` at once (see ``ToolEnv._select_task``).
_DRAW_BATCH = 64


class ToolEnv(gym.Env[Any, Any]):
    """A text-in, text-out env over a task set, a tool set, a parser and a reward rubric.

    ``step`` also accepts an assistant message (a mapping with ``content`` and/or OpenAI
    ``tool_calls``): structured calls run without text parsing and the content still goes through
    the parser. In chat mode (:meth:`set_mode`, ``gym.make(id, mode="chat")``) that is the action
    space and the observation is the message list plus the tool schemas (see :mod:`toolgym.messages`).
    """

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
        self.preamble = preamble
        #: True when tools travel as OpenAI ``tools``, not in the system prompt (chat mode, chat agents).
        self.native_tools = False
        #: True in chat mode: observations are messages + tools, actions assistant messages.
        self.chat_mode = False
        self.system_prompt = self.compose_system_prompt(preamble)
        self._task: Task | None = None
        self._trajectory: Trajectory | None = None
        self._done = True
        #: Raw 64-bit draws taken ahead from ``np_random`` (next one last), and the generator they
        #: came from: see ``_select_task``.
        self._draws: list[int] = []
        self._draws_rng: Any = None

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
    def messages(self) -> list[dict[str, Any]]:
        """The episode as OpenAI chat messages (system, question, then each step's messages); copies."""
        if self._trajectory is None:
            raise ResetNeeded("call reset() first")
        return [_copy_message(m) for m in self._history()]

    @property
    def tool_schemas(self) -> list[dict[str, Any]]:
        """The env's tools in the OpenAI ``tools`` format."""
        return [t.to_openai() for t in self.tools.values()]

    @property
    def done(self) -> bool:
        """True once the episode has ended (and before the first reset)."""
        return self._done

    def compose_system_prompt(self, preamble: str) -> str:
        """The system text for ``preamble``: with the tool specs and the parser's call format in
        text and token mode, or only how to answer when tools travel natively (chat mode)."""
        return build_system_prompt(preamble, list(self.tools.values()), self.parser, native_tools=self.native_tools)

    def use_native_tools(self, native: bool = True) -> None:
        """Switch the system prompt between ToolGym's tool section and native OpenAI ``tools``."""
        self.native_tools = native
        self.system_prompt = self.compose_system_prompt(self.preamble)

    def set_mode(self, mode: str) -> None:
        """``"text"`` (the default: text in, text out) or ``"chat"`` (messages + tools in, assistant
        messages out, tools native). Takes effect at the next ``reset``."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r} (token mode: pass tokenizer=)")
        self.chat_mode = mode == "chat"
        self.use_native_tools(self.chat_mode)
        self.observation_space = ChatObservation() if self.chat_mode else UnicodeText()
        self.action_space = AssistantMessage(list(self.tools)) if self.chat_mode else UnicodeText()

    def chat_observation(self) -> dict[str, Any]:
        """``{"messages": ..., "tools": ...}``: the conversation so far and the tool schemas."""
        return {"messages": self.messages, "tools": self.tool_schemas}

    # ------------------------------------------------------------------ gymnasium API
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
        if seed is not None:  # all that gymnasium's reset does: (re)seed ``np_random``
            super().reset(seed=seed)
        task = self._select_task(options)
        for tool in self.tools.values():
            tool.reset()
        self._task = task
        self._trajectory = Trajectory(task.id)
        self._done = False
        obs = self.chat_observation() if self.chat_mode else self._prompt(task)
        return obs, {"task_id": task.id, "turn": 0}

    def step(self, action: Any) -> tuple[Any, float, bool, bool, dict[str, Any]]:
        if self._done:  # also before the first reset
            if self._trajectory is None:
                raise ResetNeeded("call reset() before step()")
            raise ResetNeeded("the episode is over: call reset() before step()")
        traj, task = self._trajectory, self._task
        turn = len(traj.turns) + 1
        if self.chat_mode:
            action = as_message(action)
        if type(action) is str:  # text mode, the common case: no message to read
            content, error, error_message = action, None, None
            try:
                parse = self.parser.parse(action)
            except Exception as exc:  # noqa: BLE001 - see _parse_text
                parse, error, error_message = self._parse_failed(action, exc)
        else:
            content, parse, error, error_message = self._read_action(action)
        calls = parse.calls
        if calls:
            for i, call in enumerate(calls):
                if call.name and call.id is None:
                    call.id = call_id(turn, i)
        tr = self._transition(parse)
        results = list(tr.results) if tr.results else []  # the record's own list
        if tr.error is not None and error is None:
            error, error_message = tr.error, tr.error_message
        if results or tr.feedback:
            observation, obs_messages, cut = self._observation(calls, results, tr.feedback)
            messages = [assistant_message(content, calls), *obs_messages]
        else:  # an answer: nothing to render (the common last step)
            observation, cut = "", False
            messages = [assistant_message(content, calls)]
        traj.turns.append(TurnRecord(content, parse, results, observation, messages))
        if error is None and results:
            error, error_message = _classify(calls, results)
        terminated = tr.terminated
        reason: EndReason | None = (tr.end_reason or "answer") if terminated else None
        truncated = not terminated and turn >= self.max_turns
        if truncated:
            reason = "turn_budget"
        if reason is None:
            reward, components = 0.0, {}
        else:
            reward, components, end_error = self._end(reason)
            if end_error is not None and error is None:
                error, error_message = Blame.INFRA, end_error
        info: StepInfo = {
            "task_id": task.id,
            "turn": turn,
            "tool_calls": [_call_info(c, r) for c, r in zip(calls, results)] if results else [],
            "reward_components": components,
            "format_ok": parse.format_ok,
            "error": None if error is None else Blame(error).value,
            "error_message": error_message,
            "observation_truncated": cut,
            "end_reason": reason,
        }
        obs = self.chat_observation() if self.chat_mode else observation
        return obs, reward, terminated, truncated, info  # a fresh dict every step

    def truncate(self, reason: EndReason = "token_budget") -> tuple[float, dict[str, float], str | None]:
        """End the running episode from outside ``step`` (a wrapper's budget ran out) and score it.

        Returns ``(reward, components, infra_error_message)``; the episode is then over.
        """
        if self._trajectory is None or self._done:
            raise ResetNeeded("no episode is running")
        return self._end(reason)

    def render(self) -> str | None:
        """``ansi``: the transcript so far as text."""
        if self.render_mode != "ansi" or self._trajectory is None:
            return None
        return "\n\n".join(f"[{m['role']}]\n{m['content']}" for m in self._history())

    def close(self) -> None:
        for tool in self.tools.values():
            tool.close()
        super().close()

    # ------------------------------------------------------------------ hooks
    def _select_task(self, options: dict[str, Any] | None) -> Task:
        """The task for this episode: ``options['task']``, ``options['task_id']`` or a seeded draw.

        Seeded draws are :meth:`TaskSet.sample`'s, in the same order for a seed, but read
        ``_DRAW_BATCH`` raw values from ``np_random`` at a time (a numpy call per draw costs as much
        as the rest of a reset). A new generator (``reset(seed=...)``, or assigning
        ``env.np_random``) drops the batch; rewinding a generator's state in place does not.
        """
        if options:
            if "task" in options:
                task = options["task"]
                return task if isinstance(task, Task) else Task.from_dict(task)
            if "task_id" in options:
                return self.tasks.get(options["task_id"])
        draws, rng = self._draws, self._np_random
        if rng is None or rng is not self._draws_rng or not draws:
            rng = self.np_random  # created unseeded on first use
            draws = rng.bit_generator.random_raw(_DRAW_BATCH).tolist()
            draws.reverse()  # pop() from the end takes them in the generator's order
            self._draws, self._draws_rng = draws, rng
        return self.tasks.pick(draws.pop())

    def _transition(self, parse: ParseResult) -> Transition:
        """What a parsed action does: the default episode shape of tool use then one answer.

        A final answer terminates (tool calls in that turn are not run); tool calls run and their
        results are the observation; anything else gets the parser's corrective message.
        Subclasses with other episode shapes (a simulated user who replies) override this.
        """
        if parse.answer is not None:
            traj = self._trajectory  # step runs this only inside an episode
            traj.answers.extend(parse.answers)
            traj.final_answer = parse.answer
            return ANSWERED
        if parse.calls:
            return Transition(results=self._run_calls(parse.calls))
        return Transition(feedback=parse.format_error or NO_ACTION)

    def _prompt(self, task: Task) -> str:
        """The first observation in text mode: system text, then the question."""
        return f"{self.system_prompt}\n\n{task.question}"

    def _end(self, reason: EndReason) -> tuple[float, dict[str, float], str | None]:
        """The one place an episode ends and is scored, whatever ended it.

        A rubric that fails is our failure, not the policy's: the episode scores 0 and the third
        item says why (the caller reports it as ``infra_error``).
        """
        self._done = True
        traj = self._trajectory  # step and truncate run this only inside an episode
        traj.end_reason = reason
        try:
            scored = self.rubric(self._task, traj)
        except Exception as exc:  # noqa: BLE001 - a reward bug must not crash the episode
            return 0.0, {}, f"scoring failed: {exc!r}"
        return float(scored.total), scored.components, None  # a rubric returns a fresh result every call

    def _run_calls(self, calls: list[ToolCall]) -> list[ToolResult]:
        """Run the turn's calls in order, within the per-turn budget; never raises."""
        results = []
        for i, call in enumerate(calls):
            if call.parse_error:
                results.append(ToolResult.policy_fault(FailureKind.MALFORMED_CALL, f"Error: {call.parse_error}"))
            elif i >= self.max_tool_calls:
                results.append(
                    ToolResult.policy_fault(
                        FailureKind.CALL_BUDGET,
                        f"Error: at most {self.max_tool_calls} tool calls per turn; this call was not run.",
                    )
                )
            elif call.name not in self.tools:
                results.append(
                    ToolResult.policy_fault(
                        FailureKind.UNKNOWN_TOOL,
                        f"Error: unknown tool {call.name!r}; available tools: {', '.join(self.tools)}.",
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
                        error_kind=FailureKind.INFRA,
                        latency_s=time.perf_counter() - start,
                        metadata={"exception": repr(exc)},
                    )
                results.append(result)
        return results

    # ------------------------------------------------------------------ internals
    def _history(self) -> Iterator[dict[str, Any]]:
        """The episode's chat record, uncopied: system, question, then every step's messages (read
        from the trajectory, so a step appends nothing twice)."""
        yield {"role": "system", "content": self.system_prompt}
        yield user_message(self.task.question)
        for record in self.trajectory.turns:
            yield from record.messages

    def _read_action(self, action: Any) -> tuple[str, ParseResult, Blame | None, str | None]:
        """``(content text, parse, error, error message)`` of an assistant-message action (or any
        other object, refused; ``step`` reads plain text itself)."""
        if isinstance(action, Mapping):
            content, structured, problem = read_assistant_message(action)
            if problem is not None:
                return content, ParseResult(text=content, format_ok=False, format_error=problem), None, None
            parse, error, message = self._parse_text(content) if content.strip() or not structured else (None, None, None)
            return content, merge_structured_calls(content, structured, parse), error, message
        if not isinstance(action, str):
            text = "" if action is None else repr(action)
            return text, ParseResult(text=text, format_ok=False, format_error="The action must be text."), None, None
        parse, error, message = self._parse_text(action)
        return action, parse, error, message

    def _parse_text(self, text: str) -> tuple[ParseResult, Blame | None, str | None]:
        try:
            return self.parser.parse(text), None, None
        except Exception as exc:  # noqa: BLE001 - a parser bug is ours: flag it, don't charge the policy
            return self._parse_failed(text, exc)

    def _parse_failed(self, text: str, exc: Exception) -> tuple[ParseResult, Blame, str]:
        """What a parser that raised on ``text`` gives: a format failure blamed on us (infra)."""
        failed = ParseResult(text=text, format_ok=False, format_error="The action could not be parsed.")
        return failed, Blame.INFRA, f"parser {self.parser.name!r} failed: {exc!r}"

    def _observation(
        self, calls: list[ToolCall], results: list[ToolResult], feedback: str | None
    ) -> tuple[str, list[dict[str, Any]], bool]:
        """The step's observation as text (text mode) and as chat messages, both cleaned and cut to
        ``max_observation_chars`` (each message content, and the whole text)."""
        if not results and not feedback:  # an answer: nothing to render (the common last step)
            return "", [], False
        parts: list[str] = []
        messages: list[dict[str, Any]] = []
        cut = False
        if results:
            parts.append(self.parser.render_results(calls, results))
            loose: list[str] = []
            for call, result in zip(calls, results):
                content, was_cut = self._fit(self.parser.render_result_content(call, result))
                cut |= was_cut
                if call.name and call.id:
                    messages.append(tool_message(call, content))
                else:
                    loose.append(content)
            if loose:
                messages.append(user_message("\n".join(loose)))
        if feedback:
            parts.append(feedback)
            content, was_cut = self._fit(feedback)
            cut |= was_cut
            messages.append(user_message(content))
        text, was_cut = self._fit("".join(parts))
        return text, messages, cut or was_cut

    def _fit(self, text: str) -> tuple[str, bool]:
        """``text`` cleaned of control sequences and cut to ``max_observation_chars``."""
        text = clean_observation(text)
        if len(text) <= self.max_observation_chars:
            return text, False
        extra = len(text) - self.max_observation_chars
        return text[: self.max_observation_chars] + _TRUNCATED.format(extra), True


def _copy_message(m: dict[str, Any]) -> dict[str, Any]:
    """A copy of a message deep enough that callers can't change the record."""
    out = dict(m)
    if "tool_calls" in out:
        out["tool_calls"] = [{**c, "function": dict(c["function"])} for c in out["tool_calls"]]
    return out


def _call_info(call: ToolCall, result: ToolResult) -> ToolCallInfo:
    """One ``info['tool_calls']`` entry."""
    kind = result.error_kind
    return {
        "id": call.id,
        "name": call.name,
        "arguments": dict(call.arguments),
        "ok": result.ok,
        "error_kind": None if kind is None else str(getattr(kind, "value", kind)),
        "latency_s": result.latency_s,
    }


def _classify(calls: list[ToolCall], results: list[ToolResult]) -> tuple[Blame | None, str | None]:
    """Infra blame if any failure's kind is outside the policy, policy blame if any is its own."""
    infra = [r for r in results if r.blame is Blame.INFRA]
    if infra:
        return Blame.INFRA, "; ".join(str(r.metadata.get("exception", r.content)) for r in infra)
    failed = [(c, r) for c, r in zip(calls, results) if r.blame is Blame.POLICY]
    if failed:
        c, r = failed[0]
        return Blame.POLICY, f"{c.name or '<malformed>'}: {getattr(r.error_kind, 'value', r.error_kind)}"
    return None, None
