"""A real HTTP server on loopback that misbehaves on purpose, written on raw sockets so every byte
and every pause is under the test's control.

Each request (any method, any path) pops the next step of the script; the last step repeats.
Steps (tuples):

* ``("json", obj)`` / ``("status", code)`` — a normal reply with a JSON body / an error status;
* ``("body", bytes)`` — a 200 with exactly these bytes as the body (nested JSON, garbage...);
* ``("raw", bytes)`` — exactly these bytes on the wire, status line and headers included;
* ``("trickle", bytes, interval_s)`` — a 200 whose body arrives one byte every ``interval_s``;
* ``("trickle_head", interval_s)`` — the status line and headers themselves trickle, forever;
* ``("huge", nbytes, declare)`` — a 200 streaming ``nbytes`` of JSON-ish data as fast as it can,
  with a ``Content-Length`` only when ``declare``;
* ``("gzip_bomb", nbytes)`` — a small gzip body that inflates to ``nbytes``;
* ``("hang",)`` — read the request, then say nothing until the client gives up;
* ``("close",)`` — read the request and close the connection without a reply.
"""

from __future__ import annotations

import gzip
import json
import socket
import threading
import time
from typing import Any


class BadServer:
    """``with BadServer([step, ...]) as srv:``; ``srv.url`` is ``http://127.0.0.1:PORT``."""

    def __init__(self, script: list[tuple[Any, ...]]) -> None:
        if not script:
            raise ValueError("the script needs at least one step")
        self.script = list(script)
        self.requests: list[bytes] = []
        self._lock = threading.Lock()
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self._stop = threading.Event()

    def __enter__(self) -> "BadServer":
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._sock.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            try:
                while not self._stop.is_set():
                    request = _read_request(conn)
                    if request is None:
                        return
                    with self._lock:
                        self.requests.append(request)
                        step = self.script.pop(0) if len(self.script) > 1 else self.script[0]
                    if not self._respond(conn, step):
                        return
            except OSError:
                return

    def _respond(self, conn: socket.socket, step: tuple[Any, ...]) -> bool:
        """Play one step; ``True`` when the connection may serve another request."""
        kind = step[0]
        if kind == "json":
            conn.sendall(_reply(200, json.dumps(step[1]).encode()))
        elif kind == "status":
            conn.sendall(_reply(step[1], b'{"error": "scripted failure"}'))
        elif kind == "body":
            conn.sendall(_reply(200, step[1]))
        elif kind == "raw":
            conn.sendall(step[1])
        elif kind == "trickle":
            body, interval = step[1], step[2]
            conn.sendall(_head(200, len(body)))
            for i in range(len(body)):
                if self._stop.wait(interval):
                    return False
                conn.sendall(body[i : i + 1])
        elif kind == "trickle_head":
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 10_000:
                if self._stop.wait(step[1]):
                    return False
                conn.sendall(bytes([byte]))
            return False
        elif kind == "huge":
            nbytes, declare = step[1], step[2]
            conn.sendall(_head(200, nbytes if declare else None))
            chunk = b'["' + b"x" * 65_000 + b'"],'
            sent = 0
            while sent < nbytes and not self._stop.is_set():
                piece = chunk[: nbytes - sent]
                conn.sendall(piece)
                sent += len(piece)
            return False
        elif kind == "gzip_bomb":
            body = gzip.compress(b"[" + b" " * step[1] + b"]", 9)
            conn.sendall(_head(200, len(body), extra=b"Content-Encoding: gzip\r\n") + body)
        elif kind == "hang":
            self._stop.wait(60)
            return False
        elif kind == "close":
            return False
        else:
            raise ValueError(f"unknown step {step!r}")
        return True


def _head(status: int, length: int | None, extra: bytes = b"") -> bytes:
    length_line = b"Content-Length: %d\r\n" % length if length is not None else b"Connection: close\r\n"
    return b"HTTP/1.1 %d X\r\nContent-Type: application/json\r\n%s%s\r\n" % (status, length_line, extra)


def _reply(status: int, body: bytes) -> bytes:
    return _head(status, len(body)) + body


def _read_request(conn: socket.socket) -> bytes | None:
    """One request (head and ``Content-Length`` body), or ``None`` when the client closed."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        body += chunk
    return head + b"\r\n\r\n" + body


def timed(fn: Any, *args: Any, **kwargs: Any) -> tuple[BaseException | None, float]:
    """Run ``fn``; return the exception it raised (or ``None``) and the wall time in seconds."""
    start = time.monotonic()
    try:
        fn(*args, **kwargs)
    except BaseException as exc:  # noqa: BLE001 - the tests assert on the exception's type
        return exc, time.monotonic() - start
    return None, time.monotonic() - start


#: Deadline the deadline tests give each call, and the slack they allow on top (a loaded 2-core box).
DEADLINE_S = 1.0
SLACK_S = 0.75

#: Replies no client may hang on or crash over: (test id, step). Every one must end in the client's
#: own failure type within ``DEADLINE_S + SLACK_S``.
HOSTILE_REPLIES = [
    ("nested-200k", ("body", b"[" * 200_000)),
    ("nested-500-parses", ("body", b"[" * 500 + b"]" * 500)),
    ("not-json", ("body", b"{this is not json")),
    ("not-utf8", ("body", b'"\xff\xfe"')),
    ("trickled-body", ("trickle", b'{"choices": [{"message": {"content": "slow"}}], "pad": "' + b"." * 200 + b'"}', 0.2)),
    ("trickled-head", ("trickle_head", 0.2)),
    ("huge-declared", ("huge", 300 * 2**20, True)),
    ("huge-undeclared", ("huge", 300 * 2**20, False)),
    ("gzip-bomb", ("gzip_bomb", 64 * 2**20)),
    ("500-forever", ("status", 500)),
    ("hang", ("hang",)),
    ("close", ("close",)),
    ("wrong-shape-list", ("json", [1, 2, 3])),
    ("wrong-shape-object", ("json", {"choices": [{"message": {"content": {"nested": True}}}], "results": 7})),
]


def refused_url() -> str:
    """A loopback URL where nothing listens (connection refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"
