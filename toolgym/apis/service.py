"""The HTTP API service: a domain's tools over FastAPI, one private database per session.

Routes (JSON):

- ``GET /health`` -> ``{"status": "ok", "domain", "sessions"}``
- ``GET /tools`` -> the tool specs (name, description, JSON-Schema parameters, read/write kind)
- ``POST /sessions`` -> ``{"session_id"}``: a fresh copy of the domain database
- ``POST /sessions/{id}/call`` with ``{"name", "arguments"}`` -> ``{"ok", "content", "error_kind"}``
- ``GET /sessions/{id}/hash`` -> ``{"hash"}``
- ``DELETE /sessions/{id}``

The service wraps a :class:`~toolgym.apis.backend.LocalBackend`, so HTTP and in-process calls
share one implementation. Sessions idle longer than ``idle_ttl_s`` are dropped, and at most
``max_sessions`` live at once (503 beyond that), so crashed clients cannot exhaust memory.
Start it with ``python -m toolgym.apis serve --domain retail --port 8080`` (see
``toolgym.apis.cli``), or in-process with :class:`ServiceThread`.
"""

from __future__ import annotations

import socket
import threading
import time
import uuid
from typing import Any

import uvicorn
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, Field

from toolgym.apis.backend import LocalBackend, LocalSession


class CallRequest(BaseModel):
    """Body of ``POST /sessions/{id}/call``."""

    name: str
    arguments: Any = Field(default_factory=dict)


class SessionStore:
    """Live sessions by id, with an idle timeout and a cap."""

    def __init__(self, backend: LocalBackend, max_sessions: int, idle_ttl_s: float) -> None:
        self.backend = backend
        self.max_sessions = max_sessions
        self.idle_ttl_s = idle_ttl_s
        self._sessions: dict[str, LocalSession] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._sessions)

    def create(self) -> str:
        now = time.monotonic()
        with self._lock:
            stale = [k for k, s in self._sessions.items() if now - s.last_used > self.idle_ttl_s]
            for key in stale:
                self._sessions.pop(key).close()
            if len(self._sessions) >= self.max_sessions:
                raise HTTPException(503, f"too many open sessions ({self.max_sessions}); close some first")
            session_id = uuid.uuid4().hex
            self._sessions[session_id] = self.backend.open_session()
        return session_id

    def get(self, session_id: str) -> LocalSession:
        with self._lock:
            session = self._sessions.get(session_id)
        if session is None:
            raise HTTPException(404, f"no session {session_id!r} (expired or closed)")
        return session

    def drop(self, session_id: str) -> bool:
        with self._lock:
            session = self._sessions.pop(session_id, None)
        if session is not None:
            session.close()
        return session is not None


def create_app(backend: LocalBackend, *, max_sessions: int = 4096, idle_ttl_s: float = 3600.0) -> FastAPI:
    """The FastAPI application serving ``backend``'s domain."""
    store = SessionStore(backend, max_sessions, idle_ttl_s)
    app = FastAPI(title=f"ToolGym {backend.domain.name} API", version="1")
    specs = [s.to_dict() for s in backend.specs]

    @app.get("/health")
    def health() -> dict[str, Any]:
        return {"status": "ok", "domain": backend.domain.name, "sessions": len(store)}

    @app.get("/tools")
    def tools() -> list[dict[str, Any]]:
        return specs

    @app.post("/sessions")
    def open_session() -> dict[str, str]:
        return {"session_id": store.create()}

    @app.post("/sessions/{session_id}/call")
    def call(session_id: str, body: CallRequest) -> dict[str, Any]:
        result = store.get(session_id).call(body.name, body.arguments)
        return {"ok": result.ok, "content": result.content, "error_kind": result.error_kind}

    @app.get("/sessions/{session_id}/hash")
    def state_hash(session_id: str) -> dict[str, str]:
        return {"hash": store.get(session_id).state_hash()}

    @app.delete("/sessions/{session_id}")
    def close_session(session_id: str) -> dict[str, bool]:
        return {"closed": store.drop(session_id)}

    return app


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket (``port=0`` picks a free port)."""
    # proto=IPPROTO_TCP matters: asyncio sets TCP_NODELAY only on such sockets, and without it
    # every keep-alive response waits ~40 ms for a delayed ACK (Nagle).
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def base_url(sock: socket.socket) -> str:
    """``http://host:port`` of a bound socket."""
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def make_server(backend: LocalBackend, **app_kwargs: Any) -> uvicorn.Server:
    """A uvicorn server for ``backend`` with quiet logs (uvicorn installs signal handlers only on the main thread)."""
    config = uvicorn.Config(create_app(backend, **app_kwargs), log_level="warning", access_log=False)
    return uvicorn.Server(config)


class ServiceThread:
    """Serve a backend from a background thread: ``with ServiceThread(backend) as url: ...``."""

    def __init__(self, backend: LocalBackend, host: str = "127.0.0.1", port: int = 0, **app_kwargs: Any) -> None:
        self._sock = bind_socket(host, port)
        self.url = base_url(self._sock)
        self._server = make_server(backend, **app_kwargs)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True)

    def __enter__(self) -> str:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the API service thread did not start")
            time.sleep(0.01)
        return self.url

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()
