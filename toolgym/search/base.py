"""The retriever contract shared by BM25, dense retrieval and the HTTP client.

A retriever maps a query to ranked :class:`Hit` objects. ``search_batch`` exists so that callers
with many queries (an env pool, a benchmark, the HTTP batch endpoint) pay per-call overhead once.
"""

from __future__ import annotations

import abc
import re
from dataclasses import dataclass
from typing import Any, Sequence


@dataclass(frozen=True)
class Hit:
    """One retrieved passage with its score (higher is better) and rank (1-based)."""

    id: str
    title: str
    text: str
    score: float
    rank: int

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "text": self.text, "score": self.score, "rank": self.rank}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Hit":
        return cls(id=str(d["id"]), title=str(d["title"]), text=str(d["text"]), score=float(d["score"]), rank=int(d["rank"]))


class Retriever(abc.ABC):
    """Ranked passage search."""

    @abc.abstractmethod
    def search_batch(self, queries: Sequence[str], k: int = 5) -> list[list[Hit]]:
        """The top ``k`` hits of each query (fewer when fewer passages match at all)."""

    def search(self, query: str, k: int = 5) -> list[Hit]:
        """The top ``k`` hits of one query."""
        return self.search_batch([query], k)[0]

    def close(self) -> None:
        """Release resources (HTTP connections)."""


_UNENCODABLE = re.compile("[\ud800-\udfff\x00]")


def clean_query(query: str) -> str:
    """``query`` as valid UTF-8 text: lone surrogates and NULs become spaces, so tokenizers never fail."""
    return _UNENCODABLE.sub(" ", query)
