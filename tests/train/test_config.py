"""Configuration validation and derived values."""

from __future__ import annotations

import pytest

from toolgym.tokens import TokenBudget
from toolgym.train.config import GRPOConfig, TrainConfigError


def test_aggregation_follows_the_advantage_mode():
    assert GRPOConfig().aggregation == "seq-mean-token-mean"
    assert GRPOConfig(advantage="dr_grpo").aggregation == "seq-mean-token-sum-norm"
    assert GRPOConfig(advantage="dr_grpo", loss_agg="token-mean").aggregation == "token-mean"


def test_dr_grpo_norm_defaults_to_the_generation_budget():
    assert GRPOConfig(max_new_tokens=300).norm_tokens == 300
    assert GRPOConfig(budget=TokenBudget(max_total_tokens=2048)).norm_tokens == 2048
    assert GRPOConfig(dr_grpo_norm_tokens=77).norm_tokens == 77


@pytest.mark.parametrize(
    "bad",
    [
        {"group_size": 0}, {"temperature": 0.0}, {"top_p": 1.5}, {"lr": 0.0}, {"kl_coef": -1.0},
        {"clip_eps_low": 1.0}, {"advantage": "ppo"}, {"loss_agg": "sum"}, {"mini_batches": 100},
        {"save_every": -1},
    ],
)
def test_invalid_values_are_rejected(bad):
    with pytest.raises(TrainConfigError):
        GRPOConfig(**bad)


def test_to_dict_is_plain():
    d = GRPOConfig(budget=TokenBudget(max_total_tokens=10)).to_dict()
    assert d["budget"] == {
        "max_prompt_tokens": None, "max_observation_tokens": None, "max_total_tokens": 10, "max_response_tokens": None
    }
