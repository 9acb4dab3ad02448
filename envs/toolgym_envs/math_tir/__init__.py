"""``ToolGym/MathTIR-v0``: math with a stateful Python tool. See README.md (the env card)."""

from toolgym_envs.math_tir.env import MathTIREnv, math_tasks

__all__ = ["MathTIREnv", "math_tasks"]
