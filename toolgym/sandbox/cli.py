"""``toolgym sandbox build`` and ``toolgym sandbox gc``: the Docker sandboxes' command line.

``build [IMAGE...] [--base IMAGE] [--force] [--wheelhouse DIR]`` builds the images of
``sandboxes/`` (all by default), skipping those already built from the same content.
``gc [--all] [--dry-run]`` removes ToolGym containers whose owner process is gone (``--all``:
every ToolGym container of the engine, in use or not).

The main ``toolgym`` parser mounts these with :func:`add_parser` and dispatches with
:func:`run`; ``python -m toolgym.sandbox.cli`` runs them on their own (CI setup uses that).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any
from collections.abc import Sequence

from toolgym.errors import SandboxError
from toolgym.sandbox.images import DEFAULT_BASE, build_image, image_names


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``sandbox`` command (with ``build`` and ``gc``) to a subparsers action."""
    parser = subparsers.add_parser("sandbox", help="build Docker sandbox images, remove leftover containers")
    commands = parser.add_subparsers(dest="sandbox_command", required=True)
    build = commands.add_parser("build", help="build the sandbox images in sandboxes/")
    build.add_argument("images", nargs="*", metavar="IMAGE", help="image folders to build (default: all)")
    build.add_argument("--base", default=DEFAULT_BASE,
                       help=f"base image, local or pullable (default: {DEFAULT_BASE}; offline: toolgym-base:bookworm)")
    build.add_argument("--force", action="store_true", help="rebuild even when the image is up to date")
    build.add_argument("--wheelhouse", metavar="DIR", help="take wheels only from this directory (no index)")
    gc = commands.add_parser("gc", help="remove ToolGym containers whose owner process is gone")
    gc.add_argument("--all", action="store_true", help="remove every ToolGym container, also those in use")
    gc.add_argument("--dry-run", action="store_true", help="only list what would be removed")
    return parser


def run(args: argparse.Namespace) -> int:
    """Run a parsed ``sandbox`` command; the exit status."""
    try:
        if args.sandbox_command == "build":
            return cmd_build(args)
        return cmd_gc(args)
    except SandboxError as exc:
        print(f"toolgym sandbox {args.sandbox_command}: {exc}", file=sys.stderr)
        return 1


def cmd_build(args: argparse.Namespace) -> int:
    """Build the requested images (all by default), printing progress."""
    for name in args.images or image_names():
        result = build_image(name, base=args.base, force=args.force, wheelhouse=args.wheelhouse, log=print)
        state = "built" if result.built else "up to date"
        print(f"{result.tag}: {state} (content {result.content_hash[:12]}, base {args.base})")
    return 0


def cmd_gc(args: argparse.Namespace) -> int:
    """Remove orphaned (or, with ``--all``, all) ToolGym containers and list them."""
    from toolgym.sandbox.containers import docker_api
    from toolgym.sandbox.reaper import reap

    removed = reap(docker_api(), everything=args.all, dry_run=args.dry_run)
    verb = "would remove" if args.dry_run else "removed"
    for container_id in removed:
        print(f"{verb} {container_id[:12]}")
    print(f"{verb} {len(removed)} container(s)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m toolgym.sandbox.cli", description=__doc__.splitlines()[0])
    add_parser(parser.add_subparsers(dest="command", required=True))
    return run(parser.parse_args(["sandbox", *(sys.argv[1:] if argv is None else argv)]))


if __name__ == "__main__":
    raise SystemExit(main())
