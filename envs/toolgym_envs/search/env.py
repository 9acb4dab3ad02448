"""``ToolGym/SearchQA-v1``: multi-hop question answering with a search engine, in Search-R1's format.

The policy writes ``<search>query</search>``, reads ``<information>…</information>``, and ends with
``<answer>…</answer>``. The reward is normalized exact match of the last answer (``correct``,
weight 1), with token F1 and the format term logged at weight 0. With ``otc=True`` the paid term is
OTC's efficiency reward instead (``r_tool(m, n) * EM``, ``n`` = the task's number of hops) and
``correct`` is logged at weight 0.

The retriever is BM25 over the generated encyclopedia by default (shared by every env in the
process); ``service_url`` uses a running retriever service instead, and ``retriever`` takes any
:class:`~toolgym.search.base.Retriever` (for example a :class:`~toolgym.search.dense.DenseRetriever`).
``sandbox="docker" | "local" | "auto"`` (default ``$TOOLGYM_SANDBOX``, else local) says where the
built-in BM25 retriever runs: in the ``search`` image's container or in this process.
"""

from __future__ import annotations

from typing import Sequence

from toolgym.cache import cache_dir
from toolgym.env import ToolEnv
from toolgym.parsers import ToolCallParser, XMLTagParser, get_parser
from toolgym.rewards.base import Component, Rubric, tool_call_count
from toolgym.rewards.format import FormatReward
from toolgym.sandbox.selection import resolve_kind
from toolgym.sandbox.services import SEARCH_IMAGE
from toolgym.search.base import Retriever
from toolgym.search.client import RetrieverClient
from toolgym.search.qa import ExactMatchReward, F1Reward, OTCReward
from toolgym.search.sandboxed import SandboxedRetriever
from toolgym.search.tool import SearchTool
from toolgym.tasks import Task, TaskSet
from toolgym_envs.search.prompts import PREAMBLE
from toolgym_tasks.search import DEFAULT_SEED, bm25_index, load_tasks
from toolgym_tasks.search.dataset import DATA_VERSION

SPLITS = ("train", "test", "all")


def search_tasks(split: str = "train") -> TaskSet:
    """The built-in SearchQA tasks of one split (``train``, ``test`` or ``all``)."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    tasks = load_tasks()
    return tasks if split == "all" else tasks.split(split)


def search_parser() -> XMLTagParser:
    """Search-R1's format: ``<search>`` calls, ``<information>`` results, ``<answer>``."""
    return XMLTagParser(tags={"search": ("search", "query")}, result_tag="information")



class SearchQAEnv(ToolEnv):
    """Search-augmented multi-hop QA over a fictional encyclopedia."""

    def __init__(
        self,
        *,
        split: str = "train",
        tasks: TaskSet | Sequence[Task] | None = None,
        retriever: Retriever | None = None,
        service_url: str | None = None,
        top_k: int = 3,
        bm25_backend: str = "numpy",
        otc: bool = False,
        otc_c: float = 1.0,
        parser: str | ToolCallParser = "xml",
        max_turns: int = 6,
        max_tool_calls: int = 1,
        max_observation_chars: int = 4096,
        render_mode: str | None = None,
        sandbox: str | None = None,
    ) -> None:
        if retriever is not None and service_url is not None:
            raise ValueError("pass either retriever or service_url, not both")
        self._client = RetrieverClient(service_url) if service_url else None
        backend = retriever or self._client
        if backend is None:
            index = bm25_index(DEFAULT_SEED, 1.0, bm25_backend)
            # sandbox="docker" (or "auto" with Docker, or $TOOLGYM_SANDBOX): the same index, searched
            # in the ``search`` image's container (docs/sandboxes.md); else in this process.
            if resolve_kind(sandbox, SEARCH_IMAGE) == "docker":
                folder = cache_dir() / "search" / f"encyclopedia-v{DATA_VERSION}-seed{DEFAULT_SEED}-scale1-bm25"
                self._client = backend = SandboxedRetriever(folder)
            else:
                backend = index
        self.search_tool = SearchTool(backend, k=top_k)
        rubric = Rubric(
            [
                Component("correct", ExactMatchReward(), 0.0 if otc else 1.0),
                Component("f1", F1Reward(), 0.0),
                Component("format", FormatReward(), 0.0, requires="correct"),
                Component("searches", tool_call_count, 0.0),
                *([Component("otc", OTCReward(otc_c), 1.0)] if otc else []),
            ]
        )
        super().__init__(
            (tasks if isinstance(tasks, TaskSet) else TaskSet(tasks)) if tasks is not None else search_tasks(split),
            [self.search_tool],
            parser=search_parser() if parser == "xml" else get_parser(parser),
            rubric=rubric,
            preamble=PREAMBLE,
            max_turns=max_turns,
            max_tool_calls=max_tool_calls,
            max_observation_chars=max_observation_chars,
            render_mode=render_mode,
        )

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        super().close()
