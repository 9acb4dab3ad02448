"""``toolgym task validate|replay|stats``: every error at once, each rule able to fail."""

import json

from toolgym.authoring import file_stats, replay_file, validate_file

GOOD = {"id": "m1", "env": "math_tir", "split": "test", "question": "What is 6 * 7?", "answer": "42", "tools": ["python"],
        "reference": {"turns": [{"tool_calls": [{"name": "python", "arguments": {"code": "print(6*7)"}}]}, {"answer": "42"}]}}


def write(tmp_path, *records, name="t.jsonl"):
    path = tmp_path / name
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records))
    return path


def test_a_good_file_has_no_errors_and_replays_to_one(tmp_path):
    path = write(tmp_path, GOOD)
    assert validate_file(path, strict=True) == []
    results, errors = replay_file(path)
    assert results == [("m1", 1.0)] and errors == []
    assert file_stats(path)["reference_calls_by_tool"] == {"python": 1}


def test_every_error_is_reported_not_just_the_first(tmp_path):
    records = [
        "{not json",
        {**GOOD, "id": "bad-split", "split": "nope", "question": ""},       # two schema errors
        {**GOOD, "id": "m1"},
        {**GOOD, "id": "m1"},                                              # duplicate id
        {**GOOD, "id": "wrong-answer", "answer": "41"},                     # reference != answer
        {**GOOD, "id": "alien", "env": "no_such_family"},                  # unknown env
        {**GOOD, "id": "bad-args", "reference": {"turns": [{"tool_calls": [{"name": "python", "arguments": {"cod": "1"}}]}, {"answer": "42"}]}},
        {"id": "bare", "question": "q?", "answer": "1"},                    # fine unless --strict
    ]
    path = write(tmp_path, *records)
    errors = validate_file(path)
    text = "\n".join(errors)
    assert "t.jsonl:1: invalid JSON" in text
    assert sum("bad-split" in e for e in errors) == 2
    assert "duplicate task id 'm1'" in text
    assert "'41'" in text and "differs" in text
    assert "unknown env family 'no_such_family'" in text
    assert "bad-args" in text and "'code' is a required property" in text
    assert "bare" not in text
    strict = "\n".join(validate_file(path, strict=True))
    assert "'bare'" in strict and "'reference' is required" in strict


def test_an_empty_file_is_an_error(tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_text("\n")
    assert validate_file(path) == ["empty.jsonl: no tasks (the file is empty)"]


def test_a_reference_that_does_not_score_fails_replay(tmp_path):
    # agrees with its own answer field, but the gold is wrong: only the replay can tell
    bad = {**GOOD, "id": "lies", "question": "What is 6 * 8?", "answer": "42"}
    no_ref = {"id": "plain", "env": "math_tir", "question": "q", "answer": "1"}
    results, errors = replay_file(write(tmp_path, GOOD, bad, no_ref))
    assert ("m1", 1.0) in results
    assert any("plain" in e and "no reference" in e for e in errors)
    assert not any("lies" in e for e in errors)  # the math env checks the answer, not the question
    wrong = {**GOOD, "id": "w", "answer": "41", "reference": {"turns": [{"answer": "42"}]}}
    _, errors = replay_file(write(tmp_path, wrong, name="w.jsonl"))
    assert any("'w'" in e and "scores 0.0" in e for e in errors)


def test_every_shipped_task_file_passes_strict_validation():
    from pathlib import Path

    files = sorted((Path(__file__).resolve().parents[2] / "tasks" / "toolgym_tasks").glob("*/data/*.jsonl"))
    assert len(files) >= 5
    for path in files:
        assert validate_file(path, strict=True) == [], path
