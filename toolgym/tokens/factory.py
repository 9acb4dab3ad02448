"""``gym.make(id, tokenizer=...)``: wrap a text env in token mode.

:func:`toolgym.modes.mode_entry_point` (every ``ToolGym/*`` id's creator) calls :func:`wrap_tokens`
with the token keywords: ``tokenizer``, ``token_family``, ``token_budget``, ``check_drift`` and
``template_kwargs``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import gymnasium as gym

from toolgym.tokens.budget import TokenBudget
from toolgym.tokens.wrapper import TokenEnv

#: Keywords the creator takes for itself; everything else goes to the text env.
TOKEN_KWARGS = ("tokenizer", "token_family", "token_budget", "check_drift", "template_kwargs")


def wrap_tokens(env: gym.Env[str, str], kwargs: Mapping[str, Any]) -> gym.Env[Any, Any]:
    """Wrap ``env`` in :class:`TokenEnv` when ``kwargs`` has a tokenizer, else return it as is."""
    tokenizer = kwargs.get("tokenizer")
    if tokenizer is None:
        extra = [k for k in TOKEN_KWARGS if kwargs.get(k) is not None]
        if extra:
            raise TypeError(f"{extra} need tokenizer=")
        return env
    budget = kwargs.get("token_budget")
    if isinstance(budget, Mapping):
        budget = TokenBudget(**budget)
    return TokenEnv(
        env,
        tokenizer,
        family=kwargs.get("token_family"),
        budget=budget,
        check_drift=bool(kwargs.get("check_drift", False)),
        template_kwargs=kwargs.get("template_kwargs"),
    )


def make_token_env(env_id: str, tokenizer: Any, **kwargs: Any) -> TokenEnv:
    """``gym.make(env_id, **text_kwargs)`` wrapped in token mode (works with today's registry)."""
    token_kwargs = {k: kwargs.pop(k) for k in TOKEN_KWARGS[1:] if k in kwargs}
    env = wrap_tokens(gym.make(env_id, **kwargs), {"tokenizer": tokenizer, **token_kwargs})
    assert isinstance(env, TokenEnv)
    return env
