"""Reference trajectories and the SFT warm start."""

from __future__ import annotations

import pytest

from toolgym.tokens import TokenEnv
from toolgym.train.config import SFTConfig, TrainConfigError
from toolgym.train.sft import (
    reference_trajectories,
    reference_trajectory,
    sft_warm_start,
)
from toolgym.train.toy import AddToolEnv


def test_reference_trajectory_trains_on_reference_turns_only(tiny_tokenizer):
    env = TokenEnv(AddToolEnv(), tiny_tokenizer, check_drift=True)
    traj = reference_trajectory(env, "add-7")
    task = env.base.task
    assert traj.final_reward == 1.0 and traj.terminated and traj.drift.mismatches == 0
    policy_text = [tiny_tokenizer.decode(traj.input_ids[t.start : t.end]) for t in traj.turns]
    expression = task.reference[0].tool_calls[0].arguments["expression"]
    assert policy_text == [f"<calc>{expression}</calc><|im_end|>", f"<answer>{task.answer}</answer><|im_end|>"]
    masked = [i for i, m in enumerate(traj.loss_mask) if m]
    assert masked == [i for t in traj.turns for i in range(t.start, t.end)]  # closing tokens included
    assert not any(t.closed_by_env for t in traj.turns)


def test_sft_lowers_the_reference_loss(tiny_model, tiny_tokenizer):
    env = TokenEnv(AddToolEnv(), tiny_tokenizer)
    trajs = reference_trajectories(env, [f"add-{i}" for i in range(16)])
    losses = sft_warm_start(
        tiny_model, trajs, SFTConfig(epochs=10, lr=3e-3, batch_size=8, micro_batch_size=4), pad_id=tiny_tokenizer.pad_token_id
    )
    assert len(losses) == 20
    assert losses[-1] < 0.4 * losses[0]


def test_target_loss_stops_early(tiny_model, tiny_tokenizer):
    env = TokenEnv(AddToolEnv(), tiny_tokenizer)
    trajs = reference_trajectories(env, ["add-0", "add-1"])
    losses = sft_warm_start(
        tiny_model, trajs, SFTConfig(epochs=50, lr=3e-3, batch_size=2, target_loss=100.0),
        pad_id=tiny_tokenizer.pad_token_id,
    )
    assert len(losses) == 1  # the first epoch already met the target
    with pytest.raises(TrainConfigError):
        SFTConfig(target_loss=0.0)
    with pytest.raises(ValueError):
        sft_warm_start(tiny_model, [], SFTConfig(), pad_id=0)
