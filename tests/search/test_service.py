"""The retriever over HTTP: a real uvicorn server on loopback, the httpx client, the batch endpoint,
request validation, failures as EndpointError, and the ``toolgym search serve`` entry point."""

import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest
import uvicorn

from tests.llm.bad_server import DEADLINE_S, HOSTILE_REPLIES, SLACK_S, BadServer, timed
from toolgym.errors import EndpointError
from toolgym.search.bm25 import BM25Retriever
from toolgym.search.client import RetrieverClient
from toolgym.search.corpus import write_passages
from toolgym.search.service import create_app


@pytest.fixture
def server_url(passages):
    app = create_app(BM25Retriever(passages), size=len(passages))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


def test_client_matches_in_process_results(passages, server_url):
    local = BM25Retriever(passages)
    client = RetrieverClient(server_url)
    assert client.health() == {"status": "ok", "passages": len(passages), "retriever": "bm25"}
    queries = ["where was Marlo Venn born", "mayor of Oskar", "qqq nothing"]
    assert client.search_batch(queries, k=3) == local.search_batch(queries, k=3)
    assert client.search("capital of Norland", k=1)[0].id == "p4"
    assert client.search_batch([], k=3) == []
    client.close()


def test_single_endpoint_and_validation(server_url):
    with httpx.Client(base_url=server_url) as http:
        ok = http.post("/search", json={"query": "Sel River", "k": 2})
        assert ok.status_code == 200 and ok.json()["hits"][0]["title"] == "Brisk"
        assert http.post("/search", json={"query": "x", "k": 0}).status_code == 422
        assert http.post("/search/batch", json={"queries": [], "k": 3}).status_code == 422
        assert http.post("/search/batch", json={"queries": ["x"] * 513}).status_code == 422
    client = RetrieverClient(server_url)
    with pytest.raises(EndpointError, match="422"):
        client.search("x", k=500)
    client.close()


def test_unreachable_service_raises_endpoint_error():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = RetrieverClient(f"http://127.0.0.1:{port}", timeout_s=2)
    with pytest.raises(EndpointError):
        client.search("anything")
    with pytest.raises(EndpointError):
        client.health()


def test_serve_command(passages, tmp_path):
    """``toolgym search serve`` (``toolgym.search.service.main``) serves a passages file."""
    write_passages(passages, tmp_path / "corpus.jsonl")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = "import sys; from toolgym.search.service import main; sys.exit(main(sys.argv[1:]))"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "--passages", str(tmp_path / "corpus.jsonl"), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        client = RetrieverClient(f"http://127.0.0.1:{port}", timeout_s=2)
        deadline = time.monotonic() + 60
        while True:
            try:
                assert client.health()["passages"] == len(passages)
                break
            except EndpointError:
                assert proc.poll() is None, proc.stdout.read().decode()
                assert time.monotonic() < deadline, "serve did not come up"
                time.sleep(0.2)
        assert client.search("who founded Kestrel Dynamics", k=1)[0].id == "p0"
        assert (tmp_path / "corpus.bm25" / "toolgym_index.json").is_file()
        client.close()
    finally:
        proc.terminate()
        proc.wait(10)


def test_cli_subcommands_parse_like_the_serve_command():
    import argparse

    from toolgym.search.cli import add_subcommands
    from toolgym.search.service import build_parser

    top = argparse.ArgumentParser(prog="toolgym")
    search = top.add_subparsers(dest="command").add_parser("search")
    add_subcommands(search.add_subparsers(dest="search_command", required=True))
    args = top.parse_args(["search", "serve", "--port", "9001", "--backend", "numba", "--scale", "2"])
    assert (args.search_command, args.port, args.backend, args.scale, args.passages) == ("serve", 9001, "numba", 2.0, None)
    direct = build_parser().parse_args(["--port", "9001", "--backend", "numba", "--scale", "2"])
    assert {k: v for k, v in vars(args).items() if k not in ("command", "search_command")} == vars(direct)


@pytest.mark.parametrize("step", [s for _, s in HOSTILE_REPLIES], ids=[i for i, _ in HOSTILE_REPLIES])
def test_hostile_service_is_endpoint_error_within_the_deadline(step):
    with BadServer([step]) as srv:
        client = RetrieverClient(srv.url, timeout_s=DEADLINE_S, max_retries=3, backoff_s=0.05)
        exc, wall = timed(client.search, "who founded Kestrel Dynamics")
        client.close()
    assert isinstance(exc, EndpointError), repr(exc)
    assert wall <= DEADLINE_S + SLACK_S, f"{wall:.2f} s"


@pytest.mark.parametrize("results", [
    [[{"id": 1, "title": "t", "text": "x", "score": 1.0, "rank": 1}]],
    [[{"id": "a", "title": "t", "text": ["x"], "score": 1.0, "rank": 1}]],
    [[{"id": "a", "title": "t", "text": "x", "score": "high", "rank": 1}]],
    [["not a hit"]],
    [[], []],
    [[{"id": str(i), "title": "t", "text": "x", "score": 1.0, "rank": i} for i in range(9)]],
])
def test_wrongly_shaped_results_are_endpoint_errors(results):
    with BadServer([("json", {"results": results})]) as srv:
        with pytest.raises(EndpointError):
            RetrieverClient(srv.url, timeout_s=DEADLINE_S).search("q", k=3)


def test_search_env_step_reports_infra_for_a_hostile_service():
    """Through the env (the issue's case): nested JSON from the service is an infra_error, not a crash."""
    from toolgym_envs.search.env import SearchQAEnv

    with BadServer([("body", b"[" * 200_000)]) as srv:
        env = SearchQAEnv(retriever=RetrieverClient(srv.url, timeout_s=DEADLINE_S), split="test")
        env.reset(seed=0)
        _, _, _, _, info = env.step("<search>capital of Norland</search>")
        env.close()
    assert info["error"] == "infra_error" and info["tool_calls"][0]["error_kind"] == "infra"
