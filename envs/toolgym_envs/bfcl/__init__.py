"""BFCL envs: ``ToolGym/BFCL-v0`` (single-turn calls graded by a BFCL-equivalent matcher) and
``ToolGym/BFCLMultiTurn-v0`` (BFCL's stateful API classes in a sandbox). See README.md."""

from toolgym_envs import lazy_exports

__all__ = ["BFCLEnv", "BFCLMultiTurnEnv", "bfcl_tasks", "multi_turn_tasks"]
__getattr__ = lazy_exports({"BFCLEnv": "toolgym_envs.bfcl.env", "BFCLMultiTurnEnv": "toolgym_envs.bfcl.multi_turn", "multi_turn_tasks": "toolgym_envs.bfcl.multi_turn", "bfcl_tasks": "toolgym_envs.bfcl.tasks"})
