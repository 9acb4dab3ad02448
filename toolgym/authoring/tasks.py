"""Task-file checks for authors: ``toolgym task validate|replay|stats``.

:func:`validate_file` reports *every* problem of a file, not the first: an empty file, bad JSON
lines, schema errors, duplicate ids, an unknown env family, a reference whose final answer differs
from ``answer``, and reference calls whose arguments do not fit the tool's JSON schema (as the env
offers the tool for that task). ``strict`` (shipped sets) also requires ``env``, ``split``,
``tools`` and a reference. :func:`replay_file` plays each reference in its env and expects 1.0.

>>> import json, tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "t.jsonl"
>>> _ = path.write_text(json.dumps({"id": "a", "question": "1+1?", "answer": "2",
...                                 "reference": [{"answer": "3"}]}) + "\\n")
>>> validate_file(path)
["t.jsonl:1: task 'a': the reference's final answer '3' differs from answer '2'"]
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolgym.errors import TaskValidationError
from toolgym.tasks import Task, record_errors
from toolgym.tasks.sources import read_rows

#: Fields a shipped task (``--strict``) must carry besides the schema's required ones.
STRICT_FIELDS = ("env", "split", "tools", "reference")


def families() -> dict[str, str]:
    """Env family (the ``env`` field of tasks) -> the env id that plays it, from the registered specs."""
    from toolgym.registration import all_specs

    out: dict[str, str] = {}
    for spec in all_specs():
        if spec.family:
            out.setdefault(spec.family, spec.id)
    return out


@dataclass
class FileCheck:
    """The tasks of one file that parsed, and every error found (``file:line: message``)."""

    path: Path
    tasks: list[tuple[int, Task]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def read_file(path: str | Path, strict: bool = False) -> FileCheck:
    """Parse every row of ``path`` (JSONL, Parquet, CSV, datasets dir), collecting all record errors."""
    check = FileCheck(Path(path))
    name = check.path.name
    seen: dict[str, int] = {}
    try:
        rows = list(_rows(check.path))
    except (TaskValidationError, OSError) as exc:
        check.errors.append(f"{name}: {exc}")
        return check
    if not rows:
        check.errors.append(f"{name}: no tasks (the file is empty)")
    for line, row in rows:
        where = f"{name}:{line}"
        if isinstance(row, str):
            check.errors.append(f"{where}: {row}")
            continue
        problems = record_errors(row)
        if strict and isinstance(row, dict):
            tid = row.get("id", "?")
            problems += [f"task {tid!r}: {k!r} is required in a shipped task set (--strict)" for k in STRICT_FIELDS if k not in row]
        check.errors += [f"{where}: {p}" for p in problems]
        if problems:
            continue
        task = Task.from_dict(row)
        if task.id in seen:
            check.errors.append(f"{where}: duplicate task id {task.id!r} (first on line {seen[task.id]})")
            continue
        seen[task.id] = line
        final = next((t.answer for t in reversed(task.reference) if t.answer is not None), None)
        if task.reference and task.answer is not None and final is not None and final.strip() != task.answer.strip():
            check.errors.append(f"{where}: task {task.id!r}: the reference's final answer {final!r} differs from answer {task.answer!r}")
        check.tasks.append((line, task))
    return check


def _rows(path: Path) -> Any:
    """``(line, record or error text)`` pairs: JSONL line by line (a bad line does not stop the rest)."""
    if path.suffix.lower() in (".jsonl", ".json") and path.is_file():
        for lineno, text in enumerate(path.read_text("utf-8").splitlines(), 1):
            if not text.strip():
                continue
            try:
                yield lineno, json.loads(text)
            except json.JSONDecodeError as exc:
                yield lineno, f"invalid JSON: {exc.msg} (column {exc.colno})"
        return
    for index, row in enumerate(read_rows(path)):
        yield index + 1, dict(row)


def check_against_envs(check: FileCheck) -> None:
    """Add errors for unknown env families and reference calls that do not fit the tools' schemas."""
    known = families()
    by_family: dict[str, list[tuple[int, Task]]] = {}
    for line, task in check.tasks:
        if task.env not in known:
            check.errors.append(
                f"{check.path.name}:{line}: task {task.id!r}: unknown env family {task.env!r}; known: {', '.join(sorted(known))}"
            )
            continue
        by_family.setdefault(task.env, []).append((line, task))
    for family, items in by_family.items():
        if family == "custom":
            continue  # its tools are the user's functions, given to gym.make
        with _env_for(known[family], [t for _, t in items], check, items[0][0]) as base:
            if base is None:
                continue
            for line, task in items:
                base.reset(options={"task_id": task.id})
                for turn in task.reference:
                    for call in turn.tool_calls:
                        tool = base.tools.get(call.name)
                        if tool is None:
                            check.errors.append(f"{check.path.name}:{line}: task {task.id!r}: {known[family]} has no tool {call.name!r}; tools: {', '.join(base.tools)}")
                            continue
                        try:
                            tool.validate(call.arguments)
                        except Exception as exc:
                            check.errors.append(f"{check.path.name}:{line}: task {task.id!r}: reference call {call.name}: {exc}")


