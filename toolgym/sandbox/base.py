"""The sandbox contract: where model-written code runs.

A :class:`Sandbox` keeps interpreter state for one episode. ``exec`` runs code and returns an
:class:`~toolgym.types.ExecResult`; policy faults (exceptions, timeouts, memory errors) are results,
not raises. Only infrastructure failures that cannot be recovered raise :class:`SandboxError`.
``reset`` wipes all state so nothing leaks across episodes; ``close`` frees every process.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import Any

from toolgym.errors import SandboxError
from toolgym.types import ExecResult


@dataclass(frozen=True)
class SandboxLimits:
    """Resource limits applied to every run. Defaults suit math/tool-use RL workloads."""

    #: Wall-clock limit per ``exec`` call, seconds.
    timeout_s: float = 10.0
    #: Address-space limit for the interpreter, bytes.
    memory_bytes: int = 2 * 1024**3
    #: Largest file the code may write, bytes.
    file_size_bytes: int = 64 * 1024**2
    #: Most processes the sandbox may run at once (fork-bomb containment).
    max_processes: int = 64
    #: Captured stdout+stderr kept per call, characters; the rest is cut with a marker.
    max_output_chars: int = 16_384
    #: CPUs the sandbox may use (Docker only: a CFS quota; local sandboxes share the host's CPUs).
    cpus: float = 1.0
    #: Size of the writable work dir, bytes (Docker only: a tmpfs, charged to the memory limit).
    workdir_bytes: int = 256 * 1024**2


#: What an ``exec`` result says when the interpreter was killed at its wall-clock limit.
TIMEOUT_MESSAGE = (
    "Execution timed out after {timeout:g} s and was stopped. The Python interpreter was "
    "restarted: variables, imports and background processes are gone (files in the working "
    "directory were kept)."
)
#: ... when the interpreter died while running the code (``{death}``: an exit status or a signal).
CRASH_MESSAGE = (
    "The Python interpreter died while running this code ({death}). It was restarted: variables, "
    "imports and background processes are gone (files in the working directory were kept)."
)
#: ... when the sandbox's memory cap killed the interpreter.
MEMORY_KILL_MESSAGE = (
    "The sandbox ran out of memory and the Python interpreter was killed (the sandbox's total "
    "memory limit was hit). It was restarted: variables, imports and background processes are "
    "gone (files in the working directory were kept)."
)


class Sandbox(abc.ABC):
    """A stateful code-execution environment for one episode at a time."""

    limits: SandboxLimits

    @abc.abstractmethod
    def exec(self, code: str, timeout: float | None = None) -> ExecResult:
        """Run ``code`` (Python source) in the episode's interpreter and return what happened."""

    @abc.abstractmethod
    def reset(self) -> None:
        """Drop all interpreter state (variables, files, processes) before the next episode."""

    @abc.abstractmethod
    def close(self) -> None:
        """Stop every process the sandbox owns. Idempotent."""

    def ping(self, timeout: float = 10.0) -> bool:
        """Start the sandbox if it is not running and say whether it answers (pools use this to
        pre-warm and health-check sandboxes). Backends with a cheaper probe override it."""
        try:
            return self.exec("", timeout=timeout).ok
        except SandboxError:
            return False

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def exec_result(reply: dict[str, Any], timeout: float, duration: float) -> ExecResult:
    """The :class:`ExecResult` for a supervisor's ``exec`` reply (both backends speak the same
    protocol, see :mod:`toolgym.sandbox.supervisor`)."""
    if reply.get("op") == "error":  # the interpreter could not start: no policy code ran
        return ExecResult(stderr=f"The sandbox could not start an interpreter: {reply.get('error')}",
                          error_kind="infra", duration_s=duration)
    kind = reply.get("error_kind")
    stderr = str(reply.get("stderr", ""))
    if reply.get("restarted"):
        if kind == "timeout":
            message = TIMEOUT_MESSAGE.format(timeout=timeout)
        elif kind == "memory":
            message = MEMORY_KILL_MESSAGE
        else:
            kind = "crashed"
            message = CRASH_MESSAGE.format(death=reply.get("death") or "it died")
        stderr = f"{stderr}\n{message}" if stderr and not stderr.endswith("\n") else stderr + message
    return ExecResult(
        stdout=str(reply.get("stdout", "")),
        stderr=stderr,
        error_kind=kind,
        error_type=reply.get("error_type"),
        traceback=reply.get("traceback"),
        truncated=bool(reply.get("truncated")),
        duration_s=duration,
    )
