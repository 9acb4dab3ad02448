"""``toolgym serve ENV_ID``: the command line of :mod:`toolgym.integrations.openenv_server`.

Kept apart from the server so that building the ``toolgym`` parser never imports ``openenv``;
a missing extra fails at run time with one line naming ``pip install 'toolgym[openenv]'``.
"""

from __future__ import annotations

import argparse
from typing import Any

from toolgym.cli_args import key_value, positive_int


def add_parser(sub: Any) -> None:
    """Add ``serve`` to the ``toolgym`` subcommands."""
    s = sub.add_parser("serve", help="serve any ToolGym env over OpenEnv's protocol (openenv-core clients drive it)")
    s.add_argument("env_id", help="e.g. ToolGym/MathTIR-v1 (toolgym list)")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000, help="0 = any free port")
    s.add_argument("--max-sessions", type=positive_int, default=64, help="concurrent WebSocket sessions (one env each)")
    s.add_argument("--session-timeout", type=float, default=600.0,
                   help="close a session idle this many seconds (0 = never)")
    s.add_argument("--env-arg", action="append", default=[], type=key_value, metavar="KEY=VALUE",
                   help="extra keyword for gym.make (JSON values), repeatable")


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted."""
    from toolgym.integrations.openenv_server import serve

    serve(
        args.env_id,
        host=args.host,
        port=args.port,
        env_kwargs=dict(args.env_arg),
        max_sessions=args.max_sessions,
        session_timeout_s=args.session_timeout or None,
    )
    return 0
