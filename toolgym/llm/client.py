"""A small OpenAI-compatible chat client over httpx (vLLM, SGLang, OpenAI, llama.cpp servers).

Timeouts, bounded retries with exponential backoff on connection errors, 429 and 5xx, and every
failure raised as :class:`~toolgym.errors.EndpointError` with a clear message, so callers can turn
it into an ``infra_error`` instead of crashing an episode.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from toolgym.errors import EndpointError

_RETRY_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}


@dataclass
class ChatClient:
    """POST ``{base_url}/chat/completions`` and return the assistant message."""

    base_url: str
    model: str
    api_key: str | None = None
    timeout_s: float = 60.0
    max_retries: int = 3
    backoff_s: float = 0.5
    default_params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        self._http = httpx.Client(base_url=self.base_url.rstrip("/"), headers=headers, timeout=self.timeout_s)

    def chat(self, messages: list[dict[str, Any]], **params: Any) -> dict[str, Any]:
        """The first choice's ``message`` dict (``content``, maybe ``tool_calls``)."""
        body = {"model": self.model, "messages": messages, **self.default_params, **params}
        last = "no attempt made"
        for attempt in range(self.max_retries + 1):
            if attempt:
                time.sleep(self.backoff_s * 2 ** (attempt - 1))
            try:
                resp = self._http.post("/chat/completions", json=body)
            except httpx.TimeoutException:
                last = f"timed out after {self.timeout_s:g} s"
                continue
            except httpx.HTTPError as exc:
                last = f"connection failed: {exc}"
                continue
            if resp.status_code in _RETRY_STATUS:
                last = f"HTTP {resp.status_code}: {resp.text[:200]}"
                continue
            if resp.status_code >= 400:
                raise EndpointError(f"{self.base_url}: HTTP {resp.status_code}: {resp.text[:200]}")
            return _first_message(resp, self.base_url)
        raise EndpointError(f"{self.base_url}: {last} (after {self.max_retries + 1} attempts)")

    def close(self) -> None:
        self._http.close()


def _first_message(resp: httpx.Response, where: str) -> dict[str, Any]:
    """``choices[0].message`` of a chat-completions response, or :class:`EndpointError`."""
    try:
        data = resp.json()
        message = data["choices"][0]["message"]
    except (json.JSONDecodeError, ValueError) as exc:
        raise EndpointError(f"{where}: response is not JSON ({exc})") from None
    except (KeyError, IndexError, TypeError):
        raise EndpointError(f"{where}: response has no choices[0].message") from None
    if not isinstance(message, dict):
        raise EndpointError(f"{where}: choices[0].message is not an object")
    return message
