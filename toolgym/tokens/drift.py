"""Drift check: compare a token stream with a full re-render of its messages.

A stream built by deltas keeps the policy's sampled tokens; a trainer that re-applies the chat
template to the final messages and re-tokenizes gets ``tokenize(template(messages))`` instead.
The check reports where the two disagree and whether each disagreement is *explained* by a
documented rule of the template's family (:mod:`toolgym.tokens.families`: the template rewrites
that turn — trimmed, reasoning dropped, whitespace merged with the header, another stop token) or
*unexplained* (a decode→encode round trip that changes tokens, a template rewriting history it
should not). ``DriftReport.mismatches`` counts the unexplained tokens: 0 is the contract.

How: each policy turn the family says the template rewrites is replaced, in a copy of the
stream, by the tokens of what the template writes for it (header text included, so whitespace
merges show); the policy's own tokens are kept wherever the rewrite leaves them as sampled, so
non-canonical tokens still count. That copy is compared token for token with the re-render.
Where a rewritten turn has to be re-encoded whole (Llama's trimmed edges, Qwen's merged leading
whitespace), non-canonical tokens inside that one turn are not seen; ``rewritten_turns`` says how
many turns were compared that way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from toolgym.tokens.render import ChatRenderer, Message

#: Appended when the stream ends on an assistant turn, so both sides end the same way. A tool
#: result: it is not a new user query (which would change how earlier turns render).
PROBE: dict[str, str] = {"role": "tool", "content": "ToolGym drift probe.", "tool_call_id": "probe", "name": "probe"}


@dataclass(frozen=True)
class DriftReport:
    """Outcome of one drift check."""

    #: False when the check could not be made (``note`` says why); the counts are then 0.
    checked: bool
    #: Tokens the stream and the re-render disagree on that no family rule explains.
    mismatches: int
    #: First unexplained differing position in the compared streams, or ``None``.
    first_mismatch: int | None
    stream_tokens: int
    render_tokens: int
    #: Policy turns the family says the template rewrites (compared as the template writes them).
    rewritten_turns: int = 0
    #: Tokens of the stream that differ from the re-render because of those rewrites.
    explained_tokens: int = 0
    note: str | None = None


def count_mismatches(a: Sequence[int], b: Sequence[int]) -> tuple[int, int | None]:
    """Tokens of the longer sequence left unmatched by an alignment of the two, and the first
    index where they differ (``None`` when equal).

    An alignment, not a positional comparison: one token split in two counts as two mismatches,
    not as every position after it. The common head and tail are skipped before aligning, so a
    long stream with a local difference costs little.
    """
    a, b = list(a), list(b)
    if a == b:
        return 0, None
    n = min(len(a), len(b))
    head = next((i for i in range(n) if a[i] != b[i]), n)
    tail = 0
    while tail < n - head and a[len(a) - 1 - tail] == b[len(b) - 1 - tail]:
        tail += 1
    mid_a, mid_b = a[head : len(a) - tail], b[head : len(b) - tail]
    matched = sum(block.size for block in SequenceMatcher(None, mid_a, mid_b, autojunk=False).get_matching_blocks())
    return max(len(mid_a), len(mid_b)) - matched, head


def check_drift(
    renderer: ChatRenderer,
    messages: Sequence[Message],
    input_ids: Sequence[int],
    turn_spans: Sequence[tuple[int, int]],
) -> DriftReport:
    """Compare ``input_ids`` (built from ``messages`` by deltas) with a full re-render.

    ``turn_spans[k]`` is the ``[start, end)`` of the k-th policy turn (its closing token
    included), which is the k-th assistant message of ``messages``; that message's content is
    the text the policy sampled.
    """
    stream = list(input_ids)
    msgs: list[Mapping[str, Any]] = list(messages)
    if msgs and msgs[-1].get("role") == "assistant":
        stream += renderer.delta_ids([PROBE], history=msgs)
        msgs.append(PROBE)
    assistant = [i for i, m in enumerate(msgs) if m.get("role") == "assistant"]
    if len(assistant) != len(turn_spans):
        return DriftReport(
            False, 0, None, len(input_ids), 0,
            note=f"{len(assistant)} assistant messages for {len(turn_spans)} policy turns",
        )
    expected, rewritten, explained = _rule_view(renderer, msgs, stream, assistant, turn_spans)
    rendered = renderer.encode(renderer.render(msgs, add_generation_prompt=True))
    mismatches, first = count_mismatches(expected, rendered)
    return DriftReport(True, mismatches, first, len(stream), len(rendered), rewritten, explained)


def _rule_view(
    renderer: ChatRenderer,
    msgs: Sequence[Mapping[str, Any]],
    stream: list[int],
    assistant: Sequence[int],
    turn_spans: Sequence[tuple[int, int]],
) -> tuple[list[int], int, int]:
    """The stream with every turn the family rules say the template rewrites replaced by what
    the template writes; also the number of such turns and of tokens they changed."""
    family = renderer.family
    contexts = family.turn_contexts(msgs, renderer.template_kwargs)
    stops = set(renderer.stop_ids)
    out: list[int] = []
    cursor = rewritten = explained = 0
    for msg_index, (start, end) in zip(assistant, turn_spans):
        body_end = end - 1 if end > start and stream[end - 1] in stops else end
        sampled = str(msgs[msg_index].get("content") or "")
        ctx = contexts[msg_index]
        header_token, header_text, suffix = family.turn_frame(ctx, renderer.generation_suffix)
        content = suffix + sampled  # the stream's text after the header
        target = family.rendered_content(sampled, ctx)
        closing = stream[end - 1] if body_end < end else None
        segment_from, segment = start, stream[start:body_end]
        if target != content or (family.merges_leading_whitespace and content[:1].isspace()):
            header_ids = renderer.encode(header_token)
            found = _header_start(stream, cursor, start, header_ids[0] if len(header_ids) == 1 else None)
            if found is not None:
                segment_from = found
                segment = _rendered_segment(
                    renderer, stream[found:start], stream[start:body_end], header_text, suffix, content, target
                )
        if closing is not None and closing != renderer.closing_id:
            closing = renderer.closing_id
        original = stream[segment_from:end]
        replacement = segment + ([closing] if closing is not None else [])
        if replacement != original:
            rewritten += 1
            explained += count_mismatches(original, replacement)[0]
        out += stream[cursor:segment_from] + replacement
        cursor = end
    out += stream[cursor:]
    return out, rewritten, explained


def _header_start(stream: Sequence[int], lo: int, hi: int, header_id: int | None) -> int | None:
    """Index just past the last header token in ``stream[lo:hi]`` (``None``: not found)."""
    if header_id is None:
        return None
    for i in range(hi - 1, lo - 1, -1):
        if stream[i] == header_id:
            return i + 1
    return None


def _rendered_segment(
    renderer: ChatRenderer,
    header: Sequence[int],
    sampled: Sequence[int],
    header_text: str,
    suffix: str,
    content: str,
    target: str,
) -> list[int]:
    """Tokens a full render has from the header text through the turn's content.

    When the template keeps a tail of what was sampled verbatim (it only dropped a ``<think>``
    block or a generation-prompt suffix before it) and that tail starts on a token boundary of the
    sampled ids, those ids are kept as sampled, so non-canonical tokens there still count.
    """
    if renderer.tokenizer.decode(list(header), skip_special_tokens=False) != header_text + suffix:
        return list(header) + list(sampled)  # not the layout the rules describe: leave it unexplained
    if target and not target[:1].isspace() and content.endswith(target):
        drop = len(content) - len(target) - len(suffix)
        cut = _token_boundary(renderer, sampled, content[len(suffix) : len(suffix) + drop]) if drop >= 0 else None
        if cut is not None:
            return renderer.encode(header_text) + list(sampled[cut:])
    return renderer.encode(header_text + target)


def _token_boundary(renderer: ChatRenderer, ids: Sequence[int], prefix: str) -> int | None:
    """The k such that ``ids[:k]`` decodes to exactly ``prefix``, if there is one."""
    if not prefix:
        return 0
    decode = renderer.tokenizer.decode
    for k in range(1, len(ids) + 1):
        text = decode(list(ids[:k]), skip_special_tokens=False)
        if text == prefix:
            return k
        if len(text) > len(prefix) and "\ufffd" not in text:
            return None
    return None
