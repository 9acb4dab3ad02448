"""OpenRLHF's real agent path runs ToolGym's AgentExecutor on MathTIR: the two-line agent file is
loaded by OpenRLHF's own ``_load_agent_executor`` and each response is turned into an
``Experience`` by OpenRLHF's own ``SamplesGenerator._process_response_into_experience``.

vLLM itself cannot be installed here (GPU stack), so its three import-time names are stubbed for
those two OpenRLHF modules, and the engine is a stand-in that emits fixed token ids in vLLM's
``RequestOutput`` shape; ``sampling_params`` is a plain object with the fields OpenRLHF sets."""

from __future__ import annotations

import asyncio
import importlib
import sys
import types
from dataclasses import dataclass

import pytest

pytest.importorskip("openrlhf.utils.agent", reason='pip install -e ".[dev]" && bash tests/install_oracles.sh')
torch = pytest.importorskip("torch")

from tests.tokens.real_tokenizers import load_case
from toolgym.extras import MissingExtraError
from toolgym.integrations import openrlhf_agent as adapter

ENV = "ToolGym/MathTIR-v1"
TASK = "mathtir-curated-0003"
GOLD = "386359911614477"
TOOL_CALL = '<tool_call>{"name": "python", "arguments": {"code": "print(6*7)"}}</tool_call>'
AGENT_FILE = 'from toolgym.integrations.openrlhf_agent import agent_executor\nAgentExecutor = agent_executor("ToolGym/MathTIR-v1", split="test")\n'


@pytest.fixture(scope="module")
def openrlhf_modules():
    stubs = {"vllm": types.ModuleType("vllm"), "vllm.inputs": types.ModuleType("vllm.inputs"),
             "vllm.utils": types.ModuleType("vllm.utils")}
    stubs["vllm"].__version__, stubs["vllm"].SamplingParams = "0.0", SamplingParams
    stubs["vllm.inputs"].TokensPrompt, stubs["vllm.utils"].random_uuid = dict, lambda: "id"
    saved = {k: sys.modules.get(k) for k in stubs}
    sys.modules.update(stubs)
    try:
        from openrlhf.trainer.ppo_utils.samples_generator import SamplesGenerator
        from openrlhf.trainer.ray.vllm_engine import _load_agent_executor
        yield _load_agent_executor, SamplesGenerator._process_response_into_experience
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v


@pytest.fixture(scope="module")
def tok():
    return load_case("qwen2.5")[1]


@dataclass
class SamplingParams:
    temperature: float = 1.0
    max_tokens: int | None = None
    logprobs: int | None = 1
    stop_token_ids: list[int] | None = None


class FixedEngine:
    """Answers each context from a script by the number of assistant turns in it (``None``: emit
    ``max_tokens`` filler ids with no stop), in vLLM's RequestOutput shape; records its calls."""

    def __init__(self, tok, script) -> None:
        self.tok, self.script, self.calls = tok, script, []
        self.end = tok.convert_tokens_to_ids("<|im_end|>")
        self.start = tok.convert_tokens_to_ids("<|im_start|>")

    async def generate(self, prompt_token_ids, sampling_params, multi_modal_data=None):
        self.calls.append((list(prompt_token_ids), sampling_params))
        turn = list(prompt_token_ids).count(self.start) // 2 - 1  # system+user, then assistant+tool pairs
        text = self.script[min(turn, len(self.script) - 1)]
        if text is None:
            ids, reason = (self.tok.encode(" x", add_special_tokens=False) * sampling_params.max_tokens)[: sampling_params.max_tokens], "length"
        else:
            ids, reason = self.tok.encode(text, add_special_tokens=False) + [self.end], "stop"
        logprobs = [{t: types.SimpleNamespace(logprob=-0.5), t + 1: types.SimpleNamespace(logprob=-9.0)} for t in ids]
        out = types.SimpleNamespace(token_ids=ids, text=self.tok.decode(ids), finish_reason=reason, logprobs=logprobs)
        return types.SimpleNamespace(outputs=[out])


def load_executor(openrlhf_modules, tmp_path):
    load, _ = openrlhf_modules
    path = tmp_path / "toolgym_agent.py"
    path.write_text(AGENT_FILE)
    return load(str(path))


