"""The BM25 retriever in a container: a :class:`Retriever` served by the ``search`` image.

The index directory (made on the host by :meth:`~toolgym.search.bm25.BM25Retriever.cached`) is
mounted read-only; the container loads it once with the same code as the in-process retriever, so
hits are identical. A search past the wall clock or the memory cap is the query's (the policy's):
:class:`~toolgym.errors.ToolExecutionError`; a lost container is ``infra`` (an
:class:`~toolgym.errors.EndpointError`, which the search tool reports as unavailable).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from toolgym.errors import EndpointError, ToolExecutionError
from toolgym.failures import FailureKind
from toolgym.sandbox.services import (
    DATA_DIR,
    SEARCH_IMAGE,
    ServiceFailure,
    ServiceSandbox,
)
from toolgym.search.base import Hit, Retriever, clean_query

#: Wall clock of one batch of searches inside the container.
SEARCH_TIMEOUT_S = 10.0


class SandboxedRetriever(Retriever):
    """BM25 over ``index_dir`` in a leased ``search`` container."""

    def __init__(self, index_dir: str | Path, *, image: str = SEARCH_IMAGE, timeout_s: float = SEARCH_TIMEOUT_S) -> None:
        self.index_dir = str(Path(index_dir).resolve())
        self.timeout_s = timeout_s
        self._inside = f"{DATA_DIR}/index"
        self.service = ServiceSandbox(image, mounts=((self.index_dir, self._inside),))

    def search_batch(self, queries: Sequence[str], k: int = 5) -> list[list[Hit]]:
        request = {"op": "search", "index": self._inside, "queries": [clean_query(q) for q in queries], "k": int(k)}
        try:
            reply = self.service.request(request, self.timeout_s)
        except ServiceFailure as exc:
            if exc.kind == FailureKind.INFRA:
                raise EndpointError(f"search container: {exc}") from exc
            raise ToolExecutionError(f"the search stopped ({exc.kind.value}): {exc}") from exc
        if not reply.get("ok"):
            raise EndpointError(f"search container: {reply.get('message')}")
        return [[Hit.from_dict(h) for h in row] for row in reply["hits"]]

    def close(self) -> None:
        self.service.close()
