"""The ``info`` dict of every ToolGym step, defined in one place.

Every env returns these keys from ``step`` (``reset`` returns ``task_id`` and ``turn``); families
and modes add the keys listed under their names. Values are plain JSON types (blame values are the
strings of :class:`toolgym.failures.Blame`), fresh on every call.
"""

from __future__ import annotations

from typing import Any, TypedDict


class ToolCallInfo(TypedDict):
    """One entry of ``info["tool_calls"]``: a call of this step and how it went."""

    id: str | None
    name: str
    arguments: dict[str, Any]
    ok: bool
    #: ``None`` on success, else a :class:`~toolgym.failures.FailureKind` value.
    error_kind: str | None
    latency_s: float


class StepInfo(TypedDict, total=False):
    """Keys of ``info`` after ``step``.

    Always present: ``task_id``, ``turn`` (1 after the first step), ``tool_calls``,
    ``reward_components`` (every rubric component, paid or logged; empty until the episode ends),
    ``format_ok``, ``error`` (``None``, ``"tool_error"`` or ``"infra_error"``: blame by cause, see
    :mod:`toolgym.failures`), ``error_message``, ``observation_truncated``, ``end_reason``
    (``None`` mid-episode, else ``answer``, ``user_stop``, ``turn_budget``, ``token_budget`` or
    ``infra``).

    Customer-service envs (Retail, Travel) add ``user_stop`` (the simulated user's stop signal).
    Token mode adds ``policy_tokens``, ``observation_tokens``, ``closed_by_env``,
    ``token_truncation`` and, with ``check_drift``, ``token_drift`` at the end.
    """

    task_id: str
    turn: int
    tool_calls: list[ToolCallInfo]
    reward_components: dict[str, float]
    format_ok: bool
    error: str | None
    error_message: str | None
    observation_truncated: bool
    end_reason: str | None
    user_stop: str | None
    policy_tokens: int
    observation_tokens: int
    closed_by_env: bool
    token_truncation: str | None
    token_drift: dict[str, Any]
