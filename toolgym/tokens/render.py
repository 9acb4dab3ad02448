"""Chat rendering for a token stream: full prompts, and deltas after an assistant turn.

The policy's tokens are never re-tokenized. Everything else enters the stream as a *delta*: the
new messages (``tool`` results, a ``user`` reply) are rendered by the tokenizer's own chat template
after a fixed conversation that ends with a sentinel assistant turn, and only the text after that
turn's closing token *in that same render* is tokenized. The delta therefore starts right after a
special token, where tokenization is independent of what came before, and it carries exactly what
the template writes between the policy's closing token and the next generation
(``\\n<|im_start|>user\\n<tool_response>…<|im_end|>\\n<|im_start|>assistant\\n`` for Qwen,
``<|start_header_id|>ipython<|end_header_id|>\\n\\n"…"<|eot_id|>…`` for Llama 3.x).

Rendering the sentinel turn together with the new messages matters: stock templates render an
assistant turn differently depending on what follows it (Qwen3 adds an empty ``<think>`` block
to the last turn only while it is last; Qwen3.6 drops the block once a ``user`` message follows),
so no fixed prefix computed once can be cut off every render.
"""

from __future__ import annotations

import time
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
    """Render messages with a tokenizer's chat template and tokenize prompts and deltas.

    ``template_kwargs`` reach the template on every render (``enable_thinking=False``);
    ``tools`` (OpenAI ``tools`` format) is passed as the template's ``tools`` variable.

    >>> renderer = ChatRenderer(tokenizer)  # doctest: +SKIP
    >>> ids = renderer.prompt_ids([{"role": "system", "content": "S"}, {"role": "user", "content": "Q"}])  # doctest: +SKIP
    >>> ids += sampled_ids + [renderer.closing_id]  # doctest: +SKIP
    >>> ids += renderer.delta_ids([{"role": "tool", "content": "7", "tool_call_id": "c1", "name": "add"}])  # doctest: +SKIP
    """

    def __init__(
        self,
        tokenizer: PreTrainedTokenizerBase,
        family: str | TemplateFamily | None = None,
        template_kwargs: Mapping[str, Any] | None = None,
        tools: Sequence[Mapping[str, Any]] | None = None,
    ) -> None:
        self.tokenizer = tokenizer
        self.family = get_family(family, getattr(tokenizer, "chat_template", None))
        self.template_kwargs = dict(template_kwargs or {})
        if self.family.name == "llama3" and "date_string" not in self.template_kwargs:
            # Llama 3.x templates write today's date into the system prompt: pin it for the
            # renderer's lifetime, or a drift check after midnight differs from the prompt.
            self.template_kwargs["date_string"] = time.strftime("%d %b %Y")
        self.tools = [dict(t) for t in tools] if tools else None
        self._backend = getattr(tokenizer, "backend_tokenizer", None) if getattr(tokenizer, "is_fast", False) else None
        vocab = tokenizer.get_vocab()
        self.stop_tokens = [t for t in self.family.stop_tokens if t in vocab]
        if not self.stop_tokens:
            raise TemplateError(f"none of the {self.family.name} stop tokens {self.family.stop_tokens} is in the vocabulary")
        self.stop_ids = [int(vocab[t]) for t in self.stop_tokens]
        self._base_text = self.render(_BASE, add_generation_prompt=False)
        self.generation_suffix = self._generation_suffix()
        self._check_sentinel_turn()

    # ---------------------------------------------------------------- rendering
    def render(self, messages: Sequence[Message], add_generation_prompt: bool) -> str:
        """The chat template applied to ``messages`` (text, not tokens)."""
        kwargs = dict(self.template_kwargs)
        if self.tools is not None:
            kwargs["tools"] = self.tools
        try:
            text = self.tokenizer.apply_chat_template(
                [dict(m) for m in messages],
                tokenize=False,
                add_generation_prompt=add_generation_prompt,
                **kwargs,
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

    def delta_text(
        self,
        messages: Sequence[Message],
        add_generation_prompt: bool = True,
        history: Sequence[Message] | None = None,
    ) -> str:
        """What the template writes for ``messages`` after an assistant turn's closing token.

        Renders ``[fixed base, sentinel assistant turn, *messages]`` and returns what follows the
        sentinel turn's closing token in that render. For families whose deltas depend on earlier
        messages (``family.delta_needs_history``, DeepSeek) and a given ``history`` (the episode's
        messages so far, ending with the policy's turn), renders ``[*history, *messages]`` and
        returns what follows ``history``'s own render instead (cost grows with the history).
        Raises :class:`TemplateError` when the template rewrote earlier text or does not close
        the sentinel turn with a stop token.
        """
        if history is not None and self.family.delta_needs_history:
            before = self.render(history, add_generation_prompt=False)
            full = self.render([*history, *messages], add_generation_prompt)
            if not full.startswith(before):
                raise TemplateError(
                    f"the {self.family.name} chat template is not prefix-stable: appending "
                    f"{[m.get('role') for m in messages]} messages rewrote earlier text"
                )
            return full[len(before) :]
        full = self.render([*_BASE, {"role": "assistant", "content": _SENTINEL}, *messages], add_generation_prompt)
        if not full.startswith(self._base_text):
            raise TemplateError(
                f"the {self.family.name} chat template is not prefix-stable: appending "
                f"{[m.get('role') for m in messages]} messages rewrote earlier text"
            )
        return full[self._closing_end(full, len(self._base_text)) :]

    def delta_ids(
        self,
        messages: Sequence[Message],
        add_generation_prompt: bool = True,
        history: Sequence[Message] | None = None,
    ) -> list[int]:
        """Token ids of :meth:`delta_text` (the only text ToolGym ever tokenizes mid-episode)."""
        return self.encode(self.delta_text(messages, add_generation_prompt, history))

    def closing_token(self, content: str) -> int:
        """The id of the token the template closes an assistant message with ``content`` by.

        Used when the policy stopped without a closing token (length limit): the env closes the
        turn as the template would.
        """
        text = self.render([*_BASE, {"role": "assistant", "content": content}], add_generation_prompt=False)
        best, best_at = self.stop_ids[0], -1
        for tok, tid in zip(self.stop_tokens, self.stop_ids):
            at = text.rfind(tok)
            if at > best_at:
                best, best_at = tid, at
        return best

    @property
    def closing_id(self) -> int:
        """The template's own closing token for an assistant turn (the first of ``stop_ids``)."""
        return self.stop_ids[0]

    # ---------------------------------------------------------------- internals
    def _closing_end(self, text: str, start: int) -> int:
        """Index just past the sentinel turn's closing token in ``text``."""
        at = text.find(_SENTINEL, start)
        if at < 0:
            raise TemplateError("the chat template does not render assistant message content")
        end = at + len(_SENTINEL)
        for tok in self.stop_tokens:
            if text.startswith(tok, end):
                return end + len(tok)
        raise TemplateError(
            f"the chat template does not close an assistant turn with one of {self.stop_tokens} "
            f"right after its content (got {text[end:end + 30]!r})"
        )

    def _check_sentinel_turn(self) -> None:
        """Fail at construction, not mid-episode, when assistant turns cannot be delimited."""
        text = self.render([*_BASE, {"role": "assistant", "content": _SENTINEL}], add_generation_prompt=False)
        self._closing_end(text, 0)

    def _generation_suffix(self) -> str:
        """What the generation prompt adds after the assistant header (``<think>\\n`` for
        Qwen3.6, ``<think>\\n\\n</think>\\n\\n`` with ``enable_thinking=False``; usually empty)."""
        prompt = self.render(_BASE, add_generation_prompt=True)
        if not prompt.startswith(self._base_text):
            raise TemplateError(f"the {self.family.name} generation prompt rewrites the conversation before it")
        gen = prompt[len(self._base_text) :]
        header = self.family.header_token + self.family.assistant_header
        at = gen.rfind(header)
        return gen[at + len(header) :] if at >= 0 else ""
