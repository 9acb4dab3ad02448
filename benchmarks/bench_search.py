"""Retriever latency and throughput: BM25 over the generated encyclopedia at ~5k and ~100k passages,
in process and over HTTP (a ``toolgym search serve`` subprocess on loopback).

For each corpus size it reports the p50 latency of one query (k=5) and the queries per second of
batched search (``--batch`` queries per call, the HTTP batch endpoint), in process and over HTTP.
Both BM25 scoring backends are measured when numba is installed (numpy is the default; numba is
JIT-compiled). Baselines from the same run: in-process numpy for each corpus's ratios, and the 5k
corpus for the 100k ratios. Queries are the gold hop queries of questions generated on each corpus.
"""

from __future__ import annotations

import argparse
import importlib.util
import socket
import statistics
import subprocess
import sys
import time
from typing import Sequence

from toolgym.errors import EndpointError
from toolgym.search.base import Retriever
from toolgym.search.client import RetrieverClient
from toolgym_tasks.search import bm25_index, encyclopedia, knowledge_graph
from toolgym_tasks.search.questions import generate_questions

#: Corpus label -> encyclopedia scale (scale 1 is 6,460 passages).
SIZES = {"5k": 0.775, "100k": 15.5}


def hop_queries(scale: float, n: int) -> list[str]:
    """``n`` gold hop queries of questions generated on the corpus at ``scale``."""
    qs = generate_questions(knowledge_graph(0, scale), encyclopedia(0, scale), per_template=max(n // 20, 5), seed=1)
    return [h.query for q in qs for h in q.hops][:n]


def p50_latency_ms(retriever: Retriever, queries: Sequence[str]) -> float:
    for q in queries[:20]:
        retriever.search(q, 5)
    times = []
    for q in queries:
        start = time.perf_counter()
        retriever.search(q, 5)
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def batch_qps(retriever: Retriever, queries: Sequence[str], batch: int, repeats: int) -> float:
    """Median over ``repeats`` of queries per second when searching ``queries`` in batches."""
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        for i in range(0, len(queries), batch):
            retriever.search_batch(queries[i : i + batch], 5)
        rates.append(len(queries) / (time.perf_counter() - start))
    return statistics.median(rates)


def serve(scale: float, backend: str) -> tuple[subprocess.Popen, RetrieverClient]:
    """Start ``toolgym search serve`` for the encyclopedia at ``scale``; wait until it answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = "import sys; from toolgym.search.service import main; sys.exit(main(sys.argv[1:]))"
    argv = ["--scale", str(scale), "--port", str(port), "--backend", backend]
    proc = subprocess.Popen([sys.executable, "-c", code, *argv], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = RetrieverClient(f"http://127.0.0.1:{port}", timeout_s=60)
    deadline = time.monotonic() + 300
    while True:
        try:
            client.health()
            return proc, client
        except EndpointError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("the retriever service did not start") from None
            time.sleep(0.5)


def main(argv: list[str] | None = None) -> dict[str, float]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--queries", type=int, default=500, help="queries per measurement")
    ap.add_argument("--batch", type=int, default=64, help="queries per batch call")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    args = ap.parse_args(argv)
    backends = ["numpy"] + (["numba"] if importlib.util.find_spec("numba") else [])
    if "numba" not in backends:
        print("numba is not installed: only the numpy BM25 backend is measured")
    res: dict[str, float] = {}
    layers: list[str] = []
    for label in args.sizes:
        scale = SIZES[label]
        start = time.perf_counter()
        res[f"{label} passages"] = float(len(bm25_index(0, scale).passages))
        res[f"{label} index ready s"] = time.perf_counter() - start
        queries = hop_queries(scale, args.queries)
        for backend in backends:
            local = bm25_index(0, scale, backend)
            proc, client = serve(scale, backend)
            try:
                for where, retriever in (("in-process", local), ("HTTP", client)):
                    layer = f"{where} {backend}"
                    if layer not in layers:
                        layers.append(layer)
                    res[f"{label} {layer} p50 ms"] = p50_latency_ms(retriever, queries)
                    res[f"{label} {layer} qps"] = batch_qps(retriever, queries, args.batch, args.repeats)
            finally:
                client.close()
                proc.terminate()
                proc.wait(30)
    base = "in-process numpy"
    print(f"{'corpus':7s} {'passages':>9s} {'layer':17s} {'p50 ms':>8s} {'x base':>7s} {'batch qps':>10s} {'x base':>7s}")
    for label in args.sizes:
        for layer in layers:
            lat, qps = res[f"{label} {layer} p50 ms"], res[f"{label} {layer} qps"]
            base_lat, base_qps = res[f"{label} {base} p50 ms"], res[f"{label} {base} qps"]
            print(f"{label:7s} {int(res[f'{label} passages']):9d} {layer:17s} {lat:8.3f} {lat / base_lat:7.2f} {qps:10.0f} {qps / base_qps:7.2f}")
    if {"5k", "100k"} <= set(args.sizes):
        for layer in layers:
            lat = res[f"100k {layer} p50 ms"] / res[f"5k {layer} p50 ms"]
            qps = res[f"100k {layer} qps"] / res[f"5k {layer} qps"]
            print(f"100k vs 5k, {layer}: p50 latency x{lat:.2f}, batch qps x{qps:.2f}")
    for label in args.sizes:
        print(f"{label}: index ready in {res[f'{label} index ready s']:.1f} s (built or loaded from the cache)")
    return res


if __name__ == "__main__":
    main()
