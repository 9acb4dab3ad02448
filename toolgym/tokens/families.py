"""Per-family rules for chat templates that matter to a token stream.

A :class:`TemplateFamily` says which tokens end an assistant turn (generation stops on them; when
the policy stops without one, the env closes the turn with the token the template would use) and
whether the template drops earlier reasoning. Families are recognised from the chat template text,
or named explicitly. Known non-append-only behaviours and how ToolGym handles them:

* **Qwen3-style reasoning stripping** (``qwen3``): a full re-render drops the ``<think>`` block of
  every assistant turn before the last real user query. The stream stays append-only and keeps the
  reasoning exactly as the policy produced it (that is what the model conditioned on during the
  rollout). The drift check removes those reasoning spans from a copy of the stream before
  comparing, so it still checks every other token.
* **Own token for tool-call turns** (``llama3``-style ``<|eom_id|>``, as gpt-oss uses ``<|call|>``):
  every closing token is a stop token, the policy's own closing token is kept, and a turn the env
  has to close gets the token the template renders for that message (see
  :meth:`toolgym.tokens.render.ChatRenderer.closing_token`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from toolgym.tokens.errors import TemplateError

#: The Hermes result wrapper; a user message that is exactly such blocks is not a new query.
TOOL_RESPONSE_OPEN, TOOL_RESPONSE_CLOSE = "<tool_response>", "</tool_response>"


@dataclass(frozen=True)
class TemplateFamily:
    """Token-stream rules of one chat-template family."""

    name: str
    #: Tokens that may end an assistant turn, preferred first; those missing from a vocabulary are ignored.
    stop_tokens: tuple[str, ...]
    #: True when a full re-render drops the reasoning of earlier assistant turns (Qwen3).
    strips_reasoning: bool = False
    think_open: str = "<think>"
    think_close: str = "</think>"

    def stripped_reasoning_turns(self, messages: Sequence[Mapping[str, Any]]) -> list[int]:
        """Indices (into ``messages``) of assistant messages whose reasoning a full render drops.

        Mirrors the Qwen3 rule: reasoning survives only after the last user message that is not a
        pure ``<tool_response>`` block; ``tool`` messages never count as queries.
        """
        if not self.strips_reasoning:
            return []
        last_query = len(messages) - 1
        for i in range(len(messages) - 1, -1, -1):
            m = messages[i]
            content = m.get("content")
            if m.get("role") == "user" and isinstance(content, str) and not (
                content.startswith(TOOL_RESPONSE_OPEN) and content.endswith(TOOL_RESPONSE_CLOSE)
            ):
                last_query = i
                break
        return [
            i
            for i, m in enumerate(messages[:last_query])
            if m.get("role") == "assistant" and self.think_close in str(m.get("content", ""))
        ]


CHATML = TemplateFamily("chatml", stop_tokens=("<|im_end|>", "<|endoftext|>"))
LLAMA3 = TemplateFamily("llama3", stop_tokens=("<|eot_id|>", "<|eom_id|>", "<|end_of_text|>"))
QWEN3 = TemplateFamily("qwen3", stop_tokens=("<|im_end|>", "<|endoftext|>"), strips_reasoning=True)

FAMILIES: dict[str, TemplateFamily] = {f.name: f for f in (CHATML, LLAMA3, QWEN3)}


def detect_family(chat_template: str | None) -> TemplateFamily:
    """The family of a chat template, from the markers it uses.

    Raises :class:`TemplateError` when the template is missing or unrecognised: pass the family
    explicitly then (``family="chatml"``).
    """
    if not chat_template:
        raise TemplateError("the tokenizer has no chat template; set tokenizer.chat_template")
    if "<|start_header_id|>" in chat_template:
        return LLAMA3
    if "<|im_start|>" in chat_template:
        strips = "reasoning_content" in chat_template or "</think>" in chat_template
        return QWEN3 if strips else CHATML
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
