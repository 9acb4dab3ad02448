"""Framed JSON messages between the host and a sandbox worker.

A frame is a 4-byte big-endian payload length followed by the payload: one JSON object encoded as
UTF-8. Frames travel over any blocking file descriptor that carries a byte stream (a socket, or a
pair of pipes), so the same code serves the local backend (a socketpair to a forked interpreter) and
a container backend (an attached socket or ``docker exec -i`` pipes).

This module is stdlib-only and imports nothing from ToolGym: the Docker backend copies it into a
container next to ``worker.py`` and imports it as a top-level module.

Deadlines are absolute ``time.monotonic()`` values, not durations, so one deadline can bound a whole
request/response exchange.
"""

from __future__ import annotations

import json
import os
import select
import struct
import time
from typing import Any, Protocol, Union

#: Frames larger than this are refused on both ends: a corrupt length must not allocate gigabytes.
MAX_FRAME_BYTES = 256 * 1024**2
#: Bytes per write when sending under a deadline: a writable pipe always accepts PIPE_BUF bytes
#: without blocking, so a peer that stops reading cannot hold us past the deadline.
_DEADLINE_CHUNK = 4096
_HEADER = struct.Struct(">I")
#: Bytes in a frame header.
HEADER_BYTES = _HEADER.size


class HasFileno(Protocol):
    def fileno(self) -> int: ...


FdLike = Union[int, HasFileno]


class ProtocolError(Exception):
    """A frame was malformed, too large, or not a JSON object."""


class ConnectionClosed(ProtocolError, EOFError):
    """The peer closed the channel, before a frame or in the middle of one."""


class FrameTimeout(ProtocolError, TimeoutError):
    """The deadline passed before a whole frame was sent or received."""


def encode_frame(message: dict[str, Any]) -> bytes:
    """Return ``message`` as one frame (header + UTF-8 JSON)."""
    try:
        payload = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        # Lone surrogates (e.g. from decoding odd bytes) are not UTF-8; ASCII JSON escapes them.
        payload = json.dumps(message, separators=(",", ":")).encode("ascii")
    if len(payload) > MAX_FRAME_BYTES:
        raise ProtocolError(f"frame of {len(payload)} bytes exceeds the {MAX_FRAME_BYTES}-byte limit")
    return _HEADER.pack(len(payload)) + payload


def decode_payload(payload: bytes) -> dict[str, Any]:
    """Parse a frame payload; it must be a JSON object."""
    try:
        message = json.loads(payload)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
        raise ProtocolError(f"frame payload is not valid UTF-8 JSON: {exc}") from None
    if not isinstance(message, dict):
        raise ProtocolError(f"frame payload must be a JSON object, got {type(message).__name__}")
    return message


def decode_frame(frame: bytes) -> dict[str, Any]:
    """Parse one complete frame held in memory (e.g. one datagram of a SOCK_SEQPACKET socket)."""
    if len(frame) < _HEADER.size:
        raise ConnectionClosed(f"truncated frame header: {len(frame)} of {_HEADER.size} bytes")
    (length,) = _HEADER.unpack_from(frame)
    if len(frame) - _HEADER.size != length:
        raise ProtocolError(f"frame declares {length} payload bytes but holds {len(frame) - _HEADER.size}")
    return decode_payload(frame[_HEADER.size :])


def send_frame(fd: FdLike, message: dict[str, Any], deadline: float | None = None) -> None:
    """Write ``message`` as one frame to ``fd``; raise :class:`FrameTimeout` past ``deadline``."""
    fileno = _fileno(fd)
    view = memoryview(encode_frame(message))
    while view:
        if deadline is None:
            written = os.write(fileno, view)
        else:
            _wait(fileno, select.POLLOUT, deadline)
            written = os.write(fileno, view[:_DEADLINE_CHUNK])
        view = view[written:]


def recv_frame(fd: FdLike, deadline: float | None = None, max_bytes: int = MAX_FRAME_BYTES) -> dict[str, Any]:
    """Read one frame from ``fd`` and return its JSON object.

    Raises :class:`ConnectionClosed` on end of file (also mid-frame), :class:`FrameTimeout` past
    ``deadline`` and :class:`ProtocolError` for a malformed frame or one over ``max_bytes``.
    """
    fileno = _fileno(fd)
    (length,) = _HEADER.unpack(_read_exact(fileno, _HEADER.size, deadline, "header"))
    check_length(length, max_bytes)
    return decode_payload(_read_exact(fileno, length, deadline, "payload"))


def frame_length(header: bytes) -> int:
    """The payload length a frame header announces."""
    return _HEADER.unpack_from(header)[0]


def check_length(length: int, max_bytes: int = MAX_FRAME_BYTES) -> None:
    """Refuse a frame announcing more than ``max_bytes`` (and never more than MAX_FRAME_BYTES)."""
    limit = min(max_bytes, MAX_FRAME_BYTES)
    if length > limit:
        raise ProtocolError(f"peer announced a {length}-byte frame, over the {limit}-byte limit")


def _read_exact(fileno: int, size: int, deadline: float | None, what: str) -> bytes:
    chunks: list[bytes] = []
    missing = size
    while missing:
        if deadline is not None:
            _wait(fileno, select.POLLIN, deadline)
        chunk = os.read(fileno, min(missing, 1024**2))
        if not chunk:
            got = size - missing
            detail = "" if what == "header" and got == 0 else f" (truncated {what}: {got} of {size} bytes)"
            raise ConnectionClosed(f"peer closed the channel{detail}")
        chunks.append(chunk)
        missing -= len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _wait(fileno: int, event: int, deadline: float) -> None:
    """Block until ``fileno`` is ready for ``event`` (or hung up), or raise at ``deadline``."""
    poller = select.poll()
    poller.register(fileno, event)
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FrameTimeout("deadline passed while waiting for the peer")
        # Round up so a 0.4 ms remainder does not become a busy poll(0) loop.
        if poller.poll(max(1, int(remaining * 1000 + 0.999))):
            return


def _fileno(fd: FdLike) -> int:
    return fd if isinstance(fd, int) else fd.fileno()
