"""BM25 retrieval with ``bm25s`` (sparse, in memory) and a Snowball stemmer.

The index is built once from the passages' ``title. text`` and can be saved to and loaded from a
directory (bm25s's arrays, the tokenizer vocabulary, the passages, a fingerprint of the corpus), so
a process pays the indexing cost once per corpus, not once per env. Queries are tokenized with the
same tokenizer (lowercase, English stopwords, stemming); words the corpus never uses are ignored,
and a query with no indexed word returns no hits.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
from pathlib import Path
from typing import Any, Sequence

from toolgym.errors import TaskValidationError, ToolExecutionError
from toolgym.search.base import Hit, Retriever, clean_query
from toolgym.search.corpus import Passage, read_passages, write_passages

INDEX_FORMAT = 1
#: Default BM25 parameters (Lucene's k1 and b) and stemmer language.
DEFAULT_PARAMS: dict[str, Any] = {"k1": 1.2, "b": 0.75, "language": "english"}


def corpus_fingerprint(passages: Sequence[Passage]) -> str:
    """A short hash of every passage's id, title and text (in order)."""
    h = hashlib.sha256()
    for p in passages:
        h.update(f"{p.id}\x1f{p.title}\x1f{p.text}\x1e".encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:16]


def _tokenizer(language: str) -> Any:
    import Stemmer
    from bm25s.tokenization import Tokenizer

    return Tokenizer(lower=True, stopwords="en", stemmer=Stemmer.Stemmer(language))


class BM25Retriever(Retriever):
    """Okapi BM25 (Lucene variant) over a fixed list of passages."""

    def __init__(
        self,
        passages: Sequence[Passage],
        *,
        k1: float = DEFAULT_PARAMS["k1"],
        b: float = DEFAULT_PARAMS["b"],
        language: str = DEFAULT_PARAMS["language"],
        backend: str = "numpy",
    ) -> None:
        import bm25s

        if not passages:
            raise TaskValidationError("a BM25 index needs at least one passage")
        self.passages = list(passages)
        self.params = {"k1": k1, "b": b, "language": language}
        self.fingerprint = corpus_fingerprint(self.passages)
        self._tokenizer = _tokenizer(language)
        tokenized = self._tokenizer.tokenize(
            [p.contents for p in self.passages], update_vocab=True, return_as="tuple", show_progress=False
        )
        self._bm25 = bm25s.BM25(k1=k1, b=b, method="lucene")
        self._bm25.index(tokenized, show_progress=False)
        self._lock = threading.Lock()
        self.use_backend(backend)

    def use_backend(self, backend: str) -> None:
        """Score with ``numpy`` (default) or ``numba``: JIT-compiled, about 25x faster per query on a
        100k-passage corpus, but its first query in a process compiles for several seconds."""
        if backend not in ("numpy", "numba"):
            raise ValueError(f"backend must be 'numpy' or 'numba', got {backend!r}")
        if backend == "numba":
            try:
                import numba  # noqa: F401
            except ImportError as exc:
                raise ToolExecutionError("the numba BM25 backend needs `pip install numba`") from exc
        self.backend = backend
        self._bm25.backend = backend

    # ------------------------------------------------------------------ persistence
    def save(self, directory: str | Path) -> Path:
        """Write the index, vocabulary, passages and metadata into ``directory``."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self._bm25.save(str(directory), show_progress=False)
        self._tokenizer.save_vocab(str(directory))
        write_passages(self.passages, directory / "passages.jsonl")
        meta = {"format": INDEX_FORMAT, "fingerprint": self.fingerprint, "params": self.params, "size": len(self.passages)}
        (directory / "toolgym_index.json").write_text(json.dumps(meta), encoding="utf-8")
        return directory

    @classmethod
    def load(cls, directory: str | Path, *, backend: str = "numpy") -> "BM25Retriever":
        """Load an index written by :meth:`save`."""
        import bm25s

        directory = Path(directory)
        meta_path = directory / "toolgym_index.json"
        if not meta_path.is_file():
            raise TaskValidationError(f"{directory} holds no ToolGym BM25 index")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("format") != INDEX_FORMAT:
            raise TaskValidationError(f"{directory}: index format {meta.get('format')} is not {INDEX_FORMAT}")
        self = cls.__new__(cls)
        self.passages = read_passages(directory / "passages.jsonl")
        self.params = dict(meta["params"])
        self.fingerprint = meta["fingerprint"]
        self._tokenizer = _tokenizer(self.params["language"])
        self._tokenizer.load_vocab(str(directory))
        self._bm25 = bm25s.BM25.load(str(directory), show_progress=False)
        self._lock = threading.Lock()
        self.use_backend(backend)
        return self

    @classmethod
    def cached(
        cls, passages: Sequence[Passage], directory: str | Path, *, backend: str = "numpy", **params: Any
    ) -> "BM25Retriever":
        """Load the index in ``directory`` if it was built from these passages, else build and save it."""
        directory = Path(directory)
        fingerprint = corpus_fingerprint(passages)
        meta_path = directory / "toolgym_index.json"
        if meta_path.is_file():
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            wanted = {**DEFAULT_PARAMS, **params}
            if meta.get("format") == INDEX_FORMAT and meta.get("fingerprint") == fingerprint and meta.get("params") == wanted:
                return cls.load(directory, backend=backend)
        built = cls(passages, backend=backend, **params)
        tmp = directory.with_name(f".{directory.name}.tmp-{threading.get_ident()}")
        built.save(tmp)
        if directory.exists():
            shutil.rmtree(directory, ignore_errors=True)
        tmp.replace(directory)
        return built

    # ------------------------------------------------------------------ search
    def search_batch(self, queries: Sequence[str], k: int = 5) -> list[list[Hit]]:
        if k < 1:
            raise ValueError("k must be >= 1")
        if not queries:
            return []
        with self._lock:
            ids = self._tokenizer.tokenize(
                [clean_query(q) for q in queries], update_vocab=False, return_as="ids", show_progress=False
            )
            live = [i for i, toks in enumerate(ids) if any(t != 0 for t in toks)]
            out: list[list[Hit]] = [[] for _ in queries]
            if not live:
                return out
            kk = min(k, len(self.passages))
            docs, scores = self._bm25.retrieve(
                [[t for t in ids[i] if t != 0] for i in live], k=kk, show_progress=False, n_threads=1
            )
        for row, qi in enumerate(live):
            hits = []
            for rank, (doc, score) in enumerate(zip(docs[row], scores[row]), 1):
                if score <= 0:
                    break
                p = self.passages[int(doc)]
                hits.append(Hit(id=p.id, title=p.title, text=p.text, score=float(score), rank=rank))
            out[qi] = hits
        return out
