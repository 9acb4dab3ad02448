"""HFGenerator: sampler logprobs match the trainer's, per-request seeds, stops and limits."""

from __future__ import annotations

import torch

from toolgym.tokens.trajectory import TokenTrajectory
from toolgym.train.batching import collate
from toolgym.train.generation import GenerationRequest, HFGenerator
from toolgym.train.losses import token_logprobs


def gen(model, tok, **kw):
    stop = [tok.convert_tokens_to_ids("<|im_end|>")]
    return HFGenerator(model, stop_ids=stop, pad_id=tok.pad_token_id, vocab_size=len(tok), **kw), stop[0]


def test_sampler_logprobs_equal_trainer_logprobs(tiny_model, tiny_tokenizer):
    g, _ = gen(tiny_model, tiny_tokenizer, temperature=0.7)
    contexts = [[1, 5, 9, 12], [3, 4]]
    outs = g.generate([GenerationRequest(c, 12, seed=i) for i, c in enumerate(contexts)])
    trajs = []
    for c, o in zip(contexts, outs):
        t = TokenTrajectory("x")
        t.extend(c, 0)
        t.extend(o.token_ids, 1, o.logprobs)
        trajs.append(t)
    batch = collate(trajs, tiny_tokenizer.pad_token_id)
    with torch.no_grad():
        lp = token_logprobs(tiny_model, batch.input_ids, batch.attention_mask, temperature=0.7, vocab_size=len(tiny_tokenizer))
    for row, t in enumerate(trajs):
        sel = batch.loss_mask[row].bool()
        assert torch.allclose(lp[row][sel], torch.tensor(t.logprobs[1:])[sel[: len(t) - 1]], atol=1e-4)


def test_samples_do_not_depend_on_batch_composition(tiny_model, tiny_tokenizer):
    g, _ = gen(tiny_model, tiny_tokenizer)
    req = GenerationRequest([1, 5, 9, 12], 16, seed=42)
    alone = g.generate([req])[0]
    batched = g.generate([GenerationRequest([7] * 30, 16, seed=1), req, GenerationRequest([2], 3, seed=9)])[1]
    assert alone.token_ids == batched.token_ids
    other_seed = g.generate([GenerationRequest([1, 5, 9, 12], 16, seed=43)])[0]
    assert other_seed.token_ids != alone.token_ids


def test_stops_on_stop_ids_and_respects_limits(tiny_model, tiny_tokenizer):
    vocab = len(tiny_tokenizer)
    every_id_stops = HFGenerator(tiny_model, stop_ids=range(vocab), pad_id=0, vocab_size=vocab, max_batch_size=2)
    outs = every_id_stops.generate([GenerationRequest([1, 2, 3], 10, seed=s) for s in range(5)])
    assert all(len(o.token_ids) == 1 and len(o.logprobs) == 1 for o in outs)
    never_stops = HFGenerator(tiny_model, stop_ids=[vocab - 1], pad_id=0, vocab_size=vocab - 1)
    outs = never_stops.generate([GenerationRequest([1, 2, 3], 7, seed=0), GenerationRequest([4], 0, seed=0)])
    assert len(outs[0].token_ids) == 7 and outs[1].token_ids == []


def test_vocab_limit_and_top_p(tiny_model, tiny_tokenizer):
    g, _ = gen(tiny_model, tiny_tokenizer, top_p=1e-6)
    g.vocab_size = 20
    outs = g.generate([GenerationRequest([1, 2, 3], 8, seed=s) for s in range(3)])
    assert all(0 <= t < 20 for o in outs for t in o.token_ids)
    assert outs[0].token_ids == outs[1].token_ids == outs[2].token_ids  # top-p that small is greedy
    assert all(abs(x) < 1e-5 for o in outs for x in o.logprobs)
