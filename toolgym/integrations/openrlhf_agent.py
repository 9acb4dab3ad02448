"""OpenRLHF agent executor: any ToolGym env behind ``--agent_func_path`` (``pip install 'toolgym[openrlhf]'``).

OpenRLHF loads the file named by ``--agent_func_path`` and instantiates its ``AgentExecutor``
class (an ``openrlhf.utils.agent.AgentExecutorBase`` subclass, no arguments) in every vLLM engine
actor; ``execute(prompt, label, sampling_params, max_length, hf_tokenizer, llm_engine)`` must
return the whole sample as token ids (``observation_tokens``), the spans the policy wrote
(``action_ranges``), rollout logprobs, reward and logs.

Its stock multi-turn executor drives ``AgentInstanceBase.reset/step`` with *text*: each step
receives the decoded action and returns feedback text, which the executor tokenizes on its own,
so the ids trained on are not the ids the chat template would produce. ToolGym therefore plugs
in one level lower, as the ``AgentExecutor`` itself: :func:`agent_executor` builds one that plays
the sample's episode in token mode (:func:`~toolgym.integrations.token_episode.play_episode`,
env work in an :class:`~toolgym.vector.EnvPool`'s threads) and returns ToolGym's own token stream:
``observation_tokens`` = the env's ``input_ids``, ``action_ranges`` = its loss-mask-1 spans.

The agent file is two lines::

    from toolgym.integrations.openrlhf_agent import agent_executor
    AgentExecutor = agent_executor("ToolGym/MathTIR-v1", split="train")

Each dataset row's label (``--label_key``) is the task id (:func:`openrlhf_rows` writes rows).
``max_length`` (``--max_len``) is the episode's total token budget; each turn asks vLLM for at
most what is left and stops on the template's end-of-turn ids. ``extra_logs`` carry
``toolgym_infra_error`` (1.0: drop the sample; it has no action tokens), ``toolgym_policy_turns``
and ``toolgym_token_budget`` (1.0 when the budget ended the episode).
"""

from __future__ import annotations

import copy
import math
from typing import Any, ClassVar

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

EXTRA = "openrlhf"

_agent = require("openrlhf.utils.agent", EXTRA, "the OpenRLHF agent executor")


class OpenRLHFIntegrationError(ToolGymError):
    """Raised when the executor class names no env (build it with :func:`agent_executor`)."""


def openrlhf_rows(env_id: str, *, limit: int | None = None, **env_kwargs: Any) -> list[dict[str, Any]]:
    """OpenRLHF prompt rows, one per task: ``{"prompt": messages, "label": task_id}``
    (``--input_key prompt --label_key label --apply_chat_template``; the prompt is only shown to
    OpenRLHF's loader: the executor renders the env's own)."""
    return [{"prompt": row["prompt"], "label": row["task_id"]} for row in task_rows(env_id, limit=limit, **env_kwargs)]


class ToolGymAgentExecutor(_agent.AgentExecutorBase):  # type: ignore[misc, name-defined]
    """Plays one ToolGym episode per ``execute`` call; configure it with :func:`agent_executor`."""

    env_id: ClassVar[str] = ""
    env_kwargs: ClassVar[dict[str, Any]] = {}
    max_concurrency: ClassVar[int] = 64

    def _pool(self, tokenizer: Any, max_length: int) -> Any:
        if not self.env_id:
            raise OpenRLHFIntegrationError("ToolGymAgentExecutor has no env: build the class with agent_executor(env_id, ...)")
        # OpenRLHF sends a pickled tokenizer with every call: key the pool by what it is, not its identity
        key = ("openrlhf", self.env_id, repr(sorted(self.env_kwargs.items())), int(max_length),
               getattr(tokenizer, "name_or_path", ""), len(tokenizer), tokenizer.chat_template)
        budget = TokenBudget(max_total_tokens=int(max_length))
        factory = token_env_factory(self.env_id, tokenizer, budget=budget, **self.env_kwargs)
        return shared_pool(key, factory, self.max_concurrency)

    async def execute(self, prompt: Any, label: Any, sampling_params: Any, max_length: int, hf_tokenizer: Any,
                      llm_engine: Any, images: Any = None) -> dict[str, Any]:
        pool = self._pool(hf_tokenizer, max_length)
        want_logprobs = getattr(sampling_params, "logprobs", None) is not None
        truncated_by_engine = False

        async def generate(context: list[int], max_tokens: int, stop_ids: list[int]) -> Generation:
            nonlocal truncated_by_engine
            params = copy.deepcopy(sampling_params)  # shared by the prompt's n samples: never mutate it
            params.max_tokens = max_tokens
            params.stop_token_ids = sorted(set(getattr(params, "stop_token_ids", None) or []) | set(stop_ids))
            if isinstance(getattr(params, "_all_stop_token_ids", None), set):  # vLLM keeps a derived copy
                params._all_stop_token_ids.update(stop_ids)
            out = (await llm_engine.generate(context, params)).outputs[0]
            ids = [int(t) for t in out.token_ids]
            truncated_by_engine = out.finish_reason == "length"
            logprobs = None
            if want_logprobs and out.logprobs is not None:
                logprobs = [float(step[tok].logprob) for tok, step in zip(ids, out.logprobs)]
            return Generation(ids, logprobs)

        task_id = str(label) if label is not None else None
        result = await play_episode(pool, generate, task_id=task_id)
        return to_openrlhf_response(result, prompt=prompt, label=label, images=images, logprobs=want_logprobs,
                                    engine_truncated=truncated_by_engine, pad_token_id=hf_tokenizer.pad_token_id or 0)


def agent_executor(env_id: str, *, max_concurrency: int = 64, **env_kwargs: Any) -> type[ToolGymAgentExecutor]:
    """An ``AgentExecutor`` class for ``--agent_func_path`` bound to ``gym.make(env_id, **env_kwargs)``.

    >>> AgentExecutor = agent_executor("ToolGym/MathTIR-v1", split="train")
    >>> AgentExecutor.env_id
    'ToolGym/MathTIR-v1'
    """
    return type("AgentExecutor", (ToolGymAgentExecutor,), {
        "env_id": env_id, "env_kwargs": dict(env_kwargs), "max_concurrency": int(max_concurrency),
        "__module__": ToolGymAgentExecutor.__module__,
    })


def to_openrlhf_response(result: EpisodeResult, *, prompt: Any, label: Any, images: Any = None, logprobs: bool = False,
                         engine_truncated: bool = False, pad_token_id: int = 0) -> dict[str, Any]:
    """The dict OpenRLHF's samples generator turns into an ``Experience``, from a played episode."""
    traj = result.trajectory
    if traj is None:  # lost to infrastructure: a well-formed sample with no action tokens
        tokens = (result.prompt_ids or []) + [pad_token_id]
        rollout = [0.0] * len(tokens) if logprobs else None
        ranges: list[tuple[int, int]] = []
    else:
        tokens = list(traj.input_ids)
        rollout = [0.0 if math.isnan(x) else float(x) for x in traj.logprobs] if logprobs else None
        ranges = result.action_ranges()
    return {
        "prompt": prompt,
        "label": label,
        "images": images,
        "mm_train_inputs": None,
        "reward": result.reward,
        "scores": result.reward,
        "observation_tokens": tokens,
        "action_ranges": ranges,
        "rollout_log_probs": rollout,
        "truncated": engine_truncated or result.end_reason == "token_budget",
        "extra_logs": {
            "toolgym_infra_error": float(result.infra_error),
            "toolgym_policy_turns": float(result.policy_turns),
            "toolgym_token_budget": float(result.end_reason == "token_budget"),
        },
    }
