"""A tiny locally built policy (tokenizer + model) over the toy add task."""

from __future__ import annotations

import pytest
import torch

from toolgym.train.tiny import build_tiny_policy, env_corpus
from toolgym.train.toy import AddToolEnv


@pytest.fixture(scope="session")
def tiny_tokenizer():
    _, tok = build_tiny_policy(env_corpus(AddToolEnv()), seed=0)
    return tok


@pytest.fixture
def tiny_model(tiny_tokenizer):
    torch.manual_seed(0)
    model, _ = build_tiny_policy(env_corpus(AddToolEnv()), seed=0)
    assert model.config.vocab_size == len(tiny_tokenizer)
    return model
