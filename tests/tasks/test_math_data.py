"""The MathTIR task data: curated files, their build, and the procedural generator.

Reference solutions are run in one child process per batch (``build.run_solutions``), each in a
fresh namespace, so checking all ~350 of them stays fast; a small sample is also run the plain
way (``python -c code``) to show that the batch runner sees what a real interpreter prints.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from toolgym.tasks import Task, TaskSet
from toolgym_tasks.math import CURATED_FILES, generate, load_curated
from toolgym_tasks.math import build as math_build
from toolgym_tasks.math.curated import PROBLEMS, TOPICS
from toolgym_tasks.math.generator import FAMILIES, answer_matches_format, format_instruction

MAX_SECONDS = 2.0


def reference_code(task: Task) -> str:
    """The code of a task's single reference ``python`` call."""
    (call,) = task.reference[0].tool_calls
    assert call.name == "python" and set(call.arguments) == {"code"}
    return call.arguments["code"]


def answer_format_of(task: Task) -> str:
    """The answer format spec (``integer``, ``fraction``, ``decimal:N``) from a task's metadata."""
    fmt = task.metadata["answer_format"]
    return f"decimal:{task.metadata['decimals']}" if fmt == "decimal" else fmt


@pytest.fixture(scope="module")
def curated() -> TaskSet:
    return load_curated()


@pytest.fixture(scope="module")
def curated_runs(curated: TaskSet) -> list[math_build.Run]:
    return math_build.run_solutions([reference_code(t) for t in curated])


@pytest.fixture(scope="module")
def generated() -> list[dict[str, Any]]:
    return generate(50, seed=11) + generate(50, seed=12, split="test")


# --------------------------------------------------------------------------------------------
# Curated set
# --------------------------------------------------------------------------------------------


def test_every_curated_record_validates_and_ids_are_unique() -> None:
    data = resources.files("toolgym_tasks.math").joinpath("data")
    ids = []
    for split, name in CURATED_FILES.items():
        for line in data.joinpath(name).read_text("utf-8").splitlines():
            record = json.loads(line)
            task = Task.from_dict(record)
            assert task.split == split
            assert task.to_dict() == record
            ids.append(task.id)
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"mathtir-curated-\d{4}", i) for i in ids)


def test_curated_split_sizes(curated: TaskSet) -> None:
    train, test = curated.split("train"), curated.split("test")
    assert len(train) > 0 and len(test) > 0
    assert len(curated) == len(train) + len(test) >= 300
    assert len(test) >= 90
    assert 0.25 <= len(test) / len(curated) <= 0.35
    # stratified: every topic is in both splits
    for split in (train, test):
        assert {t.metadata["topic"] for t in split} == set(TOPICS)


def test_curated_record_contents(curated: TaskSet) -> None:
    assert len(TOPICS) >= 12
    for task in curated:
        assert task.env == "math_tir" and task.tools == ("python",)
        assert task.reward == {"correct": 1.0}
        assert task.metadata["source"] == "toolgym-curated"
        assert task.metadata["difficulty"] in ("easy", "medium", "hard")
        fmt = answer_format_of(task)
        assert answer_matches_format(task.answer, fmt), (task.id, task.answer, fmt)
        assert task.question.endswith(format_instruction(fmt))
        assert task.reference[-1].answer == task.answer
    assert len({t.question for t in curated}) == len(curated), "questions must be distinct"


def test_curated_reference_solutions_print_the_gold(curated: TaskSet, curated_runs: list[math_build.Run]) -> None:
    assert len(curated_runs) == len(curated)
    bad = [
        (task.id, run.error or run.last_line, task.answer)
        for task, run in zip(curated, curated_runs)
        if run.error is not None or run.last_line != task.answer
    ]
    assert not bad
    slow = [(task.id, round(run.seconds, 2)) for task, run in zip(curated, curated_runs) if run.seconds >= MAX_SECONDS]
    assert not slow


