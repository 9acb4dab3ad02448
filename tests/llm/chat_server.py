"""A real OpenAI-compatible chat-completions HTTP server on loopback, for tests.

Each POST to ``/v1/chat/completions`` pops the next behaviour from a script: a reply text, a whole
assistant message (a dict, e.g. with structured ``tool_calls``), an HTTP
status to return, ``"hang"`` (sleep past the client's timeout) or ``"garbage"`` (malformed JSON).
When the script is empty it answers with ``default`` text. Requests are recorded.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class ChatServer:
    """Start with ``with ChatServer(script) as srv:``; ``srv.base_url`` ends in ``/v1``."""

    def __init__(self, script: list[Any] | None = None, default: str = "<answer>0</answer>", hang_s: float = 3.0):
        self.script = list(script or [])
        self.default = default
        self.hang_s = hang_s
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with server._lock:
                    server.requests.append(body)
                    step = server.script.pop(0) if server.script else server.default
                if step == "hang":
                    time.sleep(server.hang_s)
                    step = server.default
                if isinstance(step, int):
                    self._send(step, b'{"error": "scripted failure"}')
                elif step == "garbage":
                    self._send(200, b'{"choices": [ this is not json')
                else:
                    message = step if isinstance(step, dict) else {"role": "assistant", "content": step}
                    payload = {"choices": [{"index": 0, "message": message}]}
                    self._send(200, json.dumps(payload).encode())

            def _send(self, code: int, data: bytes) -> None:
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def __enter__(self) -> "ChatServer":
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
