"""reasoning-gym entries as ToolGym tasks, and the score that grades them with reasoning-gym's own ``score_answer``.

`reasoning-gym <https://pypi.org/project/reasoning-gym/>`_ generates procedural reasoning problems
(arithmetic, logic, puzzles, ...) from a dataset name, a config and a seed. Nothing here copies its
data: entries are generated at run time from the installed package.

Two guards keep a policy that answers junk at 0:

* an entry is left out when reasoning-gym's ``score_answer`` pays full credit to a *junk probe* (an
  empty answer, ``None``, a nonsense word, ...) or does not pay full credit to the entry's own answer;
* only full credit is paid (``correct``); the raw score, partial credit included, is logged at weight
  0 (many datasets pay 0.01-0.2 to any answer at all, measured in the env card).

A policy's answer is scored in a killable worker process (:mod:`toolgym_envs.reasoning_gym.worker`):
some scorers run for minutes on an answer such as ``9**9**9**9``.

>>> tasks, entries = reasoning_gym_tasks("basic_arithmetic", split="test", size=4)
>>> score_entry(entries[tasks[0].id], tasks[0].answer), score_entry(entries[tasks[0].id], "")
(1.0, 0.0)
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from toolgym.extras import require
from toolgym.tasks import Task, TaskSet
from toolgym_envs.reasoning_gym.worker import WORKER, EntryKey

ENV_NAME = "reasoning_gym"
SPLITS = ("train", "test", "all")

#: Answers no task may pay for; an entry whose ``score_answer`` pays any of them in full is left out.
JUNK_PROBES = ("", " ", "None", "none", "null", "xyzzy", "[]", "{}", "<answer></answer>", "?" * 40)

#: Test entries come from a seed this far from the train seed (then any question seen in train is dropped).
TEST_SEED_OFFSET = 1_000_003

#: Longer answers are scored 0 without calling ``score_answer`` (some datasets parse answers with sympy).
MAX_ANSWER_CHARS = 4096


#: Seconds one policy answer may take to score (in the worker) before it counts as 0.
SCORE_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class Entry:
    """One reasoning-gym entry, the dataset object that made it, and the key that rebuilds it in the worker."""

    dataset: Any
    entry: dict[str, Any]
    key: EntryKey


def _clamp(value: float) -> float:
    return 0.0 if math.isnan(value) else min(1.0, max(0.0, value))


def _local_score(item: Entry, answer: str) -> float:
    """``score_answer`` in this process: only for the answers ToolGym itself chose (golds, junk probes)."""
    try:
        return _clamp(float(item.dataset.score_answer(answer, item.entry)))
    except Exception:  # noqa: BLE001 - a dataset's scorer failing on junk is a 0, not a crash
        return 0.0


def raw_score(item: Entry, answer: str | None, timeout_s: float = SCORE_TIMEOUT_S) -> float:
    """reasoning-gym's ``score_answer`` for a policy's ``answer``, clamped to [0, 1]; 0 on error, NaN, timeout or junk.

    An empty or over-long answer scores 0 without calling reasoning-gym; the entry's own answer scores
    1.0 (checked when the task was made); any other answer is scored in the killable worker.
    """
    if answer is None or not answer.strip() or len(answer) > MAX_ANSWER_CHARS:
        return 0.0
    if answer == item.entry["answer"]:
        return 1.0
    return _clamp(WORKER.score(item.key, answer, timeout_s))


def score_entry(item: Entry, answer: str | None, timeout_s: float = SCORE_TIMEOUT_S) -> float:
    """1.0 when reasoning-gym gives ``answer`` full credit, else 0.0."""
    return 1.0 if raw_score(item, answer, timeout_s) >= 1.0 else 0.0


def _usable(item: Entry) -> bool:
    """The entry has a string answer that scores 1.0 and no junk probe scores 1.0."""
    answer = item.entry.get("answer")
    if not isinstance(answer, str) or not answer.strip() or _local_score(item, answer) < 1.0:
        return False
    return all(_local_score(item, probe) < 1.0 for probe in JUNK_PROBES if probe != answer)


def _entries(dataset: str, config_json: str, seed: int, size: int) -> list[Entry]:
    rg = require("reasoning_gym", extra="reasoning-gym", purpose="ToolGym/ReasoningGym-v0")
    try:
        ds = rg.create_dataset(dataset, seed=seed, size=size, **json.loads(config_json))
        return [Entry(ds, ds[i], (dataset, config_json, seed, size, i)) for i in range(size)]
    except Exception as exc:  # noqa: BLE001 - unknown name, bad config key or value: a one-line ValueError
        raise ValueError(f"reasoning-gym cannot make dataset {dataset!r} with {config_json}: {exc}") from None


def _task(dataset: str, split: str, seed: int, index: int, item: Entry) -> Task:
    meta = item.entry.get("metadata") or {}
    return Task.from_dict(
        {
            "id": f"rg-{dataset}-{split}-{seed}-{index}",
            "env": ENV_NAME,
            "question": item.entry["question"],
            "split": split,
            "tools": ["python"],
            "answer": item.entry["answer"],
            "reference": {"turns": [{"answer": item.entry["answer"]}]},
            "metadata": {
                "source": "reasoning-gym",
                "dataset": dataset,
                "seed": seed,
                "index": index,
                "difficulty": json.loads(json.dumps(meta.get("difficulty", {}), default=str)),
            },
        }
    )


@lru_cache(maxsize=32)
def _cached(dataset: str, config_json: str, split: str, size: int, seed: int) -> tuple[TaskSet, dict[str, Entry]]:
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    if size < 1:
        raise ValueError(f"size must be >= 1, got {size}")
    tasks: list[Task] = []
    entries: dict[str, Entry] = {}
    train_questions: set[str] = set()
    for part, part_seed in (("train", seed), ("test", seed + TEST_SEED_OFFSET)):
        for index, item in enumerate(_entries(dataset, config_json, part_seed, size)):
            if part == "train":
                train_questions.add(item.entry["question"])
            elif item.entry["question"] in train_questions:
                continue
            if split not in (part, "all") or not _usable(item):
                continue
            task = _task(dataset, part, part_seed, index, item)
            tasks.append(task)
            entries[task.id] = item
    if not tasks:
        raise ValueError(
            f"reasoning-gym dataset {dataset!r} gave no usable {split} entries (an entry needs a string answer "
            "that its score_answer pays in full, and no junk answer paid in full)"
        )
    return TaskSet(tasks), entries


def reasoning_gym_tasks(
    dataset: str,
    *,
    split: str = "train",
    size: int = 16,
    seed: int = 0,
    config: Mapping[str, Any] | None = None,
) -> tuple[TaskSet, dict[str, Entry]]:
    """The tasks of one reasoning-gym dataset and the entries that score them, by task id.

    ``size`` entries are generated per split (train from ``seed``, test from ``seed +``
    :data:`TEST_SEED_OFFSET`; test questions also in train are dropped, as are unusable entries, so a
    split may hold fewer). ``config`` goes to reasoning-gym's dataset config unchanged (its difficulty
    settings: ``min_terms``, ``max_digits``, ...). Raises ``ValueError`` for an unknown dataset or
    config key, or when no entry is usable.
    """
    try:
        config_json = json.dumps(dict(config or {}), sort_keys=True)
    except TypeError as exc:
        raise ValueError(f"config must be JSON values: {exc}") from None
    return _cached(dataset, config_json, split, int(size), int(seed))
