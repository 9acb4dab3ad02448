"""The search tool: Search-R1 rendering, empty results, argument checks and service failures."""

from toolgym.errors import EndpointError
from toolgym.search.base import Hit, Retriever
from toolgym.search.bm25 import BM25Retriever
from toolgym.search.tool import SearchTool, render_hits


class DownRetriever(Retriever):
    """A retriever whose service is unreachable."""

    def search_batch(self, queries, k=5):
        raise EndpointError("connection refused")


def test_renders_documents(passages):
    tool = SearchTool(BM25Retriever(passages), k=2)
    res = tool({"query": "who founded Kestrel Dynamics"})
    assert res.ok and res.content.startswith("Doc 1 (Title: Kestrel Dynamics) Kestrel Dynamics is a company")
    assert len(res.content.splitlines()) == 2 and res.metadata["passage_ids"][0] == "p0"


def test_long_passages_are_cut_and_no_hits_is_not_an_error():
    hit = Hit("a", "T", "w" * 50, 1.0, 1)
    assert render_hits([hit], max_passage_chars=10) == "Doc 1 (Title: T) " + "w" * 9 + "…"
    assert render_hits([]) == "No passages found for this query."


def test_bad_arguments_are_the_policys_fault(passages):
    tool = SearchTool(BM25Retriever(passages))
    for args in ({"query": ""}, {"query": "   "}, {"q": "x"}, {"query": "x" * 1001}):
        res = tool(args)
        assert not res.ok and res.error_kind == "invalid_arguments", args


def test_service_failure_is_infra():
    res = SearchTool(DownRetriever())({"query": "anything"})
    assert not res.ok and res.is_infra and "connection refused" in res.metadata["exception"]
