"""The token trajectory of one episode: the trainer's input.

``input_ids`` is the whole episode as the model saw and produced it: prompt, then per turn the
policy's tokens (``loss_mask`` 1, with their ``logprobs``) and the observation delta (``loss_mask``
0). Turn spans, rewards, budget truncations and the drift report ride along. Everything exports as
plain lists (JSON) or numpy arrays.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np

from toolgym.tokens.drift import DriftReport


@dataclass
class TurnSpan:
    """One policy turn in the stream and what followed it.

    ``[start, end)`` covers the policy's tokens plus, when ``closed_by_env``, the closing token the
    env appended (mask 0); ``[obs_start, obs_end)`` covers the observation delta (empty when the
    episode ended on this turn).
    """

    start: int
    end: int
    obs_start: int
    obs_end: int
    #: The env appended the turn's closing token because the policy stopped without one.
    closed_by_env: bool = False
    reward: float = 0.0
    tool_calls: int = 0
    has_answer: bool = False
    format_ok: bool = True
    #: ``None`` | ``tool_error`` | ``infra_error``, as in the text env's ``info['error']``.
    error: str | None = None

    @property
    def is_void(self) -> bool:
        """SimpleTIR's void turn: neither a tool call nor an answer."""
        return self.tool_calls == 0 and not self.has_answer


@dataclass(frozen=True)
class Truncation:
    """A budget cut: which budget, at which turn (-1 for the prompt), tokens before and after."""

    kind: Literal["prompt", "observation", "total"]
    turn: int
    original_tokens: int
    kept_tokens: int


@dataclass
class TokenTrajectory:
    """An episode as one token stream plus per-turn records."""

    task_id: str
    input_ids: list[int] = field(default_factory=list)
    loss_mask: list[int] = field(default_factory=list)
    #: The sampler's logprob for policy tokens (NaN when it gave none), 0.0 elsewhere.
    logprobs: list[float] = field(default_factory=list)
    prompt_length: int = 0
    turns: list[TurnSpan] = field(default_factory=list)
    final_reward: float = 0.0
    reward_components: dict[str, float] = field(default_factory=dict)
    terminated: bool = False
    truncated: bool = False
    truncations: list[Truncation] = field(default_factory=list)
    drift: DriftReport | None = None

    # ------------------------------------------------------------------ building
    def extend(self, ids: Sequence[int], mask: int, logprobs: Sequence[float] | None = None) -> None:
        """Append tokens with one mask value; logprobs default to NaN (policy) or 0.0 (others)."""
        n = len(ids)
        self.input_ids.extend(int(i) for i in ids)
        self.loss_mask.extend([mask] * n)
        if logprobs is not None:
            self.logprobs.extend(float(x) for x in logprobs)
        else:
            self.logprobs.extend([math.nan if mask else 0.0] * n)

    # ------------------------------------------------------------------ views
    def __len__(self) -> int:
        return len(self.input_ids)

    @property
    def prompt_ids(self) -> list[int]:
        return self.input_ids[: self.prompt_length]

    @property
    def response_ids(self) -> list[int]:
        """Everything after the prompt: policy turns and observations (verl's ``response_ids``)."""
        return self.input_ids[self.prompt_length :]

    @property
    def response_mask(self) -> list[int]:
        return self.loss_mask[self.prompt_length :]

    @property
    def policy_tokens(self) -> int:
        """How many tokens the policy produced (the response length that is trained on)."""
        return sum(self.loss_mask)

    @property
    def num_tool_calls(self) -> int:
        return sum(t.tool_calls for t in self.turns)

    @property
    def has_void_turn(self) -> bool:
        return any(t.is_void for t in self.turns)

    @property
    def has_infra_error(self) -> bool:
        return any(t.error == "infra_error" for t in self.turns)

    @property
    def turn_rewards(self) -> list[float]:
        return [t.reward for t in self.turns]

    # ------------------------------------------------------------------ export
    def to_dict(self) -> dict[str, Any]:
        """Plain lists and dicts (JSON-ready; NaN logprobs become ``None``)."""
        return {
            "task_id": self.task_id,
            "input_ids": list(self.input_ids),
            "loss_mask": list(self.loss_mask),
            "logprobs": [None if math.isnan(x) else x for x in self.logprobs],
            "prompt_length": self.prompt_length,
            "turns": [asdict(t) for t in self.turns],
            "turn_rewards": self.turn_rewards,
            "final_reward": self.final_reward,
            "reward_components": dict(self.reward_components),
            "terminated": self.terminated,
            "truncated": self.truncated,
            "truncations": [asdict(t) for t in self.truncations],
            "drift": None if self.drift is None else asdict(self.drift),
        }

    def to_numpy(self) -> dict[str, np.ndarray]:
        """``input_ids`` (int64), ``loss_mask`` (int8), ``logprobs`` (float32), ``turn_spans``
        (int64, rows of start, end, obs_start, obs_end) and ``turn_rewards`` (float32)."""
        spans = [(t.start, t.end, t.obs_start, t.obs_end) for t in self.turns]
        return {
            "input_ids": np.asarray(self.input_ids, dtype=np.int64),
            "loss_mask": np.asarray(self.loss_mask, dtype=np.int8),
            "logprobs": np.asarray(self.logprobs, dtype=np.float32),
            "turn_spans": np.asarray(spans, dtype=np.int64).reshape(len(spans), 4),
            "turn_rewards": np.asarray(self.turn_rewards, dtype=np.float32),
        }
