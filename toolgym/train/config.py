"""Configuration of the GRPO trainer and of the SFT warm start."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from toolgym.tokens.budget import TokenBudget

AdvantageMode = Literal["grpo", "dr_grpo"]
LossAgg = Literal["token-mean", "seq-mean-token-mean", "seq-mean-token-sum-norm"]


class TrainConfigError(ValueError):
    """A training configuration value is out of range or inconsistent."""


@dataclass
class SFTConfig:
    """Warm start: supervised steps on reference trajectories, with the RL loss mask."""

    epochs: int = 1
    lr: float = 1e-5
    #: Trajectories per optimizer step, and per forward pass (gradient accumulation in between).
    batch_size: int = 8
    micro_batch_size: int = 8
    max_grad_norm: float = 1.0
    weight_decay: float = 0.0
    seed: int = 0
    #: Stop after the first epoch whose mean loss is at or below this (``epochs`` stays the cap).
    #: A fixed reference loss makes runs with different seeds start RL from comparable policies.
    target_loss: float | None = None

    def __post_init__(self) -> None:
        _positive(self, "epochs", "batch_size", "micro_batch_size")
        if self.lr <= 0 or self.max_grad_norm <= 0:
            raise TrainConfigError("lr and max_grad_norm must be > 0")
        if self.target_loss is not None and self.target_loss <= 0:
            raise TrainConfigError("target_loss must be > 0")


@dataclass
class GRPOConfig:
    """Everything a GRPO run needs besides the model, tokenizer and envs.

    ``advantage="grpo"`` normalises rewards by the group's mean and std and averages the loss per
    sequence; ``"dr_grpo"`` (Dr. GRPO, Liu et al. 2025) subtracts the mean only and sums token
    losses over a constant length (``dr_grpo_norm_tokens``), removing the length and difficulty
    biases. ``loss_agg`` overrides the aggregation chosen by the mode.
    """

    steps: int = 100
    tasks_per_step: int = 8
    group_size: int = 8
    seed: int = 0
    # --- rollouts
    max_new_tokens: int = 512
    temperature: float = 1.0
    top_p: float = 1.0
    max_concurrency: int = 64
    max_batch_size: int = 64
    env_workers: int = 8
    budget: TokenBudget = field(default_factory=TokenBudget)
    check_drift: bool = False
    # --- rewards, filtering, advantages
    advantage: AdvantageMode = "grpo"
    loss_agg: LossAgg | None = None
    dr_grpo_norm_tokens: int | None = None
    filter_void_turns: bool = True
    drop_infra_errors: bool = True
    otc: bool = False
    otc_alpha: float = 1.0
    otc_c: float = 1.0
    correct_component: str = "correct"
    # --- optimisation
    lr: float = 1e-6
    weight_decay: float = 0.0
    warmup_steps: int = 0
    max_grad_norm: float = 1.0
    clip_eps_low: float = 0.2
    clip_eps_high: float = 0.2
    kl_coef: float = 0.0
    ppo_epochs: int = 1
    mini_batches: int = 1
    micro_batch_size: int = 8
    precision: Literal["auto", "bf16", "fp32"] = "auto"
    device: str | None = None
    gradient_checkpointing: bool = False
    # --- output
    output_dir: str = "runs/grpo"
    save_every: int = 0
    progress: bool = True
    plot: bool = True
    resume_from: str | None = None

    def __post_init__(self) -> None:
        _positive(
            self, "steps", "tasks_per_step", "group_size", "max_new_tokens", "max_concurrency",
            "max_batch_size", "env_workers", "ppo_epochs", "mini_batches", "micro_batch_size",
        )
        if self.temperature <= 0 or not 0 < self.top_p <= 1:
            raise TrainConfigError("temperature must be > 0 and top_p in (0, 1]")
        if self.lr <= 0 or self.max_grad_norm <= 0 or self.kl_coef < 0:
            raise TrainConfigError("lr and max_grad_norm must be > 0, kl_coef >= 0")
        if not (0 <= self.clip_eps_low < 1 and self.clip_eps_high >= 0):
            raise TrainConfigError("clip_eps_low must be in [0, 1), clip_eps_high >= 0")
        if self.advantage not in ("grpo", "dr_grpo"):
            raise TrainConfigError(f"advantage must be 'grpo' or 'dr_grpo', got {self.advantage!r}")
        if self.loss_agg not in (None, "token-mean", "seq-mean-token-mean", "seq-mean-token-sum-norm"):
            raise TrainConfigError(f"unknown loss_agg {self.loss_agg!r}")
        if self.mini_batches > self.tasks_per_step * self.group_size:
            raise TrainConfigError("mini_batches cannot exceed the trajectories per step")
        if self.save_every < 0 or self.warmup_steps < 0:
            raise TrainConfigError("save_every and warmup_steps must be >= 0")

    @property
    def aggregation(self) -> LossAgg:
        """The loss aggregation in effect."""
        if self.loss_agg is not None:
            return self.loss_agg
        return "seq-mean-token-sum-norm" if self.advantage == "dr_grpo" else "seq-mean-token-mean"

    @property
    def norm_tokens(self) -> int:
        """Dr. GRPO's constant length normaliser: the configured value, else the generation budget."""
        if self.dr_grpo_norm_tokens is not None:
            return self.dr_grpo_norm_tokens
        return self.budget.max_total_tokens or self.max_new_tokens

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _positive(cfg: object, *names: str) -> None:
    for name in names:
        if getattr(cfg, name) < 1:
            raise TrainConfigError(f"{name} must be >= 1, got {getattr(cfg, name)}")
