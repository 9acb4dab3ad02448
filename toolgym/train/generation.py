"""Token-in, token-out generation for rollouts: the contract and the transformers backend.

A :class:`Generator` continues a batch of token contexts and returns the sampled ids with their
logprobs under the sampling distribution. :class:`HFGenerator` runs any transformers causal LM
with a KV cache. Each request carries its own seed, so a trajectory's samples do not depend on
which other trajectories happen to share its batch (rollouts are asynchronous, batches vary).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import torch

from toolgym.train.device import autocast


@dataclass(frozen=True)
class GenerationRequest:
    """Continue ``context`` by at most ``max_new_tokens`` tokens, sampling with ``seed``."""

    context: Sequence[int]
    max_new_tokens: int
    seed: int


@dataclass(frozen=True)
class GenerationResult:
    """The sampled ids (ending with a stop id unless the length limit hit) and their logprobs."""

    token_ids: list[int]
    logprobs: list[float]


class Generator(Protocol):
    """What the rollout engine needs from an inference backend."""

    def generate(self, requests: Sequence[GenerationRequest]) -> list[GenerationResult]:
        """One continuation per request, in order."""
        ...

    def sync_weights(self, model: torch.nn.Module) -> None:
        """Make generation use ``model``'s current weights (after an optimizer step)."""
        ...


class HFGenerator:
    """Sampling with a transformers causal LM: batched prefill, then cached decoding.

    ``vocab_size`` bounds the ids that may be sampled (model embeddings are often padded beyond
    the tokenizer); logprobs are ``log_softmax(logits[:vocab_size] / temperature)`` after top-p
    filtering, exactly what the trainer recomputes when ``top_p == 1``.
    """

    def __init__(
        self,
        model: torch.nn.Module,
        *,
        stop_ids: Sequence[int],
        pad_id: int,
        vocab_size: int,
        temperature: float = 1.0,
        top_p: float = 1.0,
        max_batch_size: int = 64,
        autocast_dtype: torch.dtype | None = None,
    ) -> None:
        self.model = model
        self.stop_ids = torch.tensor(sorted({int(i) for i in stop_ids}), dtype=torch.long)
        self.pad_id = int(pad_id)
        self.vocab_size = int(vocab_size)
        self.temperature = float(temperature)
        self.top_p = float(top_p)
        self.max_batch_size = int(max_batch_size)
        self.autocast_dtype = autocast_dtype

    def sync_weights(self, model: torch.nn.Module) -> None:
        self.model = model

    def generate(self, requests: Sequence[GenerationRequest]) -> list[GenerationResult]:
        out: list[GenerationResult] = []
        for i in range(0, len(requests), self.max_batch_size):
            out.extend(self._generate_batch(requests[i : i + self.max_batch_size]))
        return out

    @torch.no_grad()
    def _generate_batch(self, requests: Sequence[GenerationRequest]) -> list[GenerationResult]:
        device = next(self.model.parameters()).device
        n = len(requests)
        width = max(len(r.context) for r in requests)
        ids = torch.full((n, width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((n, width), dtype=torch.long)
        for row, r in enumerate(requests):
            if r.context:
                ids[row, width - len(r.context) :] = torch.as_tensor(list(r.context), dtype=torch.long)
                mask[row, width - len(r.context) :] = 1
        ids, mask = ids.to(device), mask.to(device)
        positions = (mask.cumsum(-1) - 1).clamp(min=0)
        rngs = [torch.Generator(device=device).manual_seed(int(r.seed)) for r in requests]
        limits = [int(r.max_new_tokens) for r in requests]
        tokens: list[list[int]] = [[] for _ in range(n)]
        logprobs: list[list[float]] = [[] for _ in range(n)]
        active = [lim > 0 for lim in limits]
        stop = self.stop_ids.tolist()
        was_training = self.model.training
        self.model.eval()
        try:
            with autocast(device, self.autocast_dtype):
                # logits of the last position only: a full-context logits tensor is (batch, context, vocab)
                out = self.model(input_ids=ids, attention_mask=mask, position_ids=positions, use_cache=True, logits_to_keep=1)
            past = out.past_key_values
            logits = out.logits[:, -1, : self.vocab_size].float()
            for _ in range(max(limits, default=0)):
                if not any(active):
                    break
                logp = torch.log_softmax(self._filter(logits / self.temperature), dim=-1)
                probs = logp.exp()
                nxt = torch.full((n,), self.pad_id, dtype=torch.long, device=device)
                for row in range(n):  # one generator per request: samples independent of the batch
                    if active[row]:
                        nxt[row] = torch.multinomial(probs[row], 1, generator=rngs[row])[0]
                picked = logp.gather(1, nxt.view(n, 1)).view(n).tolist()
                for row, tok in enumerate(nxt.tolist()):
                    if not active[row]:
                        continue
                    tokens[row].append(tok)
                    logprobs[row].append(picked[row])
                    if tok in stop or len(tokens[row]) >= limits[row]:
                        active[row] = False
                if not any(active):
                    break
                mask = torch.cat([mask, torch.ones((n, 1), dtype=mask.dtype, device=device)], dim=1)
                positions = positions[:, -1:] + 1
                with autocast(device, self.autocast_dtype):
                    out = self.model(
                        input_ids=nxt.view(n, 1),
                        attention_mask=mask,
                        position_ids=positions,
                        past_key_values=past,
                        use_cache=True,
                    )
                past = out.past_key_values
                logits = out.logits[:, -1, : self.vocab_size].float()
        finally:
            self.model.train(was_training)
        return [GenerationResult(t, lp) for t, lp in zip(tokens, logprobs)]

    def _filter(self, logits: torch.Tensor) -> torch.Tensor:
        """Top-p (nucleus) filtering; the identity when ``top_p == 1``."""
        if self.top_p >= 1.0:
            return logits
        sorted_logits, order = torch.sort(logits, descending=True, dim=-1)
        cum = torch.softmax(sorted_logits, dim=-1).cumsum(-1)
        drop_sorted = cum - torch.softmax(sorted_logits, dim=-1) > self.top_p
        drop = torch.zeros_like(drop_sorted).scatter(-1, order, drop_sorted)
        return logits.masked_fill(drop, float("-inf"))
