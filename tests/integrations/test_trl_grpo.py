"""TRL's real GRPOTrainer driven by ToolGymRollout on MathTIR: a tiny random Qwen2 model, Qwen's
real tokenizer, CPU. The random model cannot solve anything, so the first turn of every other
episode is scripted (the gold answer, or a python call) with its logprobs taken from the model;
everything else (the trainer, the env, its sandboxed tool and its reward) is the real thing."""

from __future__ import annotations

import math

import pytest

pytest.importorskip("trl")
torch = pytest.importorskip("torch")

from tests.tokens.real_tokenizers import load_case
from toolgym.errors import ToolGymError
from toolgym.integrations.trl_grpo import (
    REWARD_NAME,
    ToolGymRollout,
    TRLIntegrationError,
    _rollout_fields,
)
from toolgym.tokens.trajectory import TokenTrajectory, TurnSpan
from toolgym.train.generation import GenerationResult, HFGenerator

ENV = "ToolGym/MathTIR-v1"
TASK_IDS = ("mathtir-curated-0005", "mathtir-curated-0007")
GROUP = 4


class ScriptedFirstTurn:
    """The real HFGenerator, except that the first turn of even-seeded episodes answers with the
    gold answer and of odd-seeded ones calls the python tool (logprobs: the model's, teacher forced)."""

    def __init__(self, inner: HFGenerator, tokenizer, answers: dict[str, str]) -> None:
        self.inner, self.tok, self.answers = inner, tokenizer, answers
        self.im_start = tokenizer.convert_tokens_to_ids("<|im_start|>")
        self.im_end = tokenizer.convert_tokens_to_ids("<|im_end|>")

    def sync_weights(self, model) -> None:
        self.inner.sync_weights(model)

    def generate(self, requests):
        first = [list(r.context).count(self.im_start) == 3 for r in requests]  # system, user, assistant
        later = [r for r, f in zip(requests, first) if not f]
        sampled = iter(self.inner.generate(later) if later else [])
        out = []
        for req, is_first in zip(requests, first):
            if not is_first:
                out.append(next(sampled))
                continue
            text = self.tok.decode(list(req.context))
            gold = next(a for q, a in self.answers.items() if q in text)
            if req.seed % 2 == 0:
                action = f"<answer>{gold}</answer>"
            else:
                action = '<tool_call>\n{"name": "python", "arguments": {"code": "print(6 * 7)"}}\n</tool_call>'
            ids = self.tok.encode(action, add_special_tokens=False) + [self.im_end]
            out.append(GenerationResult(ids, self._logprobs(list(req.context), ids)))
        return out

    @torch.no_grad()
    def _logprobs(self, context, ids):
        model = self.inner.model
        x = torch.tensor([context + ids])
        logits = model(input_ids=x, logits_to_keep=len(ids) + 1).logits[0, :-1, : self.inner.vocab_size].float()
        logp = torch.log_softmax(logits / self.inner.temperature, dim=-1)
        return logp.gather(1, torch.tensor(ids).view(-1, 1)).view(-1).tolist()


def mathtir_tasks():
    """The two MathTIR tasks the tests play (real tasks of the shipped set)."""
    from toolgym_envs.math_tir.env import math_tasks

    return [t for t in math_tasks("all") if t.id in TASK_IDS]


@pytest.fixture(scope="module")
def qwen():
    _, tok = load_case("qwen2.5")
    tok.padding_side = "left"
    return tok


def tiny_qwen2(tok):
    from transformers import AutoModelForCausalLM, Qwen2Config

    config = Qwen2Config(
        vocab_size=len(tok), hidden_size=32, intermediate_size=64, num_hidden_layers=1, num_attention_heads=2,
        num_key_value_heads=1, max_position_embeddings=4096, tie_word_embeddings=True,
        eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id,
    )
    torch.manual_seed(0)
    return AutoModelForCausalLM.from_config(config)


