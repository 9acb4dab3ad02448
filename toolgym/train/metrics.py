"""Run records: one JSON line per step, and the end-of-run plot (PNG)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any


class MetricsWriter:
    """Appends one JSON object per step to ``path`` and flushes, so a crashed run keeps its log."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = self.path.open("a", encoding="utf-8")

    def write(self, record: Mapping[str, Any]) -> None:
        clean = {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in record.items()}
        self._file.write(json.dumps(clean, sort_keys=True) + "\n")
        self._file.flush()

    def close(self) -> None:
        self._file.close()


def read_metrics(path: str | Path) -> list[dict[str, Any]]:
    """The records of a metrics JSONL file."""
    with Path(path).open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


#: The plot's panels: metric key and axis label.
PLOT_PANELS = (("reward_mean", "reward"), ("tool_calls_mean", "tool calls / trajectory"), ("response_tokens_mean", "response length (policy tokens)"))


def plot_metrics(records: Sequence[Mapping[str, Any]], path: str | Path, title: str = "GRPO") -> Path:
    """Reward, tool calls and response length per step, as a PNG at ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    steps = [r["step"] for r in records]
    fig, axes = plt.subplots(len(PLOT_PANELS), 1, figsize=(7, 2.4 * len(PLOT_PANELS)), sharex=True)
    for ax, (key, label) in zip(axes, PLOT_PANELS):
        ax.plot(steps, [r.get(key) for r in records], marker=".", linewidth=1)
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
    axes[0].set_title(title)
    axes[-1].set_xlabel("step")
    fig.tight_layout()
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=100)
    plt.close(fig)
    return out
