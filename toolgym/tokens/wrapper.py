"""Token mode for any :class:`~toolgym.env.ToolEnv`: a Gymnasium wrapper that speaks token ids.

``reset`` returns the prompt's token ids; ``step`` takes the policy's token ids (optionally with
their logprobs, as a :class:`~toolgym.tokens.spaces.TokenAction`) and returns only the new
observation's ids. Underneath, the text env runs unchanged: the policy's tokens are decoded once
for the parser, and the observation text comes back rendered as a delta (see
:mod:`toolgym.tokens.render`). The stream is kept in :attr:`TokenEnv.trajectory`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, Literal

import gymnasium as gym
import numpy as np
from gymnasium.error import ResetNeeded

from toolgym.env import ToolEnv
from toolgym.tokens.budget import TokenBudget, fit_content
from toolgym.tokens.drift import DriftReport, check_drift
from toolgym.tokens.errors import TokenActionError, TokenBudgetError
from toolgym.tokens.families import TemplateFamily
from toolgym.tokens.render import ChatRenderer, Message
from toolgym.tokens.spaces import TokenAction, TokenIds
from toolgym.tokens.trajectory import TokenTrajectory, Truncation, TurnSpan

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


class TokenEnv(gym.Wrapper[np.ndarray, Any, str, str]):
    """Wrap a text :class:`ToolEnv` so that observations and actions are token ids."""

    def __init__(
        self,
        env: gym.Env[str, str],
        tokenizer: PreTrainedTokenizerBase,
        *,
        family: str | TemplateFamily | None = None,
        budget: TokenBudget | None = None,
        check_drift: bool = False,
        template_kwargs: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(env)
        if not isinstance(env.unwrapped, ToolEnv):
            raise TypeError(f"TokenEnv wraps ToolGym envs, got {type(env.unwrapped).__name__}")
        self.tokenizer = tokenizer
        self.renderer = ChatRenderer(tokenizer, family, template_kwargs)
        self.budget = budget or TokenBudget()
        #: The whole stream's limit in this episode (set at reset from the budget and the prompt).
        self._total_limit: int | None = self.budget.max_total_tokens
        self.check_drift_at_end = check_drift
        vocab = len(tokenizer)
        special = set(tokenizer.all_special_ids) | {int(i) for i in tokenizer.get_added_vocab().values()}
        self.observation_space = TokenIds(vocab)
        self.action_space = TokenIds(vocab, special_ids=sorted(special), end_ids=self.renderer.stop_ids)
        self._stop = frozenset(self.renderer.stop_ids)
        self._trajectory: TokenTrajectory | None = None
        self._messages: list[dict[str, Any]] = []
        self._done = True

    # ------------------------------------------------------------------ public state
    @property
    def base(self) -> ToolEnv:
        """The text env underneath."""
        env = self.env.unwrapped
        assert isinstance(env, ToolEnv)
        return env

    @property
    def trajectory(self) -> TokenTrajectory:
        """The current episode's token stream."""
        if self._trajectory is None:
            raise ResetNeeded("call reset() first")
        return self._trajectory

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The messages the stream renders (after any budget truncation)."""
        return [dict(m) for m in self._messages]

    @property
    def stop_token_ids(self) -> list[int]:
        """Ids that end a policy turn: generation should stop on any of them."""
        return list(self.renderer.stop_ids)

    @property
    def remaining_tokens(self) -> int | None:
        """Tokens the policy may still produce under the total budget (``None``: unlimited).

        One token is held back for the closing token the env appends when a turn is cut off.
        """
        if self._total_limit is None:
            return None
        return max(self._total_limit - len(self.trajectory) - 1, 0)

    def drift_report(self) -> DriftReport:
        """Compare the stream so far with a full re-render of :attr:`messages`."""
        traj = self.trajectory
        return check_drift(self.renderer, self._messages, traj.input_ids, [(t.start, t.end) for t in traj.turns])

    # ------------------------------------------------------------------ gymnasium API
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[np.ndarray, dict[str, Any]]:
        _, info = self.env.reset(seed=seed, options=options)
        messages = [dict(m) for m in self.base.messages]
        ids = self.renderer.prompt_ids(messages)
        traj = TokenTrajectory(task_id=str(info.get("task_id", self.base.task.id)))
        total = self.budget.max_total_tokens
        limit = _min_limit(self.budget.max_prompt_tokens, None if total is None else total - 1)
        if limit is not None and len(ids) > limit:
            head = messages[:-1]
            last = messages[-1]

            def measure(content: str) -> int:
                return len(self.renderer.prompt_ids([*head, {**last, "content": content}]))

            content, _ = fit_content(self.tokenizer, str(last["content"]), measure, limit)
            messages[-1] = {**last, "content": content}
            original = len(ids)
            ids = self.renderer.prompt_ids(messages)
            traj.truncations.append(Truncation("prompt", -1, original, len(ids)))
        traj.extend(ids, 0)
        traj.prompt_length = len(ids)
        self._total_limit = self.budget.total_limit(len(ids))
        self._trajectory, self._messages, self._done = traj, messages, False
        info = {**info, "prompt_tokens": len(ids), "prompt_truncated": bool(traj.truncations)}
        return np.asarray(ids, dtype=np.int64), info

    def step(self, action: Any) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        if self._trajectory is None or self._done:
            raise ResetNeeded("call reset() before step()")
        traj = self._trajectory
        ids, logprobs = self._unpack(action)
        ended = bool(ids) and ids[-1] in self._stop
        body = ids[:-1] if ended else ids
        text = self.tokenizer.decode(body, skip_special_tokens=False, clean_up_tokenization_spaces=False)
        _, reward, terminated, truncated, info = self.env.step(text)
        record = self.base.trajectory.turns[-1]
        turn_no = len(traj.turns)

        start = len(traj)
        traj.extend(ids, 1, logprobs)
        if not ended:
            traj.extend([self.renderer.closing_token(text)], 0)
        parse = record.parse
        span = TurnSpan(
            start=start,
            end=len(traj),
            obs_start=len(traj),
            obs_end=len(traj),
            closed_by_env=not ended,
            reward=float(reward),
            tool_calls=len(parse.calls),
            has_answer=parse.answer is not None,
            format_ok=parse.format_ok,
            error=info.get("error"),
        )
        traj.turns.append(span)
        # The stream keeps the sampled text: the assistant message carries it as is, without the
        # structured tool_calls of the native record (a template would render those its own way).
        self._messages.append({"role": "assistant", "content": text})

        obs_ids: list[int] = []
        budget_cut: str | None = None
        if not (terminated or truncated):
            new_messages = [dict(m) for m in record.observation_messages]
            delta = self._observation(new_messages, turn_no) if new_messages else []
            if delta is None:
                truncated, budget_cut = True, "total"
            else:
                obs_ids = delta
                traj.extend(obs_ids, 0)
                span.obs_end = len(traj)
                if traj.truncations and traj.truncations[-1].turn == turn_no:
                    budget_cut = traj.truncations[-1].kind
                if self.remaining_tokens == 0:
                    truncated, budget_cut = True, "total"
            if truncated:  # a token budget ended it: the text env ends and scores it, as always
                reward, components, failure = self.base.truncate("token_budget")
                info = {**info, "reward_components": components, "end_reason": "token_budget"}
                if failure is not None and info.get("error") is None:
                    info["error"], info["error_message"] = "infra_error", failure
                span.reward = float(reward)

        info = {
            **info,
            "policy_tokens": len(ids),
            "observation_tokens": len(obs_ids),
            "closed_by_env": not ended,
            "token_truncation": budget_cut,
        }
        if terminated or truncated:
            self._done = True
            traj.final_reward = float(reward)
            traj.reward_components = dict(info.get("reward_components", {}))
            traj.terminated, traj.truncated = bool(terminated), bool(truncated)
            if self.check_drift_at_end:
                traj.drift = self.drift_report()
                info["token_drift"] = asdict(traj.drift)
        return np.asarray(obs_ids, dtype=np.int64), float(reward), bool(terminated), bool(truncated), info

    # ------------------------------------------------------------------ internals
    def _unpack(self, action: Any) -> tuple[list[int], list[float] | None]:
        """Token ids and optional logprobs from any accepted action form, validated."""
        logprobs: Sequence[float] | None = None
        if isinstance(action, TokenAction):
            ids_like, logprobs = action.token_ids, action.logprobs
        elif isinstance(action, Mapping):
            ids_like, logprobs = action.get("token_ids", ()), action.get("logprobs")
        else:
            ids_like = action
        try:
            arr = np.asarray(ids_like)
        except (TypeError, ValueError) as exc:
            raise TokenActionError(f"token ids must be a 1-D integer sequence: {exc}") from None
        if arr.size == 0:
            arr = arr.astype(np.int64).reshape(0)
        if arr.ndim != 1 or not np.issubdtype(arr.dtype, np.integer):
            raise TokenActionError(f"token ids must be a 1-D integer sequence, got shape {arr.shape} {arr.dtype}")
        ids = [int(i) for i in arr]
        vocab = self.observation_space.vocab_size
        bad = [i for i in ids if not 0 <= i < vocab]
        if bad:
            raise TokenActionError(f"token ids outside [0, {vocab}): {bad[:5]}")
        if any(i in self._stop for i in ids[:-1]):
            raise TokenActionError("an end-of-turn token appears before the end of the action; stop generation on it")
        lp: list[float] | None = None
        if logprobs is not None:
            lp = [float(x) for x in logprobs]
            if len(lp) != len(ids):
                raise TokenActionError(f"{len(lp)} logprobs for {len(ids)} token ids")
            if any(math.isnan(x) or x > 1e-6 for x in lp):
                raise TokenActionError("logprobs must be <= 0 and not NaN")
        return ids, lp

    def _observation(self, messages: list[dict[str, Any]], turn: int) -> list[int] | None:
        """The observation delta within the budgets (cut and recorded), or ``None`` when the total
        budget leaves no room for it and one more policy turn."""
        history = self._messages  # ends with the policy's turn; only history-bound families read it
        ids = self.renderer.delta_ids(messages, history=history)
        obs_limit = self.budget.max_observation_tokens
        total = self._total_limit
        room = None if total is None else total - len(self.trajectory) - 2  # one policy token + a closing one
        limit = _min_limit(obs_limit, room)
        if limit is None or len(ids) <= limit:
            self._messages.extend(messages)
            return ids
        kind: Literal["observation", "total"] = "observation" if obs_limit is not None and limit == obs_limit else "total"
        head, last = messages[:-1], messages[-1]

        def measure(content: str) -> int:
            return len(self.renderer.delta_ids([*head, {**last, "content": content}], history=history))

        try:
            content, _ = fit_content(self.tokenizer, str(last["content"]), measure, limit)
        except TokenBudgetError:
            if kind == "total":  # not even a cut observation fits: the episode ends here
                self.trajectory.truncations.append(Truncation("total", turn, len(ids), 0))
                return None
            raise
        cut: list[Message] = [*head, {**last, "content": content}]
        new_ids = self.renderer.delta_ids(cut, history=history)
        self.trajectory.truncations.append(Truncation(kind, turn, len(ids), len(new_ids)))
        self._messages.extend(dict(m) for m in cut)
        return new_ids


def _min_limit(*limits: int | None) -> int | None:
    """The smallest of the limits that are set."""
    values = [x for x in limits if x is not None]
    return min(values) if values else None
