"""The sandbox contract: where model-written code runs.

A :class:`Sandbox` keeps interpreter state for one episode. ``exec`` runs code and returns an
:class:`~toolgym.types.ExecResult`; policy faults (exceptions, timeouts, memory errors) are results,
not raises. Only infrastructure failures that cannot be recovered raise :class:`SandboxError`.
``reset`` wipes all state so nothing leaks across episodes; ``close`` frees every process.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass

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

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
