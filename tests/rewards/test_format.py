"""FormatReward: clean parses plus a final answer."""

from __future__ import annotations

import pytest

from toolgym.rewards.format import FormatReward
from toolgym.tasks.model import Task
from toolgym.types import ParseResult, ToolCall, Trajectory, TurnRecord

TASK = Task.from_dict(
    {
        "id": "t1",
        "env": "math_tir",
        "question": "q",
        "split": "test",
        "tools": ["python"],
        "answer": "42",
        "reference": {"turns": [{"answer": "42"}]},
    }
)


def turn(format_ok: bool = True, answer: str | None = None) -> TurnRecord:
    parse = ParseResult(
        text="...",
        calls=[] if answer else [ToolCall("python", {"code": "1"})],
        answer=answer,
        answers=[answer] if answer else [],
        format_ok=format_ok,
        format_error=None if format_ok else "bad format",
    )
    return TurnRecord(action="...", parse=parse, results=[], observation="")


@pytest.mark.parametrize(
    ("turns", "answers", "final", "expected"),
    [
        ([turn(), turn(answer="41")], ["41"], "41", 1.0),  # wrong answers still have good format
        ([turn(answer="42")], ["42"], "42", 1.0),
        ([], [], "42", 1.0),
        ([turn(), turn()], [], None, 0.0),  # no final answer
        ([turn(format_ok=False), turn(answer="42")], ["42"], "42", 0.0),  # one bad turn
        ([turn(answer="42")], ["  "], "  ", 0.0),  # a blank answer is no answer
    ],
)
def test_format_reward(
    turns: list[TurnRecord], answers: list[str], final: str | None, expected: float
) -> None:
    trajectory = Trajectory(task_id="t1", turns=turns, answers=answers, final_answer=final)
    assert FormatReward()(TASK, trajectory) == expected
