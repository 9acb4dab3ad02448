"""Where training runs: CUDA with bf16 autocast when present, CPU in fp32 otherwise."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Literal

import torch

Precision = Literal["auto", "bf16", "fp32"]


def pick_device(preference: str | None = None) -> torch.device:
    """``preference`` when given (``"cpu"``, ``"cuda:1"``), else CUDA if available, else CPU."""
    if preference:
        return torch.device(preference)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def pick_autocast_dtype(device: torch.device, precision: Precision = "auto") -> torch.dtype | None:
    """The autocast dtype for forward passes: bf16 on CUDA that supports it (``auto``), else None.

    Parameters and optimizer state stay fp32 either way; only matmuls run in bf16.
    """
    if precision == "fp32":
        return None
    bf16_ok = device.type == "cuda" and torch.cuda.is_bf16_supported()
    if precision == "bf16" and not bf16_ok:
        raise ValueError(f"precision='bf16' needs a CUDA device with bf16 support, got {device}")
    return torch.bfloat16 if bf16_ok else None


@contextlib.contextmanager
def autocast(device: torch.device, dtype: torch.dtype | None) -> Iterator[None]:
    """``torch.autocast`` when ``dtype`` is set, else nothing."""
    if dtype is None:
        yield
    else:
        with torch.autocast(device_type=device.type, dtype=dtype):
            yield
