"""The local tokenizer builder: byte-level round trips, special tokens, templates."""

from __future__ import annotations

import pytest

from toolgym.tokens import TemplateError, build_local_tokenizer


@pytest.mark.parametrize("family", ["chatml", "llama3", "qwen3"])
def test_round_trip_and_special_tokens(tokenizers, family):
    tok = tokenizers[family]
    text = "Ünïcödé 中文 😀 {\"a\": [1, 2]}\n\n\ttabs  and  spaces"
    ids = tok(text, add_special_tokens=False)["input_ids"]
    assert tok.decode(ids) == text
    for special in tok.all_special_tokens:
        assert tok(special, add_special_tokens=False)["input_ids"] == [tok.convert_tokens_to_ids(special)]
    assert tok.chat_template and tok.pad_token_id is not None and tok.eos_token_id is not None


def test_qwen3_think_tags_are_single_tokens_kept_when_skipping_specials(tokenizers):
    tok = tokenizers["qwen3"]
    ids = tok("<think>\nx\n</think>", add_special_tokens=False)["input_ids"]
    assert ids[0] == tok.convert_tokens_to_ids("<think>") and ids[-1] == tok.convert_tokens_to_ids("</think>")
    assert tok.decode(ids, skip_special_tokens=True) == "<think>\nx\n</think>"


def test_unknown_family():
    with pytest.raises(TemplateError):
        build_local_tokenizer(["x"], family="gpt2")


@pytest.mark.parametrize("family", ["chatml", "llama3", "qwen3", "qwen3.6"])
def test_local_tokenizers_carry_the_stock_template(family):
    """No hand-written templates: the local tokenizer uses the stock one from the installed trl."""
    from toolgym.tokens import ChatRenderer
    from toolgym.tokens.templates import FAMILY_TEMPLATES, stock_template

    tok = build_local_tokenizer(["hello world", "<tool_call>x</tool_call>"], family=family, vocab_size=300)
    assert tok.chat_template == stock_template(FAMILY_TEMPLATES[family])
    assert ChatRenderer(tok).family.name == family
