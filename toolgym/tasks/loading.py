"""Loading task sets from JSONL files and selecting tasks by id, split or seed."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np

from toolgym.errors import TaskValidationError
from toolgym.tasks.model import Task


def read_jsonl(path: str | Path) -> Iterator[dict]:
    """Yield the JSON objects of a JSONL file, naming the line of any syntax error."""
    path = Path(path)
    with path.open("r", encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise TaskValidationError(f"{path}:{lineno}: invalid JSON: {exc.msg}") from None


def write_jsonl(records: Iterable[dict], path: str | Path) -> None:
    """Write task records one JSON object per line, keys sorted, so generated files diff cleanly."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")


class TaskSet(Sequence[Task]):
    """An ordered, id-indexed collection of validated tasks.

    ``tasks`` may also be a path (JSONL, Parquet, CSV, a ``datasets`` directory), a
    ``datasets.Dataset`` or task records: they are read with :func:`toolgym.tasks.load_tasks`, so
    ``gym.make(id, tasks="my.jsonl")`` works for every env.
    """

    def __init__(self, tasks: Iterable[Task] | str | os.PathLike[str]) -> None:
        items = tasks if isinstance(tasks, (str, os.PathLike)) else list(tasks)
        if isinstance(items, (str, os.PathLike)) or not all(isinstance(t, Task) for t in items):
            from toolgym.tasks.sources import load_tasks

            items = list(load_tasks(items))
        self._tasks = items
        self._by_id: dict[str, Task] = {}
        for t in self._tasks:
            if t.id in self._by_id:
                raise TaskValidationError(f"duplicate task id {t.id!r}")
            self._by_id[t.id] = t

    @classmethod
    def from_records(cls, records: Iterable[dict]) -> "TaskSet":
        return cls(Task.from_dict(r) for r in records)

    @classmethod
    def from_jsonl(cls, *paths: str | Path) -> "TaskSet":
        return cls.from_records(r for p in paths for r in read_jsonl(p))

    def __len__(self) -> int:
        return len(self._tasks)

    def __getitem__(self, index):  # type: ignore[override]
        return self._tasks[index]

    def __iter__(self) -> Iterator[Task]:
        return iter(self._tasks)

    def get(self, task_id: str) -> Task:
        """The task with id ``task_id``; raises ``KeyError`` naming it when absent."""
        try:
            return self._by_id[task_id]
        except KeyError:
            raise KeyError(f"no task with id {task_id!r}") from None

    def __contains__(self, task_id: object) -> bool:
        return task_id in self._by_id

    def split(self, name: str) -> "TaskSet":
        """The tasks of one split (``train``, ``test``, ``dev``)."""
        return TaskSet(t for t in self._tasks if t.split == name)

    def sample(self, rng: np.random.Generator) -> Task:
        """One task drawn uniformly with ``rng`` (the env's seeded generator).

        One raw 64-bit draw reduced modulo the set's size (a bias below ``len / 2**64``): a fifth
        of the cost of ``rng.integers``, which every reset pays (env ids ``-v1`` and later).
        """
        return self.pick(rng.bit_generator.random_raw())

    def pick(self, raw: int) -> Task:
        """The task that raw 64-bit draw ``raw`` selects (what :meth:`sample` does with its draw)."""
        if not self._tasks:
            raise TaskValidationError("cannot sample from an empty task set")
        return self._tasks[raw % len(self._tasks)]
