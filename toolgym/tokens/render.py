"""Chat rendering for a token stream: full prompts, and deltas against a fixed prefix.

The policy's tokens are never re-tokenized. Everything else enters the stream as a *delta*: the
new messages are rendered by the tokenizer's own chat template after a fixed conversation that
ends with an assistant turn, and only the text after that turn's closing token is tokenized. The
delta therefore starts right after a special token, where tokenization is independent of what
came before, and it carries exactly what the template puts between the policy's closing token
and the next generation (``\\n<|im_start|>user\\n…<|im_end|>\\n<|im_start|>assistant\\n`` for ChatML).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from toolgym.tokens.errors import TemplateError
from toolgym.tokens.families import TemplateFamily, get_family

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

Message = Mapping[str, Any]

#: The fixed conversation every delta is rendered after (its content never reaches the stream).
_BASE: tuple[dict[str, str], ...] = (
    {"role": "system", "content": "ToolGym fixed prefix."},
    {"role": "user", "content": "ToolGym fixed prefix."},
)
_SENTINEL = "ToolGym delta sentinel"


class ChatRenderer:
    """Render messages with a tokenizer's chat template and tokenize prompts and deltas."""

    def __init__(
        self,
        tokenizer: PreTrainedTokenizerBase,
        family: str | TemplateFamily | None = None,
        template_kwargs: Mapping[str, Any] | None = None,
    ) -> None:
        self.tokenizer = tokenizer
        self.family = get_family(family, getattr(tokenizer, "chat_template", None))
        self.template_kwargs = dict(template_kwargs or {})
        self._backend = getattr(tokenizer, "backend_tokenizer", None) if getattr(tokenizer, "is_fast", False) else None
        vocab = tokenizer.get_vocab()
        self.stop_tokens = [t for t in self.family.stop_tokens if t in vocab]
        if not self.stop_tokens:
            raise TemplateError(f"none of the {self.family.name} stop tokens {self.family.stop_tokens} is in the vocabulary")
        self.stop_ids = [int(vocab[t]) for t in self.stop_tokens]
        self._prefix = self._sentinel_prefix()

    # ---------------------------------------------------------------- rendering
    def render(self, messages: Sequence[Message], add_generation_prompt: bool) -> str:
        """The chat template applied to ``messages`` (text, not tokens)."""
        try:
            text = self.tokenizer.apply_chat_template(
                [dict(m) for m in messages],
                tokenize=False,
                add_generation_prompt=add_generation_prompt,
                **self.template_kwargs,
            )
        except Exception as exc:  # jinja errors, missing template: the caller's configuration
            raise TemplateError(f"chat template failed: {exc}") from exc
        if not isinstance(text, str):
            raise TemplateError(f"chat template returned {type(text).__name__}, expected text")
        return text

    def encode(self, text: str) -> list[int]:
        """Token ids of ``text``; special-token strings map to their ids, no BOS/EOS is added.

        Fast tokenizers are called through their Rust backend directly (the same pipeline as
        ``tokenizer(text)``, without the Python wrapper's per-call overhead).
        """
        if self._backend is not None:
            return self._backend.encode(text, add_special_tokens=False).ids
        return list(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def prompt_ids(self, messages: Sequence[Message]) -> list[int]:
        """The first prompt: ``messages`` rendered with the generation prompt, tokenized whole."""
        return self.encode(self.render(messages, add_generation_prompt=True))

    def delta_text(self, messages: Sequence[Message], add_generation_prompt: bool = True) -> str:
        """What the template writes for ``messages`` after an assistant turn's closing token."""
        full = self.render([*_BASE, {"role": "assistant", "content": _SENTINEL}, *messages], add_generation_prompt)
        if not full.startswith(self._prefix):
            raise TemplateError(
                f"the {self.family.name} chat template is not prefix-stable: appending "
                f"{[m.get('role') for m in messages]} messages rewrote earlier text"
            )
        return full[len(self._prefix) :]

    def delta_ids(self, messages: Sequence[Message], add_generation_prompt: bool = True) -> list[int]:
        """Token ids of :meth:`delta_text` (the only text ToolGym ever tokenizes mid-episode)."""
        return self.encode(self.delta_text(messages, add_generation_prompt))

    def closing_token(self, content: str) -> int:
        """The id of the token the template closes an assistant message with ``content`` by.

        Used when the policy stopped without a closing token (length limit): the env closes the
        turn as the template would, which differs by turn kind in some families (Llama-3-style
        ``<|eom_id|>`` after a tool call).
        """
        text = self.render([*_BASE, {"role": "assistant", "content": content}], add_generation_prompt=False)
        best, best_at = self.stop_ids[0], -1
        for tok, tid in zip(self.stop_tokens, self.stop_ids):
            at = text.rfind(tok)
            if at > best_at:
                best, best_at = tid, at
        return best

    # ---------------------------------------------------------------- internals
    def _sentinel_prefix(self) -> str:
        """The rendered fixed conversation up to and including its assistant turn's closing token."""
        text = self.render([*_BASE, {"role": "assistant", "content": _SENTINEL}], add_generation_prompt=False)
        at = text.rfind(_SENTINEL)
        if at < 0:
            raise TemplateError("the chat template does not render assistant message content")
        end = at + len(_SENTINEL)
        for tok in self.stop_tokens:
            if text.startswith(tok, end):
                return text[: end + len(tok)]
        raise TemplateError(
            f"the chat template does not close an assistant turn with one of {self.stop_tokens} "
            f"right after its content (got {text[end:end + 30]!r})"
        )
