"""Protocol frames over a Unix socket straight to a container's supervisor: the fast channel.

Through ``docker attach`` every frame crosses the engine and the container's shim: four process
hops per round trip, a quarter of a millisecond or more. When the engine runs on this machine the
host instead listens on a Unix socket in a fresh directory of its own, bind-mounts that directory
read-only into the container (sockets need no write access to the mount), and the supervisor
connects to it at start, before any interpreter exists, and serves the host on it as it serves a
local sandbox. The host accepts exactly one connection, from the container's uid, then closes the
listener and deletes the directory (which also takes the mount out of the container): nothing in
the container can reach the host afterwards. The attach stream stays open for the supervisor's
stderr and for its end of life; closing the channel closes both.

Engines elsewhere (``DOCKER_HOST`` over TCP or SSH) cannot share a socket file: they keep the
attach channel alone (:mod:`toolgym.sandbox.attach`).
"""

from __future__ import annotations

import os
import select
import shutil
import socket
import struct
import tempfile
import time
from typing import Any

from toolgym.sandbox import protocol
from toolgym.sandbox.attach import AttachChannel

#: Where the rendezvous directory is mounted in the container, and the socket's name in it.
MOUNT_POINT = "/run/toolgym-host"
SOCKET_NAME = "host.sock"


def engine_is_local(docker_host: str | None = None) -> bool:
    """Whether the Docker engine listens on this machine (``DOCKER_HOST`` unset or ``unix://``),
    so that a socket file can be shared with its containers."""
    host = os.environ.get("DOCKER_HOST", "") if docker_host is None else docker_host
    return not host or host.startswith("unix://")


class Rendezvous:
    """A listening Unix socket in a directory of its own, for one container to connect to once.

    >>> with Rendezvous(uid=os.getuid()) as meeting:
    ...     meeting.bind()[1], meeting.socket_path_inside
    ('/run/toolgym-host', '/run/toolgym-host/host.sock')
    """

    socket_path_inside = f"{MOUNT_POINT}/{SOCKET_NAME}"

    def __init__(self, uid: int) -> None:
        self._uid = uid
        self._dir: str | None = tempfile.mkdtemp(prefix="toolgym-direct-")
        os.chmod(self._dir, 0o755)  # the container's uid must reach the socket inside
        self._listener: socket.socket | None = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        path = os.path.join(self._dir, SOCKET_NAME)
        self._listener.bind(path)
        os.chmod(path, 0o666)
        self._listener.listen(1)

    def bind(self) -> tuple[str, str]:
        """``(host_dir, container_dir)``: the read-only bind mount the container needs."""
        if self._dir is None:
            raise RuntimeError("this rendezvous is over")
        return self._dir, MOUNT_POINT

    def accept(self, deadline: float, attach: AttachChannel) -> socket.socket:
        """The supervisor's connection (checked to come from the container's uid), then the
        listener and its directory are gone. Raise :class:`protocol.FrameTimeout` past
        ``deadline``, and :class:`protocol.ConnectionClosed` as soon as the container exits
        (its ``attach`` stream ends) without connecting."""
        listener = self._listener
        if listener is None:
            raise RuntimeError("this rendezvous is over")
        poller = select.poll()
        poller.register(listener.fileno(), select.POLLIN)
        poller.register(attach.fileno(), select.POLLIN)
        try:
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise protocol.FrameTimeout("the container's supervisor did not connect in time")
                for fd, _ in poller.poll(max(1, int(remaining * 1000 + 0.999))):
                    if fd == attach.fileno():
                        attach.pump(deadline)  # stderr, or ConnectionClosed: it exited
                        continue
                    conn, _ = listener.accept()
                    if _peer_uid(conn) == self._uid:
                        conn.setblocking(True)
                        return conn
                    conn.close()  # not the container's supervisor: refuse and keep waiting
        finally:
            self.close()

    def close(self) -> None:
        """Stop listening and delete the directory. Idempotent."""
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        directory, self._dir = self._dir, None
        if directory is not None:
            shutil.rmtree(directory, ignore_errors=True)

    def __enter__(self) -> "Rendezvous":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SocketChannel:
    """Frames over the supervisor's direct socket; stderr and end of life from its attach stream.

    The same interface as :class:`AttachChannel` (``send``, ``recv``, ``stderr_tail``, ``close``),
    so a session does not know which one it holds.
    """

    def __init__(self, conn: socket.socket, attach: AttachChannel) -> None:
        self._conn = conn
        self._attach = attach
        self.closed = False

    def send(self, message: dict[str, Any], deadline: float) -> None:
        """Write ``message`` as one frame to the supervisor."""
        protocol.send_frame(self._conn, message, deadline)

    def recv(self, deadline: float, max_bytes: int = protocol.MAX_FRAME_BYTES) -> dict[str, Any]:
        """Read the supervisor's next frame."""
        return protocol.recv_frame(self._conn, deadline, max_bytes)

    def stderr_tail(self) -> str:
        """The last characters the container wrote to stderr (read for up to 0.2 s: this is for
        error messages, when the container failed)."""
        deadline = time.monotonic() + 0.2
        try:
            while not self._attach.closed:
                self._attach.pump(deadline)
        except (OSError, protocol.ProtocolError):
            pass  # it stopped writing, or exited: what arrived is the tail
        return self._attach.stderr_tail()

    def close(self) -> None:
        """Hang up both streams: the supervisor reads end of file and exits."""
        if self.closed:
            return
        self.closed = True
        try:
            self._conn.close()
        finally:
            self._attach.close()


_UCRED = struct.Struct("3i")


def _peer_uid(conn: socket.socket) -> int:
    """The uid of the process at the other end of ``conn`` (``SO_PEERCRED``)."""
    _, uid, _ = _UCRED.unpack(conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, _UCRED.size))
    return uid
