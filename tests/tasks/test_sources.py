"""Tasks from the user's own data: every format, column mapping, defaults, and the errors."""

import json

import datasets
import gymnasium as gym
import pandas as pd
import pytest

import toolgym  # noqa: F401  (registers the ToolGym/* ids)
from toolgym.errors import TaskValidationError
from toolgym.extras import MissingExtraError
from toolgym.tasks import Task, TaskSet, load_tasks

ROWS = [{"problem": "What is 6 * 7?", "solution": 42, "level": "easy"},
        {"problem": "What is 2 + 3?", "solution": 5, "level": "easy"}]
MAP = {"question": "problem", "answer": "solution"}


def write(tmp_path, kind):
    frame = pd.DataFrame(ROWS)
    path = tmp_path / f"gsm.{kind}"
    if kind == "parquet":
        frame.to_parquet(path)
    elif kind == "csv":
        frame.to_csv(path, index=False)
    elif kind == "jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in ROWS))
    else:
        path = tmp_path / "gsm"
        datasets.Dataset.from_list(ROWS).save_to_disk(str(path))
    return path


@pytest.mark.parametrize("kind", ["jsonl", "parquet", "csv", "dataset-dir"])
def test_every_format_gives_the_same_tasks(tmp_path, kind):
    tasks = load_tasks(write(tmp_path, kind), columns=MAP)
    assert [(t.id, t.question, t.answer, t.split, t.env, t.reference) for t in tasks] == [
        ("gsm-0", "What is 6 * 7?", "42", "train", "custom", ()),
        ("gsm-1", "What is 2 + 3?", "5", "train", "custom", ()),
    ]
    assert tasks[0].metadata == {"level": "easy"}


def test_in_memory_dataset_and_records():
    ds = datasets.Dataset.from_list(ROWS)
    assert [t.answer for t in load_tasks(ds, columns=MAP)] == ["42", "5"]
    assert load_tasks([{"id": 7, "question": "q", "answer": 1.0}])[0].id == "7"


def test_datasetdict_directory_keeps_its_splits(tmp_path):
    dd = datasets.DatasetDict({"train": datasets.Dataset.from_list(ROWS[:1]), "test": datasets.Dataset.from_list(ROWS[1:])})
    dd.save_to_disk(str(tmp_path / "dd"))
    tasks = load_tasks(tmp_path / "dd", columns=MAP)
    assert [t.split for t in tasks] == ["train", "test"]
    assert len({t.id for t in tasks}) == 2


def test_a_mapped_column_that_is_missing_is_named(tmp_path):
    with pytest.raises(TaskValidationError, match="'problem'.*question"):
        load_tasks([{"question_text": "q"}], columns={"question": "problem"})
    with pytest.raises(TaskValidationError, match="unknown task field"):
        load_tasks(ROWS, columns={"prompt": "problem"})
    with pytest.raises(TaskValidationError, match="no such file"):
        load_tasks(tmp_path / "absent.jsonl")
    (tmp_path / "x.txt").write_text("q")
    with pytest.raises(TaskValidationError, match="unknown task file type"):
        load_tasks(tmp_path / "x.txt")


def test_a_row_without_question_fails_with_its_id():
    with pytest.raises(TaskValidationError, match="question"):
        load_tasks([{"id": "a", "answer": "1"}])


def test_references_are_optional_but_still_checked():
    t = Task.from_dict({"id": "a", "question": "q", "answer": "1", "tools": ["python"],
                        "reference": [{"tool_calls": [{"name": "python", "arguments": {"code": "1"}}]}, {"answer": "1"}]})
    assert len(t.reference) == 2 and Task.from_dict(t.to_dict()) == t
    with pytest.raises(TaskValidationError, match="not listed"):
        Task.from_dict({"id": "a", "question": "q", "tools": ["x"], "reference": [{"tool_calls": [{"name": "y", "arguments": {}}]}]})


def test_missing_extra_is_named(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    path = tmp_path / "x.parquet"
    path.write_bytes(b"PAR1")
    with pytest.raises(MissingExtraError, match=r"toolgym\[data\]"):
        load_tasks(path)


def test_gym_make_takes_a_path_for_every_family_style(tmp_path):
    path = write(tmp_path, "jsonl")
    env = gym.make("ToolGym/MathTIR-v1", tasks=load_tasks(path, columns=MAP, env="math_tir"))
    assert len(env.unwrapped.tasks) == 2
    env.close()
    plain = tmp_path / "plain.jsonl"
    plain.write_text(json.dumps({"question": "What is 6 * 7?", "answer": "42"}) + "\n")
    env = gym.make("ToolGym/MathTIR-v1", tasks=str(plain))
    env.reset(seed=0)
    assert env.step("<answer>42</answer>")[1] == 1.0
    env.close()
    assert isinstance(TaskSet(str(plain)), TaskSet)
