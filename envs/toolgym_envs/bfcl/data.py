"""BFCL's single-turn categories, read at run time from the installed ``bfcl-eval`` package.

Nothing of BFCL is copied into ToolGym: the JSON-lines files under ``bfcl_eval/data/`` (questions
with their function documents) and ``bfcl_eval/data/possible_answer/`` (acceptable values per
argument) are located through the import system without importing ``bfcl_eval`` itself (its
package pulls in every provider SDK) and parsed here.
"""

from __future__ import annotations

import importlib.util
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from toolgym.errors import TaskValidationError
from toolgym.extras import MissingExtraError

#: ToolGym's category names and BFCL's file stem for each (Python AST-checked categories).
CATEGORIES: dict[str, str] = {
    "simple": "simple_python",
    "multiple": "multiple",
    "parallel": "parallel",
    "parallel_multiple": "parallel_multiple",
    "live_simple": "live_simple",
    "live_multiple": "live_multiple",
    "live_parallel": "live_parallel",
    "live_parallel_multiple": "live_parallel_multiple",
}
#: The categories of ``ToolGym/BFCL-v0`` (BFCL's non-live Python AST categories).
DEFAULT_CATEGORIES: tuple[str, ...] = ("simple", "multiple", "parallel", "parallel_multiple")
LIVE_CATEGORIES: tuple[str, ...] = ("live_simple", "live_multiple", "live_parallel", "live_parallel_multiple")
INSTALL_HINT = "pip install 'toolgym[bfcl]'  (or: pip install bfcl-eval)"


@dataclass(frozen=True)
class BFCLCase:
    """One BFCL test case: its messages, the function documents, and the acceptable answers."""

    id: str
    category: str
    messages: tuple[dict[str, str], ...]
    functions: tuple[dict[str, Any], ...]
    answers: tuple[dict[str, Any], ...]


def bfcl_data_dir() -> Path:
    """``bfcl_eval/data`` of the installed package (a :class:`~toolgym.extras.MissingExtraError`
    naming ``pip install 'toolgym[bfcl]'`` when the package is missing)."""
    spec = importlib.util.find_spec("bfcl_eval")
    if spec is None or not spec.submodule_search_locations:
        raise MissingExtraError("bfcl_eval", "bfcl", "BFCL's data")
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    if not (data / "possible_answer").is_dir():
        raise TaskValidationError(f"no BFCL data under {data}: reinstall bfcl-eval ({INSTALL_HINT})")
    return data


def newest_file(folder: Path, stem: str) -> Path:
    """``BFCL_v<N>_<stem>.json`` with the highest N (the file names carry the data version)."""
    found = []
    for path in folder.glob(f"BFCL_v*_{stem}.json"):
        m = re.fullmatch(rf"BFCL_v(\d+)_{re.escape(stem)}\.json", path.name)
        if m:
            found.append((int(m.group(1)), path))
    if not found:
        raise TaskValidationError(f"bfcl-eval has no data file for {stem!r} under {folder}")
    return max(found)[1]


def read_records(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@lru_cache(maxsize=None)
def load_category(category: str) -> tuple[BFCLCase, ...]:
    """Every case of one category (``simple``, ``multiple``, ..., see :data:`CATEGORIES`)."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown BFCL category {category!r}; known: {sorted(CATEGORIES)}")
    data = bfcl_data_dir()
    stem = CATEGORIES[category]
    questions = read_records(newest_file(data, stem))
    answers = {r["id"]: r["ground_truth"] for r in read_records(newest_file(data / "possible_answer", stem))}
    cases = []
    for record in questions:
        if record["id"] not in answers:
            raise TaskValidationError(f"BFCL case {record['id']!r} has no possible answer")
        turns = record["question"]
        if len(turns) != 1:
            raise TaskValidationError(f"BFCL case {record['id']!r} is multi-turn; only single-turn categories load here")
        cases.append(
            BFCLCase(
                id=record["id"],
                category=category,
                messages=tuple(dict(m) for m in turns[0]),
                functions=tuple(record["function"]),
                answers=tuple(answers[record["id"]]),
            )
        )
    return tuple(cases)
