"""``ToolGym/Text2SQL-v0``: text-to-SQL over real engines with an execution-match reward. See README.md."""

from toolgym_envs.sql.env import Text2SQLEnv, sql_parser, sql_tasks

__all__ = ["Text2SQLEnv", "sql_parser", "sql_tasks"]
