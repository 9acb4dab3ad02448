"""Errors of the SQL tool, placed in ToolGym's hierarchy so callers can tell whose fault a failure is.

Each class names its :class:`~toolgym.failures.FailureKind` in ``kind`` (and so its blame):

* :class:`QueryRefused` (a :class:`~toolgym.errors.ToolArgumentError`): the statement is not a single
  read-only query (a write, ``ATTACH``, ``COPY``, file access, several statements). The policy's fault.
* :class:`QueryFailed`: the database rejected or could not run the query (syntax, unknown column,
  division by zero, a crash of the engine while it ran this query). The policy's fault.
* :class:`QueryTimeout`: the query ran past its time limit and was interrupted or killed. The
  policy's fault (it asked for too much work); the next query works.
* :class:`QueryMemoryExceeded`: the query needed more memory than the engine's limit. The policy's.
* :class:`QueryOutputTooLarge`: the result is larger than the engine may send back. The policy's.
* :class:`DatabaseUnavailable` (a :class:`~toolgym.errors.ToolExecutionError`): the database could
  not be opened, its engine process could not start or was killed from outside. Ours (``infra``).
"""

from __future__ import annotations

from toolgym.errors import ToolArgumentError, ToolExecutionError, ToolGymError
from toolgym.failures import FailureKind


class QueryRefused(ToolArgumentError):
    """The statement was refused before it reached the database: it is not a single read-only query."""

    kind = FailureKind.REFUSED


class QueryFailed(ToolGymError):
    """The database raised an error for this query (syntax, binding, runtime)."""

    kind = FailureKind.EXCEPTION


class QueryTimeout(ToolGymError):
    """The query ran past its time limit and was interrupted (or its engine process killed)."""

    kind = FailureKind.TIMEOUT


class QueryMemoryExceeded(ToolGymError):
    """The query needed more memory than the engine is allowed."""

    kind = FailureKind.MEMORY


class QueryOutputTooLarge(ToolGymError):
    """The query's result is larger than the engine may send back."""

    kind = FailureKind.OUTPUT_LIMIT


class DatabaseUnavailable(ToolExecutionError):
    """The database could not be opened or its connection failed: infrastructure, not the policy."""

    kind = FailureKind.INFRA


#: Every error a query can end in; ``kind`` tells the failure and its blame.
QUERY_ERRORS = (QueryRefused, QueryFailed, QueryTimeout, QueryMemoryExceeded, QueryOutputTooLarge, DatabaseUnavailable)
