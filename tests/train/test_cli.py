"""``toolgym train grpo`` end to end at toy size (tiny model, two steps)."""

from __future__ import annotations

import json

import pytest

from toolgym.train.cli import build_parser, main


def test_grpo_command_runs_and_writes_its_outputs(tmp_path, capsys):
    out = tmp_path / "run"
    code = main([
        "grpo", "--model", "tiny", "--env", "toolgym.train.toy:AddToolEnv", "--env-arg", "n_tasks=8",
        "--steps", "2", "--tasks-per-step", "2", "--group-size", "2", "--max-new-tokens", "8",
        "--max-total-tokens", "160", "--micro-batch-size", "4", "--sft-epochs", "1", "--sft-lr", "1e-3",
        "--lr", "1e-4", "--env-workers", "2", "--precision", "fp32", "--check-drift", "--no-progress",
        "--output", str(out),
    ])
    assert code == 0
    records = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in records] == [1, 2] and all("drift_mismatches" in r for r in records)
    assert (out / "training.png").is_file() and (out / "final" / "tokenizer.json").is_file()
    printed = capsys.readouterr()
    assert "reward: first 2 steps" in printed.out and "sft warm start" in printed.err


def test_defaults_and_errors():
    args = build_parser().parse_args(["grpo", "--model", "m", "--env", "ToolGym/MathTIR-v1"])
    assert (args.advantage, args.generator, args.sft_epochs, args.lr) == ("grpo", "auto", 0, 1e-6)
    with pytest.raises(SystemExit):
        main(["grpo", "--model", "tiny", "--env", "NoSuchEnv-v0"])
    with pytest.raises(SystemExit, match="vllm"):
        main(["grpo", "--model", "tiny", "--env", "toolgym.train.toy:AddToolEnv", "--generator", "vllm"])
    with pytest.raises(SystemExit):
        build_parser().parse_args(["grpo", "--model", "tiny", "--env", "x", "--env-arg", "novalue"])
