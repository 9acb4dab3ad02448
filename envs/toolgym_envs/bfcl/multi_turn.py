"""``ToolGym/BFCLMultiTurn-v0``: BFCL's multi-turn cases with its API classes as stateful tools.

Each episode is one case of BFCL's ``multi_turn_base`` category (``category="long_context"`` for
``multi_turn_long_context``): a user asks for several things in turn, and the policy works on
stateful APIs (a file system, a trading bot, a travel agency, a vehicle, a ticket desk, a message
and a posting service, a calculator) through their functions. A reply without calls ends the user
turn; the turn is graded (:mod:`toolgym_envs.bfcl.backend`), and the next user message follows.
``correct`` (weight 1) pays 1.0 when every user turn passes; the episode ends at the first turn
that fails. ``turns_passed`` (the share of user turns passed) is logged at weight 0.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Sequence

from toolgym.env import ToolEnv, Transition
from toolgym.errors import SandboxError, TaskValidationError, ToolArgumentError
from toolgym.failures import Blame, FailureKind
from toolgym.parsers import ToolCallParser
from toolgym.rewards.base import Component, Rubric
from toolgym.sandbox.local import LocalSandbox
from toolgym.tasks import Task, TaskSet
from toolgym.tools.base import Tool
from toolgym.types import ParseResult, ToolResult, Trajectory
from toolgym_envs.bfcl.backend import BackendLost, BFCLBackend, default_limits, parse_call
from toolgym_envs.bfcl.data import bfcl_data_dir, newest_file, read_records
from toolgym_envs.bfcl.schema import to_json_schema

CATEGORIES = {"base": "multi_turn_base", "long_context": "multi_turn_long_context"}
SPLITS = ("train", "test", "all")
#: Calls per reply in the reference trajectories (below the env's per-turn call budget).
REFERENCE_CALLS_PER_REPLY = 8
PREAMBLE = (
    "You help a user through several requests, one after another, using the functions below; they act "
    "on real state that persists between requests. Make the calls a request needs (several per reply "
    "if you like; their results come back). When a request is done, reply without any call: that ends "
    "your turn and the user's next request follows."
)


@lru_cache(maxsize=1)
def _backend_config() -> Any:
    """bfcl-eval's own table of API classes (module paths, doc files, stateless classes)."""
    bfcl_data_dir()  # a clear error when bfcl-eval is missing
    return importlib.import_module("bfcl_eval.constants.executable_backend_config")


@lru_cache(maxsize=None)
def _class_docs(class_name: str) -> tuple[dict[str, Any], ...]:
    config = _backend_config()
    path = bfcl_data_dir() / "multi_turn_func_doc" / config.MULTI_TURN_FUNC_DOC_FILE_MAPPING[class_name]
    return tuple(read_records(path))


@lru_cache(maxsize=None)
def _signature(class_name: str, method: str) -> list[str]:
    """Parameter names of an API method, to name the ground truth's positional arguments."""
    module = importlib.import_module(_backend_config().CLASS_FILE_PATH_MAPPING[class_name])
    params = inspect.signature(getattr(getattr(module, class_name), method)).parameters
    return [p for p in params if p != "self"]


