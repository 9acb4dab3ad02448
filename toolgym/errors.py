"""The ToolGym error hierarchy.

Every error ToolGym raises derives from :class:`ToolGymError`. Inside an episode these errors never
escape ``step``: the env turns them into observations and ``info`` fields. They are raised only to
callers that use the pieces directly (a tool, a sandbox, a task loader) so those callers can tell
the policy's faults (bad calls) from ours (infrastructure).
"""

from __future__ import annotations


class ToolGymError(Exception):
    """Root of every ToolGym error."""


class ToolParseError(ToolGymError):
    """The policy's text could not be parsed into tool calls or an answer."""


class ToolArgumentError(ToolGymError):
    """A tool call's arguments do not match the tool's JSON schema.

    ``field`` names the offending argument (a JSON path such as ``code`` or ``items/0``) when known.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class ToolExecutionError(ToolGymError):
    """A tool ran but failed for a reason that is not the policy's fault."""


class SandboxError(ToolGymError):
    """A sandbox could not do what was asked: infrastructure, not the policy."""


class SandboxStartError(SandboxError):
    """A sandbox (process or container) could not be started."""


class SandboxTimeout(SandboxError):
    """Code ran past its wall-clock limit; the worker was killed and restarted."""


class SandboxCrashed(SandboxError):
    """The sandbox worker died or stopped answering mid-call."""


class TaskValidationError(ToolGymError):
    """A task record does not match the task JSON Schema or is internally inconsistent."""


class RewardError(ToolGymError):
    """A reward function is misconfigured or failed to score a trajectory."""


class EndpointError(ToolGymError):
    """An LLM endpoint (OpenAI-compatible) failed: connection, timeout, HTTP error, bad JSON."""
