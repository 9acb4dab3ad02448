"""The SearchQA data: a consistent seeded knowledge graph, its encyclopedia, and multi-hop questions
whose gold hops are retrievable."""

import json
from collections import Counter

from toolgym_tasks.search import bm25_index, encyclopedia, generate_records, knowledge_graph, load_tasks
from toolgym_tasks.search.dataset import DATA_FILE
from toolgym_tasks.search.graph import generate_graph


def test_corpus_size_and_unique_ids():
    book = encyclopedia()
    assert len(book.passages) >= 5000
    assert len({p.id for p in book.passages}) == len(book.passages)


def test_scale_grows_the_corpus():
    small = generate_graph(3, scale=0.1)
    bigger = generate_graph(3, scale=0.2)
    assert 1.8 < len(bigger.entities) / len(small.entities) < 2.2


def test_graph_is_consistent():
    g = knowledge_graph()
    names = [e.name.lower() for e in g.entities.values()]
    assert len(set(names)) == len(names)  # an answer names one entity
    for country in g.kind("country"):
        assert g.get(country.links["capital"]).links["country"] == country.id
    for org in g.kind("organization"):
        founder = g.get(org.links["founder"])
        assert org.attrs["founded_year"] - founder.attrs["birth_year"] >= 25
        assert g.get(org.links["leader"]).links["employer"] == org.id
    for event in g.kind("event"):
        assert event.attrs["year"] > g.get(event.links["organizer"]).attrs["founded_year"]
    for person in g.kind("person"):
        if "spouse" in person.links:
            assert g.get(person.links["spouse"]).links["spouse"] == person.id
        if "alma_mater" in person.links:
            assert g.get(person.links["alma_mater"]).attrs["org_type"] == "university"


def test_questions_hops_and_gold_passages():
    tasks = load_tasks()
    text = {p.id: p.contents for p in encyclopedia().passages}
    assert len(tasks) >= 1000
    assert Counter(t.metadata["hops"] for t in tasks).keys() == {1, 2, 3}
    assert {t.split for t in tasks} == {"train", "test"}
    for t in tasks:
        hops = t.gold["hops"]
        assert len(hops) == t.metadata["hops"] == len(t.reference) - 1
        assert hops[-1]["answer"] == t.answer == t.gold["answers"][0]
        for i, hop in enumerate(hops):
            if i:
                assert hop["subject"] == hops[i - 1]["answer"]  # each hop starts from the last answer
            assert hop["subject"] in hop["query"]
            for pid in hop["passages"]:  # a gold passage states the fact: subject and answer both appear
                assert hop["subject"] in text[pid] and hop["answer"] in text[pid], (t.id, pid)
        assert [c.arguments["query"] for turn in t.reference[:-1] for c in turn.tool_calls] == [h["query"] for h in hops]


def test_gold_passage_is_in_the_top_5_for_95_percent_of_hops():
    hops = [h for t in load_tasks() for h in t.gold["hops"]]
    results = bm25_index().search_batch([h["query"] for h in hops], k=5)
    found = sum(bool(set(h["passages"]) & {hit.id for hit in hits}) for h, hits in zip(hops, results))
    assert found / len(hops) >= 0.95, found / len(hops)


def test_committed_tasks_match_a_fresh_generation():
    fresh = [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in generate_records()]
    assert fresh == DATA_FILE.read_text(encoding="utf-8").splitlines()
