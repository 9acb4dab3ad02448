"""verl's real agent-loop machinery runs ToolGymAgentLoop on MathTIR: the loop is found in verl's
registry and instantiated by verl's own ``AgentLoopWorker._run_agent_loop`` (hydra), its output is
padded into tensors by verl's own post-processing. Only the LLM server is a stand-in: a server
manager that emits fixed token ids (a tool call, then an answer, or endless text)."""

from __future__ import annotations

import asyncio
import importlib
import sys

import pytest

pytest.importorskip("verl.experimental.agent_loop.agent_loop", reason='pip install -e ".[dev]" && bash tests/install_oracles.sh')
torch = pytest.importorskip("torch")

from omegaconf import OmegaConf
from verl.experimental.agent_loop import agent_loop as verl_loop
from verl.workers.rollout.replica import TokenOutput

from tests.tokens.real_tokenizers import load_case
from toolgym.extras import MissingExtraError
from toolgym.integrations import verl_agent_loop as adapter

ENV = "ToolGym/MathTIR-v1"
TASK = "mathtir-curated-0003"
GOLD = "386359911614477"
TOOL_CALL = '<tool_call>{"name": "python", "arguments": {"code": "print(6*7)"}}</tool_call>'


@pytest.fixture(scope="module")
def tok():
    return load_case("qwen2.5")[1]


class FixedServer:
    """A server manager that answers each request id's turns from a script of texts (encoded once)
    and records what it was asked. ``None`` in the script: emit ``max_tokens`` filler ids, no stop."""

    def __init__(self, tok, script: list[str | None]) -> None:
        self.tok, self.script, self.calls = tok, script, []
        self.turn: dict[str, int] = {}
        self.end = tok.convert_tokens_to_ids("<|im_end|>")

    async def generate(self, request_id, *, prompt_ids, sampling_params, **kwargs):
        n = self.turn.get(request_id, 0)
        self.turn[request_id] = n + 1
        self.calls.append({"prompt_ids": list(prompt_ids), **sampling_params})
        text = self.script[min(n, len(self.script) - 1)]
        if text is None:
            ids = self.tok.encode(" x", add_special_tokens=False) * sampling_params["max_tokens"]
            ids = ids[: sampling_params["max_tokens"]]
        else:
            ids = self.tok.encode(text, add_special_tokens=False) + [self.end]
        return TokenOutput(token_ids=ids, log_probs=[-0.5] * len(ids), stop_reason="completed")


def make_worker(tok, server, *, prompt_length=1024, response_length=512, max_turns=None, agent_kwargs=None):
    """verl's AgentLoopWorker with the attributes its agent-loop path reads (its __init__ needs Ray
    and a model config; everything it calls below is its own code)."""
    config = OmegaConf.create({
        "actor_rollout_ref": {"rollout": {
            "prompt_length": prompt_length, "response_length": response_length,
            "multi_turn": {"max_assistant_turns": max_turns, "max_parallel_calls": 1,
                           "max_tool_response_length": 256},
        }},
        "data": {"apply_chat_template_kwargs": {}},
    })
    worker = verl_loop.AgentLoopWorker.__new__(verl_loop.AgentLoopWorker)
    worker.config, worker.llm_client, worker.tokenizer, worker.processor = config, server, tok, None
    worker.rollout_config = config.actor_rollout_ref.rollout
    worker.hf_model_type, worker.dataset_cls, worker.tools = None, None, []
    worker.reward_loop_worker_handles, worker.distillation_enabled, worker.mm_processor_kwargs = None, False, {}
    if agent_kwargs:  # an entry as verl loads it from agent_loop_config_path (a YAML list)
        entry = OmegaConf.create([{"name": "toolgym-test", "_target_": "toolgym.integrations.verl_agent_loop.ToolGymAgentLoop",
                                   **agent_kwargs}])[0]
        verl_loop._agent_loop_registry[entry.name] = entry
    return worker


def run(worker, agent_name="toolgym", env_kwargs=(("split", "test"),), **extra_info):
    trajectory = {"step": 0, "sample_index": 0, "rollout_n": 0, "validate": False}
    return asyncio.run(worker._run_agent_loop(
        {"temperature": 1.0}, trajectory, agent_name=agent_name,
        raw_prompt=[{"role": "user", "content": "ignored: the env renders its own prompt"}],
        extra_info={**({"env_kwargs": dict(env_kwargs)} if env_kwargs else {}), **extra_info},
    ))


def test_registered_under_its_name_in_verls_registry():
    entry = verl_loop._agent_loop_registry[adapter.AGENT_NAME]
    assert entry["_target_"] == "toolgym.integrations.verl_agent_loop.ToolGymAgentLoop"


