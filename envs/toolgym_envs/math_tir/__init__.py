"""``ToolGym/MathTIR-v1``: math with a stateful Python tool. See README.md (the env card)."""

from toolgym_envs import lazy_exports

__all__ = ["MathTIREnv", "math_tasks"]
__getattr__ = lazy_exports({"MathTIREnv": "toolgym_envs.math_tir.env", "math_tasks": "toolgym_envs.math_tir.env"})
