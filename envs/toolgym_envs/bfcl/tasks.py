"""BFCL cases as validated ToolGym :class:`~toolgym.tasks.Task` records.

Each task's ``gold`` is ``{"functions": [BFCL documents], "answers": [BFCL possible answers],
"category": ...}`` (what :mod:`toolgym.rewards.toolrl` reads), its ``tools`` the function names,
and its reference one turn with the calls built by
:func:`~toolgym.rewards.call_match.reference_arguments` (first acceptable value per argument).
BFCL has no train/test split: ``split`` is a fixed hash of the case id (one case in five is
``test``), so it never changes between releases of either package.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from toolgym.rewards.call_match import answer_parts, find_function, reference_arguments
from toolgym.tasks import Task, TaskSet
from toolgym_envs.bfcl.data import BFCLCase, load_category

SPLITS = ("train", "test", "all")
ENV_NAME = "bfcl"


def case_split(case_id: str) -> str:
    """``test`` for one case id in five (by SHA-256), else ``train``."""
    return "test" if int(hashlib.sha256(case_id.encode()).hexdigest()[:8], 16) % 5 == 0 else "train"


def case_task(case: BFCLCase) -> Task:
    """The task of one BFCL case (``ValueError`` when its gold admits no call at all)."""
    calls = []
    for answer in case.answers:
        name, accepted = answer_parts(answer)
        doc = find_function(case.functions, name)
        if doc is None:
            raise ValueError(f"{case.id}: the answer calls {name!r}, which no document describes")
        calls.append({"name": name, "arguments": reference_arguments(doc, accepted)})
    question = "\n\n".join(m["content"] for m in case.messages if isinstance(m.get("content"), str))
    return Task.from_dict(
        {
            "id": case.id,
            "env": ENV_NAME,
            "question": question or "(empty request)",
            "split": case_split(case.id),
            "tools": [f["name"] for f in case.functions],
            "gold": {"functions": list(case.functions), "answers": list(case.answers), "category": case.category},
            "reference": {"turns": [{"tool_calls": calls}]},
            "metadata": {"category": case.category, "source": "bfcl-eval"},
        }
    )


@lru_cache(maxsize=16)
def bfcl_tasks(categories: tuple[str, ...], split: str = "train") -> TaskSet:
    """The tasks of ``categories`` in ``split`` (cases whose gold no call can satisfy are left out;
    :func:`skipped_cases` lists them)."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    tasks = [t for c in categories for t in _category_tasks(c)]
    return TaskSet(t for t in tasks if split == "all" or t.split == split)


def skipped_cases(category: str) -> list[str]:
    """Ids of the cases of ``category`` whose gold admits no call (left out of the tasks)."""
    kept = {t.id for t in _category_tasks(category)}
    return [c.id for c in load_category(category) if c.id not in kept]


@lru_cache(maxsize=None)
def _category_tasks(category: str) -> tuple[Task, ...]:
    out = []
    for case in load_category(category):
        try:
            out.append(case_task(case))
        except ValueError:
            continue
    return tuple(out)
