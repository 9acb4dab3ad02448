"""Where domain tools run: the :class:`ApiBackend` contract and its in-process implementation.

An :class:`ApiSession` is one episode's private database plus the domain's tools: ``call`` runs a
tool and never raises, ``state_hash`` fingerprints the database. A backend opens sessions and
replays gold actions to get the hash a task expects (cached per process). :class:`LocalBackend`
runs everything in this process (the fast path); :class:`~toolgym.apis.client.HttpBackend` talks
to the HTTP service, which itself serves a :class:`LocalBackend`, so both paths share one
implementation and behave the same.
"""

from __future__ import annotations

import abc
import json
import threading
import time
from functools import lru_cache
from typing import Any, Sequence

from sqlalchemy.orm import Session

from toolgym.apis.database import TemplateDB, state_hash
from toolgym.apis.domain import Domain, ToolSpec, get_domain
from toolgym.apis.errors import ApiError, GoldReplayError, ServiceError
from toolgym.errors import ToolArgumentError
from toolgym.types import ToolResult

Action = dict[str, Any]


class ApiSession(abc.ABC):
    """One episode's view of a domain: a private database and the tools that act on it."""

    @abc.abstractmethod
    def call(self, name: str, arguments: Any) -> ToolResult:
        """Run tool ``name``; every failure is a result (``infra`` kind when it is ours)."""

    @abc.abstractmethod
    def state_hash(self) -> str:
        """The hash of this session's database; raises :class:`ServiceError` when unavailable."""

    @abc.abstractmethod
    def close(self) -> None:
        """Drop the session's database. Idempotent, never raises."""


class ApiBackend(abc.ABC):
    """Opens sessions on one domain and knows the hashes that gold actions lead to."""

    def __init__(self) -> None:
        self._hashes: dict[str, str] = {}
        self._hash_lock = threading.Lock()

    @property
    @abc.abstractmethod
    def specs(self) -> tuple[ToolSpec, ...]:
        """The domain's tools."""

    @abc.abstractmethod
    def open_session(self) -> ApiSession:
        """A session on a fresh copy of the domain database; :class:`ServiceError` on failure."""

    def close(self) -> None:
        """Release connections. Idempotent."""

    def replay_hash(self, actions: Sequence[Action]) -> str:
        """The state hash after running ``actions`` on a fresh database (cached per action list).

        Raises :class:`GoldReplayError` when an action fails (the task is broken) and
        :class:`ServiceError` when the backend does.
        """
        key = json.dumps(list(actions), sort_keys=True, ensure_ascii=True)
        with self._hash_lock:
            cached = self._hashes.get(key)
        if cached is not None:
            return cached
        session = self.open_session()
        try:
            for action in actions:
                result = session.call(action["name"], action.get("arguments", {}))
                if result.is_infra:
                    raise ServiceError(f"replaying {action['name']!r} failed: {result.content}")
                if not result.ok:
                    raise GoldReplayError(f"gold action {action['name']!r} failed: {result.content}")
            value = session.state_hash()
        finally:
            session.close()
        with self._hash_lock:
            self._hashes[key] = value
        return value


class LocalSession(ApiSession):
    """A session backed by an in-memory SQLite copy in this process; calls are serialised."""

    def __init__(self, domain: Domain, template: TemplateDB) -> None:
        self.domain = domain
        self._template = template
        self._replica = template.acquire()
        self._lock = threading.Lock()
        self._closed = False
        self.last_used = time.monotonic()

    def call(self, name: str, arguments: Any) -> ToolResult:
        start = time.perf_counter()
        self.last_used = time.monotonic()
        fn = self.domain.function(name)
        if fn is None:
            known = ", ".join(f.name for f in self.domain.functions)
            return ToolResult(False, f"Error: unknown tool {name!r}; available tools: {known}.", "unknown_tool")
        try:
            fn.validate(arguments)
        except ToolArgumentError as exc:
            return ToolResult(False, f"Error: {exc}", "invalid_arguments", metadata={"field": exc.field})
        with self._lock:
            if self._closed:
                return ToolResult(False, "Error: the API session is closed; please retry.", "infra")
            with Session(self._replica.engine) as db:
                try:
                    value = fn.fn(db, **arguments)
                    if fn.kind == "write":
                        db.commit()
                    else:
                        db.rollback()
                except ApiError as exc:
                    db.rollback()
                    return ToolResult(False, f"Error: {exc}", "api_error", time.perf_counter() - start)
                except Exception as exc:  # a tool bug is ours: report it, never raise into step()
                    db.rollback()
                    return ToolResult(
                        False,
                        f"Error: tool {name!r} failed internally; please retry.",
                        "infra",
                        time.perf_counter() - start,
                        {"exception": repr(exc)},
                    )
        content = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        return ToolResult(True, content, None, time.perf_counter() - start)

    def state_hash(self) -> str:
        with self._lock:
            if self._closed:
                raise ServiceError("the API session is closed")
            return state_hash(self._replica.conn, self.domain.metadata)

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self._template.release(self._replica)


class LocalBackend(ApiBackend):
    """The in-process fast path: sessions are template copies in this process."""

    def __init__(self, domain: Domain | str) -> None:
        super().__init__()
        self.domain = get_domain(domain)
        self.template = TemplateDB(self.domain.metadata, self.domain.seed())

    @property
    def specs(self) -> tuple[ToolSpec, ...]:
        return self.domain.specs

    def open_session(self) -> LocalSession:
        return LocalSession(self.domain, self.template)


def local_backend(domain: Domain | str) -> LocalBackend:
    """The process-wide :class:`LocalBackend` of a domain (its template is built once per process)."""
    return _cached_backend(get_domain(domain))


@lru_cache(maxsize=None)
def _cached_backend(domain: Domain) -> LocalBackend:
    return LocalBackend(domain)
