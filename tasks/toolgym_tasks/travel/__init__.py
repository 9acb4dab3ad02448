"""Travel domain data: the seeded database (``data/db.json``) and tasks (``data/tasks.jsonl``).

Both files are produced by :mod:`toolgym_tasks.travel.generator` (``python -m
toolgym_tasks.travel.generator`` rewrites them); see ``CARD.md``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from toolgym.tasks import TaskSet

DATA = resources.files("toolgym_tasks.travel").joinpath("data")


@lru_cache(maxsize=1)
def load_db() -> dict[str, list[dict[str, Any]]]:
    """The initial database rows, table name -> rows (cached; treat as read-only)."""
    return json.loads(DATA.joinpath("db.json").read_text("utf-8"))


@lru_cache(maxsize=1)
def load_tasks() -> TaskSet:
    """Every travel task (train and test), validated against the task schema."""
    lines = DATA.joinpath("tasks.jsonl").read_text("utf-8").splitlines()
    return TaskSet.from_records(json.loads(line) for line in lines if line.strip())
