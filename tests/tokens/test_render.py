"""ChatRenderer: deltas against the fixed prefix, closing tokens, family detection, errors."""

from __future__ import annotations

import pytest

from toolgym.tokens import ChatRenderer, TemplateError, detect_family, get_family
from toolgym.tokens.templates import CHATML_TEMPLATE, LLAMA3_TEMPLATE, QWEN3_TEMPLATE

OBS = [{"role": "user", "content": "<tool_response>\n7\n</tool_response>"}]


def test_chatml_delta_is_what_follows_the_closing_token(tokenizers):
    r = ChatRenderer(tokenizers["chatml"])
    assert r.family.name == "chatml"
    assert r.delta_text(OBS) == "\n<|im_start|>user\n<tool_response>\n7\n</tool_response><|im_end|>\n<|im_start|>assistant\n"
    assert r.delta_text(OBS, add_generation_prompt=False).endswith("<|im_end|>\n")
    ids = r.delta_ids(OBS)
    assert r.tokenizer.decode(ids) == r.delta_text(OBS)


def test_llama3_delta_and_tool_turn_closing_token(tokenizers):
    tok = tokenizers["llama3"]
    r = ChatRenderer(tok)
    assert r.family.name == "llama3"
    assert r.delta_text(OBS) == (
        "<|start_header_id|>user<|end_header_id|>\n\n<tool_response>\n7\n</tool_response><|eot_id|>"
        "<|start_header_id|>assistant<|end_header_id|>\n\n"
    )
    assert "<|begin_of_text|>" not in r.delta_text(OBS)
    assert r.closing_token('<tool_call>\n{"name": "add"}\n</tool_call>') == tok.convert_tokens_to_ids("<|eom_id|>")
    assert r.closing_token("<answer>3</answer>") == tok.convert_tokens_to_ids("<|eot_id|>")
    assert set(r.stop_ids) == {tok.convert_tokens_to_ids(t) for t in ("<|eot_id|>", "<|eom_id|>", "<|end_of_text|>")}


def test_prompt_ids_are_the_whole_render(tokenizers):
    tok = tokenizers["llama3"]
    r = ChatRenderer(tok)
    msgs = [{"role": "system", "content": "S"}, {"role": "user", "content": "Q"}]
    ids = r.prompt_ids(msgs)
    assert ids[0] == tok.convert_tokens_to_ids("<|begin_of_text|>") and ids.count(ids[0]) == 1
    assert tok.decode(ids).endswith("<|start_header_id|>assistant<|end_header_id|>\n\n")


def test_template_kwargs_reach_the_template(tokenizers):
    r = ChatRenderer(tokenizers["qwen3"], template_kwargs={"enable_thinking": False})
    assert r.delta_text(OBS).endswith("<|im_start|>assistant\n<think>\n\n</think>\n\n")


def test_detect_family():
    assert detect_family(CHATML_TEMPLATE).name == "chatml"
    assert detect_family(QWEN3_TEMPLATE).name == "qwen3"
    assert detect_family(LLAMA3_TEMPLATE).name == "llama3"
    with pytest.raises(TemplateError):
        detect_family(None)
    with pytest.raises(TemplateError):
        detect_family("{{ messages }}")
    with pytest.raises(TemplateError):
        get_family("gpt2", CHATML_TEMPLATE)
    assert get_family("chatml", QWEN3_TEMPLATE).name == "chatml"  # explicit wins


def test_non_prefix_stable_template_is_rejected(tokenizers):
    """A template that numbers turns 'of N' rewrites history when a message is appended."""
    tok = tokenizers["chatml"]
    saved = tok.chat_template
    tok.chat_template = (
        "{% for m in messages %}<|im_start|>{{ m.role }} {{ loop.index }}/{{ messages|length }}\n"
        "{{ m.content }}<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
    )
    try:
        r = ChatRenderer(tok, family="chatml")
        with pytest.raises(TemplateError, match="not prefix-stable"):
            r.delta_text(OBS)
    finally:
        tok.chat_template = saved


def test_template_without_a_closing_stop_token_is_rejected(tokenizers):
    tok = tokenizers["chatml"]
    saved = tok.chat_template
    tok.chat_template = "{% for m in messages %}{{ m.role }}: {{ m.content }}\n{% endfor %}"
    try:
        with pytest.raises(TemplateError, match="does not close an assistant turn"):
            ChatRenderer(tok, family="chatml")
    finally:
        tok.chat_template = saved
