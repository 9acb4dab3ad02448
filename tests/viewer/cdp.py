"""A minimal Chrome DevTools Protocol client over ``--remote-debugging-pipe`` (no websocket, no extra package).

Chromium reads NUL-terminated JSON commands from fd 3 and writes replies and events to fd 4. Used to
type into the report and press keys on its filters, as a user would.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from typing import Any


class PipeBrowser:
    """A headless chromium showing one URL, attached to its page; close it with :meth:`close`."""

    def __init__(self, binary: str, flags: list[str], url: str) -> None:
        self._profile = tempfile.TemporaryDirectory()
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        # bash (dash takes one-digit fds only) moves our pipe ends to the child's fds 3 and 4, then becomes chromium (no preexec_fn)
        redirect = f'exec "$0" "$@" 3<&{to_browser_r} 4>&{from_browser_w}'
        self.proc = subprocess.Popen(
            ["bash", "-c", redirect, binary, *flags, f"--user-data-dir={self._profile.name}", "--remote-debugging-pipe", url],
            pass_fds=(to_browser_r, from_browser_w), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        targets = self.send("Target.getTargets")["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        self._session = self.send("Target.attachToTarget", {"targetId": page["targetId"], "flatten": True})["sessionId"]

    def send(self, method: str, params: dict[str, Any] | None = None, page: bool = False) -> dict[str, Any]:
        """Send one command (to the page's session when ``page``) and return its result."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if page:
            message["sessionId"] = self._session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            while b"\0" not in self._buffer:
                chunk = os.read(self._from_browser, 1 << 16)
                if not chunk:
                    raise RuntimeError("the browser closed its pipe")
                self._buffer += chunk
            raw, self._buffer = self._buffer.split(b"\0", 1)
            reply = json.loads(raw)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page."""
        return self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, page=True)["result"].get("value")

    def wait_for(self, expression: str, timeout_s: float = 20.0) -> Any:
        """Poll until ``expression`` is truthy; return its value."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.05)
        raise TimeoutError(expression)

    def type_text(self, text: str) -> None:
        """Type ``text`` into the focused element, as keyboard input."""
        self.send("Input.insertText", {"text": text}, page=True)

    def press(self, key: str, code: int) -> None:
        """Press and release one key (``"ArrowDown"``, 40) on the focused element."""
        for kind in ("keyDown", "keyUp"):
            self.send("Input.dispatchKeyEvent", {"type": kind, "key": key, "code": key, "windowsVirtualKeyCode": code}, page=True)

    def close(self) -> None:
        """Close the browser and its pipes."""
        try:
            self.send("Browser.close")
        except (RuntimeError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)
        self._profile.cleanup()
