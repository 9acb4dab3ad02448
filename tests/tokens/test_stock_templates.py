"""Acceptance on the real stock templates: random multi-turn episodes with 0 unexplained drift,
graded independently against ``tokenizer.apply_chat_template(..., tokenize=True)``; the family
rules match the templates; the library's drift check agrees and still catches real drift."""

from __future__ import annotations

import os
import random
from collections import Counter

import pytest

import toolgym

from tests.tokens.episodes import make_env
from tests.tokens.real_tokenizers import CASE_NAMES, case_renderer, llama3_file, load_case
from tests.tokens.stock_episodes import SCENARIOS, independent_check, play_token_env, synthetic_episode
from toolgym.tokens import TokenEnv, check_drift
from toolgym.tokens.families import TurnContext

N_EPISODES = int(os.environ.get("TOOLGYM_TOKEN_EPISODES", "1000"))


@pytest.mark.parametrize("name", CASE_NAMES)
def test_zero_unexplained_drift_on_random_episodes(name):
    r = case_renderer(name)
    rng = random.Random(hash(name) % 1000)
    seen = dict.fromkeys(SCENARIOS, 0)
    naive = rewritten = turns = 0
    for _ in range(N_EPISODES):
        ep = synthetic_episode(r, rng)
        verdict = independent_check(r, ep.messages, ep.input_ids, ep.turns)
        assert verdict.unexplained == 0, (name, ep.messages)
        # loss mask 1 exactly on the sampled ids (a turn's span minus an env-added closing token)
        sampled = {i for s, e in ep.turns for i in range(s, e)} - {
            e - 1 for (s, e), m in zip(ep.turns, [m for m in ep.messages if m["role"] == "assistant"])
            if ep.loss_mask[e - 1] == 0
        }
        assert {i for i, v in enumerate(ep.loss_mask) if v} == sampled
        report = check_drift(r, ep.messages, ep.input_ids, ep.turns)
        assert report.checked and report.mismatches == 0, (name, report, ep.messages)
        naive += verdict.naive
        rewritten += verdict.rewritten_turns
        turns += len(ep.turns)
        for s in SCENARIOS:
            seen[s] += bool(ep.kinds[s])
    assert turns > 2 * N_EPISODES
    if len(r.stop_ids) == 1:  # one stop token (DeepSeek): no other one to stop on
        del seen["alt_stop"]
    assert all(seen.values()), seen
    assert naive > 0 and rewritten > 0  # the templates do rewrite: the rules were exercised


@pytest.mark.parametrize("name", CASE_NAMES)
@pytest.mark.parametrize(
    "content",
    ["<answer>3</answer>", " lead", "trail \n", "\n\nboth\t", "<think>\nr\n</think>\n\nans", "r\n</think>\n\nans",
     "<think>\n\n</think>\n\n x", "cut <think>\nmid", "a</think>b</think>c"],
)
@pytest.mark.parametrize("followed_by", ["tool", "user"])
def test_rule_matches_template(name, content, followed_by):
    """``rendered_content`` says what the real template writes for an assistant turn."""
    r = case_renderer(name)
    marker = "MARKER-7"
    nxt = ({"role": "tool", "content": marker, "tool_call_id": "c", "name": "add"} if followed_by == "tool"
           else {"role": "user", "content": marker})
    msgs = [{"role": "system", "content": "S"}, {"role": "user", "content": "Q"}, {"role": "assistant", "content": content}, nxt]
    text = r.render(msgs, add_generation_prompt=False)
    header = {"llama3": "<|start_header_id|>assistant<|end_header_id|>\n\n", "deepseek": "<｜Assistant｜>"}.get(
        r.family.name, "<|im_start|>assistant\n"
    )
    body = text[text.index(header) + len(header) :]
    body = body[: body.index(r.stop_tokens[0])]
    ctx = r.family.turn_contexts(msgs, r.template_kwargs)[2]
    assert ctx == TurnContext(followed_by == "tool", False, r.template_kwargs)
    assert r.family.rendered_content(content, ctx) == body


@pytest.mark.parametrize("name", ["qwen2.5", "llama3.2"])
def test_whitespace_at_action_edges_is_explained_not_hidden(name):
    """Failure (3): Llama trims content, Qwen merges leading whitespace with the header's newline.
    The stream keeps the sampled tokens; a naive re-render differs; the rule explains it."""
    r = case_renderer(name)
    msgs = [{"role": "system", "content": "S"}, {"role": "user", "content": "Q"}]
    ids = r.prompt_ids(msgs)
    start = len(ids)
    text = "\n  hello there \n"
    ids += r.encode(text) + [r.closing_id]
    msgs.append({"role": "assistant", "content": text})
    stream_turn = ids[start:]
    verdict = independent_check(r, msgs, ids, [(start, len(ids))])
    assert verdict.naive > 0 and verdict.unexplained == 0 and verdict.rewritten_turns == 1
    report = check_drift(r, msgs, ids, [(start, len(ids))])
    assert report.mismatches == 0 and report.rewritten_turns == 1 and report.explained_tokens > 0
    assert ids[start:] == stream_turn  # the check never touches the stream


