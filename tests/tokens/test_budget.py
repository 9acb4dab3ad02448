"""Token budgets: prompt, per-observation and total, with recorded truncation."""

from __future__ import annotations

import random

import pytest

from tests.tokens.episodes import make_env
from toolgym.tokens import TokenBudget, TokenBudgetError, TokenEnv
from toolgym.tokens.budget import fit_content


def close_ids(tok, text):
    return tok(text, add_special_tokens=False)["input_ids"] + [tok.convert_tokens_to_ids("<|im_end|>")]


def echo_call(n_words: int) -> str:
    words = " ".join(f"w{i}" for i in range(n_words))
    return f'<tool_call>\n{{"name": "echo", "arguments": {{"text": "{words}"}}}}\n</tool_call>'


def test_fit_content_keeps_the_longest_head_that_fits(tokenizers):
    tok = tokenizers["chatml"]
    content = " ".join(str(i) for i in range(200))

    def measure(c: str) -> int:
        return len(tok(c, add_special_tokens=False)["input_ids"])

    for limit in (20, 57, 300):
        head, dropped = fit_content(tok, content, measure, limit)
        assert measure(head) <= limit
        if limit < measure(content):
            assert dropped > 0 and head.endswith(f"[... truncated {dropped} tokens]")
            longer, _ = fit_content(tok, content, lambda c: measure(c) - 1, limit)  # one more token allowed
            assert len(longer) >= len(head)
    with pytest.raises(TokenBudgetError):
        fit_content(tok, content, measure, 3)


def test_observation_budget_cuts_and_records(tokenizers):
    tok = tokenizers["chatml"]
    tenv = TokenEnv(make_env(random.Random(0)), tok, budget=TokenBudget(max_observation_tokens=40), check_drift=True)
    tenv.reset(seed=0)
    obs, _, term, trunc, info = tenv.step(close_ids(tok, echo_call(80)))
    assert obs.size <= 40 and not (term or trunc)
    assert info["token_truncation"] == "observation"
    (cut,) = tenv.trajectory.truncations
    assert cut.kind == "observation" and cut.turn == 0 and cut.original_tokens > 40 and cut.kept_tokens == obs.size
    text = tok.decode(obs.tolist())
    assert "[... truncated" in text and text.endswith("<|im_start|>assistant\n")
    tenv.step(close_ids(tok, "<answer>0</answer>"))
    assert tenv.trajectory.drift.mismatches == 0  # the stream is a valid render of the cut messages


def test_prompt_budget_cuts_the_question(tokenizers):
    tok = tokenizers["chatml"]
    env = make_env(random.Random(0))
    long_task = {**env.tasks.get("rand-0").to_dict(), "question": " ".join(f"q{i}" for i in range(100))}
    full, _ = TokenEnv(env, tok).reset(options={"task": long_task})
    tenv = TokenEnv(env, tok, budget=TokenBudget(max_prompt_tokens=full.size - 50))
    obs, info = tenv.reset(options={"task": long_task})
    assert full.size - 60 < obs.size <= full.size - 50 and info["prompt_truncated"]
    (cut,) = tenv.trajectory.truncations
    assert (cut.kind, cut.turn, cut.original_tokens, cut.kept_tokens) == ("prompt", -1, full.size, obs.size)
    assert tok.decode(obs.tolist()).endswith("tokens]<|im_end|>\n<|im_start|>assistant\n")


def test_prompt_budget_below_the_system_prompt_is_an_error(tokenizers):
    tenv = TokenEnv(make_env(random.Random(0)), tokenizers["chatml"], budget=TokenBudget(max_prompt_tokens=10))
    with pytest.raises(TokenBudgetError):
        tenv.reset(seed=0)


def test_total_budget_cuts_observation_then_truncates_and_scores(tokenizers):
    tok = tokenizers["chatml"]
    env = make_env(random.Random(0))
    prompt, _ = TokenEnv(env, tok).reset(seed=0)
    call = close_ids(tok, echo_call(60))
    total = prompt.size + len(call) + 46
    tenv = TokenEnv(env, tok, budget=TokenBudget(max_total_tokens=total))
    tenv.reset(seed=0)
    assert tenv.remaining_tokens == total - prompt.size - 1
    obs, _, term, trunc, info = tenv.step(call)
    assert info["token_truncation"] == "total" and 0 < obs.size <= 44
    assert tenv.remaining_tokens >= 1 and not trunc
    filler = close_ids(tok, "hmm")[: tenv.remaining_tokens]
    obs, _, term, trunc, info = tenv.step(filler)
    assert trunc and not term and obs.size == 0 and info["token_truncation"] == "total"
    assert info["reward_components"] == {"correct": 0.0}
    traj = tenv.trajectory
    assert traj.truncated and len(traj) <= total
    # the first observation was cut to fit; the second (a corrective message) did not fit at all
    assert [(c.kind, c.turn) for c in traj.truncations] == [("total", 0), ("total", 1)]
    assert traj.truncations[0].kept_tokens > 0 and traj.truncations[1].kept_tokens == 0


def test_budget_validation():
    with pytest.raises(TokenBudgetError):
        TokenBudget(max_total_tokens=0)


def test_total_budget_without_room_for_an_observation_ends_the_episode(tokenizers):
    tok = tokenizers["chatml"]
    env = make_env(random.Random(0))
    prompt, _ = TokenEnv(env, tok).reset(seed=0)
    call = close_ids(tok, echo_call(5))
    tenv = TokenEnv(env, tok, budget=TokenBudget(max_total_tokens=prompt.size + len(call) + 4))
    tenv.reset(seed=0)
    obs, _, term, trunc, info = tenv.step(call)
    assert trunc and not term and obs.size == 0 and info["token_truncation"] == "total"
    (cut,) = tenv.trajectory.truncations
    assert (cut.kind, cut.turn, cut.kept_tokens) == ("total", 0, 0) and cut.original_tokens > 4


def test_response_budget_is_counted_after_the_prompt():
    from toolgym.tokens.budget import TokenBudget

    assert TokenBudget(max_response_tokens=10).total_limit(90) == 100
    assert TokenBudget(max_total_tokens=95, max_response_tokens=10).total_limit(90) == 95
    assert TokenBudget().total_limit(90) is None
    with pytest.raises(Exception, match="max_response_tokens"):
        TokenBudget(max_response_tokens=1)
