"""Token trajectories to padded tensors for the loss (right padding, shifted masks)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from toolgym.tokens.trajectory import TokenTrajectory


@dataclass
class Batch:
    """``input_ids``/``attention_mask`` ``[B, T]``; ``loss_mask`` ``[B, T-1]`` aligned with
    :func:`toolgym.train.losses.token_logprobs` (1 where the predicted token is the policy's)."""

    input_ids: torch.Tensor
    attention_mask: torch.Tensor
    loss_mask: torch.Tensor

    def to(self, device: torch.device) -> Batch:
        return Batch(self.input_ids.to(device), self.attention_mask.to(device), self.loss_mask.to(device))


def collate(trajectories: Sequence[TokenTrajectory], pad_id: int) -> Batch:
    """Right-pad trajectories into one batch."""
    if not trajectories:
        raise ValueError("cannot collate an empty batch")
    width = max(len(t) for t in trajectories)
    n = len(trajectories)
    ids = torch.full((n, width), int(pad_id), dtype=torch.long)
    attn = torch.zeros((n, width), dtype=torch.long)
    mask = torch.zeros((n, width), dtype=torch.long)
    for row, t in enumerate(trajectories):
        k = len(t)
        ids[row, :k] = torch.as_tensor(t.input_ids, dtype=torch.long)
        attn[row, :k] = 1
        mask[row, :k] = torch.as_tensor(t.loss_mask, dtype=torch.long)
    return Batch(ids, attn, mask[:, 1:])
