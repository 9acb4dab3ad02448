"""Protocol frames over a container's attached stdin/stdout: the host's end of a Docker sandbox.

``docker attach`` (``POST /containers/{id}/attach`` upgraded to a raw stream) gives one
bidirectional socket per container. Bytes written to it reach the container's stdin unchanged.
Without a TTY, bytes read from it are multiplexed: each chunk of the container's output is
preceded by an 8-byte header (stream type: 1 stdout, 2 stderr; three zero bytes; a big-endian
32-bit length). :class:`AttachChannel` strips those headers, feeds stdout into a
:mod:`protocol` frame parser and keeps the tail of stderr for error messages.

Deadlines are absolute ``time.monotonic()`` values, as in :mod:`protocol`. The channel works on
the socket object itself (``recv``/``sendall`` with a timeout), not on its file descriptor, so TLS
and SSH transports of remote engines (``DOCKER_HOST``) work as well as a local Unix socket.
"""

from __future__ import annotations

import socket
import struct
import time
from typing import Any

from toolgym.sandbox import protocol

_MUX_HEADER = struct.Struct(">BxxxL")
_STDOUT, _STDERR = 1, 2
_RECV_BYTES = 256 * 1024
#: Characters of the container's stderr kept for error messages.
STDERR_TAIL_CHARS = 4000


class AttachChannel:
    """Send and receive frames over the socket-like object ``docker``'s ``attach_socket`` returns."""

    def __init__(self, raw: Any) -> None:
        # attach_socket returns a SocketIO for plain (unix, tcp) connections, else the socket-like
        # transport itself (an SSL socket, an SSH channel); the raw object keeps the HTTP
        # response, and with it TLS connections, alive.
        self._raw = raw
        self._sock = raw._sock if isinstance(raw, socket.SocketIO) else raw
        self._muxed = bytearray()
        self._stdout = bytearray()
        self._stderr = bytearray()
        self.closed = False

    def send(self, message: dict[str, Any], deadline: float) -> None:
        """Write ``message`` as one frame to the container's stdin."""
        data = protocol.encode_frame(message)
        self._settimeout(deadline)
        try:
            self._sock.sendall(data)
        except TimeoutError:
            raise protocol.FrameTimeout("deadline passed while sending to the container") from None

    def recv(self, deadline: float, max_bytes: int = protocol.MAX_FRAME_BYTES) -> dict[str, Any]:
        """Read the next frame the container wrote to stdout."""
        while True:
            if len(self._stdout) >= protocol.HEADER_BYTES:
                length = protocol.frame_length(self._stdout)
                protocol.check_length(length, max_bytes)
                end = protocol.HEADER_BYTES + length
                if len(self._stdout) >= end:
                    payload = bytes(self._stdout[protocol.HEADER_BYTES : end])
                    del self._stdout[:end]
                    return protocol.decode_payload(payload)
            self._read(deadline)

    def fileno(self) -> int:
        """The stream's file descriptor (to wait on it beside others)."""
        return self._sock.fileno()

    def pump(self, deadline: float) -> None:
        """Read what the container wrote next (stderr, when frames travel elsewhere); raise
        :class:`protocol.ConnectionClosed` once it exited."""
        self._read(deadline)

    def stderr_tail(self) -> str:
        """The last characters the container wrote to stderr (tracebacks of a failed start)."""
        return self._stderr.decode("utf-8", "replace")[-STDERR_TAIL_CHARS:]

    def close(self) -> None:
        """Hang up: the container's stdin reaches end of file and its supervisor exits."""
        if self.closed:
            return
        self.closed = True
        try:
            self._sock.close()
        finally:
            self._raw.close()

    def _read(self, deadline: float) -> None:
        self._settimeout(deadline)
        try:
            chunk = self._sock.recv(_RECV_BYTES)
        except TimeoutError:
            raise protocol.FrameTimeout("deadline passed while waiting for the container") from None
        if not chunk:
            raise protocol.ConnectionClosed("the container closed its output (it exited or was killed)")
        self._muxed += chunk
        self._demux()

    def _demux(self) -> None:
        """Move every complete chunk from the multiplexed buffer to its stream."""
        while len(self._muxed) >= _MUX_HEADER.size:
            kind, length = _MUX_HEADER.unpack_from(self._muxed)
            end = _MUX_HEADER.size + length
            if len(self._muxed) < end:
                return
            data = self._muxed[_MUX_HEADER.size : end]
            if kind == _STDOUT:
                self._stdout += data
            elif kind == _STDERR:
                self._stderr += data
                del self._stderr[: -4 * STDERR_TAIL_CHARS]
            else:
                raise protocol.ProtocolError(f"unknown stream type {kind} in the attach stream")
            del self._muxed[:end]

    def _settimeout(self, deadline: float) -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise protocol.FrameTimeout("deadline passed")
        self._sock.settimeout(remaining)
