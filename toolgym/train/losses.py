"""Token logprobs and the losses of GRPO and SFT, all restricted to policy tokens by a mask.

Shapes: ``input_ids`` is ``[B, T]``; per-token quantities (logprobs, masks, advantages) are
``[B, T-1]`` and refer to the *predicted* token ``input_ids[:, 1:]``. Nothing outside the mask
reaches a loss: masked positions are zeroed with ``torch.where`` (not multiplied), so even a NaN
or an infinite ratio at an observation token cannot leak into the value or the gradient.

Aggregation (``agg``) turns token losses into one scalar. Micro-batches of one optimizer step
share the denominators (``n_seqs``, ``n_tokens``), so summing their losses equals the loss of the
whole mini-batch and gradient accumulation is exact:

* ``token-mean`` — sum over all policy tokens / ``n_tokens`` (DAPO);
* ``seq-mean-token-mean`` — mean over each sequence's tokens, then sum / ``n_seqs`` (GRPO);
* ``seq-mean-token-sum-norm`` — sum / (``n_seqs`` · ``norm_tokens``), a constant (Dr. GRPO).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from toolgym.train.config import LossAgg


def token_logprobs(
    model: torch.nn.Module,
    input_ids: torch.Tensor,
    attention_mask: torch.Tensor,
    *,
    temperature: float = 1.0,
    vocab_size: int | None = None,
) -> torch.Tensor:
    """``log p(input_ids[:, t+1] | input_ids[:, :t+1])`` for every t, shape ``[B, T-1]``.

    Logits are divided by ``temperature`` and cut to the first ``vocab_size`` entries, as the
    sampler does, so the values match the rollout's logprobs.
    """
    logits = model(input_ids=input_ids, attention_mask=attention_mask).logits[:, :-1]
    if vocab_size is not None:
        logits = logits[..., :vocab_size]
    targets = input_ids[:, 1:].unsqueeze(-1)
    rows = []
    for row in range(logits.shape[0]):  # one row at a time: fp32 logits of a long batch are huge
        x = logits[row].float() / temperature
        rows.append(x.gather(-1, targets[row]).squeeze(-1) - torch.logsumexp(x, dim=-1))
    return torch.stack(rows)


def aggregate(
    values: torch.Tensor,
    mask: torch.Tensor,
    agg: LossAgg,
    *,
    n_seqs: int,
    n_tokens: int,
    norm_tokens: int = 1,
) -> torch.Tensor:
    """Masked aggregation of ``[B, T-1]`` token values into this micro-batch's share of the loss."""
    m = mask.bool()
    masked = torch.where(m, values, torch.zeros_like(values))
    if agg == "token-mean":
        return masked.sum() / max(n_tokens, 1)
    if agg == "seq-mean-token-mean":
        per_seq = masked.sum(-1) / m.sum(-1).clamp(min=1)
        return per_seq.sum() / max(n_seqs, 1)
    if agg == "seq-mean-token-sum-norm":
        return masked.sum() / (max(n_seqs, 1) * max(norm_tokens, 1))
    raise ValueError(f"unknown aggregation {agg!r}")


@dataclass
class LossStats:
    """Diagnostics of one loss evaluation (policy tokens only)."""

    pg_loss: float
    kl: float
    clip_frac: float
    ratio_mean: float


def grpo_loss(
    logprobs: torch.Tensor,
    old_logprobs: torch.Tensor,
    advantages: torch.Tensor,
    mask: torch.Tensor,
    *,
    agg: LossAgg,
    n_seqs: int,
    n_tokens: int,
    norm_tokens: int = 1,
    clip_eps_low: float = 0.2,
    clip_eps_high: float = 0.2,
    ref_logprobs: torch.Tensor | None = None,
    kl_coef: float = 0.0,
) -> tuple[torch.Tensor, LossStats]:
    """PPO-clip surrogate on policy tokens, plus ``kl_coef`` times the masked k3 KL to a reference.

    ``advantages`` is ``[B]`` (one per trajectory) or ``[B, T-1]``. The KL estimator is
    ``exp(ref - logp) - (ref - logp) - 1`` (unbiased, non-negative), as in GRPO.
    """
    m = mask.bool()
    adv = advantages.unsqueeze(-1).expand_as(logprobs) if advantages.dim() == 1 else advantages
    adv = torch.where(m, adv, torch.zeros_like(adv))
    log_ratio = torch.where(m, logprobs - old_logprobs, torch.zeros_like(logprobs))
    ratio = torch.exp(log_ratio)
    clipped = torch.clamp(ratio, 1.0 - clip_eps_low, 1.0 + clip_eps_high)
    token_loss = -torch.minimum(ratio * adv, clipped * adv)
    pg = aggregate(token_loss, m, agg, n_seqs=n_seqs, n_tokens=n_tokens, norm_tokens=norm_tokens)
    loss = pg
    kl_value = 0.0
    if ref_logprobs is not None and kl_coef > 0:
        delta = torch.where(m, ref_logprobs - logprobs, torch.zeros_like(logprobs))
        kl_tok = torch.exp(delta) - delta - 1.0
        kl = aggregate(kl_tok, m, agg, n_seqs=n_seqs, n_tokens=n_tokens, norm_tokens=norm_tokens)
        loss = loss + kl_coef * kl
        kl_value = float(kl.detach())
    with torch.no_grad():
        count = m.sum().clamp(min=1)
        clip_frac = float(((ratio - clipped).abs() > 1e-8)[m].float().sum() / count)
        ratio_mean = float(ratio[m].sum() / count)
    return loss, LossStats(float(pg.detach()), kl_value, clip_frac, ratio_mean)


def sft_loss(logprobs: torch.Tensor, mask: torch.Tensor, *, n_tokens: int) -> torch.Tensor:
    """Negative log-likelihood of policy tokens, averaged over the step's ``n_tokens``."""
    return aggregate(-logprobs, mask, "token-mean", n_seqs=1, n_tokens=n_tokens)
