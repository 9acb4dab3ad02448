"""The SearchQA corpus and task set: the encyclopedia, its BM25 index, and the multi-hop questions.

* ``encyclopedia(seed, scale)`` generates the knowledge graph and its passages (about 6.5k passages
  at scale 1; the benchmark uses scale 16 for about 100k), once per process.
* ``bm25_index(seed, scale)`` loads the BM25 index from the cache (``$TOOLGYM_CACHE`` or
  ``~/.cache/toolgym``), building and saving it on first use.
* ``data/tasks.jsonl`` holds the committed questions (regenerate with ``python -m toolgym_tasks.search``);
  a test checks it equals a fresh generation, so questions never drift from the corpus.

Splits are stratified by path template: positions 2, 5 and 8 modulo 10 go to ``test``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from toolgym.cache import cache_dir
from toolgym.search.bm25 import BM25Retriever
from toolgym.tasks import TaskSet
from toolgym_tasks.search.corpus import Encyclopedia, write_encyclopedia
from toolgym_tasks.search.graph import KnowledgeGraph, generate_graph
from toolgym_tasks.search.questions import RELATION_NOUNS, Question, generate_questions

DATA_FILE = Path(__file__).parent / "data" / "tasks.jsonl"
ENV_NAME = "searchqa"
DEFAULT_SEED = 0
PER_TEMPLATE = 30
TEST_POSITIONS = (2, 5, 8)
#: Bump when the graph, the passage writer or the questions change.
DATA_VERSION = 1


@lru_cache(maxsize=4)
def knowledge_graph(seed: int = DEFAULT_SEED, scale: float = 1.0) -> KnowledgeGraph:
    return generate_graph(seed, scale)


@lru_cache(maxsize=4)
def encyclopedia(seed: int = DEFAULT_SEED, scale: float = 1.0) -> Encyclopedia:
    """The passages written from the graph of ``seed`` at ``scale``."""
    return write_encyclopedia(knowledge_graph(seed, scale), seed)


@lru_cache(maxsize=4)
def bm25_index(seed: int = DEFAULT_SEED, scale: float = 1.0, backend: str = "numpy") -> BM25Retriever:
    """The BM25 retriever over :func:`encyclopedia`, cached on disk and per process."""
    directory = cache_dir() / "search" / f"encyclopedia-v{DATA_VERSION}-seed{seed}-scale{scale:g}-bm25"
    return BM25Retriever.cached(encyclopedia(seed, scale).passages, directory, backend=backend)


def _thought(hop_index: int, relation: str, subject: str) -> str:
    what = RELATION_NOUNS[relation]
    return f"First I need the {what} of {subject}." if hop_index == 0 else f"Next I need the {what} of {subject}."


def to_record(q: Question, position: int, seed: int) -> dict[str, Any]:
    """One task record for a generated question."""
    gold_passages = list(dict.fromkeys(p for h in q.hops for p in h.passages))
    turns: list[dict[str, Any]] = [
        {"thought": _thought(i, h.relation, h.subject), "tool_calls": [{"name": "search", "arguments": {"query": h.query}}]}
        for i, h in enumerate(q.hops)
    ]
    turns.append({"answer": q.answer})
    return {
        "id": f"search-{q.template.key}-{position:02d}",
        "env": ENV_NAME,
        "question": q.text,
        "split": "test" if position % 10 in TEST_POSITIONS else "train",
        "tools": ["search"],
        "answer": q.answer,
        "gold": {"answers": [q.answer], "hops": [h.to_dict() for h in q.hops], "passages": gold_passages},
        "reference": {"turns": turns},
        "metadata": {
            "hops": len(q.hops),
            "template": q.template.key,
            "path": list(q.template.path),
            "start_entity": q.start.id,
            "corpus": {"seed": seed, "scale": 1.0, "version": DATA_VERSION},
        },
    }


def generate_records(seed: int = DEFAULT_SEED, per_template: int = PER_TEMPLATE) -> list[dict[str, Any]]:
    """Every task record, regenerated from ``seed`` on the scale-1 corpus."""
    questions = generate_questions(knowledge_graph(seed), encyclopedia(seed), per_template, seed)
    positions: dict[str, int] = {}
    records = []
    for q in questions:
        pos = positions.get(q.template.key, 0)
        positions[q.template.key] = pos + 1
        records.append(to_record(q, pos, seed))
    return records



@lru_cache(maxsize=1)
def load_tasks() -> TaskSet:
    """The committed SearchQA tasks (all splits), validated once per process."""
    return TaskSet.from_jsonl(DATA_FILE)
