"""The GRPO trainer's step, its options, checkpoints and resume (tiny model, tiny budgets)."""

from __future__ import annotations

import json

import pytest
import torch

from toolgym.rewards.base import Component, Rubric
from toolgym.tokens import TokenBudget
from toolgym.train.checkpoint import CheckpointError, load_checkpoint
from toolgym.train.config import GRPOConfig, SFTConfig
from toolgym.train.grpo import GRPOTrainer
from toolgym.train.toy import AddToolEnv


def first_action_length(task, trajectory) -> float:
    """A reward that differs between rollouts of one task, so every group carries signal."""
    return (len(trajectory.turns[0].action) % 7) / 7 if trajectory.turns else 0.0


def varied_reward_env() -> AddToolEnv:
    env = AddToolEnv()
    env.rubric = Rubric([Component("length", first_action_length, 1.0)])
    return env


def small_config(tmp_path, **kw) -> GRPOConfig:
    base = {
        "steps": 2, "tasks_per_step": 2, "group_size": 3, "max_new_tokens": 12, "lr": 1e-3, "micro_batch_size": 2,
        "budget": TokenBudget(max_total_tokens=160), "output_dir": str(tmp_path / "run"), "progress": False,
        "plot": False, "env_workers": 2, "precision": "fp32", "filter_void_turns": False,
    }
    base.update(kw)
    return GRPOConfig(**base)


def test_step_updates_the_model_and_reports_metrics(tmp_path, tiny_model, tiny_tokenizer):
    cfg = small_config(tmp_path, advantage="dr_grpo", kl_coef=0.05, ppo_epochs=2, mini_batches=2, check_drift=True)
    trainer = GRPOTrainer(tiny_model, tiny_tokenizer, varied_reward_env, cfg)
    try:
        trainer.warm_start(SFTConfig(epochs=1, lr=1e-3, batch_size=16), task_ids=[f"add-{i}" for i in range(16)])
        before = [p.detach().clone() for p in tiny_model.parameters()]
        rec = trainer.step()
    finally:
        trainer.close()
    assert any(not torch.equal(a, b) for a, b in zip(before, tiny_model.parameters()))
    assert rec["step"] == 1 and rec["rollouts"] == 6 and rec["trained"] == 6
    # sampled tokens of a barely trained model are often not the canonical tokenization of their
    # text: exactly what a re-tokenizing trainer would change, and what the drift metric counts
    assert isinstance(rec["drift_mismatches"], int) and rec["drift_mismatches"] >= 0
    assert rec["logprob_diff"] < 1e-3  # sampler and trainer agree on the policy's logprobs
    assert rec["kl"] >= 0.0 and 0.0 <= rec["clip_frac"] <= 1.0 and rec["grad_norm"] > 0
    for key in ("reward_mean", "tool_calls_mean", "response_tokens_mean", "void_ratio", "infra_ratio",
                "zero_adv_group_ratio", "overlap", "rollout_s", "update_s", "reward/length"):
        assert key in rec


def test_void_filter_can_leave_nothing_to_train(tmp_path, tiny_model, tiny_tokenizer):
    """An untrained tiny model writes no tool call and no answer: SimpleTIR filtering drops every
    rollout, the step logs it and makes no update."""
    trainer = GRPOTrainer(tiny_model, tiny_tokenizer, AddToolEnv, small_config(tmp_path, filter_void_turns=True))
    try:
        before = [p.detach().clone() for p in tiny_model.parameters()]
        rec = trainer.step()
    finally:
        trainer.close()
    assert rec["void_ratio"] == 1.0 and rec["trained"] == 0
    assert all(torch.equal(a, b) for a, b in zip(before, tiny_model.parameters()))


def test_train_writes_metrics_checkpoints_plot_and_resumes(tmp_path, tiny_model, tiny_tokenizer):
    cfg = small_config(tmp_path, steps=2, save_every=1, plot=True)
    trainer = GRPOTrainer(tiny_model, tiny_tokenizer, AddToolEnv, cfg)
    try:
        records = trainer.train()
    finally:
        trainer.close()
    run = tmp_path / "run"
    lines = [json.loads(x) for x in (run / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in lines] == [1, 2] == [r["step"] for r in records]
    assert (run / "training.png").stat().st_size > 0
    for name in ("checkpoint-1", "checkpoint-2", "final"):
        assert (run / name / "trainer_state.pt").is_file() and (run / name / "config.json").is_file()

    resumed = GRPOTrainer(
        type(tiny_model)(tiny_model.config), tiny_tokenizer, AddToolEnv,
        small_config(tmp_path, steps=3, resume_from=str(run / "checkpoint-2"), output_dir=str(tmp_path / "run2")),
    )
    try:
        assert resumed.step_count == 2
        for a, b in zip(resumed.model.parameters(), tiny_model.parameters()):
            assert torch.equal(a, b)
        assert resumed.optimizer.state_dict()["state"]  # Adam moments came back
        assert [r["step"] for r in resumed.train()] == [3]
    finally:
        resumed.close()
    with pytest.raises(CheckpointError):
        load_checkpoint(tmp_path, model=resumed.model, optimizer=resumed.optimizer, scheduler=resumed.scheduler)
