"""Drift check: compare a token stream with a full re-render of its messages.

A stream built by deltas should equal ``tokenize(template(messages))`` wherever the template is
append-only. The check reports how many positions differ; a non-zero count means the stream and a
naive re-tokenization disagree (a decode→encode round trip that changes tokens, a template that
rewrites history), i.e. exactly the tokens a re-tokenizing trainer would get wrong.

For families that drop earlier reasoning (Qwen3), the re-render is compared with a copy of the
stream from which those turns' reasoning tokens were removed, so the rest is still checked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from toolgym.tokens.render import ChatRenderer, Message

#: Appended when the stream ends on an assistant turn, so both sides end the same way. It looks like
#: a tool result so that it does not count as a new user query (which would strip reasoning).
_PROBE = {"role": "user", "content": "<tool_response>\nToolGym drift probe.\n</tool_response>"}


@dataclass(frozen=True)
class DriftReport:
    """Outcome of one drift check."""

    #: False when the check could not be made (``note`` says why); the counts are then 0.
    checked: bool
    #: Tokens the stream and the re-render do not share (see :func:`count_mismatches`).
    mismatches: int
    #: First differing position in the compared streams, or ``None``.
    first_mismatch: int | None
    stream_tokens: int
    render_tokens: int
    #: Turns whose reasoning the template drops, and the stream tokens removed for the comparison.
    stripped_turns: int = 0
    stripped_tokens: int = 0
    note: str | None = None


def count_mismatches(a: Sequence[int], b: Sequence[int]) -> tuple[int, int | None]:
    """Tokens of the longer sequence left unmatched by an alignment of the two, and the first
    index where they differ (``None`` when equal).

    An alignment, not a positional comparison: one token split in two counts as two mismatches,
    not as every position after it.
    """
    if list(a) == list(b):
        return 0, None
    first = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    matched = sum(block.size for block in SequenceMatcher(None, list(a), list(b), autojunk=False).get_matching_blocks())
    return max(len(a), len(b)) - matched, first


def check_drift(
    renderer: ChatRenderer,
    messages: Sequence[Message],
    input_ids: Sequence[int],
    turn_spans: Sequence[tuple[int, int]],
) -> DriftReport:
    """Compare ``input_ids`` (built from ``messages`` by deltas) with a full re-render.

    ``turn_spans[k]`` is the ``[start, end)`` of the k-th policy turn, which is the k-th assistant
    message of ``messages``.
    """
    stream = list(input_ids)
    msgs: list[Mapping[str, object]] = list(messages)
    if msgs and msgs[-1].get("role") == "assistant":
        stream += renderer.delta_ids([_PROBE])
        msgs.append(_PROBE)
    stripped = renderer.family.stripped_reasoning_turns(msgs)
    removed = 0
    if stripped:
        assistant_ordinal = {m: k for k, m in enumerate(i for i, x in enumerate(msgs) if x.get("role") == "assistant")}
        cuts: list[tuple[int, int]] = []
        for msg_index in stripped:
            start, end = turn_spans[assistant_ordinal[msg_index]]
            stop = _reasoning_end(renderer, stream, start, end)
            if stop is None:
                return DriftReport(
                    False, 0, None, len(input_ids), 0, len(stripped), 0,
                    note=f"{renderer.family.think_close!r} is not a single token: reasoning cannot be cut out",
                )
            cuts.append((start, stop))
        for start, stop in sorted(cuts, reverse=True):
            removed += stop - start
            del stream[start:stop]
    rendered = renderer.encode(renderer.render(msgs, add_generation_prompt=True))
    mismatches, first = count_mismatches(stream, rendered)
    return DriftReport(True, mismatches, first, len(stream), len(rendered), len(stripped), removed)


def _reasoning_end(renderer: ChatRenderer, stream: Sequence[int], start: int, end: int) -> int | None:
    """Index just past a turn's reasoning: its ``</think>`` token and the newline tokens after it."""
    close_id = renderer.tokenizer.convert_tokens_to_ids(renderer.family.think_close)
    if not isinstance(close_id, int) or close_id == renderer.tokenizer.unk_token_id:
        return None
    try:
        at = list(stream[start:end]).index(close_id) + start
    except ValueError:
        return None
    stop = at + 1
    while stop < end and renderer.tokenizer.decode([stream[stop]]).strip("\n") == "":
        stop += 1
    return stop
