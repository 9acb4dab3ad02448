"""Through TokenEnv on locally built tokenizers with the stock templates: zero unexplained drift on
1,000 random multi-turn trajectories per family, the Qwen3 reasoning rule, and a drift check that
does fire on re-tokenization damage. (Real tokenizers: test_stock_templates.py.)"""

from __future__ import annotations

import random

import pytest

from tests.tokens.episodes import make_env, play
from toolgym.tokens import TokenEnv, check_drift
from toolgym.tokens.drift import count_mismatches

N_EPISODES = 1000


@pytest.mark.parametrize("family", ["chatml", "llama3", "qwen3"])
def test_zero_drift_on_random_trajectories(tokenizers, family):
    rng = random.Random(7)
    tenv = TokenEnv(make_env(rng), tokenizers[family], check_drift=True)
    turns = closed = stripped = 0
    for _ in range(N_EPISODES):
        play(tenv, family, rng)
        traj = tenv.trajectory
        assert traj.drift is not None and traj.drift.checked
        assert traj.drift.mismatches == 0, (family, traj.drift)
        turns += len(traj.turns)
        closed += sum(t.closed_by_env for t in traj.turns)
        stripped += traj.drift.rewritten_turns
    assert turns > 2 * N_EPISODES  # genuinely multi-turn
    assert closed > 100  # env-closed turns were exercised
    if family == "qwen3":
        assert stripped > 200  # the non-append-only case was exercised, and handled
    else:
        assert stripped == 0


def test_qwen3_full_rerender_strips_reasoning_but_stream_keeps_it(tokenizers):
    """A corrective user message after a reasoning turn makes the Qwen3 template drop the earlier
    <think>: the stream keeps the policy's tokens verbatim; a naive re-render does not."""
    tok = tokenizers["qwen3"]
    tenv = TokenEnv(make_env(random.Random(3)), tok)
    tenv.reset(seed=0)
    first = "<think>\nlet me compute first\n</think>\n\nhmm"  # a void turn: corrective user message follows
    first_ids = tok(first, add_special_tokens=False)["input_ids"] + [tok.convert_tokens_to_ids("<|im_end|>")]
    tenv.step(first_ids)
    second = "<think>\nso\n</think>\n\n<answer>3</answer>"
    tenv.step(tok(second, add_special_tokens=False)["input_ids"] + [tok.convert_tokens_to_ids("<|im_end|>")])
    traj = tenv.trajectory
    span = traj.turns[0]
    assert traj.input_ids[span.start : span.end] == first_ids
    naive = tok(tok.apply_chat_template(tenv.messages, tokenize=False), add_special_tokens=False)["input_ids"]
    assert "let me compute" not in tok.decode(naive) and "let me compute" in tok.decode(traj.input_ids)
    assert count_mismatches(traj.input_ids, naive)[0] > 0
    report = tenv.drift_report()
    assert report.checked and report.mismatches == 0
    assert report.rewritten_turns == 1 and report.explained_tokens > 5


def test_drift_check_detects_non_canonical_policy_tokens(tokenizers):
    """Tokens that decode to the same text but are not its canonical tokenization are exactly what a
    decode->encode trainer would silently change: the check must count them."""
    tok = tokenizers["chatml"]
    tenv = TokenEnv(make_env(random.Random(5)), tok)
    tenv.reset(seed=0)
    text = "<answer>the sum is 42</answer>"
    canonical = tok(text, add_special_tokens=False)["input_ids"]
    split = [i for ch in text for i in tok(ch, add_special_tokens=False)["input_ids"]]
    assert tok.decode(split) == text and split != canonical
    tenv.step(split + [tok.convert_tokens_to_ids("<|im_end|>")])
    report = tenv.drift_report()
    assert report.checked and report.mismatches > 0
    assert report.first_mismatch == tenv.trajectory.turns[0].start + next(
        i for i, (a, b) in enumerate(zip(split, canonical)) if a != b
    )


def test_another_stop_token_is_kept_and_explained(tokenizers):
    """Llama 3.x may stop a tool-call turn on <|eom_id|> where the stock template writes <|eot_id|>:
    the stream keeps the sampled token, and the family rule explains the one differing token."""
    tok = tokenizers["llama3"]
    tenv = TokenEnv(make_env(random.Random(5)), tok)
    tenv.reset(seed=0)
    call = '<tool_call>\n{"name": "add", "arguments": {"a": 1, "b": 2}}\n</tool_call>'
    eom = tok.convert_tokens_to_ids("<|eom_id|>")
    tenv.step(tok(call, add_special_tokens=False)["input_ids"] + [eom])
    assert eom in tenv.trajectory.input_ids
    report = tenv.drift_report()
    assert report.mismatches == 0 and report.explained_tokens == 1 and report.rewritten_turns == 1


def test_count_mismatches_counts_length_difference():
    assert count_mismatches([1, 2, 3], [1, 2, 3]) == (0, None)
    assert count_mismatches([1, 2, 3], [1, 9, 3, 4]) == (2, 1)
    assert count_mismatches([1, 2], [1, 2, 5]) == (1, 2)


def test_check_drift_function_matches_wrapper(tokenizers):
    tok = tokenizers["chatml"]
    rng = random.Random(11)
    tenv = TokenEnv(make_env(rng), tok)
    play(tenv, "chatml", rng)
    traj = tenv.trajectory
    report = check_drift(tenv.renderer, tenv.messages, traj.input_ids, [(t.start, t.end) for t in traj.turns])
    assert report == tenv.drift_report() and report.mismatches == 0
    assert report.stream_tokens > len(traj)  # the probe delta was appended to a finished stream
