"""Errors of the SQL tool, placed in ToolGym's hierarchy so callers can tell whose fault a failure is.

* :class:`QueryRefused` (a :class:`~toolgym.errors.ToolArgumentError`): the statement is not a single
  read-only query (a write, ``ATTACH``, ``COPY``, file access, several statements). The policy's fault.
* :class:`QueryFailed`: the database rejected or could not run the query (syntax, unknown column,
  division by zero). The policy's fault.
* :class:`QueryTimeout`: the query ran past its time limit and was interrupted. The policy's fault
  (it asked for too much work); the connection stays usable.
* :class:`DatabaseUnavailable` (a :class:`~toolgym.errors.ToolExecutionError`): the database could
  not be opened or its connection broke. Ours, reported as ``infra``.
"""

from __future__ import annotations

from toolgym.errors import ToolArgumentError, ToolExecutionError, ToolGymError


class QueryRefused(ToolArgumentError):
    """The statement was refused before it reached the database: it is not a single read-only query."""


class QueryFailed(ToolGymError):
    """The database raised an error for this query (syntax, binding, runtime)."""


class QueryTimeout(ToolGymError):
    """The query ran past its time limit and was interrupted."""


class DatabaseUnavailable(ToolExecutionError):
    """The database could not be opened or its connection failed: infrastructure, not the policy."""