def run(executor, engine, tok, label=TASK, max_length=2048, params=None):
    return asyncio.run(executor.execute(prompt="ignored", label=label, sampling_params=params or SamplingParams(),
                                        max_length=max_length, hf_tokenizer=tok, llm_engine=engine))


def test_agent_file_keeps_toolgyms_token_ids(openrlhf_modules, tmp_path, tok):
    executor = load_executor(openrlhf_modules, tmp_path)
    engine = FixedEngine(tok, [TOOL_CALL, f"<answer>{GOLD}</answer>"])
    response = run(executor, engine, tok)
    exp = openrlhf_modules[1](None, response, max_len=2048)
    assert float(exp.rewards[0]) == 1.0 and float(exp.info["toolgym_infra_error"][0]) == 0.0
    seq = exp.sequences[0].tolist()
    action = [seq[i + 1] for i, m in enumerate(exp.action_mask[0].tolist()) if m]  # OpenRLHF shifts by one
    emitted = [tok.encode(t, add_special_tokens=False) + [engine.end] for t in (TOOL_CALL, f"<answer>{GOLD}</answer>")]
    assert action == emitted[0] + emitted[1]
    # the second turn's context is the stream itself: prompt, action, ToolGym's observation ids
    second_context = engine.calls[1][0]
    assert seq[: len(second_context)] == second_context
    assert "42" in tok.decode(second_context[len(engine.calls[0][0]) + len(emitted[0]):])
    assert engine.calls[0][1].stop_token_ids and engine.end in engine.calls[0][1].stop_token_ids
    lps = exp.rollout_log_probs[0].tolist()
    assert all((lp == -0.5) == bool(m) for lp, m in zip(lps, exp.action_mask[0].tolist()))


def test_max_len_is_the_episode_budget(openrlhf_modules, tmp_path, tok):
    executor = load_executor(openrlhf_modules, tmp_path)
    engine = FixedEngine(tok, [TOOL_CALL, None])
    prompt_len = len(run(executor, FixedEngine(tok, [f"<answer>{GOLD}</answer>"]), tok)["observation_tokens"]) - 12
    max_length = prompt_len + 120
    response = run(executor, engine, tok, max_length=max_length)
    assert len(response["observation_tokens"]) <= max_length
    assert response["extra_logs"]["toolgym_token_budget"] == 1.0 and response["reward"] == 0.0
    for context, params in engine.calls:
        assert len(context) + params.max_tokens <= max_length
    openrlhf_modules[1](None, response, max_len=max_length)


def test_infra_failure_is_logged_with_no_action_tokens(openrlhf_modules, tmp_path, tok):
    executor = load_executor(openrlhf_modules, tmp_path)
    engine = FixedEngine(tok, [f"<answer>{GOLD}</answer>"])
    response = run(executor, engine, tok, label="no-such-task")
    exp = openrlhf_modules[1](None, response, max_len=2048)
    assert float(exp.info["toolgym_infra_error"][0]) == 1.0 and int(exp.action_mask.sum()) == 0
    assert engine.calls == []


def test_n_samples_share_sampling_params_without_touching_them(openrlhf_modules, tmp_path, tok):
    executor = load_executor(openrlhf_modules, tmp_path)
    engine = FixedEngine(tok, [TOOL_CALL, f"<answer>{GOLD}</answer>"])
    params = SamplingParams()

    async def many():
        return await asyncio.gather(*[executor.execute(prompt="p", label=TASK, sampling_params=params, max_length=2048,
                                                       hf_tokenizer=tok, llm_engine=engine) for _ in range(4)])

    responses = asyncio.run(many())
    assert [r["reward"] for r in responses] == [1.0] * 4
    assert params == SamplingParams() and len(engine.calls) == 8


def test_rows_carry_the_task_id_as_label():
    rows = adapter.openrlhf_rows(ENV, split="test", limit=2)
    assert rows[0]["label"].startswith("mathtir-") and rows[0]["prompt"][-1]["role"] == "user"


def test_missing_openrlhf_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "openrlhf.utils.agent", None)
    monkeypatch.delitem(sys.modules, "toolgym.integrations.openrlhf_agent")
    with pytest.raises(MissingExtraError, match=r"toolgym\[openrlhf\]"):
        importlib.import_module("toolgym.integrations.openrlhf_agent")
