"""verl agent loop: any ToolGym env as ``agent_name: toolgym`` (``pip install 'toolgym[verl]'``).

verl's rollout makes one agent-loop object per sample and awaits ``run()`` on an asyncio loop;
generation is token-in/token-out against its server manager. :class:`ToolGymAgentLoop` plays the
sample's ToolGym episode in token mode (env work in a shared :class:`~toolgym.vector.EnvPool`'s
threads, so the event loop never blocks) and returns verl's ``AgentLoopOutput`` built from the
env's own token stream: ``prompt_ids``, ``response_ids`` and ``response_mask`` (1 = policy token,
0 = observation or a closing token the env appended), the engine's logprobs where it sent them,
and the env's reward as ``reward_score`` (so verl's reward manager is not consulted).

Budgets come from verl's config: ``rollout.prompt_length`` caps the prompt,
``rollout.response_length`` the whole multi-turn response (observations cut and the episode
truncated and scored when it is full), ``rollout.multi_turn.max_assistant_turns`` the env's
turns, ``max_parallel_calls`` its tool calls per turn and ``max_tool_response_length`` each
observation (counted in tokens here). Each sample's ``extra_fields`` carry
``toolgym_infra_error`` (drop those samples), ``toolgym_error``, ``toolgym_end_reason``,
``toolgym_task_id`` and ``toolgym_policy_turns``.

Dataset rows name the episode in ``extra_info``: ``{"env_id": ..., "task_id": ...}`` (and
optionally ``env_kwargs`` for ``gym.make``, e.g. ``{"split": "train"}``)
(:func:`verl_rows` writes them); ``agent_name`` must be ``"toolgym"``.

>>> import pandas as pd                                                    # doctest: +SKIP
>>> from toolgym.integrations.verl_agent_loop import verl_rows            # doctest: +SKIP
>>> pd.DataFrame(verl_rows("ToolGym/MathTIR-v1", split="train")).to_parquet("train.parquet")  # doctest: +SKIP
"""

from __future__ import annotations

import math
from typing import Any
from uuid import uuid4

from toolgym.errors import ToolGymError
from toolgym.extras import require
from toolgym.integrations.rows import task_rows
from toolgym.integrations.token_episode import (
    EpisodeResult,
    Generation,
    play_episode,
    shared_pool,
    token_env_factory,
)
from toolgym.tokens.budget import TokenBudget

EXTRA = "verl"
AGENT_NAME = "toolgym"

_verl = require("verl.experimental.agent_loop.agent_loop", EXTRA, "the verl agent loop")
AgentLoopBase = _verl.AgentLoopBase
AgentLoopMetrics = _verl.AgentLoopMetrics
AgentLoopOutput = _verl.AgentLoopOutput


class VerlIntegrationError(ToolGymError):
    """Raised when a verl sample does not name a ToolGym episode (no env id)."""


def verl_rows(env_id: str, *, limit: int | None = None, **env_kwargs: Any) -> list[dict[str, Any]]:
    """verl dataset rows, one per task: ``prompt`` (messages), ``agent_name``, ``data_source``,
    ``reward_model`` and ``extra_info`` = ``{"env_id", "task_id"}`` plus ``env_kwargs`` when given
    (``split="train"``...: the agent loop makes the env with them). Write them to parquet."""
    return [
        {
            "prompt": row["prompt"],
            "agent_name": AGENT_NAME,
            "data_source": env_id,
            "reward_model": {"style": "rule", "ground_truth": ""},
            "extra_info": {"env_id": env_id, "task_id": row["task_id"], **({"env_kwargs": env_kwargs} if env_kwargs else {})},
        }
        for row in task_rows(env_id, limit=limit, **env_kwargs)
    ]


def _opt_int(value: Any) -> int | None:
    return None if value is None or int(value) <= 0 else int(value)


