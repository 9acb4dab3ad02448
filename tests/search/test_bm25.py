"""BM25 retrieval: ranking, empty and odd queries, batches, and the on-disk index cache."""

import pytest

from toolgym.errors import TaskValidationError
from toolgym.search.bm25 import BM25Retriever, corpus_fingerprint
from toolgym.search.corpus import Passage, read_passages, write_passages


def test_ranks_the_passage_that_states_the_fact(passages):
    r = BM25Retriever(passages)
    hits = r.search("where was Marlo Venn born", k=3)
    assert hits[0].id == "p1" and hits[0].rank == 1
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    assert all(a.score >= b.score for a, b in zip(hits, hits[1:]))
    assert r.search("mayor of Oskar", k=1)[0].id in {"p3", "p5"}


def test_stemming_and_case(passages):
    r = BM25Retriever(passages)
    assert r.search("HEADQUARTERS kestrel", k=1)[0].id == "p0"


def test_queries_without_known_words_return_nothing(passages):
    r = BM25Retriever(passages)
    assert r.search("the of and", k=5) == []
    assert r.search("zzzqqq", k=5) == []
    assert r.search("\ud800 Brisk \x00", k=1)[0].id in {"p2", "p4", "p1"}


def test_batch_matches_single_queries_and_k_is_capped(passages):
    r = BM25Retriever(passages)
    queries = ["capital of Norland", "Sel River", "nothing matches qqq"]
    batch = r.search_batch(queries, k=2)
    assert batch == [r.search(q, k=2) for q in queries]
    assert len(r.search("city", k=50)) <= len(passages)
    with pytest.raises(ValueError):
        r.search("x", k=0)


def test_save_load_roundtrip(passages, tmp_path):
    r = BM25Retriever(passages)
    r.save(tmp_path / "idx")
    loaded = BM25Retriever.load(tmp_path / "idx")
    assert loaded.fingerprint == r.fingerprint
    for q in ["Marlo Venn", "currency of Norland", "Tall University"]:
        assert loaded.search(q, 3) == r.search(q, 3)


def test_cached_rebuilds_when_the_corpus_changes(passages, tmp_path):
    first = BM25Retriever.cached(passages, tmp_path / "idx")
    again = BM25Retriever.cached(passages, tmp_path / "idx")
    assert again.fingerprint == first.fingerprint
    changed = passages + [Passage("p6", "Zed", "Zed is a new city.")]
    rebuilt = BM25Retriever.cached(changed, tmp_path / "idx")
    assert rebuilt.fingerprint == corpus_fingerprint(changed) != first.fingerprint
    assert BM25Retriever.load(tmp_path / "idx").search("Zed", 1)[0].id == "p6"


def test_bad_inputs(tmp_path):
    with pytest.raises(TaskValidationError):
        BM25Retriever([])
    with pytest.raises(TaskValidationError):
        BM25Retriever.load(tmp_path)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "ok"}\n{"title": "no id"}\n', encoding="utf-8")
    with pytest.raises(TaskValidationError, match=":2:"):
        read_passages(bad)


def test_passages_jsonl_roundtrip(passages, tmp_path):
    write_passages(passages, tmp_path / "p.jsonl")
    assert read_passages(tmp_path / "p.jsonl") == passages


def test_numba_backend_ranks_like_numpy(passages, tmp_path):
    numpy_r = BM25Retriever(passages)
    numba_r = BM25Retriever(passages, backend="numba")
    queries = ["where was Marlo Venn born", "capital of Norland", "mayor of Oskar", "qqq"]
    assert [[h.id for h in hits] for hits in numba_r.search_batch(queries, 3)] == \
        [[h.id for h in hits] for hits in numpy_r.search_batch(queries, 3)]
    numpy_r.save(tmp_path / "idx")
    assert BM25Retriever.load(tmp_path / "idx", backend="numba").backend == "numba"
    with pytest.raises(ValueError):
        numpy_r.use_backend("gpu")
