"""The ``python`` tool: a stateful interpreter per episode, running in a sandbox.

Variables persist across calls within an episode and never across episodes: the env's ``reset``
wipes the interpreter whenever the previous episode used it (a sandbox that cannot be wiped is
dropped, and the next call gets a fresh one). The sandbox comes from a factory, called on first
use: a backend's constructor, or a :class:`~toolgym.sandbox.SandboxSource` that leases pooled
Docker sandboxes (closing the tool gives the lease back).

Blame follows the cause (:mod:`toolgym.failures`), never the policy's choice: exceptions,
timeouts, memory errors and deaths of the interpreter the policy's code brought about
(``os._exit``, killing itself, closing its fds, corrupting its runtime) are the policy's
(``tool_error``, with an observation saying what happened); only a sandbox lost from outside the
policy's code (a container killed or an engine down, a supervisor that stopped answering, a
sandbox that cannot start) is ``infra`` so trainers can drop the sample.
"""

from __future__ import annotations

from typing import Any, Callable

from toolgym.errors import SandboxError
from toolgym.failures import FailureKind
from toolgym.sandbox.base import Sandbox
from toolgym.tools.base import Tool
from toolgym.types import ExecResult, ToolResult

#: ``ExecResult.error_kind`` -> the failure kind the tool reports; anything else is an exception.
_KIND_TO_FAILURE = {
    "exception": FailureKind.EXCEPTION,
    "timeout": FailureKind.TIMEOUT,
    "memory": FailureKind.MEMORY,
    "crashed": FailureKind.CRASHED,
    "infra": FailureKind.INFRA,
}


def failure_kind(result: ExecResult) -> FailureKind | None:
    """The :class:`FailureKind` of an execution (None when it succeeded).

    >>> failure_kind(ExecResult(error_kind="crashed")).blame.value
    'tool_error'
    """
    if result.error_kind is None:
        return None
    return _KIND_TO_FAILURE.get(result.error_kind, FailureKind.EXCEPTION)


class PythonTool(Tool):
    """Run Python code in the episode's interpreter and return what it printed."""

    name = "python"
    description = (
        "Execute Python 3 code in a stateful interpreter and return its printed output. Variables, "
        "imports and functions persist across calls in this episode. Use print() to see values. "
        "numpy, sympy, math, fractions and itertools are available."
    )
    parameters: dict[str, Any] = {
        "type": "object",
        "properties": {"code": {"type": "string", "description": "Python source code to execute."}},
        "required": ["code"],
        "additionalProperties": False,
    }

    def __init__(self, sandbox_factory: Callable[[], Sandbox], timeout_s: float | None = None) -> None:
        self._factory = sandbox_factory
        self._sandbox: Sandbox | None = None
        self._used = False
        self.timeout_s = timeout_s

    @property
    def sandbox(self) -> Sandbox:
        """The sandbox, started on first use so episodes that never run code pay nothing."""
        if self._sandbox is None:
            self._sandbox = self._factory()
        return self._sandbox

    def run(self, arguments: dict[str, Any]) -> ToolResult:
        self._used = True
        try:
            result = self.sandbox.exec(arguments["code"], timeout=self.timeout_s)
        except SandboxError as exc:
            return ToolResult.unavailable("Python sandbox", exc)
        return ToolResult(
            ok=result.ok,
            content=render_exec(result, self.timeout_s or self.sandbox.limits.timeout_s),
            error_kind=failure_kind(result),
            metadata={"truncated": result.truncated},
        )

    def reset(self) -> None:
        if self._used and self._sandbox is not None:
            try:
                self._sandbox.reset()
            except SandboxError:
                self._drop_sandbox()  # the next call gets a fresh one, or reports ``infra``
        self._used = False

    def close(self) -> None:
        if self._sandbox is not None:
            self._sandbox.close()
            self._sandbox = None

    def _drop_sandbox(self) -> None:
        """Let go of a sandbox that could not be wiped, so env.reset() never fails because of it."""
        sandbox, self._sandbox = self._sandbox, None
        try:
            if sandbox is not None:
                sandbox.close()
        except SandboxError:
            pass  # broken already; its own finalizer and the reaper clean up what is left


def render_exec(result: ExecResult, timeout_s: float) -> str:
    """The observation text for one execution: output first, then what went wrong."""
    out = result.stdout
    if result.stderr:
        out = f"{out}\n{result.stderr}" if out else result.stderr
    kind = result.error_kind
    if kind is None:
        return out if out else "(no output)"
    if kind == "timeout":
        msg = (
            f"TimeoutError: execution exceeded the {timeout_s:g} s limit; the interpreter was "
            "restarted and earlier variables are lost."
        )
    elif kind in ("crashed", "infra"):
        # The backend's stderr says what happened (how the interpreter died, or that the sandbox
        # was lost); this is only a fallback for backends that say nothing.
        if result.stderr:
            return out if out else "(no output)"
        msg = (
            "Error: the Python interpreter died and was restarted; earlier variables are lost."
            if kind == "crashed"
            else "Error: the sandbox was lost (not caused by your code); please retry."
        )
    else:
        msg = result.traceback or f"{result.error_type or 'Error'}"
        if kind == "memory" and "memory limit" not in msg.lower():
            msg = f"{msg}\nMemoryError: the sandbox memory limit was hit."
    return f"{out}\n{msg}" if out else msg
