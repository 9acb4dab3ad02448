"""TRL ``GRPOTrainer`` on any ToolGym env: a ``rollout_func`` that plays whole episodes in token mode.

TRL (1.x) calls ``rollout_func(prompts, trainer)`` with this process's prompts (each already
repeated ``num_generations`` times) and expects, per prompt, ``prompt_ids``, ``completion_ids`` and
``logprobs``; an ``env_mask`` over the completion (1 = policy token, 0 = env token) keeps tool
results out of the loss and out of the logged completion length, and every other key is passed
to the reward functions. :class:`ToolGymRollout` is that function:

* every prompt of the batch is its own episode in a token env; the episodes run concurrently
  (:class:`~toolgym.train.rollout.RolloutEngine`: tools on a thread pool, one generation batch for
  whichever episodes are waiting for the policy), and the token stream is never re-tokenized;
* the env's reward goes to TRL through :attr:`ToolGymRollout.reward_funcs` (weight 1) together with
  every logged rubric component (weight 0: logged as ``rewards/<name>/mean``, not paid);
* an episode that hit an ``infra_error`` (a cause outside the policy) gets ``None`` from every
  reward function, which TRL treats as unscorable: no advantage, no gradient, not in the group
  baseline. The count is logged as ``toolgym/infra_error_frac``;
* token budgets hold: each turn is capped at ``GRPOConfig.max_completion_length`` and what remains
  of the episode's budget, and the whole completion (policy + env tokens) never exceeds
  ``max_completion_length`` (observations are cut and recorded, never silently);
* generation uses TRL's own vLLM engine when ``use_vllm=True`` (colocate or server mode, weights
  synced by TRL before each rollout), else the trainer's model directly (CPU or one GPU).

>>> from trl import GRPOConfig, GRPOTrainer                          # doctest: +SKIP
>>> rollout = ToolGymRollout("ToolGym/MathTIR-v1", tokenizer)         # doctest: +SKIP
>>> trainer = GRPOTrainer(model=model, processing_class=tokenizer, rollout_func=rollout,
...     reward_funcs=rollout.reward_funcs, train_dataset=rollout.dataset(),
...     args=GRPOConfig(reward_weights=rollout.reward_weights))       # doctest: +SKIP
"""

from __future__ import annotations

import itertools
import json
import math
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import gymnasium as gym
import numpy as np

from toolgym.env import ToolEnv
from toolgym.errors import ToolGymError
from toolgym.extras import require
from toolgym.tokens.budget import TokenBudget
from toolgym.tokens.render import ChatRenderer
from toolgym.tokens.trajectory import TokenTrajectory
from toolgym.tokens.wrapper import TokenEnv

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

    from toolgym.train.generation import GenerationRequest, GenerationResult, Generator

EXTRA = "trl"
#: The reward function that pays the env's total reward.
REWARD_NAME = "toolgym_reward"


class TRLIntegrationError(ToolGymError):
    """Raised when the trainer and the rollout disagree (unknown prompt, paid log-only component...)."""


def _require_trl() -> Any:
    require("torch", EXTRA, "the TRL adapter")
    return require("trl", EXTRA, "the TRL adapter")


