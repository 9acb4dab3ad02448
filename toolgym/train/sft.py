"""Warm start: supervised fine-tuning on the reference trajectories every shipped task carries.

A reference trajectory is played through the token env like a rollout, so it has the same
stream layout and loss mask: the reference turns (rendered by the env's parser and tokenized
once, with the template's closing token) are trained on, prompts and tool results are not. This
is the cold start Tool-Star and MUA-RL use before RL.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import torch

from toolgym.tokens.trajectory import TokenTrajectory
from toolgym.tokens.wrapper import TokenEnv
from toolgym.train.batching import collate
from toolgym.train.config import SFTConfig
from toolgym.train.device import autocast
from toolgym.train.losses import sft_loss, token_logprobs
from toolgym.types import ToolCall


def reference_trajectory(env: TokenEnv, task_id: str) -> TokenTrajectory:
    """Play ``task_id``'s reference turns through ``env`` and return the token stream."""
    env.reset(options={"task_id": task_id})
    base = env.base
    done = False
    for ref in base.task.reference:
        if done:
            break
        calls = [ToolCall(c.name, dict(c.arguments)) for c in ref.tool_calls]
        text = base.parser.render_action(calls, answer=ref.answer, thought=ref.thought)
        ids = env.renderer.encode(text) + [env.renderer.closing_token(text)]
        _, _, terminated, truncated, _ = env.step(ids)
        done = terminated or truncated
    return env.trajectory


def reference_trajectories(env: TokenEnv, task_ids: Sequence[str]) -> list[TokenTrajectory]:
    """Reference streams for many tasks (one env, played one after another)."""
    return [reference_trajectory(env, t) for t in task_ids]


def sft_warm_start(
    model: torch.nn.Module,
    trajectories: Sequence[TokenTrajectory],
    config: SFTConfig,
    *,
    pad_id: int,
    vocab_size: int | None = None,
    autocast_dtype: torch.dtype | None = None,
) -> list[float]:
    """Train ``model`` on ``trajectories`` (policy tokens only); returns the loss of every step.

    Stops early after an epoch whose mean loss reaches ``config.target_loss`` when that is set.
    """
    if not trajectories:
        raise ValueError("sft_warm_start needs at least one trajectory")
    device = next(model.parameters()).device
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=config.lr, weight_decay=config.weight_decay)
    rng = random.Random(config.seed)
    order = list(range(len(trajectories)))
    losses: list[float] = []
    model.train()
    for _ in range(config.epochs):
        rng.shuffle(order)
        epoch_start = len(losses)
        for start in range(0, len(order), config.batch_size):
            step_items = [trajectories[i] for i in order[start : start + config.batch_size]]
            n_tokens = sum(t.policy_tokens for t in step_items)
            optimizer.zero_grad(set_to_none=True)
            total = 0.0
            for m in range(0, len(step_items), config.micro_batch_size):
                batch = collate(step_items[m : m + config.micro_batch_size], pad_id).to(device)
                with autocast(device, autocast_dtype):
                    logp = token_logprobs(model, batch.input_ids, batch.attention_mask, vocab_size=vocab_size)
                loss = sft_loss(logp, batch.loss_mask, n_tokens=n_tokens)
                loss.backward()
                total += float(loss.detach())
            torch.nn.utils.clip_grad_norm_(params, config.max_grad_norm)
            optimizer.step()
            losses.append(total)
        epoch = losses[epoch_start:]
        if config.target_loss is not None and sum(epoch) / len(epoch) <= config.target_loss:
            break
    return losses
