"""Per-family rules for the chat templates a token stream meets, and how the drift check uses them.

A token stream keeps what the policy sampled, verbatim. Real chat templates are not append-only:
a full re-render of the finished conversation writes some assistant turns differently from how
they were sampled. A :class:`TemplateFamily` states, per family, *how the template renders an
assistant turn's content* (:meth:`TemplateFamily.rendered_content`), so the drift check
(:mod:`toolgym.tokens.drift`) can tell a documented template rewrite (explained) from a
tokenization accident (unexplained drift, the thing that must be 0).

The rules, measured on the stock templates (``trl/chat_templates/*.jinja``, Qwen3's own
``tokenizer_config.json``):

* **Every family — leading whitespace** (``merges_leading_whitespace``): the template writes the
  content right after the assistant header (``assistant\\n``, ``<|end_header_id|>\\n\\n``), and a
  full tokenization merges a turn's leading whitespace with that ``\\n`` (Qwen's and Llama's
  pre-tokenizers group runs of whitespace), while the stream tokenized header and turn apart.
  Such a turn is compared as the re-render tokenizes it.
* **Every family — closing token**: generation stops on any of ``stop_tokens``; the template
  closes every assistant turn with its own token (``<|im_end|>``, ``<|eot_id|>``). A stream that
  stopped on another stop token (``<|endoftext|>``, Llama's ``<|eom_id|>``) keeps it; the check
  counts it as explained.
* ``chatml`` (Qwen2.5, Qwen3-Instruct-2507): content rendered as sampled. Nothing else.
* ``llama3`` (Llama 3.1, 3.2): content is ``trim``-med. Tool results go in the ``ipython`` role,
  JSON-quoted (append-only, rendered by deltas as the template writes them).
* ``qwen3`` (Qwen3's thinking template): the ``<think>`` block of every assistant turn before the
  last plain ``user`` message (a new query: format feedback, a customer's reply) is dropped; a
  turn after it is rewritten into the canonical ``<think>\\n…\\n</think>\\n\\n…`` form when it has
  reasoning; with ``enable_thinking=False`` the generation prompt's empty ``<think>\\n\\n</think>\\n\\n``
  (in the stream, mask 0) is not rendered back. The sampled reasoning stays in the stream: it is
  what the model conditioned on.
* ``deepseek`` (DeepSeek-R1-distill and V3 templates): everything up to the last ``</think>`` of a
  turn is dropped (every turn, not only before a query; nothing is stripped after it); the
  generation prompt ends in ``<think>\n``. A turn that directly follows tool results has no
  assistant header and no ``<think>\n`` (the model writes right after ``<｜tool▁outputs▁end｜>``)
  and is rendered verbatim. The template writes ``<｜tool▁outputs▁begin｜>`` only before the
  conversation's first tool result, so deltas must be rendered against the real history
  (``delta_needs_history``: pass ``history=`` to :meth:`ChatRenderer.delta_ids`).
* ``qwen3.6`` (Qwen3.5/3.6 templates): content and reasoning are ``trim``-med; every turn after the
  last query is rendered with a ``<think>`` block (an empty one when it had none), every turn
  before it without (``preserve_thinking=True`` keeps them all). The generation prompt ends in
  ``<think>\\n``: the policy's text continues it.

The drift check compares such a turn as ``rendered_content`` says the template writes it; every
other token (prompt, observations, unrewritten turns, where non-canonical policy tokens show up)
is compared one for one.

Example, a new family for a template that upper-cases nothing but trims like Llama:

>>> fam = TemplateFamily("mine", stop_tokens=("<|end|>",), header_token="<|start|>",
...                      assistant_header="assistant\\n", content_rule="trim")
>>> fam.rendered_content("  hi ", TurnContext(after_last_query=True))
'hi'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from toolgym.tokens.errors import TemplateError

ContentRule = Literal["verbatim", "trim", "qwen3", "qwen3.6", "deepseek"]


@dataclass(frozen=True)
class TurnContext:
    """Where an assistant turn sits in the conversation, as far as templates care."""

    #: True when no plain ``user`` message follows the turn (it is after the last query).
    after_last_query: bool
    #: True when the turn is the conversation's last message.
    is_last: bool = False
    #: The template keyword arguments the renderer uses (``enable_thinking``, ``preserve_thinking``).
    template_kwargs: Mapping[str, Any] | None = None
    #: True when the message right before the turn is a ``tool`` result.
    after_tool: bool = False


@dataclass(frozen=True)
class TemplateFamily:
    """Token-stream rules of one chat-template family (see the module docstring for each)."""

    name: str
    #: Tokens that may end an assistant turn, the template's own closing token first; those
    #: missing from a vocabulary are ignored.
    stop_tokens: tuple[str, ...]
    #: The special token after which the template writes an assistant turn's header text.
    header_token: str
    #: The text between ``header_token`` and an assistant message's content in a full render.
    assistant_header: str
    #: How the template renders an assistant message's content (see :meth:`rendered_content`).
    content_rule: ContentRule = "verbatim"
    #: True when a full tokenization merges a turn's leading whitespace with the header.
    merges_leading_whitespace: bool = True
    think_open: str = "<think>"
    think_close: str = "</think>"
    #: For a turn right after tool results, the special token it follows and the generation
    #: suffix there, when they differ from the usual header (DeepSeek); ``None``: no difference.
    after_tool_frame: tuple[str, str] | None = None
    #: True when what the template writes for new messages depends on earlier ones beyond the
    #: last assistant turn, so deltas are rendered against the real history.
    delta_needs_history: bool = False

    @property
    def drops_reasoning(self) -> bool:
        """True when a full re-render drops earlier turns' ``<think>`` blocks."""
        return self.content_rule in ("qwen3", "qwen3.6", "deepseek")

    def turn_frame(self, ctx: TurnContext, generation_suffix: str) -> tuple[str, str, str]:
        """``(header_token, header_text, suffix)`` around a turn in the stream: the special token
        the header ends with, the text the template writes after it for an assistant message, and
        what the generation prompt adds after that (``generation_suffix`` unless the family
        frames turns after tool results differently)."""
        if ctx.after_tool and self.after_tool_frame is not None:
            token, suffix = self.after_tool_frame
            return token, "", suffix
        return self.header_token, self.assistant_header, generation_suffix

    def rendered_content(self, content: str, ctx: TurnContext) -> str:
        """What the template writes for an assistant message whose content is ``content``.

        ``content`` is the assistant message's content: the text the policy sampled, without
        the generation prompt's suffix (Qwen3.6's ``<think>\\n``), which the stream holds before it
        and the template does not see. Mirrors the stock templates' Jinja.
        """
        kwargs = ctx.template_kwargs or {}
        if self.content_rule == "verbatim":
            return content
        if self.content_rule == "trim":
            return content.strip()
        if self.content_rule == "qwen3":
            reasoning, body = self._split_reasoning(content)
            if ctx.after_last_query and (ctx.is_last or reasoning):
                return f"{self.think_open}\n{reasoning.strip(chr(10))}\n{self.think_close}\n\n{body.lstrip(chr(10))}"
            return body
        if self.content_rule == "qwen3.6":
            reasoning, body = self._split_reasoning(content.strip())
            if kwargs.get("preserve_thinking") is True or ctx.after_last_query:
                return f"{self.think_open}\n{reasoning.strip()}\n{self.think_close}\n\n{body}"
            return body
        if self.content_rule == "deepseek":
            if ctx.after_tool or self.think_close not in content:
                return content
            return content.split(self.think_close)[-1]
        raise TemplateError(f"unknown content rule {self.content_rule!r}")

    def _split_reasoning(self, content: str) -> tuple[str, str]:
        """Reasoning and answer of ``content`` as Qwen templates split them at ``</think>``."""
        if self.think_close not in content:
            return "", content
        reasoning = content.split(self.think_close)[0].rstrip("\n").split(self.think_open)[-1].lstrip("\n")
        return reasoning, content.split(self.think_close)[-1].lstrip("\n")

    def turn_contexts(
        self, messages: Sequence[Mapping[str, Any]], template_kwargs: Mapping[str, Any] | None = None
    ) -> dict[int, TurnContext]:
        """The :class:`TurnContext` of every assistant message of ``messages``, by index.

        The last query is the last ``user`` message with string content that is not a Hermes
        ``<tool_response>`` block (``tool`` messages never count), as in Qwen3's templates.
        """
        last_query = -1
        for i in range(len(messages) - 1, -1, -1):
            m = messages[i]
            content = m.get("content")
            if m.get("role") != "user" or not isinstance(content, str):
                continue
            text = content.strip() if self.content_rule == "qwen3.6" else content  # 3.6 trims first
            if not (text.startswith("<tool_response>") and text.endswith("</tool_response>")):
                last_query = i
                break
        n = len(messages)
        return {
            i: TurnContext(i > last_query, i == n - 1, template_kwargs, i > 0 and messages[i - 1].get("role") == "tool")
            for i, m in enumerate(messages)
            if m.get("role") == "assistant"
        }


