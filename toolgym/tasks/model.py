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


@dataclass(frozen=True)
class Task:
    """A validated task: question, tools, gold answer and a reference trajectory."""

    id: str
    env: str
    question: str
    split: str
    tools: tuple[str, ...]
    reference: tuple[ReferenceTurn, ...]
    answer: str | None = None
    gold: Any = None
    reward: dict[str, float] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> "Task":
        """Validate ``record`` against the schema and build a :class:`Task`."""
        errors = sorted(_validator().iter_errors(record), key=lambda e: list(e.absolute_path))
        if errors:
            err = errors[0]
            where = "/".join(str(p) for p in err.absolute_path) or "<root>"
            tid = record.get("id", "?") if isinstance(record, dict) else "?"
            raise TaskValidationError(f"task {tid!r}: {where}: {err.message}")
        turns = tuple(
            ReferenceTurn(
                tool_calls=tuple(
                    ReferenceCall(c["name"], dict(c["arguments"])) for c in t.get("tool_calls", [])
                ),
                answer=t.get("answer"),
                thought=t.get("thought"),
            )
            for t in record["reference"]["turns"]
        )
        unknown = {c.name for t in turns for c in t.tool_calls} - set(record["tools"])
        if unknown:
            raise TaskValidationError(
                f"task {record['id']!r}: reference calls tools not listed in 'tools': {sorted(unknown)}"
            )
        return cls(
            id=record["id"],
            env=record["env"],
            question=record["question"],
            split=record["split"],
            tools=tuple(record["tools"]),
            reference=turns,
            answer=record.get("answer"),
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
            "reference": {
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
            },
        }
        if self.answer is not None:
            out["answer"] = self.answer
        if self.gold is not None:
            out["gold"] = self.gold
        if self.reward:
            out["reward"] = dict(self.reward)
        if self.metadata:
            out["metadata"] = dict(self.metadata)
        return out
