"""The reference GRPO trainer over ToolGym's token stream.

One step: G rollouts for each of ``tasks_per_step`` tasks through token envs (asynchronously,
see :mod:`toolgym.train.rollout`); drop ``infra_error`` rollouts; rewards (or OTC rewards);
group-relative advantages (GRPO or Dr. GRPO); SimpleTIR void-turn filtering; then PPO-clip
updates on policy tokens only, with an optional masked KL to a frozen reference, gradient
accumulation over micro-batches and gradient clipping. Every step writes one JSON line of
metrics; checkpoints and a PNG plot go to ``output_dir``.
"""

from __future__ import annotations

import copy
import math
import random
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
import torch
from tqdm import tqdm
from transformers import PreTrainedTokenizerBase

from toolgym.tokens.trajectory import TokenTrajectory
from toolgym.tokens.wrapper import TokenEnv
from toolgym.train.advantages import Sample, prepare_samples
from toolgym.train.batching import collate
from toolgym.train.checkpoint import load_checkpoint, save_checkpoint
from toolgym.train.config import GRPOConfig, SFTConfig
from toolgym.train.device import autocast, pick_autocast_dtype, pick_device
from toolgym.train.generation import Generator, HFGenerator
from toolgym.train.losses import grpo_loss, token_logprobs
from toolgym.train.metrics import MetricsWriter, plot_metrics
from toolgym.train.rollout import Rollout, RolloutEngine, RolloutRequest
from toolgym.train.sft import reference_trajectories, sft_warm_start

EnvFactory = Callable[[], "gym.Env[Any, Any]"]


