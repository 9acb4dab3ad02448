"""``toolgym view TRAJ.jsonl... [-o report.html] [--title TEXT]``: write the trajectory report.

The main ``toolgym`` parser mounts this with :func:`add_parser` and dispatches with :func:`run`.
"""

from __future__ import annotations

import argparse
from typing import Any

from toolgym.viewer import load_episodes, write_report


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``view`` command to a subparsers action."""
    parser = subparsers.add_parser(
        "view", help="write a static HTML report of trajectory files (from toolgym run --output)"
    )
    parser.add_argument("paths", nargs="+", metavar="TRAJ.jsonl", help="trajectory files written by toolgym run --output")
    parser.add_argument("-o", "--output", help="the HTML file to write (default: the first file with .html)")
    parser.add_argument("--title", help="the report's title")
    return parser


def run(args: argparse.Namespace) -> int:
    """Write the report; print where it went and how many episodes it holds."""
    out = write_report(args.paths, args.output, args.title)
    print(f"wrote {out} ({len(load_episodes(args.paths))} episodes)")
    return 0
