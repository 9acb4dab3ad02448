"""``TaskSet.sample``: the seeded draw every ``reset`` makes (issue 13 made it cheaper)."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from toolgym.errors import TaskValidationError
from toolgym.tasks import Task, TaskSet


def _tasks(n: int) -> TaskSet:
    return TaskSet(
        Task.from_dict(
            {"id": f"t{i}", "env": "demo", "question": "q", "answer": str(i)}
        )
        for i in range(n)
    )


def test_same_seed_same_sequence_and_every_task_reachable() -> None:
    tasks = _tasks(7)
    a, b = np.random.default_rng(3), np.random.default_rng(3)
    assert [tasks.sample(a).id for _ in range(50)] == [
        tasks.sample(b).id for _ in range(50)
    ]
    rng = np.random.default_rng(0)
    counts = Counter(tasks.sample(rng).id for _ in range(7000))
    assert set(counts) == {f"t{i}" for i in range(7)}
    assert all(
        800 < c < 1200 for c in counts.values()
    )  # uniform: 1000 each, ~5 sigma band


def test_empty_set_refuses() -> None:
    with pytest.raises(TaskValidationError):
        TaskSet([]).sample(np.random.default_rng(0))
