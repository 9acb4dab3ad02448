"""Losses: observation tokens get zero gradient, aggregation and accumulation, clipping, KL."""

from __future__ import annotations

import pytest
import torch

from toolgym.tokens import TokenEnv
from toolgym.train.batching import collate
from toolgym.train.losses import aggregate, grpo_loss, sft_loss, token_logprobs
from toolgym.train.sft import reference_trajectory
from toolgym.train.toy import AddToolEnv
from toolgym.types import ToolCall


def _grads(model) -> torch.Tensor:
    return torch.cat([p.grad.flatten() for p in model.parameters() if p.grad is not None])


def _loss_from_logits(model, batch, targets, old, ref, adv):
    """The GRPO loss with explicit targets, so observation targets can be perturbed."""
    logits = model(input_ids=batch.input_ids, attention_mask=batch.attention_mask).logits[:, :-1].float()
    logp = logits.log_softmax(-1).gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    n_tokens = int(batch.loss_mask.sum())
    loss, _ = grpo_loss(
        logp, old, adv, batch.loss_mask, agg="token-mean", n_seqs=batch.input_ids.shape[0], n_tokens=n_tokens,
        ref_logprobs=ref, kl_coef=0.1, clip_eps_low=0.2, clip_eps_high=0.2,
    )
    return loss


@pytest.fixture
def mid_episode_batch(tiny_tokenizer):
    """Two streams: a finished reference episode, and one stopped after its first observation."""
    env = TokenEnv(AddToolEnv(), tiny_tokenizer)
    full = reference_trajectory(env, "add-3")
    env.reset(options={"task_id": "add-5"})
    ref = env.base.task.reference[0].tool_calls[0]
    call = env.base.parser.render_action([ToolCall(ref.name, dict(ref.arguments))])
    env.step(env.renderer.encode(call) + [env.renderer.closing_token(call)])
    partial = env.trajectory  # ends with observation tokens (mask 0)
    assert partial.loss_mask[-1] == 0 and full.loss_mask[-1] == 1
    return collate([full, partial], tiny_tokenizer.pad_token_id)


def test_observation_tokens_get_zero_gradient(tiny_model, mid_episode_batch):
    """Perturb everything at observation (and prompt) positions: their target ids, their old and
    reference logprobs, and the trailing observation tokens themselves. The parameter gradient
    must not change, and the gradient w.r.t. per-token logprobs is exactly zero there."""
    model, batch = tiny_model, mid_episode_batch
    gen = torch.Generator().manual_seed(0)
    mask = batch.loss_mask.bool()
    shape = mask.shape
    old = -torch.rand(shape, generator=gen)
    ref = -torch.rand(shape, generator=gen)
    adv = torch.tensor([1.3, -0.7])
    targets = batch.input_ids[:, 1:]

    model.zero_grad()
    _loss_from_logits(model, batch, targets, old, ref, adv).backward()
    base = _grads(model).clone()
    assert base.abs().sum() > 0

    vocab = model.config.vocab_size
    noise_ids = torch.randint(0, vocab, shape, generator=gen)
    p_targets = torch.where(mask, targets, noise_ids)
    p_old = torch.where(mask, old, torch.full(shape, -1e4))
    p_ref = torch.where(mask, ref, torch.randn(shape, generator=gen) * 50)
    p_batch = type(batch)(batch.input_ids.clone(), batch.attention_mask, batch.loss_mask)
    # the partial stream's trailing observation tokens (after its last policy token) as inputs too
    row = 1
    length = int(batch.attention_mask[row].sum())
    last_policy = int(mask[row].nonzero().max()) + 1  # index in input_ids of the last policy token
    p_batch.input_ids[row, last_policy + 1 : length] = torch.randint(0, vocab, (length - last_policy - 1,), generator=gen)
    p_targets[row, last_policy : length - 1] = p_batch.input_ids[row, last_policy + 1 : length]

    model.zero_grad()
    _loss_from_logits(model, p_batch, p_targets, p_old, p_ref, adv).backward()
    assert torch.allclose(_grads(model), base, atol=1e-6, rtol=1e-5)

    # and the gradient w.r.t. the logprob tensor itself vanishes off the policy tokens
    logp = token_logprobs(model, batch.input_ids, batch.attention_mask).detach().requires_grad_(True)
    loss, _ = grpo_loss(logp, old, adv, batch.loss_mask, agg="seq-mean-token-mean", n_seqs=2,
                        n_tokens=int(mask.sum()), ref_logprobs=ref, kl_coef=0.1)
    loss.backward()
    assert torch.count_nonzero(logp.grad[~mask]) == 0
    assert torch.count_nonzero(logp.grad[mask]) > 0


