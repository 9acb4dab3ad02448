"""The host side of an engine worker: start it, send it queries, kill it on a deadline, restart it.

Why a process: DuckDB's ``interrupt()`` and SQLite's are only checked between rows, so a single
expensive function call (``repeat('x', 2000000000)``, ``randomblob(900000000)``) ran 46.9 s against a
5 s timeout, and its memory was the host's (3.9 GB peak with a 1 GB DuckDB limit). A worker process
(:mod:`toolgym.sql.worker`) has its address space capped, and the host waits for each reply only
until ``timeout_s + GRACE_S``: the worker's own watchdog interrupts the query at ``timeout_s``
(the worker stays warm), and if that does not end it the host kills the worker, reports the
timeout and starts a fresh worker on the same read-only database for the next query.

Blame follows the cause (:class:`~toolgym.failures.FailureKind`): a timeout, a memory failure or a
crash *while the policy's query ran* is the query's; a worker that cannot start, or that a signal
from outside (``SIGKILL``, ``SIGTERM``) ended, is infrastructure (:class:`DatabaseUnavailable`).
"""

from __future__ import annotations

import json
import os
import pickle
import select
import signal
import subprocess
import sys
import time
import weakref
from pathlib import Path
from typing import Any

from toolgym.sql.errors import DatabaseUnavailable

#: Seconds the host waits past a query's timeout for the worker's own interrupt before killing it.
GRACE_S = 0.5
#: Seconds a worker may take to start and open its database.
STARTUP_TIMEOUT_S = 60.0
#: Largest reply a worker may send (bytes of pickle); larger results are the query's output-limit error.
DEFAULT_MAX_REPLY_BYTES = 64 * 1024 * 1024
_HEADER_SIZE = 4
#: Frames smaller than this are written with their header in one system call.
_SMALL = 1 << 16
_WORKER = Path(__file__).with_name("worker.py")


def _reap(proc: "subprocess.Popen[bytes]") -> None:
    """Kill and wait for a worker whose engine was garbage-collected (no-op if already gone)."""
    if proc.poll() is None:
        proc.kill()
        proc.wait()


class _Late(Exception):
    """The worker did not answer before the deadline."""


class _Gone(Exception):
    """The worker's pipe closed (it exited or was killed)."""


