"""The HTTP client side of the API service: :class:`HttpBackend` and :class:`HttpSession`.

Requests go through :class:`~toolgym.llm.jsonhttp.JsonHttp`, so ``timeout_s`` is a **total**
deadline per request (retries and backoff included) and replies are capped in size and checked for
shape. Tool calls are never retried (a write may have happened before the connection dropped);
opening a session and reading the tool list or a hash are idempotent and get bounded retries. Any
transport failure, timeout, non-2xx status or malformed body becomes an ``infra`` tool result (from
``call``) or a :class:`~toolgym.apis.errors.ServiceError` (elsewhere), never a policy error.
"""

from __future__ import annotations

import time
from functools import lru_cache
from typing import Any

from toolgym.apis.backend import ApiBackend, ApiSession
from toolgym.apis.domain import ToolSpec
from toolgym.apis.errors import ServiceError
from toolgym.errors import EndpointError
from toolgym.llm.jsonhttp import JsonHttp
from toolgym.types import ToolResult

#: Largest reply accepted from the API service (bytes).
MAX_REPLY_BYTES = 16 * 1024 * 1024


class HttpBackend(ApiBackend):
    """Sessions served by a running ``toolgym.apis`` service at ``base_url``."""

    def __init__(self, base_url: str, *, timeout_s: float = 10.0, retries: int = 2, backoff_s: float = 0.2,
                 max_reply_bytes: int = MAX_REPLY_BYTES) -> None:
        super().__init__()
        self.base_url = base_url.rstrip("/")
        self.retries = retries
        self.backoff_s = backoff_s
        self.http = JsonHttp(
            self.base_url, timeout_s=timeout_s, max_retries=retries, backoff_s=backoff_s,
            max_response_bytes=max_reply_bytes, retry_status=frozenset({429, 500, 502, 503, 504}),
            what="API service",
        )
        self._specs: tuple[ToolSpec, ...] | None = None

    def request(self, method: str, path: str, *, retry: bool, **kwargs: Any) -> Any:
        """The JSON body of a 2xx response within the deadline; :class:`ServiceError` on anything else."""
        try:
            return self.http.request(method, path, json_body=kwargs.get("json"), retry=retry)
        except EndpointError as exc:
            raise ServiceError(str(exc)) from None

    @property
    def specs(self) -> tuple[ToolSpec, ...]:
        if self._specs is None:
            data = self.request("GET", "/tools", retry=True)
            try:
                self._specs = tuple(ToolSpec.from_dict(d) for d in data)
            except (TypeError, KeyError, ValueError, AttributeError) as exc:
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
            if not isinstance(ok, bool) or not isinstance(content, str) or not (kind is None or isinstance(kind, str)):
                raise TypeError("bad field types")
        except ServiceError as exc:
            return _infra(f"the API service failed: {exc}", start)
        except (TypeError, KeyError, IndexError) as exc:
            return _infra(f"the API service sent a malformed result ({exc!r})", start)
        if ok != (kind is None):
            return _infra(f"the API service sent an inconsistent result (ok={ok}, error_kind={kind!r})", start)
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
    result = ToolResult.unavailable("tool service", ServiceError(message))
    result.latency_s = time.perf_counter() - start
    return result


@lru_cache(maxsize=None)
def http_backend(base_url: str) -> HttpBackend:
    """The process-wide :class:`HttpBackend` for a service URL: one connection pool, one hash cache."""
    return HttpBackend(base_url)
