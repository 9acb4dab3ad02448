"""``PythonToolEnv``: a :class:`~toolgym.env.ToolEnv` whose tool is the stateful ``python`` interpreter.

It owns the interpreter's sandbox source for the env's lifetime: ``sandbox`` is ``"local"``,
``"docker"``, ``"auto"``, a :class:`~toolgym.sandbox.SandboxPool`, or ``None`` for
``$TOOLGYM_SANDBOX`` (else ``"local"``, the embedded default, usable without Docker; ``"docker"``
joins this process's shared, pre-warmed container pool). Families whose policy computes with
Python (MathTIR, ReasoningGym) subclass it and bring their tasks, rubric and preamble.

>>> from toolgym.rewards.base import Component, Rubric
>>> from toolgym.tasks import Task
>>> task = Task.from_dict({"id": "t", "question": "What is 6 * 7?", "answer": "42"})
>>> paid = Rubric([Component("correct", lambda task, traj: float(traj.final_answer == task.answer), 1.0)])
>>> env = PythonToolEnv([task], rubric=paid, preamble="Use Python.")
>>> _ = env.reset(seed=0)
>>> print(env.step('<tool_call>{"name": "python", "arguments": {"code": "print(6 * 7)"}}</tool_call>')[0])
<tool_response>
42
</tool_response>
>>> env.close()
"""

from __future__ import annotations

from typing import Any, Sequence

from toolgym.env import ToolEnv
from toolgym.rewards.base import Rubric
from toolgym.sandbox import SandboxLimits, SandboxPool, sandbox_source
from toolgym.tasks import Task, TaskSet
from toolgym.tools.python import PythonTool


class PythonToolEnv(ToolEnv):
    """A ToolEnv with the ``python`` tool; the sandbox source is closed with the env."""

    def __init__(
        self,
        tasks: TaskSet | Sequence[Task],
        *,
        rubric: Rubric,
        preamble: str,
        sandbox: str | SandboxPool | None = None,
        python_timeout_s: float = 10.0,
        **env_kwargs: Any,
    ) -> None:
        self._sandboxes = sandbox_source(sandbox, SandboxLimits(timeout_s=python_timeout_s))
        try:
            super().__init__(
                tasks,
                [PythonTool(self._sandboxes, timeout_s=python_timeout_s)],
                rubric=rubric,
                preamble=preamble,
                **env_kwargs,
            )
        except BaseException:
            self._sandboxes.close()
            raise

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._sandboxes.close()  # leaves the shared Docker pool (the last env closes it)
