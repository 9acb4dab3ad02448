"""JSON over HTTP with a deadline that holds: the one request path of every ToolGym service client.

The LLM client (:class:`~toolgym.llm.client.ChatClient`), the API service client
(:mod:`toolgym.apis.client`) and the retriever client (:mod:`toolgym.search.client`) all go through
:class:`JsonHttp`, because a plain httpx timeout bounds each socket operation, not the request: a
server that trickles one byte a second never trips a 2 s read timeout. Here:

* **one total deadline per call**, retries and backoff included: every connect, write and read is
  given only the time left (a socket layer under httpcore clamps each operation), and no retry
  starts once the deadline has passed;
* **bounded replies**: a body over ``max_response_bytes`` (declared or actually sent, compressed or
  not) is refused while it arrives, never held whole;
* **any reply is data**: invalid, nested-too-deep (``[`` × 200000 raises ``RecursionError`` in
  :func:`json.loads`) or wrongly shaped JSON becomes :class:`~toolgym.errors.EndpointError`, the
  one exception a call can raise, which envs report as ``infra_error``.

>>> http = JsonHttp("http://127.0.0.1:9", timeout_s=0.5, max_retries=0, what="example service")
>>> try:
...     http.request("GET", "/health")
... except EndpointError as exc:
...     print("infra:", str(exc).split(":")[0])
infra: example service http
>>> http.close()
"""

from __future__ import annotations

import concurrent.futures
import contextvars
import ipaddress
import json
import socket
import time
import zlib
from typing import Any, Iterable, Iterator

import httpcore
import httpx

from toolgym.errors import EndpointError

#: Nesting deeper than this in a reply is refused: no service of ours sends more than a few levels.
MAX_JSON_DEPTH = 64
#: Default cap on a reply body (bytes, after decompression).
DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024

#: The monotonic deadline of the request running in this thread (``None``: no deadline).
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("toolgym_http_deadline", default=None)


def _clamp(timeout: float | None, error: type[Exception]) -> float | None:
    """``timeout`` cut to the time left before the current deadline; ``error`` once it has passed."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise error("the request's total deadline has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write gets at most the time left before the deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None) -> "_DeadlineStream":
        inner = self._inner.start_tls(ssl_context, server_hostname, _clamp(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


#: Name lookups run here so a slow resolver cannot hold a request past its deadline
#: (``getaddrinfo`` ignores socket timeouts).
_RESOLVER = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="toolgym-dns")


def _addresses(host: str, port: int, timeout: float | None) -> list[str]:
    """The IP addresses of ``host`` (itself when it is one), looked up within ``timeout``."""
    try:
        ipaddress.ip_address(host)
        return [host]
    except ValueError:
        pass
    future = _RESOLVER.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    try:
        infos = future.result(timeout)
    except concurrent.futures.TimeoutError:
        raise httpcore.ConnectTimeout(f"looking up {host!r} took longer than the deadline") from None
    except OSError as exc:
        raise httpcore.ConnectError(f"cannot resolve {host!r}: {exc}") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's socket backend with lookups, connects and every socket operation clamped to the deadline."""

    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        error: Exception = httpcore.ConnectError(f"no address for {host!r}")
        for address in _addresses(host, port, _clamp(timeout, httpcore.ConnectTimeout)):
            try:
                stream = self._inner.connect_tcp(address, port, _clamp(timeout, httpcore.ConnectTimeout),
                                                 local_address, socket_options)
            except httpcore.ConnectError as exc:  # try the next address (IPv6, then IPv4...)
                error = exc
                continue
            return _DeadlineStream(stream)
        raise error

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        stream = self._inner.connect_unix_socket(path, _clamp(timeout, httpcore.ConnectTimeout), socket_options)
        return _DeadlineStream(stream)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def deadline_transport(base_url: str = "") -> httpx.HTTPTransport:
    """An httpx transport whose socket operations honour the deadline set by :class:`JsonHttp`.

    The environment's HTTP(S) proxy for ``base_url`` (``HTTPS_PROXY``, ``HTTP_PROXY``, ``NO_PROXY``)
    is used as httpx would, through the same clamped sockets.
    """
    transport = httpx.HTTPTransport()
    make_ssl = getattr(httpx, "create_ssl_context", None)
    common: dict[str, Any] = {
        "network_backend": _DeadlineBackend(), "max_connections": 100, "max_keepalive_connections": 20,
        "keepalive_expiry": 5.0, "ssl_context": make_ssl() if make_ssl is not None else None,
    }
    proxy = _environment_proxy(base_url)
    # httpx builds its pool without a backend argument; give it one with the same defaults.
    transport._pool = httpcore.HTTPProxy(proxy_url=proxy, **common) if proxy else httpcore.ConnectionPool(**common)
    return transport