@pytest.mark.parametrize("name", ["qwen3", "qwen3.6", "llama3.2"])
def test_non_canonical_policy_tokens_are_unexplained_drift(name):
    """Tokens that decode to the sampled text but are not its canonical tokenization are what a
    re-tokenizing trainer silently changes: no family rule may explain them away, also in a turn
    whose reasoning the template drops."""
    r = case_renderer(name)
    msgs = [{"role": "system", "content": "S"}, {"role": "user", "content": "Q"}]
    ids = r.prompt_ids(msgs)
    turns = []
    body = "the sum is 42 then"
    text = ("r\n</think>\n\n" if r.generation_suffix == "<think>\n" else "") + body
    split = r.encode(text[: -len(body)]) + [i for ch in body for i in r.encode(ch)]
    assert r.tokenizer.decode(split) == text and split != r.encode(text)
    turns.append((len(ids), len(ids) + len(split) + 1))
    ids += split + [r.closing_id]
    msgs.append({"role": "assistant", "content": text})
    new = [{"role": "user", "content": "go on"}]  # a new query: earlier reasoning is dropped
    ids += r.delta_ids(new)
    msgs += new
    report = check_drift(r, msgs, ids, turns)
    assert report.checked and report.mismatches > 0
    verdict = independent_check(r, msgs, ids, turns)  # coarser: it re-encodes a rewritten turn whole
    assert verdict.unexplained > 0 or verdict.rewritten_turns == 1


def test_alternative_stop_token_is_kept_and_explained():
    r = case_renderer("llama3.2")
    if "<|eom_id|>" not in r.stop_tokens:
        pytest.skip(f"{llama3_file()[1]} tokenizer has no <|eom_id|> (bash tests/install_oracles.sh)")
    msgs = [{"role": "system", "content": "S"}, {"role": "user", "content": "Q"}]
    ids = r.prompt_ids(msgs)
    start = len(ids)
    ids += r.encode("<tool_call>{}</tool_call>") + [r.tokenizer.convert_tokens_to_ids("<|eom_id|>")]
    msgs.append({"role": "assistant", "content": "<tool_call>{}</tool_call>"})
    report = check_drift(r, msgs, ids, [(start, len(ids))])
    assert report.mismatches == 0 and report.explained_tokens == 1


@pytest.mark.parametrize("name", CASE_NAMES)
def test_token_env_streams_on_stock_templates(name):
    """The same grading through TokenEnv (the wrapper builds the stream, the env the messages)."""
    case, tok = load_case(name)
    rng = random.Random(3)
    tenv = TokenEnv(make_env(rng), tok, family=case.family, template_kwargs=case.template_kwargs)
    total = Counter()
    for _ in range(100):
        verdict, kinds = play_token_env(tenv, rng)
        assert verdict.unexplained == 0, (name, tenv.messages)
        total.update(kinds)
    assert total["call"] and total["user_after"] and total["cut"]


#: Episodes per registered env and template through gym.make(id, tokenizer=...). CI plays a few;
#: the acceptance run is ``python -m tests.tokens.drift_table --episodes 112`` (1,008 per template over the 9 envs).
ENV_EPISODES = int(os.environ.get("TOOLGYM_TOKEN_ENV_EPISODES", "3"))


@pytest.mark.parametrize("name", CASE_NAMES)
def test_registered_envs_on_stock_templates(name):
    """Every registered ToolGym env through gym.make(id, tokenizer=...), native roles, real template."""
    from tests.tokens.drift_table import play_env

    case, tok = load_case(name)
    for env_id in sorted(toolgym.env_ids()):
        row = play_env(env_id, case, tok, ENV_EPISODES, seed=5)
        assert row["unexplained"] == 0, (env_id, name, row)
        assert row["episodes"] == ENV_EPISODES


def test_deepseek_deltas_need_the_history():
    """DeepSeek's templates open only the conversation's first batch of tool results with
    <｜tool▁outputs▁begin｜>: a delta rendered after a fixed base would open every batch with it."""
    r = case_renderer("deepseek-r1-distill")
    assert r.family.delta_needs_history
    tool = {"role": "tool", "content": "7", "tool_call_id": "c", "name": "add"}
    history = [{"role": "system", "content": "S"}, {"role": "user", "content": "Q"},
               {"role": "assistant", "content": "a"}, tool, {"role": "assistant", "content": "b"}]
    assert r.delta_text([tool]).startswith("<｜tool▁outputs▁begin｜>")
    assert r.delta_text([tool], history=history) == "\n<｜tool▁output▁begin｜>7<｜tool▁output▁end｜><｜tool▁outputs▁end｜>"
    assert r.delta_text([tool], history=history) == r.render([*history, tool], True)[len(r.render(history, False)):]
