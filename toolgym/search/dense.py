"""Dense retrieval: exact inner-product search over passage embeddings from a locally installed model.

Any object with ``encode(list[str]) -> array`` is an :class:`Embedder`: a model2vec ``StaticModel``
(load a local directory with :func:`load_model2vec`) or a sentence-transformers
``SentenceTransformer`` constructed from a local path. Nothing is downloaded: models must already
be on disk. Embeddings are L2-normalized, so scores are cosine similarities; search is one matrix
product and an ``argpartition`` per batch, exact (no approximate index), which is fast enough up to
a few hundred thousand passages on a CPU.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol, Sequence

import numpy as np

from toolgym.errors import TaskValidationError, ToolExecutionError
from toolgym.search.base import Hit, Retriever, clean_query
from toolgym.search.corpus import Passage


class Embedder(Protocol):
    """Turns texts into one vector each."""

    def encode(self, sentences: list[str]) -> Any: ...


def load_model2vec(path: str | Path) -> Embedder:
    """A model2vec static embedding model from a local directory (no hub access)."""
    directory = Path(path)
    if not (directory / "config.json").is_file():
        raise ToolExecutionError(f"{directory} is not a local model2vec model (no config.json); models are never downloaded")
    try:
        from model2vec import StaticModel
    except ImportError as exc:
        raise ToolExecutionError("dense retrieval with model2vec needs `pip install model2vec`") from exc
    return StaticModel.from_pretrained(str(directory))


def _normalized(vectors: Any) -> np.ndarray:
    arr = np.asarray(vectors, dtype=np.float32)
    if arr.ndim != 2:
        raise ToolExecutionError(f"the embedder returned an array of shape {arr.shape}, expected (n, dim)")
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    return arr / np.maximum(norms, 1e-12)


class DenseRetriever(Retriever):
    """Cosine-similarity search over embedded passages."""

    def __init__(self, passages: Sequence[Passage], embedder: Embedder, *, batch_size: int = 1024) -> None:
        if not passages:
            raise TaskValidationError("a dense index needs at least one passage")
        self.passages = list(passages)
        self.embedder = embedder
        chunks = [
            _normalized(embedder.encode([p.contents for p in self.passages[i : i + batch_size]]))
            for i in range(0, len(self.passages), batch_size)
        ]
        self.matrix = np.concatenate(chunks, axis=0)

    def search_batch(self, queries: Sequence[str], k: int = 5) -> list[list[Hit]]:
        if k < 1:
            raise ValueError("k must be >= 1")
        if not queries:
            return []
        q = _normalized(self.embedder.encode([clean_query(x) for x in queries]))
        scores = q @ self.matrix.T
        kk = min(k, scores.shape[1])
        top = np.argpartition(-scores, kk - 1, axis=1)[:, :kk]
        out = []
        for row, cand in enumerate(top):
            order = cand[np.argsort(-scores[row, cand], kind="stable")]
            hits = []
            for rank, doc in enumerate(order, 1):
                if scores[row, doc] <= 0:
                    break
                p = self.passages[int(doc)]
                hits.append(Hit(id=p.id, title=p.title, text=p.text, score=float(scores[row, doc]), rank=rank))
            out.append(hits)
        return out
