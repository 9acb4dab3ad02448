"""The retriever as an HTTP service (FastAPI + uvicorn), shared by many envs.

Endpoints:

* ``POST /search`` ``{"query": str, "k": int}`` -> ``{"hits": [hit, ...]}``
* ``POST /search/batch`` ``{"queries": [str, ...], "k": int}`` -> ``{"results": [[hit, ...], ...]}``
* ``GET /health`` -> ``{"status": "ok", "passages": N, "retriever": "bm25"}``

A hit is ``{"id", "title", "text", "score", "rank"}``. Bad requests (empty batch, ``k`` out of range,
too many queries) get HTTP 422 from the request models. Start it with
``toolgym search serve --port 8765`` (see :func:`main`), then point envs at it with
``gym.make("ToolGym/SearchQA-v1", service_url="http://127.0.0.1:8765")``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Sequence

from pydantic import BaseModel, Field

from toolgym.search.base import Retriever

MAX_K = 50
MAX_BATCH = 512
MAX_QUERY_CHARS = 1000


class SearchRequest(BaseModel):
    """Body of ``POST /search``."""

    query: str = Field(max_length=MAX_QUERY_CHARS)
    k: int = Field(default=5, ge=1, le=MAX_K)


class BatchRequest(BaseModel):
    """Body of ``POST /search/batch``."""

    queries: list[str] = Field(min_length=1, max_length=MAX_BATCH)
    k: int = Field(default=5, ge=1, le=MAX_K)


def create_app(retriever: Retriever, *, name: str = "bm25", size: int | None = None) -> Any:
    """A FastAPI app serving ``retriever``."""
    from fastapi import FastAPI

    app = FastAPI(title="ToolGym retriever", version="1")

    @app.get("/health")
    def health() -> dict[str, Any]:
        return {"status": "ok", "passages": size, "retriever": name}

    @app.post("/search")
    def search(req: SearchRequest) -> dict[str, Any]:
        return {"hits": [h.to_dict() for h in retriever.search(req.query, req.k)]}

    @app.post("/search/batch")
    def search_batch(req: BatchRequest) -> dict[str, Any]:
        return {"results": [[h.to_dict() for h in hits] for hits in retriever.search_batch(req.queries, req.k)]}

    return app


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``toolgym search serve`` (the options are defined in :mod:`toolgym.search.cli`)."""
    from toolgym.search.cli import add_serve_arguments

    p = argparse.ArgumentParser(prog="toolgym search serve", description="Serve a ToolGym retriever over HTTP.")
    add_serve_arguments(p)
    return p


def load_retriever(args: argparse.Namespace) -> tuple[Retriever, str, int]:
    """The retriever named by the CLI arguments, with its kind and size."""
    from toolgym.search.bm25 import BM25Retriever
    from toolgym.search.corpus import read_passages

    default_index = None
    if args.passages:
        passages = read_passages(args.passages)
    else:
        passages, default_index = default_corpus(args.seed, args.scale, args.backend)
    if args.dense_model:
        from toolgym.errors import ToolExecutionError, ToolGymError
        from toolgym.search.dense import DenseRetriever, load_model2vec

        try:
            model = load_model2vec(args.dense_model)
        except ToolGymError:
            raise
        except Exception as exc:  # a broken model directory, whatever model2vec raises: one line for the CLI
            raise ToolExecutionError(
                f"--dense-model {args.dense_model}: cannot load it as a model2vec model ({type(exc).__name__}: {exc})"
            ) from None
        return DenseRetriever(passages, model), "dense", len(passages)
    if not args.passages:
        retriever = default_index()
    else:
        index_dir = Path(args.index_dir) if args.index_dir else Path(args.passages).with_suffix(".bm25")
        retriever = BM25Retriever.cached(passages, index_dir, backend=args.backend)
    if args.backend == "numba":  # compile the scorer now, not on the first request
        retriever.search(passages[0].title, 1)
    return retriever, "bm25", len(passages)


def default_corpus(seed: int, scale: int, backend: str) -> tuple[list[Any], Any]:
    """The corpus an env family lends for ``toolgym search serve`` without ``--passages`` (the
    ``search_corpus`` resource of its spec, :mod:`toolgym.families`): passages and a function
    building their BM25 index."""
    from toolgym.errors import ToolGymError
    from toolgym.families import load_object, provided

    lenders = provided("search_corpus")
    if not lenders:
        raise ToolGymError("no installed env family provides a default search corpus: pass --passages FILE")
    return load_object(next(iter(lenders.values())))(seed, scale, backend)


def run_server(args: argparse.Namespace) -> int:
    """Load the retriever the arguments name, then serve it until interrupted."""
    import uvicorn

    retriever, kind, size = load_retriever(args)
    print(f"serving {kind} retriever over {size} passages on http://{args.host}:{args.port}", flush=True)
    uvicorn.run(create_app(retriever, name=kind, size=size), host=args.host, port=args.port, log_level=args.log_level)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``toolgym search serve [options]``: parse ``argv`` (the options after ``serve``) and serve."""
    return run_server(build_parser().parse_args(argv))
