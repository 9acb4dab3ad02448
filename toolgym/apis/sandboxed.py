"""The API domains in a container: an :class:`ApiBackend` whose sessions live in the ``apis`` image.

Each env leases one sandbox of ``toolgym/apis`` (:class:`~toolgym.sandbox.services.ServiceSandbox`);
an episode's session is a private database inside that container's interpreter (the same
:class:`~toolgym.apis.backend.LocalBackend` code as the in-process path, so scores are identical),
dropped at the next reset and wiped with the interpreter when the sandbox goes back to its pool.
A container lost mid-episode makes the call an ``infra`` result and the session is gone; the next
episode opens a new one in a new container.
"""

from __future__ import annotations

from typing import Any

from toolgym.apis.backend import ApiBackend, ApiSession
from toolgym.apis.domain import DOMAINS, Domain, ToolSpec, get_domain
from toolgym.apis.errors import ServiceError
from toolgym.failures import FailureKind
from toolgym.sandbox.service_runtime import decode_value
from toolgym.sandbox.services import APIS_IMAGE, ServiceFailure, ServiceSandbox
from toolgym.types import ToolResult

#: Wall clock of one API call inside the container (a tool is a few SQL statements).
CALL_TIMEOUT_S = 30.0


class SandboxedSession(ApiSession):
    """One episode's database inside the ``apis`` container."""

    def __init__(self, service: ServiceSandbox, name: str) -> None:
        self._service = service
        self._name = name
        self._lost = False

    def call(self, name: str, arguments: Any) -> ToolResult:
        if self._lost:
            return ToolResult(False, "Error: the tool service lost this episode's data; please retry.", FailureKind.INFRA)
        try:
            reply = self._service.request(
                {"op": "api.call", "session": self._name, "name": name, "arguments": arguments}, CALL_TIMEOUT_S)
        except ServiceFailure as exc:
            self._lost = True  # the interpreter (and this session's database) is gone
            return ToolResult.unavailable("tool service", exc)
        if not reply.get("ok"):
            return ToolResult.unavailable("tool service", ServiceError(str(reply.get("message"))))
        result = reply["result"]
        kind = result.get("error_kind")
        return ToolResult(
            bool(result["ok"]), str(result["content"]), FailureKind(kind) if kind in FailureKind._value2member_map_ else kind,
            float(result.get("latency_s", 0.0)), dict(decode_value(result.get("metadata")) or {}),
        )

    def state_hash(self) -> str:
        if self._lost:
            raise ServiceError("the API session's container was lost")
        try:
            reply = self._service.request({"op": "api.hash", "session": self._name}, CALL_TIMEOUT_S)
        except ServiceFailure as exc:
            raise ServiceError(str(exc)) from exc
        if not reply.get("ok"):
            raise ServiceError(str(reply.get("message")))
        return str(reply["hash"])

    def close(self) -> None:
        if self._lost:
            return
        self._lost = True
        try:
            self._service.request({"op": "api.close", "session": self._name}, CALL_TIMEOUT_S)
        except ServiceFailure:
            pass  # the interpreter is gone, and the database with it


class SandboxedBackend(ApiBackend):
    """Sessions on ``domain`` (a built-in name) in a leased ``apis`` container; see the module doc."""

    def __init__(self, domain: Domain | str, *, image: str = APIS_IMAGE) -> None:
        super().__init__()
        self.domain = get_domain(domain)
        targets = {get_domain(name): target for name, target in DOMAINS.items()}
        if self.domain not in targets:
            raise ValueError("the apis container serves the registered domains "
                             f"({', '.join(sorted(DOMAINS))}); use sandbox='local' for others")
        self._target = targets[self.domain]
        self.service = ServiceSandbox(image)

    @property
    def specs(self) -> tuple[ToolSpec, ...]:
        return self.domain.specs

    def open_session(self) -> SandboxedSession:
        try:
            reply = self.service.request({"op": "api.open", "domain": self._target}, CALL_TIMEOUT_S)
        except ServiceFailure as exc:
            raise ServiceError(str(exc)) from exc
        if not reply.get("ok"):
            raise ServiceError(str(reply.get("message")))
        return SandboxedSession(self.service, str(reply["session"]))

    def close(self) -> None:
        self.service.close()
