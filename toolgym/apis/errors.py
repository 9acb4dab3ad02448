"""Errors of the simulated-API layer, rooted in :mod:`toolgym.errors`.

:class:`ApiError` is the policy's fault (a domain rule rejected the call: unknown order, wrong
status); it becomes a failed tool result and ``info["error"] == "tool_error"``.
:class:`ServiceError` is ours (the API service is unreachable, a session expired); it becomes an
``infra`` tool result and ``info["error"] == "infra_error"``.
"""

from __future__ import annotations

from toolgym.errors import TaskValidationError, ToolExecutionError, ToolGymError


class ApiError(ToolGymError):
    """A domain tool refused a call because of the arguments or the database state."""


class ServiceError(ToolExecutionError):
    """The API backend (local session or HTTP service) failed for reasons that are not the policy's."""


class GoldReplayError(TaskValidationError):
    """A task's gold actions do not replay cleanly on a fresh database: the task is broken."""
