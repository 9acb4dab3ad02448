"""``ToolGym/SearchQA-v0``: Search-R1-style multi-hop QA over a generated encyclopedia. See README.md."""

from toolgym_envs.search.env import SearchQAEnv, search_parser, search_tasks

__all__ = ["SearchQAEnv", "search_parser", "search_tasks"]
