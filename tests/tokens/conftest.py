"""Locally built tokenizers, one per chat-template family (built once per test session)."""

from __future__ import annotations

import pytest

from tests.tokens.episodes import family_tokenizer


@pytest.fixture(scope="session")
def tokenizers() -> dict:
    return {family: family_tokenizer(family) for family in ("chatml", "llama3", "qwen3")}
