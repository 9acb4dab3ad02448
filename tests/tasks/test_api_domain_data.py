"""The shipped retail and travel data: regenerable, valid, split, and consistent with the real tools."""

import importlib
import json
from collections import Counter

import pytest

from toolgym.apis import local_backend
from toolgym.tasks import Task
from toolgym.users import mentions

DOMAINS = ("retail", "travel")
DATA = {d: importlib.import_module(f"toolgym_tasks.{d}") for d in DOMAINS}
GENERATORS = {d: importlib.import_module(f"toolgym_tasks.{d}.generator") for d in DOMAINS}
GOLD_CASES = [(d, t) for d in DOMAINS for t in DATA[d].load_tasks()]


@pytest.mark.parametrize("domain", DOMAINS)
def test_shipped_files_are_what_the_generator_writes(domain):
    db = GENERATORS[domain].build_db()
    assert db == DATA[domain].load_db()
    assert GENERATORS[domain].build_tasks(db) == [t.to_dict() for t in DATA[domain].load_tasks()]


@pytest.mark.parametrize("domain", DOMAINS)
def test_a_different_seed_gives_different_data(domain):
    assert GENERATORS[domain].build_db(1)["users"] != DATA[domain].load_db()["users"]


@pytest.mark.parametrize("domain", DOMAINS)
def test_counts_splits_and_kinds(domain):
    tasks = DATA[domain].load_tasks()
    assert len(tasks) >= 100
    splits = Counter(t.split for t in tasks)
    assert set(splits) == {"train", "test"} and splits["test"] >= 20
    kinds = Counter(t.metadata["kind"] for t in tasks)
    assert len(kinds) >= 10 and min(kinds.values()) >= 8
    for split in ("train", "test"):
        assert {t.metadata["kind"] for t in tasks if t.split == split} == set(kinds)


@pytest.mark.parametrize("domain", DOMAINS)
def test_records_round_trip_through_the_schema(domain):
    for t in DATA[domain].load_tasks():
        assert Task.from_dict(json.loads(json.dumps(t.to_dict()))) == t
        assert t.env == domain and t.question and t.gold["user"]["instruction"]


@pytest.mark.parametrize("domain", DOMAINS)
def test_reference_calls_are_exactly_the_gold_actions(domain):
    for t in DATA[domain].load_tasks():
        calls = [{"name": c.name, "arguments": c.arguments} for turn in t.reference for c in turn.tool_calls]
        assert calls == t.gold["actions"], t.id


@pytest.mark.parametrize("domain, task", GOLD_CASES, ids=[t.id for _, t in GOLD_CASES])
def test_gold_is_consistent_with_the_tools(domain, task):
    """Every gold action succeeds; each output is backed by a tool result; no task is trivially solved."""
    backend = local_backend(domain)
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
        if task.metadata["kind"] == "catalogue" and out.isdigit():  # retail: a sum over variants
            variants = json.loads(results[-1])["variants"]
            assert int(out) == sum(v["available"] for v in variants)
        else:
            assert mentions(evidence, out), (out, task.id)
    writes = [a for a in task.gold["actions"] if kinds[a["name"]] == "write"]
    assert writes or task.gold["outputs"], "a do-nothing agent would score 1"
