"""The ``search`` and ``apis`` images as ordinary HTTP services, standard library only.

On a host with networking, the same image that ToolGym drives over an attached stream also serves
the HTTP API that :class:`~toolgym.search.client.RetrieverClient` (``SearchQA-v1(service_url=...)``)
and :class:`~toolgym.apis.client.HttpBackend` (``Retail-v1(api_url=...)``) speak, without FastAPI:

    docker run --rm -p 8000:8000 -v "$INDEX:/data/index:ro" --entrypoint python3 toolgym/search \\
        /opt/toolgym/service_http.py search --index /data/index --port 8000
    docker run --rm -p 8001:8000 --entrypoint python3 toolgym/apis \\
        /opt/toolgym/service_http.py api --domain toolgym_envs.retail.domain:DOMAIN --port 8000

Requests run one at a time through :mod:`service_runtime` (the code the sandboxed path runs).
Routes: ``GET /health``; search: ``POST /search/batch`` ``{"queries", "k"}`` -> ``{"results"}``;
api: ``GET /tools``, ``POST /sessions``, ``POST /sessions/{id}/call``, ``GET /sessions/{id}/hash``,
``DELETE /sessions/{id}``.

>>> parse_args(["search", "--index", "/data/index"]).port
8000
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

if __package__:  # imported as toolgym.sandbox.service_http (tests, doctests)
    from toolgym.sandbox import service_runtime as runtime
else:  # run as a script in an image, beside service_runtime.py
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import service_runtime as runtime

#: Largest request body accepted, bytes.
MAX_BODY_BYTES = 8 * 1024 * 1024


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="ToolGym's search or API image as an HTTP service")
    parser.add_argument("service", choices=("search", "api"))
    parser.add_argument("--index", help="search: the BM25 index directory")
    parser.add_argument("--domain", help="api: the domain as module:attribute")
    parser.add_argument("--host", default="0.0.0.0")
    parser.add_argument("--port", type=int, default=8000)
    return parser.parse_args(argv)


class _Service:
    """Maps the HTTP routes onto :func:`service_runtime` requests (one at a time)."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.lock = threading.Lock()

    def run(self, request: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            handler = runtime.HANDLERS[request["op"]]
            return handler(request)

    def route(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        parts = [p for p in path.split("?")[0].split("/") if p]
        if method == "GET" and parts == ["health"]:
            return 200, {"status": "ok", "service": self.args.service}
        if self.args.service == "search" and method == "POST" and parts == ["search", "batch"]:
            reply = self.run({"op": "search", "index": self.args.index, "queries": list(body["queries"]),
                              "k": int(body.get("k", 5))})
            return 200, {"results": reply["hits"]}
        if self.args.service != "api":
            return 404, {"detail": "not found"}
        if method == "GET" and parts == ["tools"]:
            return 200, [s.to_dict() for s in runtime._backend(self.args.domain).specs]
        if method == "POST" and parts == ["sessions"]:
            return 200, {"session_id": self.run({"op": "api.open", "domain": self.args.domain})["session"]}
        if len(parts) >= 2 and parts[0] == "sessions":
            session = parts[1]
            if session not in runtime._STATE["sessions"]:
                return 404, {"detail": f"no session {session}"}
            if method == "POST" and parts[2:] == ["call"]:
                result = self.run({"op": "api.call", "session": session, "name": body["name"],
                                   "arguments": body.get("arguments", {})})["result"]
                return 200, {"ok": result["ok"], "content": result["content"], "error_kind": result["error_kind"]}
            if method == "GET" and parts[2:] == ["hash"]:
                return 200, {"hash": self.run({"op": "api.hash", "session": session})["hash"]}
            if method == "DELETE" and not parts[2:]:
                self.run({"op": "api.close", "session": session})
                return 200, {"closed": True}
        return 404, {"detail": "not found"}


def make_server(args: argparse.Namespace) -> ThreadingHTTPServer:
    """A server for ``args`` (not yet serving); ``server.server_address`` says where it listens."""
    service = _Service(args)

    class Handler(BaseHTTPRequestHandler):
        def _serve(self, method: str) -> None:
            try:
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_BODY_BYTES:
                    status, reply = 413, {"detail": "request too large"}
                else:
                    body = json.loads(self.rfile.read(length) or b"null") if length else None
                    status, reply = service.route(method, self.path, body)
            except (ValueError, KeyError, TypeError) as exc:
                status, reply = 422, {"detail": f"bad request: {exc}"}
            except Exception as exc:  # noqa: BLE001 - a service bug is a 500, never a dead server
                status, reply = 500, {"detail": f"{type(exc).__name__}: {exc}"}
            data = json.dumps(reply).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def do_DELETE(self) -> None:
            self._serve("DELETE")

        def log_message(self, format: str, *args: Any) -> None:
            return None

    return ThreadingHTTPServer((args.host, args.port), Handler)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if (args.service == "search") != bool(args.index) or (args.service == "api") != bool(args.domain):
        raise SystemExit("search needs --index, api needs --domain")
    server = make_server(args)
    print(f"listening on {server.server_address[0]}:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