class GRPOTrainer:
    """GRPO for a transformers causal LM on ToolGym envs.

    ``env_factory`` returns a new env per call: a :class:`TokenEnv`, or a text ToolGym env that
    the trainer wraps with the config's budget and drift check. ``generator`` defaults to
    :class:`HFGenerator` on the training model (pass a :class:`~toolgym.train.vllm_generator.VLLMGenerator`
    to generate with vLLM).
    """

    def __init__(
        self,
        model: torch.nn.Module,
        tokenizer: PreTrainedTokenizerBase,
        env_factory: EnvFactory,
        config: GRPOConfig,
        *,
        generator: Generator | None = None,
        ref_model: torch.nn.Module | None = None,
        task_ids: Sequence[str] | None = None,
    ) -> None:
        self.config = config
        self.tokenizer = tokenizer
        self.device = pick_device(config.device)
        self.autocast_dtype = pick_autocast_dtype(self.device, config.precision)
        self.model = model.to(self.device)
        if config.gradient_checkpointing:
            self.model.gradient_checkpointing_enable()  # type: ignore[operator]
        self._env_factory = env_factory
        probe = self.make_env()
        self.stop_ids = probe.stop_token_ids
        self.task_ids = list(task_ids) if task_ids is not None else [t.id for t in probe.base.tasks]
        probe.close()
        if not self.task_ids:
            raise ValueError("no tasks to train on")
        self.vocab_size = len(tokenizer)
        pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
        if pad is None:
            raise ValueError("the tokenizer needs a pad or eos token")
        self.pad_id = int(pad)
        self.generator: Generator = generator or HFGenerator(
            self.model,
            stop_ids=self.stop_ids,
            pad_id=self.pad_id,
            vocab_size=self.vocab_size,
            temperature=config.temperature,
            top_p=config.top_p,
            max_batch_size=config.max_batch_size,
            autocast_dtype=self.autocast_dtype,
        )
        self.engine = RolloutEngine(
            self.make_env,
            self.generator,
            max_new_tokens=config.max_new_tokens,
            max_concurrency=config.max_concurrency,
            env_workers=config.env_workers,
        )
        self.params = [p for p in self.model.parameters() if p.requires_grad]
        self.optimizer = torch.optim.AdamW(self.params, lr=config.lr, weight_decay=config.weight_decay)
        warmup = config.warmup_steps
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(
            self.optimizer, lambda k: min(1.0, (k + 1) / warmup) if warmup else 1.0
        )
        self.ref_model = ref_model
        self.step_count = 0
        self.output_dir = Path(config.output_dir)
        self._rng = random.Random(config.seed)
        self._order: list[str] = []
        if config.resume_from:
            self.step_count = load_checkpoint(
                config.resume_from, model=self.model, optimizer=self.optimizer, scheduler=self.scheduler
            )
            self.generator.sync_weights(self.model)

    # ------------------------------------------------------------------ envs and warm start
    def make_env(self) -> TokenEnv:
        """A token env from the factory (wrapped here when the factory gives a text env)."""
        env = self._env_factory()
        if isinstance(env, TokenEnv):
            return env
        return TokenEnv(env, self.tokenizer, budget=self.config.budget, check_drift=self.config.check_drift)

    def warm_start(self, config: SFTConfig | None = None, task_ids: Sequence[str] | None = None) -> list[float]:
        """SFT on the reference trajectories of ``task_ids`` (default: the training tasks)."""
        env = self.make_env()
        try:
            trajs = reference_trajectories(env, list(task_ids) if task_ids is not None else self.task_ids)
        finally:
            env.close()
        losses = sft_warm_start(
            self.model,
            trajs,
            config or SFTConfig(),
            pad_id=self.pad_id,
            vocab_size=self.vocab_size,
            autocast_dtype=self.autocast_dtype,
        )
        self.generator.sync_weights(self.model)
        return losses

    # ------------------------------------------------------------------ the loop
    def train(self) -> list[dict[str, Any]]:
        """Run until ``config.steps``; returns every step's metrics (also in ``metrics.jsonl``)."""
        cfg = self.config
        self.output_dir.mkdir(parents=True, exist_ok=True)
        writer = MetricsWriter(self.output_dir / "metrics.jsonl")
        records: list[dict[str, Any]] = []
        bar = tqdm(total=cfg.steps, initial=self.step_count, desc="grpo", unit="step", disable=not cfg.progress)
        try:
            while self.step_count < cfg.steps:
                record = self.step()
                records.append(record)
                writer.write(record)
                bar.update(1)
                bar.set_postfix(reward=f"{record['reward_mean']:.3f}", tools=f"{record['tool_calls_mean']:.2f}")
                if cfg.save_every and self.step_count % cfg.save_every == 0:
                    self.save(self.output_dir / f"checkpoint-{self.step_count}")
            self.save(self.output_dir / "final")
        finally:
            bar.close()
            writer.close()
        if cfg.plot and records:
            plot_metrics(records, self.output_dir / "training.png", title=f"GRPO ({cfg.advantage})")
        return records

    def step(self) -> dict[str, Any]:
        """One GRPO step: rollouts, advantages, updates; returns its metrics."""
        cfg = self.config
        t0 = time.perf_counter()
        if cfg.kl_coef > 0 and self.ref_model is None:
            self.ref_model = _frozen_copy(self.model)
        rollouts = self.engine.run(self._requests())
        rstats = self.engine.last_stats
        samples, fstats = prepare_samples(
            rollouts,
            mode=cfg.advantage,
            filter_void_turns=cfg.filter_void_turns,
            drop_infra_errors=cfg.drop_infra_errors,
            otc=cfg.otc,
            correct_component=cfg.correct_component,
            otc_alpha=cfg.otc_alpha,
            otc_c=cfg.otc_c,
        )
        t1 = time.perf_counter()
        update = self._update([s for s in samples if s.trained])
        self.generator.sync_weights(self.model)
        self.step_count += 1
        t2 = time.perf_counter()
        record = {
            "step": self.step_count,
            **_rollout_metrics(rollouts, samples),
            "void_ratio": fstats.void_ratio,
            "infra_ratio": fstats.infra_ratio,
            **update,
            "lr": self.scheduler.get_last_lr()[0],
            "rollout_s": rstats.wall_s,
            "generate_s": rstats.generate_s,
            "env_s": rstats.env_s,
            "overlap": rstats.overlap,
            "generate_batches": rstats.batches,
            "generate_batch_mean": statistics.fmean(rstats.batch_sizes) if rstats.batch_sizes else 0.0,
            "update_s": t2 - t1,
            "step_s": t2 - t0,
        }
        return record

    def save(self, path: str | Path) -> Path:
        """Write a checkpoint (model, tokenizer, optimizer, scheduler, step)."""
        return save_checkpoint(
            path,
            model=self.model,
            tokenizer=self.tokenizer,
            optimizer=self.optimizer,
            scheduler=self.scheduler,
            step=self.step_count,
            config=self.config.to_dict(),
        )

    def close(self) -> None:
        """Close the rollout envs."""
        self.engine.close()

    # ------------------------------------------------------------------ internals
    def _requests(self) -> list[RolloutRequest]:
        """``tasks_per_step`` tasks from a seeded walk over shuffled task ids, G rollouts each."""
        cfg = self.config
        tasks: list[str] = []
        while len(tasks) < cfg.tasks_per_step:
            if not self._order:
                self._order = list(self.task_ids)
                self._rng.shuffle(self._order)
            tasks.append(self._order.pop())
        base = (cfg.seed * 1_000_003 + self.step_count) * 10_007
        return [
            RolloutRequest(task, group=j, seed=(base + j * cfg.group_size + g) % (2**31))
            for j, task in enumerate(tasks)
            for g in range(cfg.group_size)
        ]

    def _update(self, samples: Sequence[Sample]) -> dict[str, float]:
        """PPO epochs over mini-batches with gradient accumulation; returns loss statistics."""
        cfg = self.config
        if not samples:
            return {"loss": 0.0, "pg_loss": 0.0, "kl": 0.0, "clip_frac": 0.0, "ratio_mean": 1.0,
                    "grad_norm": 0.0, "logprob_diff": math.nan, "trained": 0}
        trajs = [s.rollout.trajectory for s in samples]
        adv = torch.tensor([s.advantage for s in samples], dtype=torch.float32)
        reuse_old = cfg.ppo_epochs > 1 or cfg.mini_batches > 1
        old = self._logprobs(self.model, trajs) if reuse_old else None
        diffs: list[float] = []
        if old is not None:
            for t, lp in zip(trajs, old):
                diffs.extend(_sampler_diffs([t], lp.unsqueeze(0), torch.tensor([t.loss_mask[1:]])))
        ref = self._logprobs(self.ref_model, trajs) if cfg.kl_coef > 0 and self.ref_model is not None else None
        agg = cfg.aggregation
        sums: dict[str, float] = defaultdict(float)
        grad_norms: list[float] = []
        n_micro = 0
        order_rng = np.random.default_rng(cfg.seed + self.step_count)
        self.model.train()
        for epoch in range(cfg.ppo_epochs):
            perm = order_rng.permutation(len(samples))
            for mb in np.array_split(perm, cfg.mini_batches):
                if len(mb) == 0:
                    continue
                n_tokens = sum(trajs[i].policy_tokens for i in mb)
                self.optimizer.zero_grad(set_to_none=True)
                for start in range(0, len(mb), cfg.micro_batch_size):
                    idx = [int(i) for i in mb[start : start + cfg.micro_batch_size]]
                    batch = collate([trajs[i] for i in idx], self.pad_id).to(self.device)
                    with autocast(self.device, self.autocast_dtype):
                        logp = token_logprobs(
                            self.model, batch.input_ids, batch.attention_mask,
                            temperature=cfg.temperature, vocab_size=self.vocab_size,
                        )
                    width = logp.shape[1]
                    old_t = _stack([old[i] for i in idx], width, self.device) if old is not None else logp.detach()
                    ref_t = _stack([ref[i] for i in idx], width, self.device) if ref is not None else None
                    loss, st = grpo_loss(
                        logp, old_t, adv[idx].to(self.device), batch.loss_mask,
                        agg=agg, n_seqs=len(mb), n_tokens=n_tokens, norm_tokens=cfg.norm_tokens,
                        clip_eps_low=cfg.clip_eps_low, clip_eps_high=cfg.clip_eps_high,
                        ref_logprobs=ref_t, kl_coef=cfg.kl_coef,
                    )
                    loss.backward()
                    if old is None:  # a single update per batch: these logprobs precede it
                        diffs.extend(_sampler_diffs([trajs[i] for i in idx], logp.detach(), batch.loss_mask))
                    sums["loss"] += float(loss.detach())
                    sums["pg_loss"] += st.pg_loss
                    sums["kl"] += st.kl
                    sums["clip_frac"] += st.clip_frac
                    sums["ratio_mean"] += st.ratio_mean
                    n_micro += 1
                grad_norms.append(float(torch.nn.utils.clip_grad_norm_(self.params, cfg.max_grad_norm)))
                self.optimizer.step()
                self.scheduler.step()
        n_steps = len(grad_norms)
        return {
            "loss": sums["loss"] / max(n_steps, 1),
            "pg_loss": sums["pg_loss"] / max(n_steps, 1),
            "kl": sums["kl"] / max(n_steps, 1),
            "clip_frac": sums["clip_frac"] / max(n_micro, 1),
            "ratio_mean": sums["ratio_mean"] / max(n_micro, 1),
            "grad_norm": statistics.fmean(grad_norms) if grad_norms else 0.0,
            "logprob_diff": statistics.fmean(diffs) if diffs else math.nan,
            "trained": len(samples),
        }

    @torch.no_grad()
    def _logprobs(self, model: torch.nn.Module | None, trajs: Sequence[TokenTrajectory]) -> list[torch.Tensor]:
        """Per-trajectory token logprobs under ``model`` (no gradient), each ``[len - 1]`` on CPU."""
        assert model is not None
        out: list[torch.Tensor] = []
        was_training = model.training
        model.eval()
        for start in range(0, len(trajs), self.config.micro_batch_size):
            chunk = trajs[start : start + self.config.micro_batch_size]
            batch = collate(chunk, self.pad_id).to(self.device)
            with autocast(self.device, self.autocast_dtype):
                logp = token_logprobs(
                    model, batch.input_ids, batch.attention_mask,
                    temperature=self.config.temperature, vocab_size=self.vocab_size,
                )
            out.extend(logp[row, : len(t) - 1].float().cpu() for row, t in enumerate(chunk))
        model.train(was_training)
        return out