def test_two_grpo_steps_on_mathtir(qwen, tmp_path, monkeypatch):
    from toolgym_envs.math_tir.env import math_tasks
    from trl import GRPOConfig, GRPOTrainer

    monkeypatch.setenv("TRL_EXPERIMENTAL_SILENCE", "1")
    tasks = [t for t in math_tasks("all") if t.id in TASK_IDS]
    answers = {t.question: str(t.answer) for t in tasks}
    model = tiny_qwen2(qwen)

    def scripted(trainer):
        inner = HFGenerator(trainer.model, stop_ids=rollout.stop_ids, pad_id=qwen.pad_token_id, vocab_size=len(qwen))
        return ScriptedFirstTurn(inner, qwen, answers)

    rollout = ToolGymRollout(ENV, qwen, env_kwargs={"tasks": tasks, "max_turns": 2}, generator=scripted)
    batches: list[list[TokenTrajectory]] = []

    def rollout_func(prompts, trainer):
        out = rollout(prompts, trainer)
        batches.append(rollout.last_trajectories)
        return out

    args = GRPOConfig(
        output_dir=str(tmp_path), max_steps=2, per_device_train_batch_size=2 * GROUP, num_generations=GROUP,
        max_completion_length=48, learning_rate=1e-2, logging_steps=1, report_to="none", use_cpu=True,
        bf16=False, save_strategy="no", reward_weights=rollout.reward_weights, seed=0,
    )
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    trainer = GRPOTrainer(
        model=model, processing_class=qwen, reward_funcs=rollout.reward_funcs, args=args,
        train_dataset=rollout.dataset(), rollout_func=rollout_func,
    )
    try:
        trainer.train()
    finally:
        rollout.close()

    logs = [h for h in trainer.state.log_history if "completions/mean_length" in h]
    assert len(batches) == 2 and len(logs) == 2
    for batch, log in zip(batches, logs):
        assert len(batch) == 2 * GROUP
        rewards = [t.final_reward for t in batch]
        for g in range(0, len(batch), GROUP):  # the reward varies inside every group: there is signal
            assert len(set(rewards[g : g + GROUP])) > 1, rewards
        assert max(rewards) == 1.0 and log[f"rewards/{REWARD_NAME}/mean"] == pytest.approx(sum(rewards) / len(rewards))
        assert "rewards/toolgym_correct/mean" in log and "rewards/toolgym_tool_calls/mean" in log
        policy = [t.policy_tokens for t in batch]
        whole = [len(t.response_ids) for t in batch]
        assert sum(whole) > sum(policy)  # the python results are env tokens...
        assert log["completions/mean_length"] == pytest.approx(sum(policy) / len(policy))  # ...not counted
        assert max(whole) <= args.max_completion_length  # the token budget held
        assert log["grad_norm"] > 0 and math.isfinite(log["grad_norm"])
        assert log["toolgym/infra_error_frac"] == 0.0
    changed = [n for n, p in model.named_parameters() if not torch.equal(p.detach(), before[n])]
    assert changed


def _traj(reward: float, error: str | None) -> TokenTrajectory:
    t = TokenTrajectory("t", prompt_length=2)
    t.extend([1, 2], 0)
    t.extend([3, 4], 1, [-0.5, -0.25])
    t.extend([5], 0)
    t.extend([6], 1, [-1.0])
    t.turns = [TurnSpan(2, 4, 4, 5, error=error), TurnSpan(5, 6, 6, 6)]
    t.final_reward, t.reward_components = reward, {"correct": reward, "format": 1.0}
    return t


def test_infra_error_samples_are_unscorable_not_punished(qwen):
    rollout = ToolGymRollout(ENV, qwen, env_kwargs={"tasks": mathtir_tasks()})
    fields = _rollout_fields([_traj(1.0, "tool_error"), _traj(0.0, "infra_error")], rollout.components)
    assert fields["completion_ids"] == [[3, 4, 5, 6]] * 2
    assert fields["env_mask"] == [[1, 1, 0, 1]] * 2
    assert fields["logprobs"][0] == [-0.5, -0.25, 0.0, -1.0]
    assert fields["toolgym_error"] == ["tool_error", "infra_error"]
    kwargs = {k: v for k, v in fields.items()}
    for func in rollout.reward_funcs:  # every reward function returns None for the infra sample
        values = func(completions=["", ""], **kwargs)
        assert values[1] is None and values[0] is not None
    assert rollout.reward_funcs[0](completions=["", ""], **kwargs) == [1.0, None]


