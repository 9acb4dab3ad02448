"""How ``gym.make`` picks an env's mode: text (default), chat (``mode="chat"``) or tokens (``tokenizer=``).

Every ``ToolGym/*`` id is registered with :func:`mode_entry_point`, which builds the env from the
family's own keyword arguments, then ``mode="chat"`` switches it to chat mode
(:meth:`toolgym.env.ToolEnv.set_mode`: no wrapper, so ``check_env`` sees the env itself) and
``tokenizer=tok`` (with ``token_family``, ``token_budget``, ``check_drift``, ``template_kwargs``)
wraps it in :class:`toolgym.tokens.TokenEnv`. The two are exclusive.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gymnasium as gym
from gymnasium.envs.registration import load_env_creator

from toolgym.env import MODES, ToolEnv
from toolgym.tokens.factory import TOKEN_KWARGS, wrap_tokens


def wrap_mode(env: gym.Env[str, Any], mode: str, token_kwargs: dict[str, Any]) -> gym.Env[Any, Any]:
    """``env`` in the requested mode (see the module docstring)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r} (token mode: pass tokenizer=)")
    if mode == "chat":
        if token_kwargs:
            raise ValueError(f"mode='chat' and token mode ({sorted(token_kwargs)}) are exclusive")
        base = env.unwrapped
        if not isinstance(base, ToolEnv):
            raise TypeError(f"chat mode needs a ToolGym env, got {type(base).__name__}")
        base.set_mode("chat")
        return env
    return wrap_tokens(env, token_kwargs)


def mode_entry_point(entry_point: str) -> Callable[..., gym.Env[Any, Any]]:
    """A Gymnasium env creator for ``entry_point`` that understands ``mode=`` and ``tokenizer=``."""

    def create(**kwargs: Any) -> gym.Env[Any, Any]:
        mode = kwargs.pop("mode", "text")
        token_kwargs = {k: kwargs.pop(k) for k in TOKEN_KWARGS if k in kwargs}
        env = load_env_creator(entry_point)(**kwargs)
        try:
            return wrap_mode(env, mode, token_kwargs)
        except BaseException:
            env.close()
            raise

    create.__name__ = create.__qualname__ = f"toolgym_modes[{entry_point}]"
    return create
