"""Host side of the containerized tool services (SQL, search, simulated APIs).

A :class:`ServiceSandbox` leases one sandbox of a tool's image (``toolgym/sql``, ``toolgym/search``,
``toolgym/apis``) from the shared pools of :mod:`toolgym.sandbox.selection`, with every limit,
label and the reaper of the ``python`` sandbox, and runs requests there through
:mod:`toolgym.sandbox.service_runtime`: a call is one ``exec`` round trip over the attached stream.
What the request does (a query, an API call) is the runtime's, never policy code. The tool's data
(a database, an index) is mounted read-only; what a user builds (an API session's database) lives
in the container's interpreter and is wiped when the sandbox goes back to its pool.

Failures come back as :class:`ServiceFailure` with the :class:`~toolgym.failures.FailureKind` the
supervisor decided: ``timeout`` (past the wall clock: every process of the container was killed and
a fresh interpreter forked, so the next request works), ``memory`` (the cgroup's OOM killer or a
``MemoryError``), ``crashed`` (the interpreter died on this input) and ``infra`` (the container was
lost, killed from outside or the engine down; the next request starts a new one).

>>> from toolgym.sandbox.base import SandboxLimits
>>> service = ServiceSandbox("toolgym/sql:latest", SandboxLimits())  # doctest: +SKIP
>>> service.request({"op": "sql.schema", "dialect": "duckdb", "path": "/data/x.duckdb",
...                  "memory_limit_mb": 256})  # doctest: +SKIP
"""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from typing import Any

from toolgym.errors import SandboxError, ToolGymError
from toolgym.failures import FailureKind
from toolgym.sandbox.base import Sandbox, SandboxLimits
from toolgym.sandbox.selection import SandboxSource, sandbox_source

SQL_IMAGE = "toolgym/sql:latest"
SEARCH_IMAGE = "toolgym/search:latest"
APIS_IMAGE = "toolgym/apis:latest"
#: Room for a service's reply (rows, hits, API results) in one call's output.
SERVICE_OUTPUT_CHARS = 4 * 1024 * 1024
#: Where a service's data is mounted inside its container.
DATA_DIR = "/data"
_CALL = "import service_runtime as _s; _s.handle({payload!r})"


class ServiceFailure(ToolGymError):
    """Raised when a service request ended without a reply; ``kind`` says why (and who is to blame)."""

    def __init__(self, kind: FailureKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def service_limits(limits: SandboxLimits | None = None) -> SandboxLimits:
    """``limits`` (defaults) with an output limit large enough for a service's replies."""
    limits = limits or SandboxLimits()
    return replace(limits, max_output_chars=max(limits.max_output_chars, SERVICE_OUTPUT_CHARS))


class ServiceSandbox:
    """One leased sandbox of a service image; requests run there one at a time (thread-safe).

    ``sandbox`` is ``"docker"`` (the only backend that runs service images) or a
    :class:`~toolgym.sandbox.selection.SandboxSource` already made. The sandbox is leased on the
    first request and given back (wiped) by :meth:`close`.
    """

    def __init__(
        self,
        image: str,
        limits: SandboxLimits | None = None,
        *,
        mounts: tuple[tuple[str, str], ...] = (),
        source: SandboxSource | None = None,
    ) -> None:
        self.image = image
        self.limits = service_limits(limits)
        self._source = source or sandbox_source("docker", self.limits, image, tuple(mounts))
        self._sandbox: Sandbox | None = None
        self._lock = threading.Lock()
        self._closed = False

    @property
    def sandbox(self) -> Sandbox:
        """The leased sandbox (leased now if needed)."""
        if self._sandbox is None:
            if self._closed:
                raise SandboxError(f"this {self.image} service is closed")
            self._sandbox = self._source()
        return self._sandbox

    def request(self, payload: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
        """Run one request; the runtime's reply (``ok`` true or false) or :class:`ServiceFailure`."""
        code = _CALL.format(payload=json.dumps(payload, ensure_ascii=True))
        with self._lock:
            try:
                result = self.sandbox.exec(code, timeout=timeout)
            except SandboxError as exc:
                raise ServiceFailure(FailureKind.INFRA, f"the {self.image} sandbox is unavailable: {exc}") from exc
        if result.error_kind is not None:
            if result.error_kind in ("timeout", "memory", "crashed"):
                raise ServiceFailure(FailureKind(result.error_kind), result.stderr.strip() or result.error_kind)
            raise ServiceFailure(FailureKind.INFRA, f"the {self.image} service failed: {result.stderr.strip()[-500:]}")
        try:
            reply = json.loads(result.stdout.strip().rsplit("\n", 1)[-1])
        except ValueError as exc:
            raise ServiceFailure(FailureKind.INFRA, f"the {self.image} service sent no reply: {result.stdout[:200]!r}") from exc
        if not isinstance(reply, dict):
            raise ServiceFailure(FailureKind.INFRA, f"the {self.image} service sent {type(reply).__name__}")
        return reply

    def reset(self) -> None:
        """Wipe the interpreter's state (a fresh interpreter, same container)."""
        with self._lock:
            if self._sandbox is not None:
                try:
                    self._sandbox.reset()
                except SandboxError:
                    self._drop()

    def close(self) -> None:
        """Give the sandbox back to its pool (wiped there) and leave the pool. Idempotent."""
        with self._lock:
            self._closed = True
            self._drop()
            self._source.close()

    def _drop(self) -> None:
        sandbox, self._sandbox = self._sandbox, None
        if sandbox is not None:
            try:
                sandbox.close()
            except SandboxError:
                pass  # its finalizer and the reaper take what is left