class EngineProcess:
    """One worker process for one database; restarted transparently when it dies or is killed.

    Used through :class:`~toolgym.sql.engine.DuckDBEngine` and :class:`~toolgym.sql.engine.SQLiteEngine`,
    which hold one each (a persistent worker per connection, not a process per query).
    """

    def __init__(self, dialect: str, path: str, *, memory_limit_mb: int, max_reply_bytes: int = DEFAULT_MAX_REPLY_BYTES) -> None:
        self.config = {"dialect": dialect, "path": path, "memory_limit_mb": memory_limit_mb,
                       "max_reply_bytes": max_reply_bytes}
        self.max_reply_bytes = max_reply_bytes
        self.info: dict[str, Any] = {}
        self.restarts = 0
        self._proc: subprocess.Popen[bytes] | None = None
        self._ready = False
        self._closed = False
        self.start()
        self.wait_ready()

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> None:
        """Start a worker (returns at once; :meth:`wait_ready` waits for it to open the database)."""
        flags = ["-P"] if sys.version_info >= (3, 11) else []
        try:
            self._proc = subprocess.Popen(
                [sys.executable, *flags, str(_WORKER), json.dumps(self.config)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                close_fds=True,
            )
        except OSError as exc:
            raise DatabaseUnavailable(f"cannot start the {self.config['dialect']} engine process: {exc}") from exc
        assert self._proc.stdout is not None
        os.set_blocking(self._proc.stdout.fileno(), False)  # reads never block past a deadline
        weakref.finalize(self, _reap, self._proc)  # an engine dropped without close() leaves no worker
        self._ready = False

    def wait_ready(self) -> None:
        """Block until the worker has opened the database; :class:`DatabaseUnavailable` if it cannot."""
        if self._ready:
            return
        try:
            reply = self._receive(time.monotonic() + STARTUP_TIMEOUT_S)
        except (_Late, _Gone) as exc:
            self.kill()
            raise DatabaseUnavailable(f"the {self.config['dialect']} engine process did not start ({exc!r})") from None
        if reply[0] != "ready":
            self.kill()
            raise DatabaseUnavailable(str(reply[2]))
        self.info = reply[1]
        self._ready = True

    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def kill(self) -> None:
        """Kill the worker and reap it (idempotent)."""
        proc, self._proc, self._ready = self._proc, None, False
        if proc is None:
            return
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        for pipe in (proc.stdin, proc.stdout):
            if pipe is not None:
                pipe.close()

    def restart(self) -> None:
        """Kill the current worker and start another on the same database (not waiting for it)."""
        self.kill()
        if not self._closed:
            self.restarts += 1
            self.start()

    def close(self) -> None:
        """Stop the worker for good: closing its stdin ends it cleanly; a kill makes sure."""
        self._closed = True
        proc = self._proc
        if proc is not None and proc.stdin is not None and proc.poll() is None:
            try:
                proc.stdin.close()
                proc.wait(1.0)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self.kill()

    # ------------------------------------------------------------------ queries
    def query(self, sql: str, max_rows: int, timeout_s: float) -> tuple[Any, ...]:
        """The worker's reply to one query: ``("ok", columns, rows, truncated)`` or ``("err", kind, message, restart)``.

        Raises :class:`DatabaseUnavailable` when the worker cannot run it for reasons outside the
        query. A worker that died while idle is replaced before the query is sent.
        """
        if self._closed:
            raise DatabaseUnavailable("the engine is closed")
        if not self.alive():
            self.restart()
        self.wait_ready()
        message = pickle.dumps(("query", sql, max_rows, timeout_s), protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self._send(message)
        except OSError:  # it died between the check and the write: the query never ran
            self.restart()
            self.wait_ready()
            try:
                self._send(message)
            except OSError as exc:
                self.restart()
                raise DatabaseUnavailable(f"the engine process is not accepting queries: {exc}") from None
        try:
            reply = self._receive(time.monotonic() + timeout_s + GRACE_S)
        except _Late:
            self.restart()  # the worker did not stop at its own interrupt: kill it, warm a new one
            return ("err", "timeout", f"Query killed: it ran longer than {timeout_s:g} s.", False)
        except _Gone:
            code = self._exit_code()
            self.restart()
            if code is not None and code < 0 and -code in (signal.SIGKILL, signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
                raise DatabaseUnavailable(
                    f"the engine process was ended from outside (signal {-code}) while a query ran") from None
            return ("err", "exception", f"The database engine crashed while running this query (exit status {code}).", False)
        if reply[0] == "err" and reply[3]:
            self.restart()
        return reply

    def _exit_code(self) -> int | None:
        """The exit status of a worker whose pipe closed (``None`` if it does not exit promptly)."""
        if self._proc is None:
            return None
        try:
            return self._proc.wait(2.0)
        except subprocess.TimeoutExpired:
            return None

    # ------------------------------------------------------------------ framing
    def _send(self, data: bytes) -> None:
        assert self._proc is not None and self._proc.stdin is not None
        fd = self._proc.stdin.fileno()
        header = len(data).to_bytes(_HEADER_SIZE, "big")
        parts = [header + data] if len(data) < _SMALL else [header, data]  # one write wakes the worker once
        for part in parts:
            view = memoryview(part)
            while view:
                view = view[os.write(fd, view):]

    def _receive(self, deadline: float) -> tuple[Any, ...]:
        if self._proc is None or self._proc.stdout is None:
            raise _Gone("no worker")
        fd = self._proc.stdout.fileno()
        buf = self._read_some(fd, bytearray(), _HEADER_SIZE, deadline)
        size = int.from_bytes(buf[:_HEADER_SIZE], "big")
        if size > self.max_reply_bytes + 4096:
            self.restart()
            raise DatabaseUnavailable(f"the engine process sent a {size}-byte frame, over its limit")
        buf = self._read_some(fd, buf, _HEADER_SIZE + size, deadline)
        if len(buf) != _HEADER_SIZE + size:  # the worker writes one frame per request, nothing after it
            self.restart()
            raise DatabaseUnavailable("the engine process sent bytes past the end of its reply")
        return pickle.loads(memoryview(buf)[_HEADER_SIZE:])

    @staticmethod
    def _read_some(fd: int, buf: bytearray, n: int, deadline: float) -> bytearray:
        """``buf`` extended by reads from ``fd`` until it holds at least ``n`` bytes, before ``deadline``."""
        poller = None
        while len(buf) < n:
            try:
                chunk = os.read(fd, max(n - len(buf), 1 << 16))
            except BlockingIOError:
                chunk = None
            if chunk is None:
                if poller is None:
                    poller = select.poll()
                    poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
                left = deadline - time.monotonic()
                if left <= 0:
                    raise _Late(f"no reply within the deadline ({len(buf)}/{n} bytes)")
                poller.poll(int(left * 1000) + 1)
                continue
            if not chunk:
                raise _Gone("the worker's pipe closed")
            buf += chunk
        return buf