def test_tool_call_then_answer_scores_and_masks_policy_tokens_only(tok):
    server = FixedServer(tok, [TOOL_CALL, f"<answer>{GOLD}</answer>"])
    out = run(make_worker(tok, server), env_id=ENV, task_id=TASK)
    assert out.reward_score == 1.0
    assert out.extra_fields["toolgym_infra_error"] is False and out.extra_fields["toolgym_end_reason"] == "answer"
    # verl padded it: strip its padding with its own masks and compare with what the server emitted
    att = out.attention_mask[0]
    plen = out.prompt_ids.shape[1]
    response = out.response_ids[0][att[plen:].bool()].tolist()
    mask = out.response_mask[0][att[plen:].bool()].tolist()
    policy = [t for t, m in zip(response, mask) if m]
    emitted = [tok.encode(t, add_special_tokens=False) + [server.end] for t in (TOOL_CALL, f"<answer>{GOLD}</answer>")]
    assert policy == emitted[0] + emitted[1]
    assert 0 in mask and tok.decode([t for t, m in zip(response, mask) if not m]).count("42") == 1  # the tool's output
    # the second request's context is exactly prompt + first turn + observation: no re-tokenization
    prompt = out.prompt_ids[0][att[:plen].bool()].tolist()
    second = server.calls[1]["prompt_ids"]
    assert second[: len(prompt)] == prompt and second == prompt + response[: len(second) - len(prompt)]
    assert set(server.calls[0]["stop_token_ids"]) >= {server.end}
    # logprobs travel where the server sent them, 0 on env tokens
    lps = out.response_logprobs[0][: len(mask)].tolist()
    assert all((lp == -0.5) == bool(m) for lp, m in zip(lps, mask))
    assert out.position_ids.shape == out.input_ids.shape


def test_response_length_is_a_hard_cap_on_the_whole_response(tok):
    server = FixedServer(tok, [TOOL_CALL, None])
    out = run(make_worker(tok, server, response_length=96), env_id=ENV, task_id=TASK)
    att = out.attention_mask[0]
    n_response = int(att[out.prompt_ids.shape[1]:].sum())
    assert n_response <= 96
    assert out.extra_fields["toolgym_end_reason"] == "token_budget" and out.reward_score == 0.0
    prompt_len = int(att[: out.prompt_ids.shape[1]].sum())
    for call in server.calls:  # never asked for more than what fits
        assert len(call["prompt_ids"]) - prompt_len + call["max_tokens"] <= 96


def test_engine_running_past_the_stop_token_is_cut_there_not_blamed_on_infra(tok):
    server = FixedServer(tok, [f"<answer>{GOLD}</answer><|im_end|>junk after the stop"])
    out = run(make_worker(tok, server), env_id=ENV, task_id=TASK)
    att = out.attention_mask[0]
    response = out.response_ids[0][att[out.prompt_ids.shape[1]:].bool()].tolist()
    assert response == tok.encode(f"<answer>{GOLD}</answer>", add_special_tokens=False) + [server.end]
    assert out.reward_score == 1.0 and out.extra_fields["toolgym_infra_error"] is False


def test_turn_budget_from_verls_config(tok):
    server = FixedServer(tok, [TOOL_CALL])  # tool calls forever
    out = run(make_worker(tok, server, max_turns=2), env_id=ENV, task_id=TASK)
    assert len(server.calls) == 2 and out.extra_fields["toolgym_policy_turns"] == 2
    assert out.extra_fields["toolgym_end_reason"] == "turn_budget" and out.reward_score == 0.0


def test_infra_failure_is_reported_and_masked_out(tok):
    server = FixedServer(tok, [f"<answer>{GOLD}</answer>"])
    out = run(make_worker(tok, server), env_id=ENV, task_id="no-such-task")  # the env cannot reset
    assert out.extra_fields["toolgym_infra_error"] is True and out.extra_fields["toolgym_error"] == "infra_error"
    assert int(out.response_mask.sum()) == 0 and out.reward_score == 0.0 and server.calls == []


def test_env_id_from_the_agent_loop_config(tok):
    server = FixedServer(tok, [f"<answer>{GOLD}</answer>"])
    worker = make_worker(tok, server, agent_kwargs={"env_id": ENV, "env_kwargs": {"split": "test"}})
    out = run(worker, agent_name="toolgym-test", env_kwargs=None, task_id=TASK)
    assert out.reward_score == 1.0
    with pytest.raises(adapter.VerlIntegrationError, match="env_id"):
        run(make_worker(tok, server), task_id=TASK)


def test_rows_name_env_and_task():
    rows = adapter.verl_rows(ENV, split="test", limit=2)
    assert rows[0]["agent_name"] == "toolgym" and rows[0]["extra_info"]["env_id"] == ENV
    assert rows[0]["extra_info"]["task_id"] and rows[0]["prompt"][-1]["role"] == "user"


def test_missing_verl_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "verl.experimental.agent_loop.agent_loop", None)
    monkeypatch.delitem(sys.modules, "toolgym.integrations.verl_agent_loop")
    with pytest.raises(MissingExtraError, match=r"toolgym\[verl\]"):
        importlib.import_module("toolgym.integrations.verl_agent_loop")