def _case_task(record: dict[str, Any], truth: list[list[str]], category: str) -> Task:
    classes = list(record["involved_classes"])
    excluded = set(record.get("excluded_function", []))
    docs = [d for c in classes for d in _class_docs(c) if d["name"] not in excluded]
    owner = {d["name"]: c for c in classes for d in _class_docs(c)}
    turns = ["\n\n".join(m["content"] for m in turn) for turn in record["question"]]
    reference = []
    for calls in truth:
        named = []
        for text in calls:
            name, args, kwargs = parse_call(text)
            names = _signature(owner[name], name)
            named.append({"name": name, "arguments": {**dict(zip(names, args)), **kwargs}})
        # At most REFERENCE_CALLS_PER_REPLY calls per reply (one long-context turn has 34), then an answer.
        for i in range(0, len(named), REFERENCE_CALLS_PER_REPLY):
            reference.append({"tool_calls": named[i : i + REFERENCE_CALLS_PER_REPLY]})
        reference.append({"answer": "Done." if named else "I cannot do that with these functions."})
    split = "test" if int(hashlib.sha256(record["id"].encode()).hexdigest()[:8], 16) % 5 == 0 else "train"
    return Task.from_dict(
        {
            "id": record["id"],
            "env": "bfcl_multi_turn",
            "question": turns[0],
            "split": split,
            "tools": sorted({d["name"] for d in docs}),
            "gold": {
                "turns": turns,
                "ground_truth": truth,
                "functions": docs,
                "spec": {
                    "classes": {c: _backend_config().CLASS_FILE_PATH_MAPPING[c] for c in classes},
                    "stateless": list(_backend_config().STATELESS_CLASSES),
                    "config": record["initial_config"],
                    "long_context": category == "long_context",
                },
            },
            "reference": {"turns": reference},
            "metadata": {"category": CATEGORIES[category], "source": "bfcl-eval"},
        }
    )


@lru_cache(maxsize=4)
def multi_turn_tasks(category: str = "base", split: str = "train") -> TaskSet:
    """The tasks of one multi-turn category in ``split`` (hash split as for ``ToolGym/BFCL-v0``)."""
    if category not in CATEGORIES:
        raise ValueError(f"category must be one of {sorted(CATEGORIES)}, got {category!r}")
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    data = bfcl_data_dir()
    stem = CATEGORIES[category]
    truth = {r["id"]: r["ground_truth"] for r in read_records(newest_file(data / "possible_answer", stem))}
    tasks = [_case_task(r, truth[r["id"]], category) for r in read_records(newest_file(data, stem))]
    return TaskSet(t for t in tasks if split == "all" or t.split == split)


class APIFunction(Tool):
    """One function of a BFCL API class; runs on the episode's instances in the sandbox."""

    def __init__(self, document: dict[str, Any], env: "BFCLMultiTurnEnv") -> None:
        self.name = str(document["name"])
        self.description = str(document.get("description", ""))
        self.parameters = to_json_schema(document.get("parameters") or {"type": "dict", "properties": {}})
        self._env = env

    def validate(self, arguments: Any) -> None:
        """Only "an object": like BFCL's executor, the method itself judges its arguments (BFCL's
        gold sometimes passes values the document's types would refuse, e.g. ``"ticket_001"``
        for an integer ``ticket_id``)."""
        if not isinstance(arguments, dict):
            raise ToolArgumentError(f"arguments of tool {self.name!r} must be a JSON object")

    def run(self, arguments: dict[str, Any]) -> ToolResult:
        return self._env._api_call(self.name, arguments)


@dataclass
class _Episode:
    turn: int = 0
    calls_this_turn: int = 0
    passed: int = 0
    failed: bool = False
    lost: str | None = None


