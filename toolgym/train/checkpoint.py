"""Checkpoints: model and tokenizer in Hugging Face format, plus the trainer's own state."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import numpy as np
import torch
from transformers import AutoModelForCausalLM, PreTrainedTokenizerBase

STATE_FILE = "trainer_state.pt"


class CheckpointError(RuntimeError):
    """A checkpoint directory is missing or incomplete."""


def save_checkpoint(
    path: str | Path,
    *,
    model: torch.nn.Module,
    tokenizer: PreTrainedTokenizerBase,
    optimizer: torch.optim.Optimizer,
    scheduler: torch.optim.lr_scheduler.LRScheduler,
    step: int,
    config: dict[str, Any],
) -> Path:
    """Write ``path/`` (``save_pretrained`` files and ``trainer_state.pt``); returns the path."""
    out = Path(path)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)  # type: ignore[operator]
    tokenizer.save_pretrained(out)
    torch.save(
        {
            "step": step,
            "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(),
            "config": config,
            "torch_rng": torch.get_rng_state(),
            "numpy_rng": np.random.get_state(),
            "python_rng": random.getstate(),
        },
        out / STATE_FILE,
    )
    return out


def load_checkpoint(
    path: str | Path,
    *,
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    scheduler: torch.optim.lr_scheduler.LRScheduler,
) -> int:
    """Restore weights, optimizer, scheduler and RNG states from ``path``; returns the step."""
    src = Path(path)
    if not (src / STATE_FILE).is_file():
        raise CheckpointError(f"{src} is not a ToolGym checkpoint (no {STATE_FILE})")
    saved = AutoModelForCausalLM.from_pretrained(src, dtype=torch.float32)
    model.load_state_dict(saved.state_dict())
    del saved
    state = torch.load(src / STATE_FILE, map_location="cpu", weights_only=False)
    optimizer.load_state_dict(state["optimizer"])
    scheduler.load_state_dict(state["scheduler"])
    torch.set_rng_state(state["torch_rng"])
    np.random.set_state(state["numpy_rng"])
    random.setstate(state["python_rng"])
    return int(state["step"])