def test_bad_wiring_fails_with_a_clear_error(qwen, tmp_path, monkeypatch):
    monkeypatch.setenv("TRL_EXPERIMENTAL_SILENCE", "1")
    from toolgym_envs.math_tir.env import math_tasks

    rollout = ToolGymRollout(ENV, qwen, env_kwargs={"tasks": [t for t in math_tasks("all") if t.id in TASK_IDS]})
    with pytest.raises(TRLIntegrationError, match="rollout.dataset"):
        rollout._task_id([{"role": "user", "content": "what is 2+2?"}])
    assert rollout._task_id("mathtir-curated-0005") == "mathtir-curated-0005"
    with pytest.raises(ToolGymError, match="unknown task ids"):
        rollout.dataset(["nope"])

    from trl import GRPOConfig, GRPOTrainer

    def trainer(weights):
        args = GRPOConfig(output_dir=str(tmp_path), per_device_train_batch_size=GROUP, num_generations=GROUP,
                          max_completion_length=16, use_cpu=True, report_to="none", reward_weights=weights)
        return GRPOTrainer(model=tiny_qwen2(qwen), processing_class=qwen, reward_funcs=rollout.reward_funcs,
                           args=args, train_dataset=rollout.dataset(), rollout_func=rollout)

    with pytest.raises(TRLIntegrationError, match="reward_weights=rollout.reward_weights"):
        rollout(["mathtir-curated-0005"], trainer(None))  # every component would be paid on top of the total
    rollout._check_weights(trainer(rollout.reward_weights))


def test_completion_cap_holds_against_a_flooding_tool(qwen):
    """A policy whose tool floods the context cannot push the completion past max_completion_length:
    the observation is cut (and recorded), and the episode ends when no room is left."""
    import gymnasium as gym
    from toolgym_envs.math_tir.env import math_tasks

    from toolgym.tokens import TokenBudget, TokenEnv

    tasks = [t for t in math_tasks("all") if t.id in TASK_IDS]
    env = TokenEnv(gym.make(ENV, tasks=tasks, max_turns=8), qwen, budget=TokenBudget(max_response_tokens=120))
    end = qwen.convert_tokens_to_ids("<|im_end|>")
    flood = '<tool_call>{"name": "python", "arguments": {"code": "print(\'ab \' * 50000)"}}</tool_call>'
    try:
        for _ in range(2):  # the cap is per episode: it holds after a reset too
            prompt, _ = env.reset(options={"task_id": TASK_IDS[0]})
            done = False
            while not done:
                ids = qwen.encode(flood, add_special_tokens=False)[: max(env.remaining_tokens - 1, 0)] + [end]
                _, _, terminated, truncated, info = env.step(ids)
                done = terminated or truncated
            traj = env.trajectory
            assert len(traj.response_ids) <= 120 and traj.prompt_length == len(prompt)
            assert traj.truncations and truncated and info["end_reason"] == "token_budget"
    finally:
        env.close()


def test_a_sandbox_killed_from_outside_reaches_trl_as_unscorable(qwen):
    """A real infra failure (the host kills the episode's sandbox) comes out of the rollout as
    ``infra_error`` with ``None`` from every reward function: TRL leaves the sample out."""
    import os
    import signal

    import gymnasium as gym
    from toolgym.tokens import TokenBudget, TokenEnv

    rollout = ToolGymRollout(ENV, qwen, env_kwargs={"tasks": mathtir_tasks()})
    env = TokenEnv(gym.make(ENV, tasks=mathtir_tasks()), qwen, budget=TokenBudget(max_response_tokens=400))
    end = qwen.convert_tokens_to_ids("<|im_end|>")

    def call(code: str) -> list[int]:
        text = '<tool_call>{"name": "python", "arguments": {"code": "%s"}}</tool_call>' % code
        return qwen.encode(text, add_special_tokens=False) + [end]

    try:
        env.reset(options={"task_id": TASK_IDS[0]})
        assert env.step(call("x = 1"))[4]["error"] is None
        os.kill(env.base.tools["python"].sandbox._session._pid, signal.SIGKILL)  # from outside the policy
        info = env.step(call("print(x)"))[4]
        assert info["error"] == "infra_error", info
        while not env.base.done:  # the policy answers correctly afterwards: still not paid, not punished
            env.step(qwen.encode("<answer>3685</answer>", add_special_tokens=False) + [end])
        fields = _rollout_fields([env.trajectory], rollout.components)
    finally:
        env.close()
    assert fields["toolgym_error"] == ["infra_error"] and fields["toolgym_reward"] == [None]
    assert all(f(completions=[""], **fields) == [None] for f in rollout.reward_funcs)
