"""The ``toolgym search`` command group, kept import-light: the service loads only when it runs.

``toolgym search serve [--passages FILE | --scale S] [--backend numpy|numba] [--dense-model DIR]
[--host H] [--port P]`` serves a retriever over HTTP (see :mod:`toolgym.search.service`).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def add_serve_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``toolgym search serve``."""
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--passages", help="a passages JSONL file ({id, title, text} per line); default: the ToolGym encyclopedia")
    p.add_argument("--seed", type=int, default=0, help="encyclopedia seed (default 0)")
    p.add_argument("--scale", type=float, default=1.0, help="encyclopedia scale: 1 is about 6.5k passages, 16 about 100k")
    p.add_argument("--index-dir", help="where to cache the BM25 index of --passages (default: next to the file)")
    p.add_argument("--backend", choices=["numpy", "numba"], default="numpy",
                   help="BM25 scoring backend: numba is much faster on large corpora (needs numba; compiles at start)")
    p.add_argument("--dense-model", help="a local model2vec model directory: serve dense retrieval instead of BM25")
    p.add_argument("--log-level", default="warning")


def add_subcommands(sub: Any) -> None:
    """Register ``serve`` under a ``toolgym search`` subparsers object."""
    add_serve_arguments(sub.add_parser("serve", help="serve BM25 or dense retrieval over HTTP (batch endpoint included)"))


def serve(args: argparse.Namespace) -> int:
    """Run ``toolgym search serve`` with parsed arguments.

    Checked first, each failing with one line that names the fix: the ``search`` extra (and
    ``search-dense`` for ``--dense-model``, ``search-fast`` for ``--backend numba``), the
    ``--dense-model`` directory, and that ``--port`` is free (before the index loads).
    """
    from toolgym.cli_args import UsageError, check_port_free
    from toolgym.extras import require

    for module in ("fastapi", "uvicorn", "pydantic", "bm25s", "Stemmer"):
        require(module, "search", "toolgym search serve")
    if args.backend == "numba":
        require("numba", "search-fast", "--backend numba")
    if args.dense_model:
        require("model2vec", "search-dense", "--dense-model")
        if not (Path(args.dense_model) / "config.json").is_file():
            raise UsageError(
                f"--dense-model {args.dense_model}: not a local model2vec model directory (no config.json); "
                "pass a directory saved by model2vec's save_pretrained (models are never downloaded), "
                "or leave --dense-model out to serve BM25"
            )
    check_port_free(args.host, args.port)
    from toolgym.search.service import run_server

    return run_server(args)