def test_batch_runner_agrees_with_plain_python(curated: TaskSet, curated_runs: list[math_build.Run]) -> None:
    # one task per topic, chosen deterministically
    sample: dict[str, tuple[Task, math_build.Run]] = {}
    for task, run in zip(curated, curated_runs):
        sample.setdefault(task.metadata["topic"], (task, run))
    for task, run in sample.values():
        proc = subprocess.run(
            [sys.executable, "-c", reference_code(task)], capture_output=True, text=True, timeout=60, check=True
        )
        assert proc.stdout == run.stdout
        assert proc.stdout.rstrip("\n").split("\n")[-1] == task.answer


def test_data_files_are_what_the_build_writes(tmp_path: Path) -> None:
    sizes = math_build.build(tmp_path)
    data = resources.files("toolgym_tasks.math").joinpath("data")
    for split, name in CURATED_FILES.items():
        shipped = data.joinpath(name).read_text("utf-8")
        assert (tmp_path / name).read_text("utf-8") == shipped, f"{name} is stale: rerun the build"
        assert sizes[split] == shipped.count("\n")


def test_curated_source_matches_the_data(curated: TaskSet) -> None:
    assert [p.id for p in PROBLEMS] == sorted(t.id for t in curated)
    for problem in PROBLEMS:
        task = curated.get(problem.id)
        assert (task.question, task.split, reference_code(task)) == (problem.question, problem.split, problem.code)


def test_card_statistics_are_up_to_date(curated: TaskSet) -> None:
    card = math_build.CARD.read_text("utf-8")
    block = card.split(math_build.STATS_BEGIN, 1)[1].split(math_build.STATS_END, 1)[0]
    assert block.strip() == math_build.stats_markdown([t.to_dict() for t in curated]).strip()


@pytest.mark.parametrize(
    ("answer", "fmt", "ok"),
    [
        ("-12", "integer", True),
        ("1048576", "integer", True),
        ("0", "integer", True),
        ("007", "integer", False),
        ("1,000", "integer", False),
        ("-0", "integer", False),
        ("7/12", "fraction", True),
        ("-3/4", "fraction", True),
        ("6/8", "fraction", False),
        ("5/1", "fraction", False),
        ("3/-4", "fraction", False),
        ("0.1234", "decimal:4", True),
        ("-2.50", "decimal:2", True),
        ("0.123", "decimal:4", False),
        ("-0.00", "decimal:2", False),
        ("1e3", "decimal:2", False),
    ],
)
def test_answer_formats(answer: str, fmt: str, ok: bool) -> None:
    assert answer_matches_format(answer, fmt) is ok


# --------------------------------------------------------------------------------------------
# Generator
# --------------------------------------------------------------------------------------------


def test_generator_is_deterministic_per_seed() -> None:
    first = generate(40, seed=5)
    assert first == generate(40, seed=5)
    assert generate(10, seed=5) == first[:10]
    other = generate(40, seed=6)
    assert [r["question"] for r in first] != [r["question"] for r in other]
    assert sum(a["question"] == b["question"] for a, b in zip(first, other)) < 5
    assert [r["id"] for r in first] == [f"mathtir-gen-5-{i}" for i in range(40)]


def test_generated_records_validate(generated: list[dict[str, Any]]) -> None:
    tasks = TaskSet.from_records(generated)
    assert Counter(t.split for t in tasks) == {"train": 50, "test": 50}
    assert {t.metadata["topic"] for t in tasks} == set(FAMILIES)
    for task in tasks:
        assert task.metadata["source"] == "toolgym-generator"
        assert answer_matches_format(task.answer, answer_format_of(task))
        assert task.question.endswith(format_instruction(answer_format_of(task)))
        assert task.reference[-1].answer == task.answer


def test_generated_reference_code_reproduces_the_gold(generated: list[dict[str, Any]]) -> None:
    tasks = [Task.from_dict(r) for r in generated]
    runs = math_build.run_solutions([reference_code(t) for t in tasks])
    bad = [(t.id, r.error or r.last_line, t.answer) for t, r in zip(tasks, runs) if r.error or r.last_line != t.answer]
    assert not bad
    assert max(r.seconds for r in runs) < MAX_SECONDS


def test_generate_rejects_bad_arguments() -> None:
    assert generate(0, seed=1) == []
    with pytest.raises(ValueError):
        generate(-1, seed=1)
    with pytest.raises(ValueError):
        generate(3, seed=1, split="validation")