_CHATML_STOPS = ("<|im_end|>", "<|endoftext|>")
CHATML = TemplateFamily("chatml", _CHATML_STOPS, "<|im_start|>", "assistant\n")
QWEN3 = TemplateFamily("qwen3", _CHATML_STOPS, "<|im_start|>", "assistant\n", content_rule="qwen3")
QWEN3_6 = TemplateFamily("qwen3.6", _CHATML_STOPS, "<|im_start|>", "assistant\n", content_rule="qwen3.6")
LLAMA3 = TemplateFamily(
    "llama3", ("<|eot_id|>", "<|eom_id|>", "<|end_of_text|>"), "<|end_header_id|>", "\n\n", content_rule="trim"
)

DEEPSEEK = TemplateFamily(
    "deepseek", ("<｜end▁of▁sentence｜>",), "<｜Assistant｜>", "", content_rule="deepseek",
    after_tool_frame=("<｜tool▁outputs▁end｜>", ""), delta_needs_history=True,
)

FAMILIES: dict[str, TemplateFamily] = {f.name: f for f in (CHATML, QWEN3, QWEN3_6, LLAMA3, DEEPSEEK)}


def detect_family(chat_template: str | None) -> TemplateFamily:
    """The family of a chat template, from the markers it uses.

    Raises :class:`TemplateError` when the template is missing or unrecognised: pass the family
    explicitly then (``family="chatml"``).
    """
    if not chat_template:
        raise TemplateError("the tokenizer has no chat template; set tokenizer.chat_template")
    if "<|start_header_id|>" in chat_template:
        return LLAMA3
    if "<｜Assistant｜>" in chat_template:
        return DEEPSEEK
    if "<|im_start|>" in chat_template:
        if "</think>" not in chat_template:
            return CHATML
        if "preserve_thinking" in chat_template or "reasoning_content|trim" in chat_template:
            return QWEN3_6
        return QWEN3
    raise TemplateError("unrecognised chat template family; pass family= one of " + ", ".join(FAMILIES))


def get_family(spec: str | TemplateFamily | None, chat_template: str | None) -> TemplateFamily:
    """A family from a name, an instance, or (``None``) detected from ``chat_template``."""
    if isinstance(spec, TemplateFamily):
        return spec
    if spec is None:
        return detect_family(chat_template)
    try:
        return FAMILIES[spec]
    except KeyError:
        raise TemplateError(f"unknown template family {spec!r}; known: {sorted(FAMILIES)}") from None
