"""Task data for ``ToolGym/MathTIR-v1``: the curated math set and the seeded problem generator.

* :func:`load_curated` loads the shipped ``data/curated_{train,test}.jsonl`` files, written by
  ``python -m toolgym_tasks.math.build`` from the source records in ``problems/<topic>.jsonl``
  (read by :mod:`toolgym_tasks.math.curated`).
* :func:`generate` draws fresh problems from :mod:`toolgym_tasks.math.generator`.

See ``CARD.md`` in this directory for the dataset card.
"""

from __future__ import annotations

import json
from importlib import resources

from toolgym.tasks import TaskSet
from toolgym_tasks.math.generator import generate

__all__ = ["CURATED_FILES", "generate", "load_curated"]

#: The shipped curated data files (in the package's ``data/`` directory), by split.
CURATED_FILES = {"train": "curated_train.jsonl", "test": "curated_test.jsonl"}


def load_curated() -> TaskSet:
    """The curated MathTIR tasks (train and test splits together; select with ``.split(name)``)."""
    data = resources.files(__name__).joinpath("data")
    records = []
    for name in CURATED_FILES.values():
        text = data.joinpath(name).read_text("utf-8")
        records.extend(json.loads(line) for line in text.splitlines() if line.strip())
    return TaskSet.from_records(records)
