"""Tasks from the user's own data: JSONL, Parquet, CSV, a local Hugging Face ``datasets`` directory,
an in-memory ``datasets.Dataset`` or a list of dicts, with a column mapping.

A question/answer table is enough (references are optional for training data): each row becomes a
:class:`~toolgym.tasks.Task` whose ``id`` is the mapped id column or ``<stem>-<row>``, whose ``env``
and ``split`` default to ``custom`` and ``train``, and whose unmapped columns go to ``metadata``.

Parquet needs ``pyarrow``, CSV ``pandas`` and dataset directories ``datasets``: all three come with
``pip install 'toolgym[data]'``, and the error says so when one is missing.

>>> rows = [{"problem": "What is 6 * 7?", "solution": 42}]
>>> tasks = load_tasks(rows, columns={"question": "problem", "answer": "solution"})
>>> tasks[0].id, tasks[0].question, tasks[0].answer
('task-0', 'What is 6 * 7?', '42')
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from toolgym.errors import TaskValidationError
from toolgym.extras import require
from toolgym.tasks.loading import TaskSet, read_jsonl
from toolgym.tasks.model import Task

#: Task fields a column can be mapped to (``columns={"question": "problem", ...}``).
FIELDS = ("id", "question", "answer", "env", "split", "tools", "reference", "answer_rules", "gold", "reward", "metadata")
#: Fields whose value may be stored as JSON text in a flat file (CSV cells, Parquet strings).
_JSON_FIELDS = ("tools", "reference", "answer_rules", "reward", "metadata")
SUFFIXES = (".jsonl", ".json", ".parquet", ".csv")


def load_tasks(
    source: Any,
    *,
    columns: Mapping[str, str] | None = None,
    env: str | None = None,
    split: str | None = None,
    id_prefix: str | None = None,
) -> TaskSet:
    """A :class:`TaskSet` from a file, a dataset directory, a ``datasets.Dataset`` or records.

    ``columns`` maps task fields to the source's column names (``{"question": "problem"}``); other
    fields are read from columns of their own name. ``env`` and ``split`` fill rows that lack them;
    ``split`` never overrides a split stored in the data. Raises :class:`TaskValidationError` naming
    the row and field of the first bad row.
    """
    if isinstance(source, TaskSet):
        return source
    prefix = id_prefix
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        prefix = prefix or path.stem.replace(".", "-") or "task"
        rows: Iterable[Mapping[str, Any]] = read_rows(path)
    elif _is_hf_dataset(source):
        rows = iter(source)
    else:
        rows = source
    prefix = prefix or "task"
    mapping = dict(columns or {})
    unknown = set(mapping) - set(FIELDS)
    if unknown:
        raise TaskValidationError(f"columns: unknown task field(s) {sorted(unknown)}; fields: {', '.join(FIELDS)}")
    tasks: list[Task] = []
    for index, row in enumerate(rows):
        if isinstance(row, Task):
            tasks.append(row)
            continue
        record = to_record(row, mapping, index=index, prefix=prefix, env=env, split=split)
        tasks.append(Task.from_dict(record))
    return TaskSet(tasks)


def read_rows(path: Path) -> Iterator[Mapping[str, Any]]:
    """The raw rows of a task file or dataset directory, before any column mapping."""
    if not path.exists():
        raise TaskValidationError(f"{path}: no such file or directory")
    if path.is_dir():
        datasets = require("datasets", "data", purpose=f"loading the dataset directory {path}")
        data = datasets.load_from_disk(str(path))
        if isinstance(data, datasets.DatasetDict):
            for name, part in data.items():
                for row in part:
                    yield {"split": name, **row} if name in ("train", "test", "dev") else row
            return
        yield from data
        return
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json"):
        yield from read_jsonl(path)
    elif suffix == ".parquet":
        pq = require("pyarrow.parquet", "data", purpose=f"reading {path}")
        yield from pq.read_table(path).to_pylist()
    elif suffix == ".csv":
        pd = require("pandas", "data", purpose=f"reading {path}")
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        yield from frame.to_dict(orient="records")
    else:
        raise TaskValidationError(f"{path}: unknown task file type {suffix or '(none)'}; use one of {', '.join(SUFFIXES)} or a datasets directory")


def to_record(
    row: Mapping[str, Any],
    columns: Mapping[str, str],
    *,
    index: int,
    prefix: str,
    env: str | None = None,
    split: str | None = None,
) -> dict[str, Any]:
    """One row as a task record: mapped columns, defaults, JSON-text cells decoded, the rest in metadata."""
    if not isinstance(row, Mapping):
        raise TaskValidationError(f"row {index}: expected a mapping of columns, got {type(row).__name__}")
    record: dict[str, Any] = {}
    used: set[str] = set()
    for name in FIELDS:
        column = columns.get(name, name)
        if column in row and not _missing(row[column]):
            record[name] = row[column]
            used.add(column)
        elif name in columns:
            raise TaskValidationError(
                f"row {index}: column {column!r} (mapped to {name!r}) is missing; columns: {sorted(row)}"
            )
    for name in _JSON_FIELDS:
        if isinstance(record.get(name), str):
            try:
                record[name] = json.loads(record[name])
            except json.JSONDecodeError as exc:
                raise TaskValidationError(f"row {index}: {name}: not JSON ({exc.msg})") from None
    if "answer" in record and not isinstance(record["answer"], str):
        record["answer"] = _as_text(record["answer"])
    if "id" in record:
        record["id"] = str(record["id"])
    else:
        record["id"] = f"{prefix}-{index}"
    if env is not None:
        record.setdefault("env", env)
    if split is not None:
        record.setdefault("split", split)
    extra = {k: v for k, v in row.items() if k not in used and not _missing(v)}
    if extra:
        record["metadata"] = {**extra, **dict(record.get("metadata") or {})}
    return record


def _as_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _is_hf_dataset(obj: Any) -> bool:
    return type(obj).__module__.startswith("datasets.") and hasattr(obj, "column_names")
