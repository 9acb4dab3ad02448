"""``RetrieverClient``: a :class:`Retriever` that queries a ToolGym retriever service over HTTP (httpx).

Many envs (processes, threads, machines) can share one service and its index instead of each
holding a copy. Every call goes through the batch endpoint; connection errors, timeouts, HTTP errors
and malformed replies raise :class:`~toolgym.errors.EndpointError`, which the ``search`` tool turns
into an ``infra_error`` (not the policy's fault).
"""

from __future__ import annotations

from typing import Any, Sequence

import httpx

from toolgym.errors import EndpointError
from toolgym.search.base import Hit, Retriever, clean_query


class RetrieverClient(Retriever):
    """HTTP client of :mod:`toolgym.search.service`."""

    def __init__(self, base_url: str, *, timeout_s: float = 10.0, transport: httpx.BaseTransport | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout_s, transport=transport)

    def _post(self, path: str, payload: dict[str, Any]) -> Any:
        try:
            resp = self._http.post(path, json=payload)
        except httpx.HTTPError as exc:
            raise EndpointError(f"retriever service {self.base_url}{path} failed: {exc!r}") from exc
        if resp.status_code != 200:
            raise EndpointError(f"retriever service {self.base_url}{path} answered HTTP {resp.status_code}: {resp.text[:200]}")
        try:
            return resp.json()
        except ValueError as exc:
            raise EndpointError(f"retriever service {self.base_url}{path} sent invalid JSON") from exc

    def search_batch(self, queries: Sequence[str], k: int = 5) -> list[list[Hit]]:
        if not queries:
            return []
        body = self._post("/search/batch", {"queries": [clean_query(q) for q in queries], "k": k})
        try:
            results = [[Hit.from_dict(h) for h in hits] for hits in body["results"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise EndpointError(f"retriever service {self.base_url} sent a malformed reply: {exc!r}") from exc
        if len(results) != len(queries):
            raise EndpointError(f"retriever service returned {len(results)} result lists for {len(queries)} queries")
        return results

    def health(self) -> dict[str, Any]:
        """The service's ``/health`` reply (status, number of passages, retriever kind)."""
        try:
            resp = self._http.get("/health")
            resp.raise_for_status()
            return dict(resp.json())
        except (httpx.HTTPError, ValueError) as exc:
            raise EndpointError(f"retriever service {self.base_url} is not healthy: {exc!r}") from exc

    def close(self) -> None:
        self._http.close()
