"""Errors of the token layer; all derive from :class:`toolgym.errors.ToolGymError`."""

from __future__ import annotations

from toolgym.errors import ToolGymError


class TokenModeError(ToolGymError):
    """Root of the token layer's errors."""


class TemplateError(TokenModeError):
    """A tokenizer's chat template cannot be used for delta rendering (missing, or not
    prefix-stable for the messages ToolGym appends), or its family is unknown."""


class TokenActionError(TokenModeError):
    """A token action broke the contract: ids outside the vocabulary, logprobs of the wrong length,
    or an end-of-turn token before the end of the action (the generator must stop on it)."""


class TokenBudgetError(TokenModeError):
    """A token budget cannot be met at all (e.g. the system prompt alone exceeds the prompt budget)."""