@_verl.register(AGENT_NAME)
class ToolGymAgentLoop(AgentLoopBase):  # type: ignore[misc, valid-type]
    """Plays one ToolGym episode per sample through token mode.

    Extra keyword arguments come from the agent-loop config entry (hydra passes them on):
    ``env_id`` (the default when rows carry none), ``env_kwargs`` (for ``gym.make``, e.g.
    ``{"split": "train"}``) and ``max_concurrency`` (threads of the shared env pool).
    """

    def __init__(
        self,
        *args: Any,
        env_id: str | None = None,
        env_kwargs: dict[str, Any] | None = None,
        max_concurrency: int = 64,
        tools: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        rollout = self.rollout_config
        self.prompt_length = int(rollout.prompt_length)
        self.response_length = int(rollout.response_length)
        multi_turn = rollout.get("multi_turn", None) or {}
        self.max_turns = _opt_int(multi_turn.get("max_assistant_turns"))
        self.max_tool_calls = _opt_int(multi_turn.get("max_parallel_calls"))
        self.max_observation_tokens = _opt_int(multi_turn.get("max_tool_response_length"))
        self.default_env_id = env_id
        self.env_kwargs = dict(env_kwargs or {})
        self.max_concurrency = int(max_concurrency)

    def _pool_for(self, env_id: str, row_kwargs: dict[str, Any] | None) -> Any:
        env_kwargs = {**self.env_kwargs, **dict(row_kwargs or {})}
        if self.max_turns is not None:
            env_kwargs.setdefault("max_turns", self.max_turns)
        if self.max_tool_calls is not None:
            env_kwargs.setdefault("max_tool_calls", self.max_tool_calls)
        budget = TokenBudget(max_prompt_tokens=self.prompt_length, max_observation_tokens=self.max_observation_tokens)
        template_kwargs = dict(self.apply_chat_template_kwargs or {}) or None
        key = ("verl", env_id, repr(sorted(env_kwargs.items())), id(self.tokenizer), budget,
               self.response_length, repr(template_kwargs))
        factory = token_env_factory(env_id, self.tokenizer, budget=budget, max_response_tokens=self.response_length,
                                    template_kwargs=template_kwargs, **env_kwargs)
        return shared_pool(key, factory, self.max_concurrency)

    async def run(self, sampling_params: dict[str, Any], **kwargs: Any) -> Any:
        extra = kwargs.get("extra_info") or {}
        env_id = extra.get("env_id") or self.default_env_id
        if not env_id:
            raise VerlIntegrationError("the sample names no ToolGym env: set extra_info.env_id (see verl_rows)")
        pool = self._pool_for(str(env_id), extra.get("env_kwargs"))
        request_id = uuid4().hex

        async def generate(context: list[int], max_tokens: int, stop_ids: list[int]) -> Generation:
            stops = sorted(set(sampling_params.get("stop_token_ids") or []) | set(stop_ids))
            params = {**sampling_params, "max_tokens": max_tokens, "stop_token_ids": stops}
            out = await self.server_manager.generate(request_id=request_id, prompt_ids=context, sampling_params=params)
            return Generation(out.token_ids, out.log_probs or None)

        result = await play_episode(pool, generate, task_id=extra.get("task_id"), seed=extra.get("seed"))
        return to_agent_loop_output(result, pad_token_id=self.tokenizer.pad_token_id or 0)


def to_agent_loop_output(result: EpisodeResult, *, pad_token_id: int = 0) -> Any:
    """verl's ``AgentLoopOutput`` for a played episode.

    An episode lost to infrastructure still yields a well-formed sample (its prompt, one masked
    pad token, reward 0) with ``extra_fields["toolgym_infra_error"] = True``.
    """
    traj = result.trajectory
    if traj is None:
        prompt = result.prompt_ids or [pad_token_id]
        response, mask, logprobs, turns = [pad_token_id], [0], None, 1
    else:
        prompt, response, mask = traj.prompt_ids, traj.response_ids, traj.response_mask
        lps = [float(x) for x in traj.logprobs[traj.prompt_length:]]
        logprobs = None if any(math.isnan(x) for x in lps) else lps  # NaN: the engine sent none
        observations = sum(1 for t in traj.turns if t.obs_end > t.obs_start)
        turns = 1 + len(traj.turns) + observations
    return AgentLoopOutput(
        prompt_ids=list(prompt),
        response_ids=list(response),
        response_mask=list(mask),
        response_logprobs=logprobs,
        reward_score=result.reward,
        num_turns=turns,
        metrics=AgentLoopMetrics(),
        extra_fields={**result.log_fields(), "toolgym_reward_components": dict(result.reward_components)},
    )