def test_sft_loss_ignores_observation_targets(tiny_model, mid_episode_batch):
    batch = mid_episode_batch
    logp = token_logprobs(tiny_model, batch.input_ids, batch.attention_mask).detach().requires_grad_(True)
    sft_loss(logp, batch.loss_mask, n_tokens=int(batch.loss_mask.sum())).backward()
    assert torch.count_nonzero(logp.grad[~batch.loss_mask.bool()]) == 0
    assert torch.allclose(logp.grad[batch.loss_mask.bool()], torch.tensor(-1.0 / int(batch.loss_mask.sum())))


@pytest.mark.parametrize("agg", ["token-mean", "seq-mean-token-mean", "seq-mean-token-sum-norm"])
def test_micro_batches_sum_to_the_full_batch_loss(agg):
    gen = torch.Generator().manual_seed(1)
    values = torch.randn(6, 9, generator=gen)
    mask = (torch.rand(6, 9, generator=gen) > 0.4).long()
    n_tokens = int(mask.sum())
    full = aggregate(values, mask, agg, n_seqs=6, n_tokens=n_tokens, norm_tokens=16)
    parts = sum(
        aggregate(values[i : i + 2], mask[i : i + 2], agg, n_seqs=6, n_tokens=n_tokens, norm_tokens=16)
        for i in range(0, 6, 2)
    )
    assert torch.allclose(full, parts)


def test_aggregation_values():
    values = torch.tensor([[1.0, 2.0, 3.0], [4.0, 0.0, 0.0]])
    mask = torch.tensor([[1, 1, 0], [1, 0, 0]])
    assert aggregate(values, mask, "token-mean", n_seqs=2, n_tokens=3).item() == pytest.approx(7 / 3)
    assert aggregate(values, mask, "seq-mean-token-mean", n_seqs=2, n_tokens=3).item() == pytest.approx((1.5 + 4) / 2)
    assert aggregate(values, mask, "seq-mean-token-sum-norm", n_seqs=2, n_tokens=3, norm_tokens=10).item() == pytest.approx(7 / 20)
    with pytest.raises(ValueError):
        aggregate(values, mask, "sum", n_seqs=2, n_tokens=3)  # type: ignore[arg-type]


def test_ppo_clip_stops_the_gradient_outside_the_trust_region():
    old = torch.zeros(1, 2)
    mask = torch.ones(1, 2)
    logp = torch.tensor([[0.5, -0.5]], requires_grad=True)  # ratios e^0.5 = 1.65, e^-0.5 = 0.61
    loss, stats = grpo_loss(logp, old, torch.tensor([1.0]), mask, agg="token-mean", n_seqs=1, n_tokens=2)
    loss.backward()
    # positive advantage: the token above 1 + eps is clipped (no gradient), the one below is not
    assert logp.grad[0, 0] == 0 and logp.grad[0, 1] < 0
    assert stats.clip_frac == pytest.approx(1.0)  # both ratios lie outside [0.8, 1.2]
    logp.grad = None
    loss, _ = grpo_loss(logp, old, torch.tensor([-1.0]), mask, agg="token-mean", n_seqs=1, n_tokens=2)
    loss.backward()
    assert logp.grad[0, 0] > 0 and logp.grad[0, 1] == 0


def test_kl_is_zero_at_the_reference_and_positive_elsewhere():
    logp = torch.tensor([[-1.0, -2.0, -0.5]], requires_grad=True)
    mask = torch.tensor([[1, 1, 0]])
    adv = torch.zeros(1)
    _, at_ref = grpo_loss(logp, logp.detach(), adv, mask, agg="token-mean", n_seqs=1, n_tokens=2,
                          ref_logprobs=logp.detach(), kl_coef=1.0)
    assert at_ref.kl == 0.0
    ref = torch.tensor([[-1.5, -1.0, -40.0]])
    loss, away = grpo_loss(logp, logp.detach(), adv, mask, agg="token-mean", n_seqs=1, n_tokens=2,
                           ref_logprobs=ref, kl_coef=1.0)
    expected = sum(torch.exp(torch.tensor(d)) - d - 1 for d in (-0.5, 1.0)) / 2
    assert away.kl == pytest.approx(float(expected), rel=1e-5)
    loss.backward()
    assert logp.grad[0, 2] == 0  # the masked position's huge KL never reaches the gradient
