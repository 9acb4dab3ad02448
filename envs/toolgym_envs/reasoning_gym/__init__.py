"""``ToolGym/ReasoningGym-v0``: reasoning-gym's procedural datasets with a Python tool. See README.md (the env card)."""

from toolgym_envs.reasoning_gym.env import ReasoningGymEnv, ReasoningGymScore
from toolgym_envs.reasoning_gym.tasks import reasoning_gym_tasks

__all__ = ["ReasoningGymEnv", "ReasoningGymScore", "reasoning_gym_tasks"]