class _env_for:
    """``with _env_for(env_id, tasks, check, line) as base``: the env over ``tasks``, or ``None`` (error recorded)."""

    def __init__(self, env_id: str, tasks: list[Task], check: FileCheck, line: int) -> None:
        self.env_id, self.tasks, self.check, self.line, self.env = env_id, tasks, check, line, None

    def __enter__(self) -> Any:
        import gymnasium as gym

        try:
            self.env = gym.make(self.env_id, tasks=self.tasks)
        except Exception as exc:
            self.check.errors.append(f"{self.check.path.name}:{self.line}: cannot make {self.env_id} with these tasks: {type(exc).__name__}: {exc}")
            return None
        return self.env.unwrapped

    def __exit__(self, *exc: object) -> None:
        if self.env is not None:
            self.env.close()


def validate_file(path: str | Path, strict: bool = False) -> list[str]:
    """Every error of the task file ``path`` (empty list: valid)."""
    check = read_file(path, strict)
    check_against_envs(check)
    return check.errors


def replay_file(path: str | Path) -> tuple[list[tuple[str, float]], list[str]]:
    """Replay every reference of ``path`` in its env: ``([(task id, reward)], errors)``; a reward
    other than 1.0, a task without reference or an unknown family is an error."""
    from toolgym.testing.conformance import reference_actions

    check = read_file(path)
    known = families()
    results: list[tuple[str, float]] = []
    by_family: dict[str, list[tuple[int, Task]]] = {}
    for line, task in check.tasks:
        if not task.reference:
            check.errors.append(f"{check.path.name}:{line}: task {task.id!r}: no reference trajectory to replay")
        elif task.env not in known:
            check.errors.append(f"{check.path.name}:{line}: task {task.id!r}: unknown env family {task.env!r}")
        else:
            by_family.setdefault(task.env, []).append((line, task))
    for family, items in by_family.items():
        with _env_for(known[family], [t for _, t in items], check, items[0][0]) as base:
            if base is None:
                continue
            for line, task in items:
                base.reset(options={"task_id": task.id})
                reward, done = 0.0, False
                for action in reference_actions(base, task):
                    _, reward, terminated, truncated, _ = base.step(action)
                    if terminated or truncated:
                        done = True
                        break
                results.append((task.id, float(reward)))
                if not done or reward != 1.0:
                    check.errors.append(f"{check.path.name}:{line}: task {task.id!r}: the reference scores {reward} (ended: {done})")
    return results, check.errors


def file_stats(path: str | Path) -> dict[str, Any]:
    """Counts of a task file: tasks, by env and split, with a reference, tools used, reference turns."""
    check = read_file(path)
    tasks = [t for _, t in check.tasks]
    turns = [len(t.reference) for t in tasks if t.reference]
    return {
        "tasks": len(tasks),
        "errors": len(check.errors),
        "by_env": dict(Counter(t.env for t in tasks)),
        "by_split": dict(Counter(t.split for t in tasks)),
        "with_reference": sum(1 for t in tasks if t.reference),
        "with_answer": sum(1 for t in tasks if t.answer is not None),
        "reference_calls_by_tool": dict(Counter(c.name for t in tasks for r in t.reference for c in r.tool_calls)),
        "mean_reference_turns": round(sum(turns) / len(turns), 2) if turns else 0.0,
    }
