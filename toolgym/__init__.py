"""ToolGym: Gymnasium environments for training LLM agents that use real tools.

``import toolgym`` registers the ``ToolGym/*`` envs, so ``gymnasium.make("ToolGym/MathTIR-v1")``
works; ``gymnasium.make("toolgym:ToolGym/MathTIR-v1")`` works without the import.
"""

from toolgym.env import ToolEnv
from toolgym.errors import (
    EndpointError,
    RewardError,
    SandboxCrashed,
    SandboxError,
    SandboxStartError,
    SandboxTimeout,
    TaskValidationError,
    ToolArgumentError,
    ToolExecutionError,
    ToolGymError,
    ToolParseError,
)
from toolgym.registration import ENVS, env_ids, register_envs
from toolgym.rewards.base import Component, RewardResult, Rubric
from toolgym.tasks import Task, TaskSet
from toolgym.tools import FunctionTool, PythonTool, Tool, tool
from toolgym.vector.shared_memory import register as _register_shared_memory
from toolgym.types import ExecResult, ParseResult, ToolCall, ToolResult, Trajectory

__version__ = "0.1.0"

register_envs()
_register_shared_memory()  # gym.make_vec(..., vectorization_mode="async") with its defaults

__all__ = [
    "ENVS",
    "Component",
    "EndpointError",
    "ExecResult",
    "FunctionTool",
    "ParseResult",
    "PythonTool",
    "RewardError",
    "RewardResult",
    "Rubric",
    "SandboxCrashed",
    "SandboxError",
    "SandboxStartError",
    "SandboxTimeout",
    "Task",
    "TaskSet",
    "TaskValidationError",
    "Tool",
    "ToolArgumentError",
    "ToolCall",
    "ToolEnv",
    "ToolExecutionError",
    "ToolGymError",
    "ToolParseError",
    "ToolResult",
    "Trajectory",
    "env_ids",
    "register_envs",
    "tool",
]
