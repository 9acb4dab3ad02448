"""Build a byte-level BPE tokenizer locally, with a family's special tokens and chat template.

Real tokenizers cannot be downloaded everywhere ToolGym runs (the CPU training example); this
builds one from a small corpus in well under a second. It uses the same pieces as Qwen2/Llama-3
tokenizers (byte-level BPE after a regex pre-split, special tokens that are never split) and the
family's *stock* chat template, read from the installed ``trl`` package
(:mod:`toolgym.tokens.templates`). ``tokenizers`` and ``transformers`` are imported on use, so
importing the token layer stays cheap.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from toolgym.tokens.errors import TemplateError
from toolgym.tokens.templates import FAMILY_TEMPLATES, stock_template

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerFast

#: Qwen2's pre-tokenizer split (digits one by one, newlines grouped).
QWEN_SPLIT = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
    r"|\s*[\r\n]+|\s+(?!\S)|\s+"
)
#: Llama-3's pre-tokenizer split (up to three digits per piece).
LLAMA3_SPLIT = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
    r"|\s*[\r\n]+|\s+(?!\S)|\s+"
)


#: Qwen3's added tokens that are not special (kept by ``skip_special_tokens`` decoding). The
#: ``chatml`` recipe (the CPU example's) adds none, so its vocabulary stays as it was.
_QWEN_ADDED = ("<tool_call>", "</tool_call>", "<tool_response>", "</tool_response>", "<think>", "</think>")


@dataclass(frozen=True)
class _Spec:
    special: tuple[str, ...]
    #: Added tokens that are not special (kept by ``skip_special_tokens`` decoding), as Qwen3's <think>.
    added: tuple[str, ...]
    bos: str | None
    eos: str
    pad: str
    split: str


_SPECS: dict[str, _Spec] = {
    "chatml": _Spec(
        ("<|endoftext|>", "<|im_start|>", "<|im_end|>"), (), None, "<|im_end|>", "<|endoftext|>",
        QWEN_SPLIT,
    ),
    "qwen3": _Spec(
        ("<|endoftext|>", "<|im_start|>", "<|im_end|>"), _QWEN_ADDED, None, "<|im_end|>", "<|endoftext|>",
        QWEN_SPLIT,
    ),
    "qwen3.6": _Spec(
        ("<|endoftext|>", "<|im_start|>", "<|im_end|>"), _QWEN_ADDED, None, "<|im_end|>", "<|endoftext|>",
        QWEN_SPLIT,
    ),
    "llama3": _Spec(
        (
            "<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>",
            "<|eot_id|>", "<|eom_id|>", "<|finetune_right_pad_id|>",
        ),
        (), "<|begin_of_text|>", "<|eot_id|>", "<|finetune_right_pad_id|>", LLAMA3_SPLIT,
    ),
}


def build_local_tokenizer(
    corpus: Iterable[str], family: str = "chatml", vocab_size: int = 1000
) -> PreTrainedTokenizerFast:
    """A byte-level BPE tokenizer trained on ``corpus`` with ``family``'s tokens and stock template.

    ``family`` is ``chatml`` (Qwen2.5's template), ``qwen3``, ``qwen3.6`` or ``llama3`` (Llama
    3.2's); see :data:`toolgym.tokens.templates.FAMILY_TEMPLATES`. Every byte is in the vocabulary,
    so any text round-trips; ``vocab_size`` bounds the merges learned.
    """
    from tokenizers import (
        AddedToken,
        Regex,
        Tokenizer,
        decoders,
        models,
        pre_tokenizers,
        trainers,
    )
    from transformers import PreTrainedTokenizerFast

    try:
        spec = _SPECS[family]
    except KeyError:
        raise TemplateError(f"no local tokenizer recipe for family {family!r}; known: {sorted(_SPECS)}") from None
    template = stock_template(FAMILY_TEMPLATES[family])
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(spec.split), behavior="isolated"),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ]
    )
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=list(spec.special),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(corpus, trainer=trainer)
    tok.add_tokens([AddedToken(t, special=False, normalized=False) for t in spec.added])
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token=spec.bos,
        eos_token=spec.eos,
        pad_token=spec.pad,
        chat_template=template,
        clean_up_tokenization_spaces=False,
    )