class BFCLMultiTurnEnv(ToolEnv):
    """BFCL multi-turn: stateful API tools in a sandbox, graded after every user turn."""

    def __init__(
        self,
        *,
        category: str = "base",
        split: str = "train",
        tasks: TaskSet | Sequence[Task] | None = None,
        parser: str | ToolCallParser = "hermes",
        max_turns: int = 60,
        max_tool_calls: int = 16,
        max_observation_chars: int = 4096,
        render_mode: str | None = None,
    ) -> None:
        task_set = tasks if tasks is not None else multi_turn_tasks(category, split)
        self._episode = _Episode()
        rubric = Rubric([Component("correct", self._correct, 1.0), Component("turns_passed", self._turns_passed, 0.0)])
        self._backend = BFCLBackend(lambda: LocalSandbox(default_limits(), preload=("json",)))
        super().__init__(
            task_set,
            [],
            parser=parser,
            rubric=rubric,
            preamble=PREAMBLE,
            max_turns=max_turns,
            max_tool_calls=max_tool_calls,
            max_observation_chars=max_observation_chars,
            render_mode=render_mode,
        )

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._backend.close()

    # ------------------------------------------------------------------ hooks
    def _select_task(self, options: dict[str, Any] | None) -> Task:
        task = super()._select_task(options)
        gold = task.gold if isinstance(task.gold, dict) else {}
        if not {"turns", "ground_truth", "functions", "spec"} <= set(gold):
            raise TaskValidationError(f"task {task.id!r} is not a BFCL multi-turn task")
        self.tools = {d["name"]: APIFunction(d, self) for d in gold["functions"]}
        self.system_prompt = self.compose_system_prompt(self.preamble)
        self._episode = _Episode()
        self._backend.begin(gold["spec"])
        return task

    def _transition(self, parse: ParseResult) -> Transition:
        """Calls run on the policy's instances; a reply without calls ends the user turn."""
        ep = self._episode
        if parse.calls:
            results = self._run_calls(parse.calls)
            ep.calls_this_turn += sum(1 for c in parse.calls if c.name and not c.parse_error)
            if ep.lost is not None:
                return Transition(terminated=True, results=results, end_reason="answer")
            return Transition(results=results)
        return self._end_user_turn()

    def _api_call(self, name: str, arguments: dict[str, Any]) -> ToolResult:
        ep = self._episode
        if ep.lost is not None:
            return ToolResult.policy_fault(FailureKind.CRASHED, f"Error: the session was lost earlier ({ep.lost}).")
        try:
            text = self._backend.call(name, arguments)
        except BackendLost as exc:
            ep.lost = str(exc.result.error_kind)
            kind = {"timeout": FailureKind.TIMEOUT, "memory": FailureKind.MEMORY}.get(str(exc.result.error_kind), FailureKind.CRASHED)
            return ToolResult.policy_fault(kind, f"Error: the call ran out of time or memory; the session is lost. {exc}")
        except SandboxError as exc:
            return ToolResult.unavailable("BFCL sandbox", exc)
        ok = not text.startswith("Error during execution:")
        return ToolResult(ok=ok, content=text, error_kind=None if ok else FailureKind.EXCEPTION)

    def _end_user_turn(self) -> Transition:
        ep, gold = self._episode, self.task.gold
        truth = gold["ground_truth"][ep.turn]
        if truth:
            if ep.calls_this_turn == 0:
                ep.failed = True  # BFCL: a turn with a ground truth needs calls
            else:
                try:
                    verdict = self._backend.end_turn(truth)
                except BackendLost as exc:
                    # The interpreter died of time or memory while the ground truth ran on the
                    # state the policy's calls built (huge files, say): the policy's doing.
                    ep.failed, ep.lost = True, str(exc.result.error_kind)
                    return Transition(terminated=True, end_reason="answer", error=Blame.POLICY,
                                      error_message=f"the session was lost while grading the turn: {exc}")
                except (SandboxError, ValueError) as exc:
                    return Transition(terminated=True, end_reason="infra", error=Blame.INFRA,
                                      error_message=f"grading the turn failed: {exc}")
                ep.failed = not verdict.passed
        if ep.failed:
            return Transition(terminated=True, end_reason="answer")
        ep.passed += 1
        ep.turn += 1
        ep.calls_this_turn = 0
        if ep.turn >= len(gold["turns"]):
            return Transition(terminated=True, end_reason="answer")
        return Transition(feedback=gold["turns"][ep.turn])

    # ------------------------------------------------------------------ rewards
    def _correct(self, task: Task, trajectory: Trajectory) -> float:
        ep = self._episode
        return float(not ep.failed and ep.lost is None and ep.turn >= len(task.gold["turns"]))

    def _turns_passed(self, task: Task, trajectory: Trajectory) -> float:
        return self._episode.passed / max(len(task.gold["turns"]), 1)
