"""The :class:`Task` record and its validation against ``task.schema.json``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import jsonschema

from toolgym.errors import TaskValidationError


@lru_cache(maxsize=1)
def task_schema() -> dict[str, Any]:
    """The task JSON Schema shipped with the package."""
    text = resources.files("toolgym.tasks").joinpath("task.schema.json").read_text("utf-8")
    return json.loads(text)


@lru_cache(maxsize=1)
def _validator() -> jsonschema.protocols.Validator:
    schema = task_schema()
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@dataclass(frozen=True)
class ReferenceCall:
    """One tool call of a reference trajectory."""

    name: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class ReferenceTurn:
    """One policy turn of a reference trajectory: tool calls, a final answer, or both."""

    tool_calls: tuple[ReferenceCall, ...] = ()
    answer: str | None = None
    thought: str | None = None


#: Defaults for the fields a user's data may leave out (see ``task.schema.json``).
DEFAULT_ENV = "custom"
DEFAULT_SPLIT = "train"


def record_errors(record: Any) -> list[str]:
    """Every problem with ``record`` as a task (schema errors with their JSON path, unknown reference
    tools), not just the first; empty when it is a valid task."""
    tid = record.get("id", "?") if isinstance(record, dict) else "?"
    out = []
    for err in sorted(_validator().iter_errors(record), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in err.absolute_path) or "<root>"
        out.append(f"task {tid!r}: {where}: {err.message}")
    if out:
        return out
    tools = record.get("tools") or []
    called = {c["name"] for t in _turn_records(record) for c in t.get("tool_calls", [])}
    unknown = called - set(tools) if tools else set()
    if unknown:
        out.append(f"task {tid!r}: reference calls tools not listed in 'tools': {sorted(unknown)}")
    return out


def _turn_records(record: dict[str, Any]) -> list[dict[str, Any]]:
    ref = record.get("reference")
    if ref is None:
        return []
    return list(ref["turns"] if isinstance(ref, dict) else ref)


@dataclass(frozen=True)
class Task:
    """A validated task: question, gold answer, tools, and (optionally) a reference trajectory.

    Only ``id`` and ``question`` are required: a question/answer dataset is enough to train on.
    Shipped task sets carry a reference trajectory for every task (``toolgym task validate --strict``).

    >>> Task.from_dict({"id": "q1", "question": "What is 2 + 3?", "answer": "5"}).split
    'train'
    """

    id: str
    question: str
    env: str = DEFAULT_ENV
    split: str = DEFAULT_SPLIT
    tools: tuple[str, ...] = ()
    reference: tuple[ReferenceTurn, ...] = ()
    answer: str | None = None
    #: How ``answer`` is compared (tolerance, percent reading), declared by the task; see
    #: :class:`toolgym.rewards.math.AnswerRules`.
    answer_rules: dict[str, Any] = field(default_factory=dict)
    gold: Any = None
    reward: dict[str, float] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def has_reference(self) -> bool:
        """True when the task carries a reference trajectory (shipped sets always do)."""
        return bool(self.reference)

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> "Task":
        """Validate ``record`` against the schema and build a :class:`Task` (first error raised;
        :func:`record_errors` lists them all)."""
        errors = record_errors(record)
        if errors:
            raise TaskValidationError(errors[0])
        turns = tuple(
            ReferenceTurn(
                tool_calls=tuple(
                    ReferenceCall(c["name"], dict(c["arguments"])) for c in t.get("tool_calls", [])
                ),
                answer=t.get("answer"),
                thought=t.get("thought"),
            )
            for t in _turn_records(record)
        )
        return cls(
            id=record["id"],
            env=record.get("env", DEFAULT_ENV),
            question=record["question"],
            split=record.get("split", DEFAULT_SPLIT),
            tools=tuple(record.get("tools", ())),
            reference=turns,
            answer=record.get("answer"),
            answer_rules=dict(record.get("answer_rules", {})),
            gold=record.get("gold"),
            reward=dict(record.get("reward", {})),
            metadata=dict(record.get("metadata", {})),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON record this task was built from (round-trips through :meth:`from_dict`)."""
        out: dict[str, Any] = {
            "id": self.id,
            "env": self.env,
            "question": self.question,
            "split": self.split,
            "tools": list(self.tools),
        }
        if self.reference:
            out["reference"] = {
                "turns": [
                    {
                        **({"thought": t.thought} if t.thought is not None else {}),
                        **(
                            {"tool_calls": [{"name": c.name, "arguments": c.arguments} for c in t.tool_calls]}
                            if t.tool_calls
                            else {}
                        ),
                        **({"answer": t.answer} if t.answer is not None else {}),
                    }
                    for t in self.reference
                ]
            }
        if self.answer is not None:
            out["answer"] = self.answer
        if self.answer_rules:
            out["answer_rules"] = dict(self.answer_rules)
        if self.gold is not None:
            out["gold"] = self.gold
        if self.reward:
            out["reward"] = dict(self.reward)
        if self.metadata:
            out["metadata"] = dict(self.metadata)
        return out
