"""The shipped retail data: regenerable, valid, split, and consistent with the real tools."""

import json
from collections import Counter

import pytest

from toolgym.apis import local_backend
from toolgym.tasks import Task
from toolgym.users import mentions
from toolgym_tasks.retail import load_db, load_tasks
from toolgym_tasks.retail.generator import build_db, build_tasks

TASKS = load_tasks()


def test_shipped_files_are_what_the_generator_writes():
    db = build_db()
    assert db == load_db()
    assert build_tasks(db) == [t.to_dict() for t in TASKS]


def test_a_different_seed_gives_different_data():
    assert build_db(1)["users"] != load_db()["users"]


def test_counts_splits_and_kinds():
    assert len(TASKS) >= 100
    splits = Counter(t.split for t in TASKS)
    assert set(splits) == {"train", "test"} and splits["test"] >= 20
    kinds = Counter(t.metadata["kind"] for t in TASKS)
    assert len(kinds) >= 10 and min(kinds.values()) >= 8
    for split in ("train", "test"):
        assert {t.metadata["kind"] for t in TASKS if t.split == split} == set(kinds)


def test_records_round_trip_through_the_schema():
    for t in TASKS:
        assert Task.from_dict(json.loads(json.dumps(t.to_dict()))) == t
        assert t.env == "retail" and t.question and t.gold["user"]["instruction"]


def test_reference_calls_are_exactly_the_gold_actions():
    for t in TASKS:
        calls = [{"name": c.name, "arguments": c.arguments} for turn in t.reference for c in turn.tool_calls]
        assert calls == t.gold["actions"], t.id


@pytest.mark.parametrize("task", list(TASKS), ids=lambda t: t.id)
def test_gold_is_consistent_with_the_tools(task):
    """Every gold action succeeds; each output is backed by a tool result; no task is trivially solved."""
    backend = local_backend("retail")
    kinds = {s.name: s.kind for s in backend.specs}
    session = backend.open_session()
    results = []
    for action in task.gold["actions"]:
        res = session.call(action["name"], action["arguments"])
        assert res.ok, (action, res.content)
        results.append(res.content)
    session.close()
    evidence = "\n".join(results)
    for out in task.gold["outputs"]:
        if task.metadata["kind"] == "catalogue" and out.isdigit():
            variants = json.loads(results[-1])["variants"]
            assert int(out) == sum(v["available"] for v in variants)
        else:
            assert mentions(evidence, out), (out, task.id)
    writes = [a for a in task.gold["actions"] if kinds[a["name"]] == "write"]
    assert writes or task.gold["outputs"], "a do-nothing agent would score 1"
