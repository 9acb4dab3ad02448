"""The curated MathTIR problems, read from ``problems/<topic>.jsonl``.

The problems are data: one JSON object per line, one file per topic, each with its id and split
stored in the record. ``build.py`` runs every reference solution and writes the shipped task files
``data/curated_{train,test}.jsonl`` from them. This module holds only the logic: reading the source
files, checking them, and attaching the answer-format sentence to each question.

Gold answers are deliberately *not* stored in the source: the gold of each problem is the last line
its reference solution prints, so a gold can never drift from its solution.

A source record::

    {"id": "mathtir-curated-0001", "split": "train", "difficulty": "easy", "answer_format": "integer",
     "question": "Compute 987654321 × 123456789 × 1001 - 10^20.",
     "thought": "Multiply exactly with Python integers.", "code": "print(987654321 * 123456789 * 1001 - 10**20)\\n"}

To add a problem, append a line to its topic's file with ``id`` = :func:`next_id` and a split of your
choice (keep about 30% of each topic in ``test``), then rebuild. No existing id or split moves.

>>> problems = load_problems()
>>> problems[0].id, problems[0].topic
('mathtir-curated-0001', 'arithmetic')
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from toolgym.errors import TaskValidationError
from toolgym_tasks.math.generator import format_instruction

__all__ = ["PROBLEMS", "TOPICS", "CuratedProblem", "load_problems", "next_id"]

#: The folder (inside this package) that holds one ``<topic>.jsonl`` source file per topic.
SOURCE_DIR = "problems"

_ID = re.compile(r"mathtir-curated-(\d{4})")
_FIELDS = ("id", "split", "difficulty", "answer_format", "question", "thought", "code")
_DIFFICULTIES = ("easy", "medium", "hard")


@dataclass(frozen=True)
class CuratedProblem:
    """One curated problem, ready to be run and turned into a task record.

    ``question`` already ends with the answer-format sentence; ``code`` prints the gold last.
    """

    id: str
    topic: str
    difficulty: str
    answer_format: str
    question: str
    thought: str
    code: str
    split: str


def _problem(topic: str, line_no: int, line: str) -> CuratedProblem:
    """One source line as a problem; raise TaskValidationError naming the file and line if it is malformed."""
    where = f"{SOURCE_DIR}/{topic}.jsonl:{line_no}"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise TaskValidationError(f"{where}: not JSON ({exc})") from exc
    if not isinstance(record, dict) or sorted(record) != sorted(_FIELDS):
        got = sorted(record) if isinstance(record, dict) else type(record).__name__
        raise TaskValidationError(f"{where}: expected exactly the fields {list(_FIELDS)}, got {got}")
    if not all(isinstance(record[f], str) and record[f].strip() for f in _FIELDS):
        raise TaskValidationError(f"{where}: every field must be a non-empty string")
    if _ID.fullmatch(record["id"]) is None:
        raise TaskValidationError(f"{where}: id {record['id']!r} is not mathtir-curated-NNNN")
    if record["split"] not in ("train", "test") or record["difficulty"] not in _DIFFICULTIES:
        raise TaskValidationError(f"{where}: bad split {record['split']!r} or difficulty {record['difficulty']!r}")
    try:
        instruction = format_instruction(record["answer_format"])
    except ValueError as exc:
        raise TaskValidationError(f"{where}: {exc}") from exc
    return CuratedProblem(
        id=record["id"],
        topic=topic,
        difficulty=record["difficulty"],
        answer_format=record["answer_format"],
        question=f"{record['question']} {instruction}",
        thought=record["thought"],
        code=record["code"],
        split=record["split"],
    )


def load_problems(source: Path | Traversable | None = None) -> tuple[CuratedProblem, ...]:
    """All curated problems from the source files, sorted by id; raise TaskValidationError on a bad file.

    ``source`` is the folder of ``<topic>.jsonl`` files (default: the shipped ``problems/``). Checks that every record has exactly the known fields, that ids are ``mathtir-curated-NNNN`` and
    unique across all topics, and that splits, difficulties and answer formats are known values.
    """
    if source is None:
        source = resources.files(__package__).joinpath(SOURCE_DIR)
    problems: list[CuratedProblem] = []
    for entry in sorted(source.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".jsonl"):
            continue
        topic = entry.name[: -len(".jsonl")]
        for line_no, line in enumerate(entry.read_text("utf-8").splitlines(), start=1):
            if line.strip():
                problems.append(_problem(topic, line_no, line))
    seen: dict[str, str] = {}
    for p in problems:
        if p.id in seen:
            raise TaskValidationError(f"duplicate id {p.id} in topics {seen[p.id]!r} and {p.topic!r}")
        seen[p.id] = p.topic
    return tuple(sorted(problems, key=lambda p: p.id))


def next_id(problems: tuple[CuratedProblem, ...] | None = None) -> str:
    """The id to give a new problem: one past the highest stored id.

    >>> next_id() > load_problems()[-1].id
    True
    """
    problems = load_problems() if problems is None else problems
    top = max((int(_ID.fullmatch(p.id).group(1)) for p in problems), default=0)  # type: ignore[union-attr]
    return f"mathtir-curated-{top + 1:04d}"


#: All curated problems, in id order.
PROBLEMS: tuple[CuratedProblem, ...] = load_problems()

#: The topics (one source file each), sorted by name.
TOPICS: tuple[str, ...] = tuple(sorted({p.topic for p in PROBLEMS}))
