"""``ToolGym/Retail-v0``: a τ-bench-style customer-service env. See README.md (the env card)."""

from toolgym_envs.retail.env import RetailEnv

__all__ = ["RetailEnv"]
