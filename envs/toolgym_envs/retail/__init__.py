"""``ToolGym/Retail-v1``: a τ-bench-style customer-service env. See README.md (the env card)."""

from toolgym_envs import lazy_exports

__all__ = ["RetailEnv"]
__getattr__ = lazy_exports({"RetailEnv": "toolgym_envs.retail.env"})
