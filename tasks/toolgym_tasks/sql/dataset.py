"""The Text2SQL task set: instantiate every template on the generated databases, as task records.

``generate_records()`` rebuilds the records from the seed (databases, templates, checks);
``data/tasks.jsonl`` is their committed copy, which ``load_tasks()`` reads, so loading costs no
query. ``python -m toolgym_tasks.sql`` rewrites the file; a test checks the file still equals
a fresh generation, so the committed questions can never drift from the data they are about.

Splits are stratified by template: within each template the instances at positions 2, 5 and 8
modulo 10 go to ``test`` and the rest to ``train``.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from toolgym.sql.engine import DuckDBEngine
from toolgym.tasks import TaskSet
from toolgym_tasks.sql import questions_clinic, questions_retail, questions_university
from toolgym_tasks.sql.build import DEFAULT_SEED, database_path
from toolgym_tasks.sql.templates import Instance, Template, instantiate

DATA_FILE = Path(__file__).parent / "data" / "tasks.jsonl"
ENV_NAME = "text2sql"
TEST_POSITIONS = (2, 5, 8)

#: Database name -> its question templates.
TEMPLATES: dict[str, tuple[Template, ...]] = {
    "retail": questions_retail.TEMPLATES,
    "clinic": questions_clinic.TEMPLATES,
    "university": questions_university.TEMPLATES,
}


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def to_record(db: str, inst: Instance, position: int, seed: int) -> dict[str, Any]:
    """One task record (see ``toolgym/tasks/task.schema.json``) for a checked instance."""
    t = inst.template
    return {
        "id": f"sql-{db}-{t.key}-{position:02d}",
        "env": ENV_NAME,
        "question": inst.question,
        "split": "test" if position % 10 in TEST_POSITIONS else "train",
        "tools": ["sql"],
        "gold": {
            "db": db,
            "sql": inst.sql,
            "ordered": inst.ordered,
            "equivalent_sql": list(inst.equivalent),
            "wrong_sql": list(inst.wrong),
        },
        "reference": {
            "turns": [
                {
                    "thought": "I will look at the relevant data before writing the final query.",
                    "tool_calls": [{"name": "sql", "arguments": {"query": inst.explore}}],
                },
                {"answer": inst.sql},
            ]
        },
        "metadata": {
            "db": db,
            "difficulty": t.difficulty,
            "skills": list(t.skills),
            "template": t.key,
            "params": {k: _jsonable(v) for k, v in inst.params.items()},
            "data_seed": seed,
        },
    }


def generate_records(seed: int = DEFAULT_SEED) -> list[dict[str, Any]]:
    """Every task record, regenerated from ``seed`` (builds the databases if needed)."""
    records: list[dict[str, Any]] = []
    for db, templates in TEMPLATES.items():
        engine = DuckDBEngine(database_path(db, seed))
        try:
            for t in templates:
                rng = random.Random(f"{seed}:{db}:{t.key}")
                for position, inst in enumerate(instantiate(engine, t, rng)):
                    records.append(to_record(db, inst, position, seed))
        finally:
            engine.close()
    return records



@lru_cache(maxsize=1)
def load_tasks() -> TaskSet:
    """The committed Text2SQL tasks (all splits), validated once per process."""
    return TaskSet.from_jsonl(DATA_FILE)
