"""Format reward: did the policy follow the action format and finish with an answer?"""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolgym.types import Trajectory

if TYPE_CHECKING:
    from toolgym.tasks.model import Task


class FormatReward:
    """1.0 when every turn parsed cleanly (``trajectory.format_ok``) and the episode gave a final
    answer (a non-blank ``final_answer`` or any non-blank entry of ``answers``), else 0.0.

    Correctness is not looked at: this is the ToolRL-style format term that keeps the policy on the
    parser's format and pushes it to end episodes with an answer. On its own it pays any constant
    answer, so rubrics that pay it gate it on the outcome:
    ``Component("format", FormatReward(), 0.1, requires="correct")`` (see :class:`Component`).
    """

    def __call__(self, task: "Task", trajectory: Trajectory) -> float:
        if not trajectory.format_ok:
            return 0.0
        final = trajectory.final_answer
        if isinstance(final, str) and final.strip():  # the common case, without scanning answers
            return 1.0
        return float(any(isinstance(a, str) and a.strip() for a in trajectory.answers))
