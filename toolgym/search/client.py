"""``RetrieverClient``: a :class:`Retriever` that queries a ToolGym retriever service over HTTP.

Many envs (processes, threads, machines) can share one service and its index instead of each
holding a copy. Every call goes through the batch endpoint via
:class:`~toolgym.llm.jsonhttp.JsonHttp`: ``timeout_s`` is a **total** deadline per call (a server
that trickles its reply cannot hold a step past it), replies are capped in size, and connection
errors, timeouts, HTTP errors and malformed or wrongly shaped replies raise
:class:`~toolgym.errors.EndpointError`, which the ``search`` tool turns into an ``infra_error``
(not the policy's fault).
"""

from __future__ import annotations

from typing import Any, Sequence

from toolgym.errors import EndpointError
from toolgym.llm.jsonhttp import JsonHttp
from toolgym.search.base import Hit, Retriever, clean_query

#: Largest reply accepted from the retriever service (bytes).
MAX_REPLY_BYTES = 16 * 1024 * 1024


class RetrieverClient(Retriever):
    """HTTP client of :mod:`toolgym.search.service`.

    Searches are idempotent, so they get ``max_retries`` retries inside the deadline.
    """

    def __init__(self, base_url: str, *, timeout_s: float = 10.0, max_retries: int = 1, backoff_s: float = 0.1,
                 max_reply_bytes: int = MAX_REPLY_BYTES) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = JsonHttp(self.base_url, timeout_s=timeout_s, max_retries=max_retries, backoff_s=backoff_s,
                              max_response_bytes=max_reply_bytes, what="retriever service")

    def search_batch(self, queries: Sequence[str], k: int = 5) -> list[list[Hit]]:
        if not queries:
            return []
        body = self._http.request("POST", "/search/batch", json_body={"queries": [clean_query(q) for q in queries], "k": k})
        try:
            results = [[_hit(h) for h in hits] for hits in body["results"]]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise EndpointError(f"retriever service {self.base_url} sent a malformed reply: {exc!r}") from None
        if len(results) != len(queries) or any(len(hits) > k for hits in results):
            raise EndpointError(f"retriever service returned {len(results)} result lists for {len(queries)} queries "
                                f"(k={k}) or too many hits")
        return results

    def health(self) -> dict[str, Any]:
        """The service's ``/health`` reply (status, number of passages, retriever kind)."""
        body = self._http.request("GET", "/health")
        if not isinstance(body, dict):
            raise EndpointError(f"retriever service {self.base_url} is not healthy: /health is not an object")
        return dict(body)

    def close(self) -> None:
        self._http.close()


def _hit(data: Any) -> Hit:
    """A hit from the wire, with field types checked (a wrong shape is the service's failure)."""
    if not isinstance(data, dict):
        raise TypeError(f"a hit is not an object: {data!r:.200}")
    strings = all(isinstance(data.get(f), str) for f in ("id", "title", "text"))
    numbers = isinstance(data.get("score"), (int, float)) and isinstance(data.get("rank"), int)
    if not strings or not numbers or isinstance(data.get("rank"), bool):
        raise TypeError(f"hit fields have the wrong types: {data!r:.200}")
    return Hit.from_dict(data)
