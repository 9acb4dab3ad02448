"""ChatRenderer on the real stock templates: deltas, native roles, closing tokens, family detection,
and the three failures measured by users (Qwen3 prefix, Qwen3.6 user turn, whitespace edges)."""

from __future__ import annotations

import pytest

from tests.tokens.real_tokenizers import CASE_NAMES, case_renderer, load_case
from toolgym.tokens import ChatRenderer, TemplateError, detect_family, get_family
from toolgym.tokens.templates import stock_template

TOOL = [{"role": "tool", "content": "7", "tool_call_id": "call_0", "name": "add"}]
USER = [{"role": "user", "content": "Format error: use <tool_call> or <answer>."}]
BASE = [{"role": "system", "content": "S"}, {"role": "user", "content": "Q"}]


def renderer(name: str) -> ChatRenderer:
    return case_renderer(name)


@pytest.mark.parametrize("name", CASE_NAMES)
@pytest.mark.parametrize("new", [TOOL, USER, TOOL + TOOL, TOOL + USER], ids=["tool", "user", "2tools", "tool+user"])
def test_delta_is_what_the_template_writes_after_the_turn(name, new):
    """For every stock template and observation kind: prompt + turn + closing + delta equals the
    template's own render of the conversation, as text (the turn here is rendered verbatim)."""
    r = renderer(name)
    turn = "<answer>3</answer>"
    full = r.render([*BASE, {"role": "assistant", "content": turn}, *new], add_generation_prompt=True)
    delta = r.delta_text(new)
    assert full.endswith(turn + r.stop_tokens[0] + delta)
    assert r.tokenizer.decode(r.delta_ids(new), skip_special_tokens=False) == delta


@pytest.mark.parametrize("name", ["qwen3", "qwen3-nothink"])
def test_stock_qwen3_is_not_prefix_stable_but_deltas_work(name):
    """Failure (1): the stock Qwen3 template gives the last assistant turn an empty <think> block
    only while it is last. A prefix fixed once breaks; the delta rendered with its sentinel does not."""
    r = renderer(name)
    last = r.render([*BASE, {"role": "assistant", "content": "hi"}], add_generation_prompt=False)
    followed = r.render([*BASE, {"role": "assistant", "content": "hi"}, *TOOL], add_generation_prompt=False)
    assert "<think>\n\n</think>\n\nhi" in last and "<think>" not in followed  # the template's behaviour
    assert r.delta_text(TOOL).startswith("\n<|im_start|>user\n<tool_response>\n7\n</tool_response><|im_end|>")
    assert r.delta_text(TOOL).endswith("<|im_start|>assistant\n" + r.generation_suffix)


def test_stock_qwen36_plain_user_after_assistant():
    """Failure (2): a plain user message after an assistant turn (format feedback) rewrites that
    turn in the Qwen3.6 template; the delta still renders."""
    r = renderer("qwen3.6")
    assert r.generation_suffix == "<think>\n"
    assert r.delta_text(USER) == (
        "\n<|im_start|>user\nFormat error: use <tool_call> or <answer>.<|im_end|>\n<|im_start|>assistant\n<think>\n"
    )


def test_native_tool_roles():
    """Tool results go in each family's own role: Qwen wraps them in <tool_response> in a user turn,
    Llama 3.x writes an ipython turn with JSON-quoted content."""
    assert "<|im_start|>user\n<tool_response>\n7\n</tool_response>" in renderer("qwen2.5").delta_text(TOOL)
    llama = renderer("llama3.2").delta_text([{**TOOL[0], "content": 'a "q"\n'}])
    assert llama.startswith('<|start_header_id|>ipython<|end_header_id|>\n\n"a \\"q\\"\\n"<|eot_id|>')


def test_prompt_ids_are_the_whole_render():
    r = renderer("llama3.2")
    ids = r.prompt_ids(BASE)
    bos = r.tokenizer.convert_tokens_to_ids("<|begin_of_text|>")
    assert ids[0] == bos and ids.count(bos) == 1
    assert r.tokenizer.decode(ids).endswith("<|start_header_id|>assistant<|end_header_id|>\n\n")
    assert ids == list(r.tokenizer.apply_chat_template(BASE, tokenize=True, add_generation_prompt=True,
                                                         return_dict=False, **r.template_kwargs))


@pytest.mark.parametrize("name", CASE_NAMES)
def test_closing_token_is_the_templates(name):
    r = renderer(name)
    for content in ('<tool_call>\n{"name": "add", "arguments": {}}\n</tool_call>', "<answer>3</answer>", ""):
        assert r.closing_token(content) == r.closing_id == r.tokenizer.convert_tokens_to_ids(r.stop_tokens[0])


def test_template_kwargs_reach_the_template():
    assert renderer("qwen3-nothink").delta_text(TOOL).endswith("<|im_start|>assistant\n<think>\n\n</think>\n\n")
    assert renderer("qwen3").delta_text(TOOL).endswith("<|im_start|>assistant\n")


@pytest.mark.parametrize(
    ("template", "family"),
    [("qwen2_5", "chatml"), ("qwen3_instruct_2507", "chatml"), ("qwen3", "qwen3"), ("qwen3_6", "qwen3.6"),
     ("llama3_1", "llama3"), ("llama3_2", "llama3"), ("deepseek_r1_distill", "deepseek"), ("deepseekv3", "deepseek")],
)
def test_detect_family_on_stock_templates(template, family):
    assert detect_family(stock_template(template)).name == family


def test_detect_family_errors():
    with pytest.raises(TemplateError):
        detect_family(None)
    with pytest.raises(TemplateError):
        detect_family("{{ messages }}")
    with pytest.raises(TemplateError):
        get_family("gpt2", stock_template("qwen2_5"))
    assert get_family("chatml", stock_template("qwen3")).name == "chatml"  # explicit wins
    with pytest.raises(TemplateError, match="no stock chat template"):
        stock_template("no_such_model")


def test_non_prefix_stable_template_is_rejected():
    """A template that numbers turns 'of N' rewrites history when a message is appended."""
    _, tok = load_case("qwen2.5")
    tok.chat_template = (
        "{% for m in messages %}<|im_start|>{{ m.role }} {{ loop.index }}/{{ messages|length }}\n"
        "{{ m.content }}<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
    )
    r = ChatRenderer(tok, family="chatml")
    with pytest.raises(TemplateError, match="not prefix-stable"):
        r.delta_text(TOOL)


def test_template_without_a_closing_stop_token_is_rejected():
    _, tok = load_case("qwen2.5")
    tok.chat_template = "{% for m in messages %}{{ m.role }}: {{ m.content }}\n{% endfor %}"
    with pytest.raises(TemplateError, match="does not close an assistant turn"):
        ChatRenderer(tok, family="chatml")
