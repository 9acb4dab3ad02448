"""Argument types and checks shared by ToolGym's command lines.

Every check here fails with one line that says what to type instead: argparse types raise
``argparse.ArgumentTypeError`` (argparse prints ``error: ...``), the rest raise :class:`UsageError`,
which the ``toolgym`` command prints without a traceback.
"""

from __future__ import annotations

import argparse
import errno
import json
import socket
from typing import Any

from toolgym.errors import ToolGymError


class UsageError(ToolGymError):
    """Raised for a command-line value that cannot work; the message names the fix."""


def key_value(text: str) -> tuple[str, Any]:
    """``KEY=VALUE`` for repeatable ``--env-arg`` flags: the value is JSON when it parses, else text."""
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    try:
        return key, json.loads(value)
    except json.JSONDecodeError:
        return key, value


def positive_int(text: str) -> int:
    """An integer >= 1 (``--episodes``, ``--trials``)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def port_in_use(host: str, port: int) -> UsageError:
    """The error for a TCP port that another process holds."""
    return UsageError(
        f"port {port} on {host} is already in use: stop the process holding it, or pick another with "
        "--port N (--port 0 picks a free one)"
    )


def check_port_free(host: str, port: int) -> None:
    """Raise :class:`UsageError` now (before a slow start-up) when ``host:port`` cannot be bound."""
    if port == 0:
        return
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise port_in_use(host, port) from None
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}; check --host and --port") from None
    finally:
        sock.close()


def add_api_serve_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``toolgym api serve`` (here, so the main CLI builds them without importing the service)."""
    p.add_argument("--domain", required=True, help="a built-in domain (retail, travel) or module:attribute")
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (0.0.0.0 in a container)")
    p.add_argument("--port", type=int, default=8080, help="TCP port (0 = any free port)")
    p.add_argument("--max-sessions", type=int, default=4096, help="most concurrently open sessions")
    p.add_argument("--idle-ttl", type=float, default=3600.0, help="drop sessions idle this many seconds")
