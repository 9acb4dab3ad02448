"""TRL's environment_factory route: the class TRL sees, its tools run for real, and TRL's own
GRPOTrainer accepting it and training a step with it (tiny random Qwen2, Qwen's tokenizer, CPU)."""

from __future__ import annotations

import pytest

pytest.importorskip("trl")
torch = pytest.importorskip("torch")

from transformers.utils import get_json_schema

from tests.integrations.test_trl_grpo import ENV, TASK_IDS, tiny_qwen2
from tests.tokens.real_tokenizers import load_case
from toolgym.integrations.trl_environment import environment_factory, task_dataset


@pytest.fixture(scope="module")
def factory():
    from toolgym_envs.math_tir.env import math_tasks

    return environment_factory(ENV, tasks=[t for t in math_tasks("all") if t.id in TASK_IDS])


def test_tools_schemas_and_reward_as_trl_sees_them(factory):
    env = factory()
    try:
        schema = get_json_schema(env.python)["function"]  # what TRL renders into the prompt
        assert schema["name"] == "python" and schema["parameters"]["required"] == ["code"]
        assert schema["parameters"]["properties"]["code"]["type"] == "string"
        assert get_json_schema(env.submit_answer)["function"]["parameters"]["required"] == ["answer"]
        assert env.reset(task_id=TASK_IDS[0], prompt="ignored") is None
        assert "42" in env.python(code="x = 6 * 7\nprint(x)")
        assert "43" in env.python(code="print(x + 1)")  # the interpreter keeps its state
        assert env.get_reward() == 0.0
        env.submit_answer(answer="3685")
        assert env.get_reward() == 1.0 and env.last_info["reward_components"]["correct"] == 1.0
        assert "over" in env.python(code="print(1)")  # nothing runs after the answer
        env.reset(task_id=TASK_IDS[0])
        env.submit_answer(answer="12")
        assert env.get_reward() == 0.0
    finally:
        env.env.close()


def test_grpo_trainer_takes_it_and_trains_a_step(factory, tmp_path, monkeypatch):
    from datasets import Dataset
    from toolgym_envs.math_tir.env import math_tasks
    from trl import GRPOConfig, GRPOTrainer

    monkeypatch.setenv("TRL_EXPERIMENTAL_SILENCE", "1")
    _, tok = load_case("qwen2.5")
    tok.padding_side = "left"
    rows = [{"prompt": [{"role": "user", "content": "Solve the task."}], "task_id": TASK_IDS[i % 2]} for i in range(4)]
    tasks = [t for t in math_tasks("all") if t.id in TASK_IDS]
    assert sorted(task_dataset(ENV, tasks=tasks)["task_id"]) == sorted(TASK_IDS)
    args = GRPOConfig(
        output_dir=str(tmp_path), max_steps=1, per_device_train_batch_size=4, num_generations=4,
        max_completion_length=8, report_to="none", use_cpu=True, bf16=False, save_strategy="no", logging_steps=1,
    )
    trainer = GRPOTrainer(
        model=tiny_qwen2(tok), processing_class=tok, args=args, train_dataset=Dataset.from_list(rows),
        environment_factory=factory,
    )
    assert [t.__name__ for t in trainer.tools] == ["python", "submit_answer"]
    trainer.train()
    log = next(h for h in trainer.state.log_history if "completions/mean_length" in h)
    assert f"rewards/{factory.__name__}/mean" in log  # the env's get_reward is TRL's reward source
    assert all(isinstance(e, factory) for e in trainer.environments)
