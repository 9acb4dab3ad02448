"""Training on ToolGym's token stream: the reference GRPO trainer and the SFT warm start.

:class:`GRPOTrainer` runs G rollouts per task through token envs (asynchronously), computes
group-relative advantages (GRPO or Dr. GRPO), filters SimpleTIR void turns and ``infra_error``
rollouts, and updates a transformers model with PPO-clip on policy tokens only.
:func:`sft_warm_start` trains on the tasks' reference trajectories with the same loss mask.
``toolgym train grpo`` (:func:`toolgym.train.cli.main`) is the command line.
"""

from toolgym.train.advantages import (
    FilterStats,
    Sample,
    group_advantages,
    prepare_samples,
)
from toolgym.train.config import GRPOConfig, SFTConfig, TrainConfigError
from toolgym.train.generation import (
    GenerationRequest,
    GenerationResult,
    Generator,
    HFGenerator,
)
from toolgym.train.grpo import GRPOTrainer
from toolgym.train.losses import grpo_loss, sft_loss, token_logprobs
from toolgym.train.rollout import Rollout, RolloutEngine, RolloutRequest, RolloutStats
from toolgym.train.sft import (
    reference_trajectories,
    reference_trajectory,
    sft_warm_start,
)
from toolgym.train.vllm_generator import VLLMGenerator, vllm_available

__all__ = [
    "FilterStats",
    "GRPOConfig",
    "GRPOTrainer",
    "GenerationRequest",
    "GenerationResult",
    "Generator",
    "HFGenerator",
    "Rollout",
    "RolloutEngine",
    "RolloutRequest",
    "RolloutStats",
    "SFTConfig",
    "Sample",
    "TrainConfigError",
    "VLLMGenerator",
    "group_advantages",
    "grpo_loss",
    "prepare_samples",
    "reference_trajectories",
    "reference_trajectory",
    "sft_loss",
    "sft_warm_start",
    "token_logprobs",
    "vllm_available",
]
