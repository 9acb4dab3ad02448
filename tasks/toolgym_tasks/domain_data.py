"""Loading and writing a simulated-API domain's shipped data: ``data/db.json`` and ``data/tasks.jsonl``."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Callable

from toolgym.tasks import TaskSet

Rows = dict[str, list[dict[str, Any]]]


def domain_loaders(package: str) -> tuple[Callable[[], Rows], Callable[[], TaskSet]]:
    """``(load_db, load_tasks)`` for the domain data package ``package``, each cached per process.

    ``load_db()`` gives the initial database rows, table name -> rows (treat as read-only);
    ``load_tasks()`` every task (train and test), validated against the task schema.
    """
    data = resources.files(package).joinpath("data")

    @lru_cache(maxsize=1)
    def load_db() -> Rows:
        return json.loads(data.joinpath("db.json").read_text("utf-8"))

    @lru_cache(maxsize=1)
    def load_tasks() -> TaskSet:
        lines = data.joinpath("tasks.jsonl").read_text("utf-8").splitlines()
        return TaskSet.from_records(json.loads(line) for line in lines if line.strip())

    return load_db, load_tasks


def write_domain_data(out: Path, db: Rows, tasks: list[dict[str, Any]]) -> None:
    """Write a domain's ``db.json`` and ``tasks.jsonl`` into ``out`` (what the loaders read)."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "db.json").write_text(json.dumps(db, ensure_ascii=False, indent=0) + "\n", "utf-8")
    (out / "tasks.jsonl").write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in tasks), "utf-8")
