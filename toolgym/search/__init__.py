"""Search for agents: passages, BM25 (bm25s) and dense retrievers, an HTTP service and client,
the ``search`` tool, and QA rewards (normalized exact match, token F1, OTC efficiency)."""

from toolgym.search.base import Hit, Retriever
from toolgym.search.bm25 import BM25Retriever
from toolgym.search.client import RetrieverClient
from toolgym.search.corpus import Passage, read_passages, write_passages
from toolgym.search.dense import DenseRetriever, load_model2vec
from toolgym.search.qa import ExactMatchReward, F1Reward, OTCReward, exact_match, normalize_answer, token_f1
from toolgym.search.tool import SearchTool, render_hits

__all__ = [
    "BM25Retriever",
    "DenseRetriever",
    "ExactMatchReward",
    "F1Reward",
    "Hit",
    "OTCReward",
    "Passage",
    "Retriever",
    "RetrieverClient",
    "SearchTool",
    "exact_match",
    "load_model2vec",
    "normalize_answer",
    "read_passages",
    "render_hits",
    "token_f1",
    "write_passages",
]
