"""The ``python`` tool: a stateful interpreter per episode, running in a sandbox.

Variables persist across calls within an episode and never across episodes: the env's ``reset``
wipes the interpreter whenever the previous episode used it (a sandbox that cannot be wiped is
dropped, and the next call gets a fresh one). The sandbox comes from a factory, called on first
use: a backend's constructor, or a :class:`~toolgym.sandbox.SandboxSource` that leases pooled
Docker sandboxes (closing the tool gives the lease back). Policy faults (exceptions, timeouts,
memory errors) become error observations; a dead sandbox becomes an ``infra`` result so trainers
can drop the sample.
"""

from __future__ import annotations

from typing import Any, Callable

from toolgym.errors import SandboxError
from toolgym.sandbox.base import Sandbox
from toolgym.tools.base import Tool
from toolgym.types import ExecResult, ToolResult

_KIND_TO_ERROR = {"exception": "exception", "timeout": "timeout", "memory": "memory", "crashed": "infra"}


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
            return ToolResult(ok=False, content=f"Error: the sandbox failed ({exc}); please retry.", error_kind="infra")
        return ToolResult(
            ok=result.ok,
            content=render_exec(result, self.timeout_s or self.sandbox.limits.timeout_s),
            error_kind=_KIND_TO_ERROR.get(result.error_kind or "", None if result.ok else "exception"),
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
    elif kind == "crashed":
        msg = "Error: the Python worker crashed and was restarted; earlier variables are lost."
    else:
        msg = result.traceback or f"{result.error_type or 'Error'}"
        if kind == "memory" and "memory limit" not in msg.lower():
            msg = f"{msg}\nMemoryError: the sandbox memory limit was hit."
    return f"{out}\n{msg}" if out else msg
