"""Random multi-turn token episodes on real stock templates, and an independent drift checker.

Reusable pieces (the env-driven acceptance plugs into the same checker):

* :func:`random_turn` — one policy turn's text and ids: tool calls, chatter, answers, junk,
  ``<think>`` blocks, whitespace at the edges, a stop token (sometimes another stop token than the
  template's), or a cut without one.
* :func:`synthetic_episode` — drives :class:`ChatRenderer` the way the token wrapper does
  (``prompt_ids``, policy ids, ``closing_token``, ``delta_ids`` of the contract's messages).
* :func:`independent_check` — grades a stream against ``tokenizer.apply_chat_template(messages,
  tokenize=True)`` of the same conversation, applying the family's documented rule
  (:meth:`TemplateFamily.rendered_content`) by its own simple construction; it never calls
  :func:`toolgym.tokens.check_drift`.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from toolgym.tokens import ChatRenderer
from toolgym.tokens.drift import count_mismatches
from toolgym.tokens.families import TurnContext

WORDS = [
    "the", "sum", "is", "answer", "let", "me", "compute", "first", "then", "check", "value", "ok", "hmm",
    "données", "数据", "результат", "λ", "π", "∑", "😀", "x=3", "(a+b)", "[1,2]", "{'k':", "1}", "-42", "3.14",
    "\\frac{1}{2}", "$$", "snake_case", "can't", "we'll", "<b>", "&amp;", "```", "->", "\t", "...",
]
JUNK = [
    "<tool_call>{\"name\": ", "</tool_call>", "<answer>", "</think>", "<think>", "{{ x }}", "{% raw %}", "\x00",
    "\ufeff", "\u200b", "<|im_start|>", "<|start_header_id|>", "  ", "\n\n\n", "\r\n", "🙂🙂", "null",
]
EDGE_WS = [" ", "  ", "\n", "\n\n", "\t", " \n", "\n "]


def words(rng: random.Random, lo: int = 1, hi: int = 10) -> str:
    parts = []
    for _ in range(rng.randint(lo, hi)):
        parts.append(rng.choice(WORDS))
        parts.append(rng.choice([" ", " ", " ", "\n", "\n\n", ", "]))
    return "".join(parts).strip() or "ok"


@dataclass
class Turn:
    text: str
    ids: list[int]
    kinds: set[str]
    stopped: bool
    tool_calls: int = 0
    answered: bool = False


def random_turn(
    rng: random.Random,
    renderer: ChatRenderer,
    thinking: bool,
    tool_names: tuple[str, ...] = ("add",),
    suffix: str | None = None,
) -> Turn:
    """One policy turn. ``thinking``: the template's generation prompt opens a reasoning block the
    policy continues (Qwen3.6), or the policy may open one itself (Qwen3). Calls name one of
    ``tool_names`` (or an unknown tool) with arguments that may not fit its schema."""
    kinds: set[str] = set()
    pieces: list[str] = []
    calls, answered = 0, False
    r = rng.random()
    if rng.random() < 0.25:
        pieces.append(words(rng, 1, 5))
    if r < 0.4:
        kinds.add("call")
        for _ in range(rng.choice([1, 1, 2])):
            args = {"a": rng.randint(-9, 99), "text": words(rng, 1, 4)}
            name = rng.choice([*tool_names, "no_such_tool"])
            pieces.append(f"<tool_call>\n{json.dumps({'name': name, 'arguments': args}, ensure_ascii=rng.random() < 0.5)}\n</tool_call>")
            calls += 1
    elif r < 0.6:
        kinds.add("answer")
        pieces.append(f"<answer>{rng.randint(-50, 200)}</answer>")
        answered = True
    elif r < 0.85:
        kinds.add("chatter")
        pieces.append(words(rng))
    else:
        kinds.add("junk")
        pieces.append("".join(rng.choice(JUNK + WORDS) for _ in range(rng.randint(1, 6))))
    text = "\n".join(pieces)
    suffix = renderer.generation_suffix if suffix is None else suffix  # what the prompt ends with
    if suffix.endswith("<think>\n"):  # the prompt opened the block: reasoning, then close it
        kinds.add("think")
        text = f"{words(rng, 1, 8)}\n</think>\n\n{text}" if rng.random() < 0.9 else f"{words(rng, 1, 8)}\n\n{text}"
    elif rng.random() < (0.6 if thinking and not suffix else 0.1):  # elsewhere a stray block, as text
        kinds.add("think")
        text = f"<think>\n{words(rng, 1, 8)}\n</think>\n\n{text}"
    if rng.random() < 0.2:
        kinds.add("ws_edge")
        text = rng.choice(EDGE_WS) + text if rng.random() < 0.6 else text
        text = text + rng.choice(EDGE_WS) if rng.random() < 0.6 else text
    stopped = rng.random() >= 0.15
    if not stopped:
        kinds.add("cut")
        text = text[: rng.randint(0, len(text))]
    ids = renderer.encode(text)
    if stopped:
        if rng.random() < 0.1 and len(renderer.stop_ids) > 1:
            kinds.add("alt_stop")
            ids.append(rng.choice(renderer.stop_ids[1:]))
        else:
            ids.append(renderer.closing_id)
    return Turn(text, ids, kinds, stopped, calls, answered)


@dataclass
class Episode:
    messages: list[dict[str, Any]]
    input_ids: list[int]
    loss_mask: list[int]
    turns: list[tuple[int, int]]
    kinds: Counter = field(default_factory=Counter)


def _tool_result(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.4:
        return str(rng.randint(-10**6, 10**6))
    if r < 0.7:
        return json.dumps({"ok": rng.random() < 0.5, "value": words(rng, 1, 4)}, ensure_ascii=False)
    if r < 0.85:
        return "error: " + words(rng, 1, 6)
    return rng.choice(EDGE_WS) + words(rng, 1, 8) + rng.choice(EDGE_WS)


def synthetic_episode(renderer: ChatRenderer, rng: random.Random, max_turns: int = 6) -> Episode:
    """One episode in the message contract, built as the token wrapper builds it."""
    thinking = renderer.family.drops_reasoning
    messages: list[dict[str, Any]] = [
        {"role": "system", "content": "You are a careful assistant. Tools: add(a, text)."},
        {"role": "user", "content": f"{words(rng, 0, 6)} What is {rng.randint(0, 99)} + {rng.randint(0, 99)}?"},
    ]
    ids = renderer.prompt_ids(messages)
    ep = Episode(messages, list(ids), [0] * len(ids), [])
    family = renderer.family
    for turn_no in range(rng.randint(1, max_turns)):
        after_tool = messages[-1]["role"] == "tool"
        _, _, suffix = family.turn_frame(TurnContext(True, False, None, after_tool), renderer.generation_suffix)
        turn = random_turn(rng, renderer, thinking, suffix=suffix)
        start = len(ep.input_ids)
        ep.input_ids += turn.ids
        ep.loss_mask += [1] * len(turn.ids)
        body = turn.ids[:-1] if turn.stopped else turn.ids
        content = renderer.tokenizer.decode(body, skip_special_tokens=False, clean_up_tokenization_spaces=False)
        if not turn.stopped:
            ep.input_ids.append(renderer.closing_token(content))
            ep.loss_mask.append(0)
        ep.turns.append((start, len(ep.input_ids)))
        messages.append({"role": "assistant", "content": content})
        ep.kinds.update(turn.kinds)
        if turn.answered and rng.random() < 0.8:
            break
        if turn.tool_calls:
            new = [
                {"role": "tool", "content": _tool_result(rng), "tool_call_id": f"call_{turn_no}_{k}", "name": "add"}
                for k in range(turn.tool_calls)
            ]
        else:
            ep.kinds["user_after"] += 1
            new = [{"role": "user", "content": rng.choice(["Format error: use <tool_call> or <answer>.", words(rng, 1, 8)])}]
        delta = renderer.delta_ids(new, history=messages)
        ep.input_ids += delta
        ep.loss_mask += [0] * len(delta)
        messages.extend(new)
    return ep


# ----------------------------------------------------------------------------- independent check
PROBE = {"role": "tool", "content": "checker probe", "tool_call_id": "probe", "name": "probe"}


@dataclass
class Verdict:
    unexplained: int  # tokens of (stream under the family rule) vs the real render that differ
    naive: int  # tokens of the raw stream vs the real render that differ (what re-tokenizing gets wrong)
    rewritten_turns: int


def independent_check(
    renderer: ChatRenderer, messages: list[dict[str, Any]], input_ids: list[int], turns: list[tuple[int, int]]
) -> Verdict:
    """Grade a stream against the tokenizer's own full render, applying the documented family rule.

    Simple construction: every turn the rule says the template rewrites (its rendered content
    differs from the sampled one, it starts with whitespace, or it stopped on another stop token)
    is replaced from its header through its closing token by the tokens of what the template writes
    there; nothing else is touched. The result must equal the render exactly.
    """
    tok, family = renderer.tokenizer, renderer.family
    msgs = list(messages)
    stream = list(input_ids)
    if msgs[-1]["role"] == "assistant":
        stream += renderer.delta_ids([PROBE], history=list(msgs))
        msgs.append(PROBE)
    kwargs = dict(renderer.template_kwargs)
    rendered = tok.apply_chat_template(msgs, tokenize=True, add_generation_prompt=True, return_dict=False, **kwargs)
    rendered = list(rendered)
    # last plain user query, as the Qwen templates find it
    last_query = max((i for i, m in enumerate(msgs) if m["role"] == "user"), default=-1)
    out: list[int] = []
    cursor = rewritten = 0
    assistant_at = [i for i, m in enumerate(msgs) if m["role"] == "assistant"]
    for (start, end), at in zip(turns, assistant_at):
        sampled = msgs[at]["content"]
        ctx = TurnContext(at > last_query, False, kwargs, msgs[at - 1]["role"] == "tool")
        header_token, header_text, suffix = family.turn_frame(ctx, renderer.generation_suffix)
        header_id = tok.convert_tokens_to_ids(header_token)
        target = family.rendered_content(sampled, ctx)
        alt_stop = stream[end - 1] != renderer.closing_id
        leading_ws = (suffix + sampled)[:1].isspace()
        if target == suffix + sampled and not leading_ws and not alt_stop:
            continue
        rewritten += 1
        h = max(i for i in range(cursor, start) if stream[i] == header_id) + 1
        out += stream[cursor:h] + renderer.encode(header_text + target) + [renderer.closing_id]
        cursor = end
    out += stream[cursor:]
    return Verdict(count_mismatches(out, rendered)[0], count_mismatches(stream, rendered)[0], rewritten)


SCENARIOS = ("call", "answer", "chatter", "junk", "think", "ws_edge", "cut", "alt_stop", "user_after")


def drift_table_row(renderer: ChatRenderer, rng: random.Random, episodes: int) -> dict[str, Any]:
    """Play ``episodes`` synthetic episodes; per scenario: episodes with it, naive drift tokens in
    them, unexplained drift tokens in them. Also asserts the loss mask marks exactly the sampled ids."""
    row: dict[str, Any] = {s: [0, 0, 0] for s in SCENARIOS}
    total = Counter()
    for _ in range(episodes):
        ep = synthetic_episode(renderer, rng)
        verdict = independent_check(renderer, ep.messages, ep.input_ids, ep.turns)
        total.update(episodes=1, turns=len(ep.turns), naive=verdict.naive, unexplained=verdict.unexplained,
                     rewritten=verdict.rewritten_turns)
        for s in SCENARIOS:
            if ep.kinds[s]:
                row[s][0] += 1
                row[s][1] += verdict.naive
                row[s][2] += verdict.unexplained
    row["total"] = dict(total)
    return row


def play_token_env(tenv: Any, rng: random.Random) -> tuple[Verdict, Counter]:
    """Play one random episode through a :class:`~toolgym.tokens.TokenEnv` (any env, e.g. from
    ``gym.make(id, tokenizer=tok)``) and grade its stream with :func:`independent_check`.

    Also asserts the loss mask is 1 exactly on the ids the policy sent. Returns the verdict and
    the scenarios the episode exercised.
    """
    env = getattr(tenv, "unwrapped", tenv)
    env = tenv if hasattr(tenv, "renderer") else env
    renderer = env.renderer
    env.reset(seed=rng.randrange(10**6))
    kinds: Counter = Counter()
    sent: list[int] = []
    done = False
    tools = getattr(getattr(env, "base", None), "tools", None) or {"add": None}
    while not done:
        after_tool = env.messages[-1].get("role") == "tool"
        frame = renderer.family.turn_frame(TurnContext(True, False, None, after_tool), renderer.generation_suffix)
        turn = random_turn(rng, renderer, renderer.family.drops_reasoning, tuple(tools), suffix=frame[2])
        kinds.update(turn.kinds)
        sent.append(len(turn.ids))
        _, _, terminated, truncated, _ = env.step(turn.ids)
        done = terminated or truncated
    traj = env.trajectory
    turns = [(t.start, t.end) for t in traj.turns]
    sampled = {i for (start, _), n in zip(turns, sent) for i in range(start, start + n)}
    assert {i for i, v in enumerate(traj.loss_mask) if v} == sampled
    user_after = [m for m in env.messages[2:] if m.get("role") == "user"]
    kinds["user_after"] += len(user_after)
    return independent_check(renderer, list(env.messages), list(traj.input_ids), turns), kinds
