"""A small OpenAI-compatible chat client (vLLM, SGLang, OpenAI, llama.cpp servers).

Requests go through :class:`~toolgym.llm.jsonhttp.JsonHttp`: ``timeout_s`` is a **total** deadline per
:meth:`ChatClient.chat` call (connect, send, wait, read, retries and backoff all inside it), the
reply body is capped, and bounded retries with exponential backoff cover connection errors, 408/409/
425/429 and 5xx. Every failure, including a reply of the wrong shape, is raised as
:class:`~toolgym.errors.EndpointError` with a clear message, so callers turn it into an
``infra_error`` instead of crashing an episode.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from toolgym.errors import EndpointError
from toolgym.llm.jsonhttp import JsonHttp

_RETRY_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
#: Largest chat-completions reply accepted (bytes).
MAX_REPLY_BYTES = 8 * 1024 * 1024


@dataclass
class ChatClient:
    """POST ``{base_url}/chat/completions`` and return the assistant message.

    >>> client = ChatClient("http://127.0.0.1:9/v1", "any-model", timeout_s=0.5, max_retries=0)
    >>> try:
    ...     client.chat([{"role": "user", "content": "hi"}])
    ... except EndpointError as exc:
    ...     print("connection failed" in str(exc))
    True
    """

    base_url: str
    model: str
    api_key: str | None = None
    #: Total seconds one :meth:`chat` call may take, retries included.
    timeout_s: float = 60.0
    max_retries: int = 3
    backoff_s: float = 0.5
    default_params: dict[str, Any] = field(default_factory=dict)
    max_reply_bytes: int = MAX_REPLY_BYTES

    def __post_init__(self) -> None:
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        self._http = JsonHttp(
            self.base_url,
            timeout_s=self.timeout_s,
            max_retries=self.max_retries,
            backoff_s=self.backoff_s,
            max_response_bytes=self.max_reply_bytes,
            retry_status=_RETRY_STATUS,
            headers=headers,
            what="LLM endpoint",
        )

    def chat(self, messages: list[dict[str, Any]], **params: Any) -> dict[str, Any]:
        """The first choice's ``message`` dict (``content`` a string or ``None``, maybe ``tool_calls``)."""
        body = {"model": self.model, "messages": messages, **self.default_params, **params}
        try:
            data = self._http.request("POST", "/chat/completions", json_body=body)
        except EndpointError:
            raise
        except Exception as exc:  # a bug on our side of the wire is still not the policy's
            raise EndpointError(f"{self.base_url}: the request failed unexpectedly: {exc!r}") from None
        return first_message(data, self.base_url)

    def close(self) -> None:
        self._http.close()


def first_message(data: Any, where: str) -> dict[str, Any]:
    """``choices[0].message`` of a chat-completions reply, checked for shape, or :class:`EndpointError`."""
    try:
        message = data["choices"][0]["message"]
    except (KeyError, IndexError, TypeError):
        raise EndpointError(f"{where}: response has no choices[0].message") from None
    if not isinstance(message, dict):
        raise EndpointError(f"{where}: choices[0].message is not an object")
    content = message.get("content")
    if content is not None and not isinstance(content, str):
        raise EndpointError(f"{where}: choices[0].message.content is not a string")
    calls = message.get("tool_calls")
    if calls is not None and not (isinstance(calls, list) and all(isinstance(c, dict) for c in calls)):
        raise EndpointError(f"{where}: choices[0].message.tool_calls is not a list of objects")
    return message