def _frozen_copy(model: torch.nn.Module) -> torch.nn.Module:
    ref = copy.deepcopy(model)
    ref.eval()
    for p in ref.parameters():
        p.requires_grad_(False)
    return ref


def _stack(rows: Sequence[torch.Tensor], width: int, device: torch.device) -> torch.Tensor:
    """Right-pad 1-D tensors with zeros to ``width`` and stack them."""
    out = torch.zeros((len(rows), width), dtype=torch.float32)
    for i, r in enumerate(rows):
        out[i, : r.shape[0]] = r
    return out.to(device)


def _sampler_diffs(trajs: Sequence[TokenTrajectory], logp: torch.Tensor, mask: torch.Tensor) -> list[float]:
    """|sampler logprob - trainer logprob| on policy tokens that carry a sampler logprob."""
    out: list[float] = []
    lp = logp.float().cpu()
    m = mask.cpu()
    for row, t in enumerate(trajs):
        sampler = torch.tensor(t.logprobs[1:], dtype=torch.float32)
        n = sampler.shape[0]
        sel = m[row, :n].bool() & ~torch.isnan(sampler)
        out.extend((sampler[sel] - lp[row, :n][sel]).abs().tolist())
    return out


def _rollout_metrics(rollouts: Sequence[Rollout], samples: Sequence[Sample]) -> dict[str, Any]:
    """Reward, correctness, tool use, lengths, truncation and drift over the step's rollouts."""
    trajs = [r.trajectory for r in rollouts]
    rewards = [s.reward for s in samples]
    groups: dict[int, list[float]] = defaultdict(list)
    for s in samples:
        groups[s.rollout.request.group].append(s.reward)
    out: dict[str, Any] = {
        "reward_mean": statistics.fmean(rewards) if rewards else 0.0,
        "reward_std": statistics.pstdev(rewards) if len(rewards) > 1 else 0.0,
        "env_reward_mean": statistics.fmean(t.final_reward for t in trajs),
        "tool_calls_mean": statistics.fmean(t.num_tool_calls for t in trajs),
        "turns_mean": statistics.fmean(len(t.turns) for t in trajs),
        "response_tokens_mean": statistics.fmean(t.policy_tokens for t in trajs),
        "total_tokens_mean": statistics.fmean(len(t) for t in trajs),
        "truncated_ratio": statistics.fmean(float(t.truncated) for t in trajs),
        "budget_truncations": sum(len(t.truncations) for t in trajs),
        "zero_adv_group_ratio": statistics.fmean(float(max(g) == min(g)) for g in groups.values()) if groups else 0.0,
        "rollouts": len(trajs),
    }
    components = [t.reward_components for t in trajs if t.reward_components]
    if components:
        for key in sorted({k for c in components for k in c}):
            out[f"reward/{key}"] = statistics.fmean(c.get(key, 0.0) for c in components)
    drifts = [t.drift for t in trajs if t.drift is not None and t.drift.checked]
    if drifts:
        out["drift_mismatches"] = sum(d.mismatches for d in drifts)
    return out