class TRLVLLMGenerator:
    """Token-in, token-out generation through the vLLM engine TRL already runs (``use_vllm=True``).

    Works with TRL's ``colocate`` and ``server`` modes: each call is one ``trainer.vllm_generation
    .generate`` over the waiting episodes' contexts with ``num_generations=1``; TRL syncs the
    weights before every rollout. vLLM stops on the model's EOS; add the template's other stop ids
    with ``GRPOConfig(generation_kwargs={"stop_token_ids": [...]})`` if it has any. A turn is cut
    here at the first stop id and at the request's token limit. Not measured on a GPU yet, and in
    server mode with several training processes every process must reach the same number of
    generation calls (vLLM's gather is collective): run one training process per vLLM server.
    """

    def __init__(self, trainer: Any, stop_ids: Sequence[int]) -> None:
        if getattr(trainer, "vllm_generation", None) is None:
            raise TRLIntegrationError("trainer has no vLLM engine: set GRPOConfig(use_vllm=True)")
        self.trainer = trainer
        self.stop_ids = frozenset(int(i) for i in stop_ids)

    def generate(self, requests: Sequence[GenerationRequest]) -> list[GenerationResult]:
        from toolgym.train.generation import GenerationResult

        prompts = [list(r.context) for r in requests]
        _, completions, logprobs, logprob_ids = self.trainer.vllm_generation.generate(prompts, None, 1)
        out: list[GenerationResult] = []
        for row, req in enumerate(requests):
            ids: list[int] = []
            lps: list[float] = []
            for pos, tok in enumerate(completions[row][: max(int(req.max_new_tokens), 0)]):
                ids.append(int(tok))
                lps.append(_sampled_logprob(logprobs, logprob_ids, row, pos, int(tok)))
                if tok in self.stop_ids:
                    break
            out.append(GenerationResult(ids, lps))
        return out

    def sync_weights(self, model: Any) -> None:
        """TRL syncs vLLM's weights itself before calling the rollout function."""


def _sampled_logprob(logprobs: Any, logprob_ids: Any, row: int, pos: int, tok: int) -> float:
    """The sampled token's logprob from TRL's rank-sorted lists (NaN where vLLM gave none)."""
    if logprobs is None:
        return math.nan
    values = logprobs[row][pos]
    ids = logprob_ids[row][pos] if logprob_ids is not None else [tok]
    for i, value in zip(ids, values):
        if int(i) == tok:
            return math.nan if value is None else min(float(value), 0.0)
    return math.nan


