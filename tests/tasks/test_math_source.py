"""The curated MathTIR source records (``problems/<topic>.jsonl``): ids stored, splits stored, checked on load."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path

import pytest
from toolgym_tasks.math import CURATED_FILES
from toolgym_tasks.math.curated import PROBLEMS, SOURCE_DIR, load_problems, next_id

from toolgym.errors import TaskValidationError

# sha256 of the shipped task files as the code-written curated.py produced them, captured before the
# records moved into data files: the move changed no id, split, question, solution or gold.
SHIPPED_SHA256 = {
    "test": "72edfc328940b23c1f37eb48664ba95fdf26fec4146909799e20be45e4aa3950",
    "train": "841421d9895c33f335b2b57073eb257bced9cfebea61984460f60709ab572aa8",
}


def _source_copy(tmp_path: Path) -> Path:
    src = resources.files("toolgym_tasks.math").joinpath(SOURCE_DIR)
    out = tmp_path / "problems"
    out.mkdir()
    for entry in src.iterdir():
        if entry.name.endswith(".jsonl"):
            (out / entry.name).write_text(entry.read_text("utf-8"), "utf-8")
    return out


def test_shipped_files_are_byte_identical_to_the_pre_move_build() -> None:
    data = resources.files("toolgym_tasks.math").joinpath("data")
    for split, name in CURATED_FILES.items():
        digest = hashlib.sha256(data.joinpath(name).read_bytes()).hexdigest()
        assert digest == SHIPPED_SHA256[split], f"{name} changed"


def test_every_source_record_stores_its_id_and_split() -> None:
    src = resources.files("toolgym_tasks.math").joinpath(SOURCE_DIR)
    for entry in src.iterdir():
        for line in entry.read_text("utf-8").splitlines():
            record = json.loads(line)
            assert record["id"].startswith("mathtir-curated-") and record["split"] in ("train", "test")
    assert len(PROBLEMS) == 349 and PROBLEMS[0].id == "mathtir-curated-0001"


def test_adding_a_problem_to_the_first_topic_moves_no_other_id(tmp_path: Path) -> None:
    src = _source_copy(tmp_path)
    before = {p.id: (p.topic, p.split, p.question) for p in load_problems(src)}
    new = {"id": next_id(), "split": "test", "difficulty": "easy", "answer_format": "integer",
           "question": "What is 2 + 2?", "thought": "Add.", "code": "print(2 + 2)\n"}
    first = src / "arithmetic.jsonl"
    first.write_text(json.dumps(new) + "\n" + first.read_text("utf-8"), "utf-8")  # even at the top
    after = {p.id: (p.topic, p.split, p.question) for p in load_problems(src)}
    assert set(after) == set(before) | {"mathtir-curated-0350"}
    assert all(after[i] == before[i] for i in before)
    assert after["mathtir-curated-0350"] == ("arithmetic", "test", "What is 2 + 2? Give the answer as an integer.")


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: r.update(id=r["id"].replace("0001", "0002")), "duplicate id"),
        (lambda r: r.update(id="curated-1"), "is not mathtir-curated-NNNN"),
        (lambda r: r.pop("split"), "expected exactly the fields"),
        (lambda r: r.update(extra="x"), "expected exactly the fields"),
        (lambda r: r.update(split="dev"), "bad split"),
        (lambda r: r.update(answer_format="roman"), "unknown answer format"),
        (lambda r: r.update(code=""), "non-empty string"),
    ],
)
def test_bad_source_records_are_rejected_with_their_location(tmp_path: Path, mutate, message: str) -> None:
    src = _source_copy(tmp_path)
    path = src / "arithmetic.jsonl"
    lines = path.read_text("utf-8").splitlines()
    record = json.loads(lines[0])
    mutate(record)
    path.write_text("\n".join([json.dumps(record), *lines[1:]]) + "\n", "utf-8")
    with pytest.raises(TaskValidationError, match=message):
        load_problems(src)


def test_a_line_that_is_not_json_names_file_and_line(tmp_path: Path) -> None:
    src = _source_copy(tmp_path)
    (src / "zz_new.jsonl").write_text("{not json\n", "utf-8")
    with pytest.raises(TaskValidationError, match=r"problems/zz_new.jsonl:1: not JSON"):
        load_problems(src)
