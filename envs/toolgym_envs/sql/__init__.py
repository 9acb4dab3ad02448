"""``ToolGym/Text2SQL-v1``: text-to-SQL over real engines with an execution-match reward. See README.md."""

from toolgym_envs import lazy_exports

__all__ = ["Text2SQLEnv", "sql_parser", "sql_tasks"]
__getattr__ = lazy_exports({"Text2SQLEnv": "toolgym_envs.sql.env", "sql_parser": "toolgym_envs.sql.env", "sql_tasks": "toolgym_envs.sql.env"})
