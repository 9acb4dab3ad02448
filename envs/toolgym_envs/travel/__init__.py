"""``ToolGym/Travel-v0``: a τ-bench-style customer-service env. See README.md (the env card)."""

from toolgym_envs.travel.env import TravelEnv

__all__ = ["TravelEnv"]
