"""The sandbox contract: where model-written code runs.

A :class:`Sandbox` keeps interpreter state for one episode. ``exec`` runs code and returns an
:class:`~toolgym.types.ExecResult`; policy faults (exceptions, timeouts, memory errors) are results,
not raises. Only infrastructure failures that cannot be recovered raise :class:`SandboxError`.
``reset`` wipes all state so nothing leaks across episodes; ``close`` frees every process.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass

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
#: ... when the interpreter died on its own (a signal, a segmentation fault, os._exit).
CRASH_MESSAGE = (
    "The Python interpreter died while running this code (killed by a signal, a segmentation "
    "fault or os._exit). It will be restarted on the next call: variables, imports and "
    "background processes are gone (files in the working directory were kept)."
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