def _environment_proxy(base_url: str) -> str | None:
    """The HTTP(S) proxy the environment names for ``base_url``, unless ``NO_PROXY`` exempts its host."""
    import urllib.parse
    import urllib.request

    url = urllib.parse.urlsplit(base_url)
    if not url.hostname or url.scheme not in ("http", "https"):
        return None
    proxies = urllib.request.getproxies()
    proxy = proxies.get(url.scheme) or proxies.get("all")
    if not proxy or not proxy.startswith(("http://", "https://")) or urllib.request.proxy_bypass(url.hostname):
        return None
    return proxy


def check_depth(value: Any, max_depth: int = MAX_JSON_DEPTH) -> None:
    """Raise ``ValueError`` when parsed JSON nests deeper than ``max_depth`` (iterative: no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else None
        if children is None:
            continue
        if depth > max_depth:
            raise ValueError(f"JSON nested deeper than {max_depth} levels")
        stack.extend((c, depth + 1) for c in children if isinstance(c, (dict, list)))


def parse_json(body: bytes, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """``body`` as JSON, or ``ValueError`` for anything that is not plain, reasonably nested JSON."""
    try:
        value = json.loads(body)
    except RecursionError:
        raise ValueError("JSON nested too deeply to parse") from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 ({exc.reason})") from None
    check_depth(value, max_depth)
    return value


class _Decoder:
    """Bounded decompression of a ``Content-Encoding`` (identity, gzip, deflate); refuses the rest."""

    def __init__(self, encoding: str) -> None:
        encoding = encoding.strip().lower()
        if encoding in ("", "identity"):
            self._z = None
        elif encoding in ("gzip", "x-gzip", "deflate"):
            self._z = zlib.decompressobj(zlib.MAX_WBITS | 32)  # gzip or zlib header, auto-detected
        else:
            raise ValueError(f"unsupported Content-Encoding {encoding!r}")

    def feed(self, chunk: bytes, room: int) -> Iterator[bytes]:
        """Decoded bytes of ``chunk``, stopping once more than ``room`` bytes came out."""
        if self._z is None:
            yield chunk
            return
        data = self._z.decompress(chunk, room + 1)
        yield data
        while self._z.unconsumed_tail and len(data) <= room:
            room -= len(data)
            data = self._z.decompress(self._z.unconsumed_tail, room + 1)
            yield data

    def finish(self, room: int) -> bytes:
        """What the decompressor still holds at the end of the body (at most ``room + 1`` bytes)."""
        return self._z.flush(room + 1) if self._z is not None else b""


class JsonHttp:
    """JSON requests to one base URL, each within a total deadline, raising only :class:`EndpointError`.

    ``timeout_s`` is the whole budget of one :meth:`request` call: connecting, sending, waiting,
    reading the body, every retry and every backoff sleep. Retries happen on connection failures,
    timeouts and ``retry_status`` codes, up to ``max_retries`` times, while time is left.
    """

    def __init__(
        self,
        base_url: str,
        *,
        timeout_s: float = 10.0,
        max_retries: int = 2,
        backoff_s: float = 0.2,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        retry_status: frozenset[int] = frozenset({408, 425, 429, 500, 502, 503, 504}),
        headers: dict[str, str] | None = None,
        what: str = "service",
    ) -> None:
        if not timeout_s > 0 or max_retries < 0 or backoff_s < 0 or max_response_bytes < 1:
            raise ValueError("timeout_s must be > 0, max_retries and backoff_s >= 0, max_response_bytes >= 1")
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self.max_retries = max_retries
        self.backoff_s = backoff_s
        self.max_response_bytes = max_response_bytes
        self.retry_status = retry_status
        self.what = what
        self._http = httpx.Client(
            base_url=self.base_url,
            headers={"Accept-Encoding": "gzip, deflate, identity", **(headers or {})},
            timeout=timeout_s,
            transport=deadline_transport(self.base_url),
        )

    def request(self, method: str, path: str, *, json_body: Any = None, retry: bool = True,
                timeout_s: float | None = None) -> Any:
        """The parsed JSON of a 2xx reply to ``method path`` within ``timeout_s`` (default: the client's)."""
        budget = self.timeout_s if timeout_s is None else timeout_s
        deadline = time.monotonic() + budget
        attempts = self.max_retries + 1 if retry else 1
        where = f"{self.what} {self.base_url}{path}"
        last = "no attempt made"
        made = 0
        for attempt in range(attempts):
            if attempt:
                pause = self.backoff_s * 2 ** (attempt - 1)
                if time.monotonic() + pause >= deadline:
                    break
                time.sleep(pause)
            made += 1
            try:
                status, body = self._attempt(method, path, json_body, deadline)
            except _Retryable as exc:
                last = str(exc)
                if time.monotonic() >= deadline:
                    break
                continue
            except EndpointError as exc:
                raise EndpointError(f"{where}: {exc}") from None
            if status in self.retry_status:
                last = f"HTTP {status}: {_snippet(body)}"
                continue
            if not 200 <= status < 300:
                raise EndpointError(f"{where}: HTTP {status}: {_snippet(body)}")
            try:
                return parse_json(body)
            except ValueError as exc:
                raise EndpointError(f"{where}: response is not JSON we accept ({exc})") from None
        raise EndpointError(f"{where}: {last} (after {made} attempt(s), {budget:g} s deadline)")

    def _attempt(self, method: str, path: str, json_body: Any, deadline: float) -> tuple[int, bytes]:
        """One request: status and body, or :class:`_Retryable` / :class:`EndpointError`."""
        token = _DEADLINE.set(deadline)
        try:
            left = deadline - time.monotonic()
            if left <= 0:
                raise _Retryable("timed out (total deadline reached)")
            with self._http.stream(method, path, json=json_body, timeout=left) as resp:
                return resp.status_code, self._read_body(resp)
        except httpx.TimeoutException:
            raise _Retryable("timed out (total deadline reached)") from None
        except (httpx.TransportError, httpx.StreamError) as exc:
            raise _Retryable(f"connection failed: {exc!r}") from None
        except (httpx.HTTPError, httpx.InvalidURL, ValueError, TypeError, OverflowError, UnicodeError) as exc:
            raise EndpointError(f"request failed: {exc!r}") from None
        finally:
            _DEADLINE.reset(token)

    def _read_body(self, resp: httpx.Response) -> bytes:
        declared = resp.headers.get("content-length", "")
        cap = self.max_response_bytes
        if declared.isdigit() and int(declared) > cap and not resp.headers.get("content-encoding"):
            raise EndpointError(f"reply of {declared} bytes is over the {cap}-byte limit")
        try:
            decoder = _Decoder(resp.headers.get("content-encoding", ""))
        except ValueError as exc:
            raise EndpointError(str(exc)) from None
        parts: list[bytes] = []
        size = 0
        for chunk in resp.iter_raw():
            try:
                for data in decoder.feed(chunk, cap - size):
                    size += len(data)
                    if size > cap:
                        raise EndpointError(f"reply is over the {cap}-byte limit")
                    parts.append(data)
            except zlib.error as exc:
                raise EndpointError(f"reply body does not decompress: {exc}") from None
        try:
            tail = decoder.finish(cap - size)
        except zlib.error as exc:
            raise EndpointError(f"reply body does not decompress: {exc}") from None
        if size + len(tail) > cap:
            raise EndpointError(f"reply is over the {cap}-byte limit")
        parts.append(tail)
        return b"".join(parts)

    def close(self) -> None:
        """Close the connection pool (idempotent)."""
        self._http.close()


class _Retryable(Exception):
    """An attempt failed in a way worth retrying (connection, timeout); internal to :class:`JsonHttp`."""


def _snippet(body: bytes) -> str:
    return body[:200].decode("utf-8", "replace")
