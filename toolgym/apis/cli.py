"""Command line for the API service: ``python -m toolgym.apis serve --domain retail --port 8080``.

``add_subcommands`` installs the same ``serve`` command under another parser, so the main
``toolgym`` CLI can offer it as ``toolgym api serve``. The command binds the socket itself and
prints ``serving DOMAIN at URL`` once it is listening (``--port 0`` picks a free port), which is
what scripts and containers wait for. Bad input (an unknown domain, a port in use, a missing
``apis`` extra) fails with one line that names the fix.
"""

from __future__ import annotations

import argparse
import errno
import sys
from typing import Sequence

from toolgym.cli_args import UsageError, add_api_serve_arguments, port_in_use
from toolgym.errors import ToolGymError
from toolgym.extras import require


def add_subcommands(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add ``serve`` to a subparsers object."""
    s = sub.add_parser("serve", help="serve a domain's tools over HTTP (one fresh database per session)")
    add_api_serve_arguments(s)


def serve(args: argparse.Namespace) -> int:
    """Run the service until interrupted (Ctrl-C / SIGINT exits with status 0).

    The service module is imported here: only serving needs FastAPI and uvicorn (extra ``apis``).
    """
    for module in ("sqlalchemy", "fastapi", "uvicorn", "pydantic"):
        require(module, "apis", "toolgym api serve")
    from toolgym.apis.backend import LocalBackend
    from toolgym.apis.service import base_url, bind_socket, make_server

    try:
        backend = LocalBackend(args.domain)
    except ValueError as exc:
        raise UsageError(f"--domain: {exc}") from None
    try:
        sock = bind_socket(args.host, args.port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise port_in_use(args.host, args.port) from None
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}; check --host and --port") from None
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
    try:
        return serve(parser.parse_args(argv))
    except ToolGymError as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
