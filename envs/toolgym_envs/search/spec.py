"""The env spec of ``ToolGym/SearchQA-v1``: declared in ``pyproject.toml`` under ``[project.entry-points."toolgym.envs"]``.

Imported only when the env is made or listed (see :mod:`toolgym.families`).
"""

from __future__ import annotations

from toolgym.families import EnvSpec
from toolgym.tasks import TaskSet


def tasks(split: str = "test") -> TaskSet:
    """The shipped tasks of ``ToolGym/SearchQA-v1`` in ``split``."""
    from toolgym_envs.search.env import search_tasks

    return search_tasks(split)


def default_corpus(seed: int, scale: int, backend: str) -> tuple[list, object]:
    """The generated encyclopedia's passages and a function building its (cached) BM25 index:
    ``toolgym search serve``'s default corpus."""
    from toolgym_tasks.search import bm25_index, encyclopedia

    return encyclopedia(seed, scale).passages, lambda: bm25_index(seed, scale, backend)


SPEC = EnvSpec(
    id="ToolGym/SearchQA-v1",
    entry_point="toolgym_envs.search:SearchQAEnv",
    description="Search-R1-style multi-hop QA over a generated fictional encyclopedia (BM25); exact-match reward.",
    family="searchqa",
    tasks="toolgym_envs.search.spec:tasks",
    parser="xml",
    budgets={"max_turns": 6, "max_tool_calls": 1},
    card="toolgym_envs/search/README.md",
    resources={"search_corpus": "toolgym_envs.search.spec:default_corpus"},
)
