"""``ToolGym/BFCL-v0``: call BFCL's functions as its AST checker wants them called.

Each episode is one BFCL case (simple, multiple, parallel or parallel-multiple by default; the
live categories with ``categories="live"``): the case's function documents are the tools, the
user's request is the question. The calls are graded, not executed: the episode ends on the first
turn that contains a call or an answer, and ``correct`` (weight 1) pays 1.0 when the calls match
BFCL's possible answers by the rules of :mod:`toolgym.rewards.call_match`. The ToolRL parts
(``call_format``, ``tool_names``, ``param_names``, ``param_values``) are logged at weight 0 unless
``toolrl_weights`` pays them.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from toolgym.env import ToolEnv, Transition
from toolgym.failures import FailureKind
from toolgym.parsers import ToolCallParser
from toolgym.parsers.base import NO_ACTION
from toolgym.rewards.base import Component, Rubric
from toolgym.rewards.toolrl import CallMatchReward, call_gold, toolrl_components
from toolgym.tasks import Task, TaskSet
from toolgym.types import ParseResult, ToolCall, ToolResult
from toolgym_envs.bfcl.data import CATEGORIES, DEFAULT_CATEGORIES, LIVE_CATEGORIES
from toolgym_envs.bfcl.schema import BFCLFunction
from toolgym_envs.bfcl.tasks import bfcl_tasks

PREAMBLE = (
    "Fulfil the user's request by calling the functions described below. Put every call the request "
    "needs into this one reply (write several call blocks when it needs several calls); the calls are "
    "graded as written and not executed. Use only the listed functions and their parameters, with "
    "values taken from the request. No results come back: this reply is your only turn, and giving "
    "an answer instead of calls ends the episode without a score."
)
#: Names accepted for ``categories``.
CATEGORY_GROUPS: dict[str, tuple[str, ...]] = {
    "default": DEFAULT_CATEGORIES,
    "live": LIVE_CATEGORIES,
    "all": DEFAULT_CATEGORIES + LIVE_CATEGORIES,
}


def resolve_categories(categories: str | Sequence[str]) -> tuple[str, ...]:
    """A category tuple from a group name (``default``, ``live``, ``all``), a category, or a list."""
    if isinstance(categories, str):
        if categories in CATEGORY_GROUPS:
            return CATEGORY_GROUPS[categories]
        categories = (categories,)
    out = tuple(categories)
    unknown = [c for c in out if c not in CATEGORIES]
    if unknown or not out:
        raise ValueError(f"unknown BFCL categories {unknown}; known: {sorted(CATEGORIES)} or {sorted(CATEGORY_GROUPS)}")
    return out


class BFCLEnv(ToolEnv):
    """BFCL's single-turn function-calling cases, graded by the BFCL-equivalent matcher."""

    def __init__(
        self,
        *,
        categories: str | Sequence[str] = "default",
        split: str = "train",
        tasks: TaskSet | Sequence[Task] | None = None,
        parser: str | ToolCallParser = "hermes",
        max_turns: int = 2,
        toolrl_weights: Mapping[str, float] | None = None,
        max_observation_chars: int = 4096,
        render_mode: str | None = None,
    ) -> None:
        task_set = tasks if tasks is not None else bfcl_tasks(resolve_categories(categories), split)
        rubric = Rubric([Component("correct", CallMatchReward(), 1.0), *toolrl_components(toolrl_weights)])
        super().__init__(
            task_set,
            [],
            parser=parser,
            rubric=rubric,
            preamble=PREAMBLE,
            max_turns=max_turns,
            max_tool_calls=64,
            max_observation_chars=max_observation_chars,
            render_mode=render_mode,
        )

    def _select_task(self, options: dict[str, Any] | None) -> Task:
        """Pick the task, then offer its function documents as the tools of this episode."""
        task = super()._select_task(options)
        functions, _ = call_gold(task)
        self.tools = {t.name: t for t in map(BFCLFunction, functions)}
        self.system_prompt = self.compose_system_prompt(self.preamble)
        return task

    def _transition(self, parse: ParseResult) -> Transition:
        """Calls (or an answer) end the episode and are graded; other text gets the format hint."""
        if not parse.calls and parse.answer is None:
            return Transition(feedback=parse.format_error or NO_ACTION)
        if parse.answer is not None:
            self.trajectory.answers.extend(parse.answers)
            self.trajectory.final_answer = parse.answer
        return Transition(terminated=True, results=[self._record(c) for c in parse.calls], end_reason="answer")

    def _record(self, call: ToolCall) -> ToolResult:
        """What the policy hears about a call it made: recorded, malformed, or unknown."""
        if call.parse_error:
            return ToolResult.policy_fault(FailureKind.MALFORMED_CALL, f"Error: {call.parse_error}")
        if call.name not in self.tools:
            return ToolResult.policy_fault(
                FailureKind.UNKNOWN_TOOL, f"Error: unknown function {call.name!r}; available: {', '.join(self.tools)}."
            )
        return self.tools[call.name].run(dict(call.arguments))
