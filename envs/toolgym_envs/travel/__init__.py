"""``ToolGym/Travel-v1``: a τ-bench-style customer-service env. See README.md (the env card)."""

from toolgym_envs import lazy_exports

__all__ = ["TravelEnv"]
__getattr__ = lazy_exports({"TravelEnv": "toolgym_envs.travel.env"})
