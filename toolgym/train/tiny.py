"""A tiny policy for CPU runs: a local BPE tokenizer and a small Qwen2-architecture model.

Nothing is downloaded: the tokenizer is trained on the env's own prompts and reference turns,
and the model is initialised from a config. Used by the CPU example (``--model tiny``) and the
end-to-end test.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from transformers import AutoModelForCausalLM, PreTrainedTokenizerBase, Qwen2Config

from toolgym.env import ToolEnv
from toolgym.tokens.local import build_local_tokenizer
from toolgym.types import ToolCall


def env_corpus(env: ToolEnv) -> list[str]:
    """Texts of ``env``'s episodes: system prompt, questions, reference turns and their results."""
    texts = [env.system_prompt]
    for task in env.tasks:
        texts.append(task.question)
        for turn in task.reference:
            calls = [ToolCall(c.name, dict(c.arguments)) for c in turn.tool_calls]
            texts.append(env.parser.render_action(calls, answer=turn.answer, thought=turn.thought))
        if task.answer is not None:
            texts.append(f"<tool_response>\n{task.answer}\n</tool_response>")
    return texts


def build_tiny_policy(
    corpus: Sequence[str],
    *,
    family: str = "chatml",
    vocab_size: int = 512,
    hidden_size: int = 64,
    layers: int = 2,
    heads: int = 4,
    seed: int = 0,
) -> tuple[torch.nn.Module, PreTrainedTokenizerBase]:
    """A (model, tokenizer) pair built locally; the model's vocabulary matches the tokenizer."""
    tokenizer = build_local_tokenizer(corpus, family=family, vocab_size=vocab_size)
    config = Qwen2Config(
        vocab_size=len(tokenizer),
        hidden_size=hidden_size,
        intermediate_size=hidden_size * 4,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        num_key_value_heads=max(heads // 2, 1),
        max_position_embeddings=2048,
        tie_word_embeddings=True,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(config)
    return model, tokenizer
