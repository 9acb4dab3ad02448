"""Command line for the API service: ``python -m toolgym.apis serve --domain retail --port 8080``.

``add_subcommands`` installs the same ``serve`` command under another parser, so the main
``toolgym`` CLI can offer it as ``toolgym api serve``. The command binds the socket itself and
prints ``serving DOMAIN at URL`` once it is listening (``--port 0`` picks a free port), which is
what scripts and containers wait for.
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from toolgym.apis.backend import LocalBackend
from toolgym.apis.domain import DOMAINS


def add_subcommands(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add ``serve`` to a subparsers object."""
    s = sub.add_parser("serve", help="serve a domain's tools over HTTP (one fresh database per session)")
    s.add_argument("--domain", required=True, help=f"built-in ({', '.join(sorted(DOMAINS))}) or module:attribute")
    s.add_argument("--host", default="127.0.0.1", help="interface to bind (0.0.0.0 in a container)")
    s.add_argument("--port", type=int, default=8080, help="TCP port (0 = any free port)")
    s.add_argument("--max-sessions", type=int, default=4096, help="most concurrently open sessions")
    s.add_argument("--idle-ttl", type=float, default=3600.0, help="drop sessions idle this many seconds")


def serve(args: argparse.Namespace) -> int:
    """Run the service until interrupted (Ctrl-C / SIGINT exits with status 0).

    The service module is imported here: only serving needs FastAPI and uvicorn (extra ``apis``).
    """
    from toolgym.apis.service import base_url, bind_socket, make_server

    backend = LocalBackend(args.domain)
    sock = bind_socket(args.host, args.port)
    server = make_server(backend, max_sessions=args.max_sessions, idle_ttl_s=args.idle_ttl)
    print(f"serving {backend.domain.name} at {base_url(sock)}", flush=True)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn shuts down gracefully, then re-raises Ctrl-C
        pass
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m toolgym.apis", description=__doc__.splitlines()[0])
    add_subcommands(parser.add_subparsers(dest="command", required=True))
    return serve(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
