"""``toolgym train grpo``: GRPO (with an optional SFT warm start) from the command line.

``main(argv)`` takes the arguments after ``toolgym train``. ``--model`` is a Hugging Face model
id or local path, or ``tiny`` for a CPU-sized model built locally from a config with a tokenizer
trained on the env's own texts. ``--env`` is a registered id (``ToolGym/MathTIR-v1``) or an entry
point (``toolgym.train.toy:AddToolEnv``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

import gymnasium as gym
import torch
from gymnasium.envs.registration import load_env_creator

import toolgym  # noqa: F401  (registers the ToolGym/* ids)
from toolgym.cli_args import key_value
from toolgym.env import ToolEnv
from toolgym.errors import ToolGymError
from toolgym.lookup import check_env_kwargs, resolve_env_id
from toolgym.tokens.budget import TokenBudget
from toolgym.tokens.families import FAMILIES
from toolgym.train.config import GRPOConfig, SFTConfig
from toolgym.train.generation import Generator
from toolgym.train.grpo import GRPOTrainer
from toolgym.train.tiny import build_tiny_policy, env_corpus
from toolgym.train.vllm_generator import VLLMGenerator, vllm_available


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="toolgym train", description="Train a policy on ToolGym envs.")
    sub = p.add_subparsers(dest="algorithm", required=True)
    g = sub.add_parser("grpo", help="GRPO over the token stream, optionally after an SFT warm start")
    g.add_argument("--model", required=True, help="HF model id or path, or 'tiny' (built locally, CPU-sized)")
    g.add_argument("--env", required=True, help="registered env id or 'module:Class' entry point")
    g.add_argument("--env-arg", action="append", default=[], type=key_value, metavar="KEY=VALUE",
                   help="keyword for the env constructor (JSON values), repeatable")
    g.add_argument("--output", default="runs/grpo", help="output directory (metrics.jsonl, checkpoints, plot)")
    g.add_argument("--steps", type=int, default=100)
    g.add_argument("--tasks-per-step", type=int, default=8)
    g.add_argument("--group-size", type=int, default=8)
    g.add_argument("--lr", type=float, default=1e-6)
    g.add_argument("--warmup-steps", type=int, default=0)
    g.add_argument("--temperature", type=float, default=1.0)
    g.add_argument("--top-p", type=float, default=1.0)
    g.add_argument("--max-new-tokens", type=int, default=512, help="per policy turn")
    g.add_argument("--max-total-tokens", type=int, default=None, help="budget for the whole episode")
    g.add_argument("--max-prompt-tokens", type=int, default=None)
    g.add_argument("--max-observation-tokens", type=int, default=None)
    g.add_argument("--advantage", choices=["grpo", "dr_grpo"], default="grpo")
    g.add_argument("--loss-agg", choices=["token-mean", "seq-mean-token-mean", "seq-mean-token-sum-norm"], default=None)
    g.add_argument("--kl-coef", type=float, default=0.0)
    g.add_argument("--clip-eps-low", type=float, default=0.2)
    g.add_argument("--clip-eps-high", type=float, default=0.2)
    g.add_argument("--otc", action="store_true", help="OTC-GRPO tool-efficiency group reward")
    g.add_argument("--no-void-filter", action="store_true", help="keep trajectories with void turns in the loss")
    g.add_argument("--keep-infra-errors", action="store_true", help="train on infra_error trajectories too")
    g.add_argument("--ppo-epochs", type=int, default=1)
    g.add_argument("--mini-batches", type=int, default=1, help="optimizer steps per rollout batch")
    g.add_argument("--micro-batch-size", type=int, default=8, help="trajectories per forward/backward")
    g.add_argument("--max-grad-norm", type=float, default=1.0)
    g.add_argument("--max-concurrency", type=int, default=64, help="trajectories in flight")
    g.add_argument("--env-workers", type=int, default=8, help="threads running env steps (tools)")
    g.add_argument("--gradient-checkpointing", action="store_true")
    g.add_argument("--precision", choices=["auto", "bf16", "fp32"], default="auto")
    g.add_argument("--device", default=None)
    g.add_argument("--generator", choices=["auto", "hf", "vllm"], default="auto",
                   help="auto: vLLM when installed and CUDA is present, else transformers")
    g.add_argument("--vllm-gpu-memory", type=float, default=0.3)
    g.add_argument(
        "--family", default=None, choices=sorted(FAMILIES), help="chat template family; detected from the template by default"
    )
    g.add_argument("--check-drift", action="store_true", help="compare every stream with a full re-render")
    g.add_argument("--sft-epochs", type=int, default=0, help="SFT warm-start epochs on reference trajectories")
    g.add_argument("--sft-lr", type=float, default=1e-5)
    g.add_argument("--sft-batch-size", type=int, default=8)
    g.add_argument("--sft-target-loss", type=float, default=None, help="stop SFT once an epoch's mean loss is this low")
    g.add_argument("--save-every", type=int, default=0)
    g.add_argument("--resume", default=None, help="checkpoint directory to resume from")
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--tiny-hidden", type=int, default=64, help="--model tiny: hidden size")
    g.add_argument("--tiny-layers", type=int, default=2, help="--model tiny: layers")
    g.add_argument("--no-progress", action="store_true")
    return p


def env_factory(env: str, kwargs: dict[str, Any]) -> Callable[[], gym.Env[Any, Any]]:
    """A zero-argument env constructor from a registered id or a ``module:Class`` entry point."""
    if ":" in env and "/" not in env.split(":", 1)[0]:
        creator = load_env_creator(env)
        return lambda: creator(**kwargs)
    try:  # an unknown id or argument fails with one line naming the closest ones
        env = resolve_env_id(env)
        check_env_kwargs(env, kwargs)
    except ToolGymError as exc:
        raise SystemExit(f"toolgym train: error: {exc}") from None
    return lambda: gym.make(env, **kwargs)


def load_policy(args: argparse.Namespace, make_env: Callable[[], gym.Env[Any, Any]]) -> tuple[torch.nn.Module, Any]:
    """The model and tokenizer named by ``--model``."""
    if args.model == "tiny":
        base = make_env().unwrapped
        if not isinstance(base, ToolEnv):
            raise SystemExit("toolgym train: --model tiny needs a ToolGym env")
        return build_tiny_policy(
            env_corpus(base), family=args.family or "chatml", hidden_size=args.tiny_hidden,
            layers=args.tiny_layers, seed=args.seed,
        )
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(args.model)
    model = AutoModelForCausalLM.from_pretrained(args.model, dtype=torch.float32)
    return model, tokenizer


def make_generator(args: argparse.Namespace, tokenizer: Any, stop_ids: Sequence[int]) -> Generator | None:
    """vLLM when asked for (or ``auto`` and available for a named model), else None (transformers)."""
    if args.generator == "vllm" and args.model == "tiny":
        raise SystemExit("toolgym train: --generator vllm needs a model id or path, not 'tiny'")
    use_vllm = args.generator == "vllm" or (args.generator == "auto" and args.model != "tiny" and vllm_available())
    if not use_vllm:
        return None
    return VLLMGenerator(
        args.model, stop_ids=stop_ids, vocab_size=len(tokenizer), temperature=args.temperature,
        top_p=args.top_p, gpu_memory_utilization=args.vllm_gpu_memory, seed=args.seed,
    )


def config_from_args(args: argparse.Namespace) -> GRPOConfig:
    return GRPOConfig(
        steps=args.steps, tasks_per_step=args.tasks_per_step, group_size=args.group_size, seed=args.seed,
        max_new_tokens=args.max_new_tokens, temperature=args.temperature, top_p=args.top_p,
        max_concurrency=args.max_concurrency, env_workers=args.env_workers,
        budget=TokenBudget(args.max_prompt_tokens, args.max_observation_tokens, args.max_total_tokens),
        check_drift=args.check_drift, advantage=args.advantage, loss_agg=args.loss_agg,
        filter_void_turns=not args.no_void_filter, drop_infra_errors=not args.keep_infra_errors,
        otc=args.otc, lr=args.lr, warmup_steps=args.warmup_steps, max_grad_norm=args.max_grad_norm,
        clip_eps_low=args.clip_eps_low, clip_eps_high=args.clip_eps_high, kl_coef=args.kl_coef,
        ppo_epochs=args.ppo_epochs, mini_batches=args.mini_batches, micro_batch_size=args.micro_batch_size,
        precision=args.precision, device=args.device, gradient_checkpointing=args.gradient_checkpointing,
        output_dir=args.output, save_every=args.save_every, progress=not args.no_progress,
        resume_from=args.resume,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``toolgym train``; returns the exit status."""
    args = build_parser().parse_args(argv)
    torch.manual_seed(args.seed)
    make_env = env_factory(args.env, dict(args.env_arg))
    model, tokenizer = load_policy(args, make_env)
    config = config_from_args(args)

    def make_token_env() -> Any:
        from toolgym.tokens.wrapper import TokenEnv

        return TokenEnv(make_env(), tokenizer, family=args.family, budget=config.budget, check_drift=config.check_drift)

    probe = make_token_env()
    stop_ids = probe.stop_token_ids
    probe.close()
    trainer = GRPOTrainer(model, tokenizer, make_token_env, config, generator=make_generator(args, tokenizer, stop_ids))
    try:
        if args.sft_epochs > 0 and not args.resume:
            losses = trainer.warm_start(
                SFTConfig(epochs=args.sft_epochs, lr=args.sft_lr, batch_size=args.sft_batch_size,
                          micro_batch_size=min(args.micro_batch_size, args.sft_batch_size), seed=args.seed,
                          target_loss=args.sft_target_loss)
            )
            print(f"sft warm start: {len(losses)} steps, loss {losses[0]:.4f} -> {losses[-1]:.4f}", file=sys.stderr)
        records = trainer.train()
    finally:
        trainer.close()
    if records:
        k = min(10, len(records))
        print(f"reward: first {k} steps {_mean_reward(records[:k]):.3f}, last {k} steps {_mean_reward(records[-k:]):.3f}")
    print(f"metrics: {config.output_dir}/metrics.jsonl  plot: {config.output_dir}/training.png  "
          f"model: {config.output_dir}/final")
    return 0


def _mean_reward(records: Sequence[dict[str, Any]]) -> float:
    return sum(r["reward_mean"] for r in records) / len(records)
