"""The HTTP client side of the API service: :class:`HttpBackend` and :class:`HttpSession` over httpx.

Tool calls are never retried (a write may have happened before the connection dropped); opening a
session and reading the tool list or a hash are idempotent and get bounded retries. Any transport
failure, timeout, non-2xx status or malformed body becomes an ``infra`` tool result (from
``call``) or a :class:`~toolgym.apis.errors.ServiceError` (elsewhere), never a policy error.
"""

from __future__ import annotations

import time
from functools import lru_cache
from typing import Any

import httpx

from toolgym.apis.backend import ApiBackend, ApiSession
from toolgym.apis.domain import ToolSpec
from toolgym.apis.errors import ServiceError
from toolgym.types import ToolResult


class HttpBackend(ApiBackend):
    """Sessions served by a running ``toolgym.apis`` service at ``base_url``."""

    def __init__(self, base_url: str, *, timeout_s: float = 10.0, retries: int = 2, backoff_s: float = 0.2) -> None:
        super().__init__()
        self.base_url = base_url.rstrip("/")
        self.retries = retries
        self.backoff_s = backoff_s
        self.http = httpx.Client(base_url=self.base_url, timeout=timeout_s)
        self._specs: tuple[ToolSpec, ...] | None = None

    def request(self, method: str, path: str, *, retry: bool, **kwargs: Any) -> Any:
        """The JSON body of a 2xx response; :class:`ServiceError` on anything else."""
        attempts = self.retries + 1 if retry else 1
        last = "no attempt made"
        for attempt in range(attempts):
            if attempt:
                time.sleep(self.backoff_s * 2 ** (attempt - 1))
            try:
                resp = self.http.request(method, path, **kwargs)
            except httpx.TimeoutException:
                last = "timed out"
                continue
            except httpx.HTTPError as exc:
                last = f"connection failed: {exc}"
                continue
            if resp.status_code >= 500 or resp.status_code == 429:
                last = f"HTTP {resp.status_code}: {resp.text[:200]}"
                continue
            if resp.status_code >= 400:
                raise ServiceError(f"{self.base_url}{path}: HTTP {resp.status_code}: {resp.text[:200]}")
            try:
                return resp.json()
            except ValueError:
                raise ServiceError(f"{self.base_url}{path}: response is not JSON") from None
        raise ServiceError(f"{self.base_url}{path}: {last} (after {attempts} attempt(s))")

    @property
    def specs(self) -> tuple[ToolSpec, ...]:
        if self._specs is None:
            data = self.request("GET", "/tools", retry=True)
            try:
                self._specs = tuple(ToolSpec.from_dict(d) for d in data)
            except (TypeError, KeyError, ValueError) as exc:
                raise ServiceError(f"{self.base_url}/tools: malformed tool list ({exc})") from None
        return self._specs

    def open_session(self) -> "HttpSession":
        data = self.request("POST", "/sessions", retry=True)
        if not isinstance(data, dict) or not isinstance(data.get("session_id"), str):
            raise ServiceError(f"{self.base_url}/sessions: no session_id in the response")
        return HttpSession(self, data["session_id"])

    def close(self) -> None:
        self.http.close()


class HttpSession(ApiSession):
    """One remote session; the service holds its database."""

    def __init__(self, backend: HttpBackend, session_id: str) -> None:
        self.backend = backend
        self.session_id = session_id
        self._closed = False

    def call(self, name: str, arguments: Any) -> ToolResult:
        start = time.perf_counter()
        try:
            data = self.backend.request(
                "POST", f"/sessions/{self.session_id}/call", retry=False, json={"name": name, "arguments": arguments}
            )
            ok, content, kind = data["ok"], data["content"], data["error_kind"]
            if not isinstance(ok, bool) or not isinstance(content, str):
                raise TypeError("bad field types")
        except ServiceError as exc:
            return _infra(f"the API service failed: {exc}", start)
        except (TypeError, KeyError) as exc:
            return _infra(f"the API service sent a malformed result ({exc!r})", start)
        return ToolResult(ok, content, kind, time.perf_counter() - start)

    def state_hash(self) -> str:
        data = self.backend.request("GET", f"/sessions/{self.session_id}/hash", retry=True)
        if not isinstance(data, dict) or not isinstance(data.get("hash"), str):
            raise ServiceError(f"{self.backend.base_url}: malformed hash response")
        return data["hash"]

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self.backend.request("DELETE", f"/sessions/{self.session_id}", retry=False)
        except ServiceError:
            pass  # the service drops idle sessions itself; a failed close leaks nothing for long


def _infra(message: str, start: float) -> ToolResult:
    return ToolResult(
        False, "Error: the tool service is unavailable; please retry.", "infra", time.perf_counter() - start,
        {"exception": message},
    )


@lru_cache(maxsize=None)
def http_backend(base_url: str) -> HttpBackend:
    """The process-wide :class:`HttpBackend` for a service URL: one connection pool, one hash cache."""
    return HttpBackend(base_url)
