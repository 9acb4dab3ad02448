"""``ToolGym/SearchQA-v1``: Search-R1-style multi-hop QA over a generated encyclopedia. See README.md."""

from toolgym_envs import lazy_exports

__all__ = ["SearchQAEnv", "search_parser", "search_tasks"]
__getattr__ = lazy_exports({"SearchQAEnv": "toolgym_envs.search.env", "search_parser": "toolgym_envs.search.env", "search_tasks": "toolgym_envs.search.env"})