class ToolGymRollout:
    """A ``rollout_func`` for TRL's ``GRPOTrainer`` over a ToolGym env (see the module docstring).

    ``env_id`` is any registered ToolGym id (``toolgym.env_ids()``); ``env_kwargs`` go to
    ``gym.make`` (``tasks=``, ``split=``, ``max_turns=``...). ``token_budget`` adds prompt,
    observation and total limits on top of the completion cap. ``generator`` replaces the default
    backend: a callable ``trainer -> Generator`` (see :class:`toolgym.train.generation.Generator`).
    ``env_workers`` threads run the envs' tools. ``seed`` makes sampling reproducible.
    """

    def __init__(
        self,
        env_id: str,
        tokenizer: PreTrainedTokenizerBase,
        *,
        env_kwargs: Mapping[str, Any] | None = None,
        token_budget: TokenBudget | None = None,
        token_family: str | None = None,
        template_kwargs: Mapping[str, Any] | None = None,
        generator: Callable[[Any], Generator] | None = None,
        env_workers: int = 8,
        seed: int = 0,
    ) -> None:
        _require_trl()
        self.env_id = env_id
        self.tokenizer = tokenizer
        self.env_kwargs = dict(env_kwargs or {})
        self.token_budget = token_budget or TokenBudget()
        self.token_family = token_family
        self.template_kwargs = dict(template_kwargs) if template_kwargs else None
        self.make_generator = generator
        self.env_workers = int(env_workers)
        self.stop_ids = ChatRenderer(tokenizer, token_family, self.template_kwargs).stop_ids
        probe = gym.make(env_id, **self.env_kwargs)
        try:
            base = probe.unwrapped
            if not isinstance(base, ToolEnv):
                raise TRLIntegrationError(f"{env_id} is not a ToolGym env")
            self.components = [c.name for c in base.rubric.components]
            self._questions = {t.question: t.id for t in base.tasks}
            self._task_ids = [t.id for t in base.tasks]
        finally:
            probe.close()
        self._seeds = itertools.count(int(seed) * 1_000_000)
        self._lock = threading.Lock()
        self._engine: Any = None
        self._max_completion: int | None = None
        #: The last call's trajectories, in prompt order (for inspection and tests).
        self.last_trajectories: list[TokenTrajectory] = []

    # ------------------------------------------------------------------ what TRL is given
    @property
    def reward_funcs(self) -> list[Callable[..., list[float | None]]]:
        """The env's total reward, then one function per rubric component (pass all of them)."""
        funcs = [_reward_func(REWARD_NAME, "toolgym_reward", None)]
        funcs += [_reward_func(f"toolgym_{name}", "toolgym_components", name) for name in self.components]
        return funcs

    @property
    def reward_weights(self) -> list[float]:
        """Weights for :attr:`reward_funcs` (``GRPOConfig(reward_weights=...)``): the env's total
        is paid, components are only logged (the total already includes their paid part)."""
        return [1.0] + [0.0] * len(self.components)

    def dataset(self, task_ids: Sequence[str] | None = None) -> Any:
        """A ``datasets.Dataset`` with one row per task: ``prompt`` (the question as a user message)
        and ``task_id``. The episode's real prompt (system prompt, tools) comes from the env."""
        datasets = require("datasets", EXTRA, "the TRL adapter")
        ids = list(task_ids) if task_ids is not None else self._task_ids
        known = set(self._task_ids)
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise TRLIntegrationError(f"unknown task ids for {self.env_id}: {unknown[:5]}")
        by_id = {v: k for k, v in self._questions.items()}
        rows = [{"prompt": [{"role": "user", "content": by_id.get(i, i)}], "task_id": i} for i in ids]
        return datasets.Dataset.from_list(rows)

    # ------------------------------------------------------------------ the rollout function
    def __call__(self, prompts: Sequence[Any], trainer: Any) -> dict[str, list[Any]]:
        """Play one episode per prompt, all at once, and return TRL's rollout fields."""
        from toolgym.train.rollout import RolloutRequest

        with self._lock:  # one batch at a time: the engine's envs are not shared between batches
            self._check_weights(trainer)
            engine = self._ensure_engine(trainer)
            engine.generator.sync_weights(trainer.accelerator.unwrap_model(trainer.model))
            groups = max(int(getattr(trainer, "num_generations", 1) or 1), 1)
            world = max(int(trainer.accelerator.num_processes), 1)
            rank = int(trainer.accelerator.process_index)
            # every process draws its own seeds: the same prompt on two ranks samples differently
            requests = [
                RolloutRequest(self._task_id(p), i // groups, next(self._seeds) * world + rank)
                for i, p in enumerate(prompts)
            ]
            rollouts = engine.run(requests)
        trajectories = [r.trajectory for r in rollouts]
        self.last_trajectories = trajectories
        out = _rollout_fields(trajectories, self.components)
        infra = sum(1 for t in trajectories if t.has_infra_error)
        log = getattr(trainer, "_metrics", None)
        if isinstance(log, Mapping):  # TRL's per-mode metric lists (averaged and logged each step)
            mode = "train" if trainer.model.training else "eval"
            log[mode]["toolgym/infra_error_frac"].append(infra / max(len(trajectories), 1))
            log[mode]["toolgym/turns_mean"].append(float(np.mean([len(t.turns) for t in trajectories])))
        return out

    def close(self) -> None:
        """Close the envs (and their sandboxes) and stop the worker threads."""
        if self._engine is not None:
            self._engine.close()
            self._engine = None

    # ------------------------------------------------------------------ internals
    def _task_id(self, prompt: Any) -> str:
        if isinstance(prompt, str):
            text = prompt
        elif isinstance(prompt, Sequence) and prompt and isinstance(prompt[-1], Mapping):
            text = str(prompt[-1].get("content", ""))
        else:
            raise TRLIntegrationError(f"a prompt must be a task id or messages from ToolGymRollout.dataset(), got {type(prompt).__name__}")
        if text in self._questions:
            return self._questions[text]
        if text in set(self._task_ids):
            return text
        raise TRLIntegrationError(
            f"prompt {text[:60]!r} is neither a task id nor a question of {self.env_id}: build the dataset with rollout.dataset()"
        )

    def _check_weights(self, trainer: Any) -> None:
        names = list(getattr(trainer, "reward_func_names", []))
        weights = getattr(trainer, "reward_weights", None)
        if weights is None or REWARD_NAME not in names:
            raise TRLIntegrationError("pass reward_funcs=rollout.reward_funcs to GRPOTrainer")
        paid = [n for n, w in zip(names, list(weights)) if n.startswith("toolgym_") and n != REWARD_NAME and float(w) != 0.0]
        if paid:
            raise TRLIntegrationError(
                f"components {paid} would be paid twice (the env's total includes them): "
                "pass GRPOConfig(reward_weights=rollout.reward_weights)"
            )

    def _ensure_engine(self, trainer: Any) -> Any:
        from toolgym.train.rollout import RolloutEngine

        args = trainer.args
        max_completion = int(args.max_completion_length)
        if self._engine is not None and max_completion == self._max_completion:
            return self._engine
        self.close()
        generator = self.make_generator(trainer) if self.make_generator is not None else self._default_generator(trainer)

        # TRL bounds a completion (policy turns and observations) by max_completion_length.
        budget = replace(self.token_budget or TokenBudget(), max_response_tokens=max_completion)

        def make_env() -> TokenEnv:
            return TokenEnv(
                gym.make(self.env_id, **self.env_kwargs),
                self.tokenizer,
                family=self.token_family,
                budget=budget,
                template_kwargs=self.template_kwargs,
            )

        self._engine = RolloutEngine(make_env, generator, max_new_tokens=max_completion, env_workers=self.env_workers)
        self._max_completion = max_completion
        return self._engine

    def _default_generator(self, trainer: Any) -> Generator:
        if getattr(trainer, "use_vllm", False):
            return TRLVLLMGenerator(trainer, self.stop_ids)
        from toolgym.train.generation import HFGenerator

        args = trainer.args
        pad = self.tokenizer.pad_token_id
        return HFGenerator(
            trainer.accelerator.unwrap_model(trainer.model),
            stop_ids=self.stop_ids,
            pad_id=int(pad if pad is not None else self.stop_ids[0]),
            vocab_size=len(self.tokenizer),
            temperature=float(args.temperature),
            top_p=float(args.top_p),
        )


def _rollout_fields(trajectories: Sequence[TokenTrajectory], components: Sequence[str]) -> dict[str, list[Any]]:
    """TRL's fields for finished trajectories: ids, logprobs, env mask and the reward columns."""
    out: dict[str, list[Any]] = {k: [] for k in ("prompt_ids", "completion_ids", "logprobs", "env_mask")}
    out.update(toolgym_reward=[], toolgym_components=[], toolgym_error=[], toolgym_task_id=[])
    for traj in trajectories:
        completion, mask = traj.response_ids, traj.response_mask
        lps = traj.logprobs[traj.prompt_length :]
        out["prompt_ids"].append(traj.prompt_ids)
        out["completion_ids"].append(completion)
        out["env_mask"].append(mask)
        # env tokens carry 0.0; a policy token without a sampler logprob stays NaN (TRL neutralises it)
        out["logprobs"].append([float(lp) if m else 0.0 for lp, m in zip(lps, mask)])
        infra = traj.has_infra_error
        out["toolgym_error"].append("infra_error" if infra else next((t.error for t in traj.turns if t.error), None))
        out["toolgym_reward"].append(None if infra else float(traj.final_reward))
        comps = {name: float(traj.reward_components.get(name, 0.0)) for name in components}
        out["toolgym_components"].append(None if infra else json.dumps(comps))
        out["toolgym_task_id"].append(traj.task_id)
    return out


def _reward_func(name: str, column: str, component: str | None) -> Callable[..., list[float | None]]:
    """A TRL reward function reading ``column`` (and ``component`` of it) from the rollout fields."""

    def reward(completions: Sequence[Any], **kwargs: Any) -> list[float | None]:
        values = kwargs.get(column)
        if values is None:
            raise TRLIntegrationError(f"{name} needs the rollout's {column!r} field: pass rollout_func=ToolGymRollout(...)")
        if component is None:
            return [None if v is None else float(v) for v in values]
        return [None if v is None else float(json.loads(v)[component]) for v in values]

    reward.__name__ = reward.__qualname__ = name
    return reward
