"""Token level: envs that speak token ids, with no re-tokenization of the policy's tokens.

:class:`TokenEnv` wraps any ToolGym env; :class:`TokenTrajectory` is the stream it keeps (the
trainer's input); :class:`ChatRenderer` renders deltas against a fixed prefix; :func:`check_drift`
compares a stream with a full re-render; :class:`TokenBudget` bounds prompt, observations and
total; :mod:`toolgym.tokens.families` holds per-template-family rules.
"""

from toolgym.tokens.budget import TokenBudget
from toolgym.tokens.drift import DriftReport, check_drift
from toolgym.tokens.errors import (
    TemplateError,
    TokenActionError,
    TokenBudgetError,
    TokenModeError,
)
from toolgym.tokens.factory import make_token_env
from toolgym.tokens.families import FAMILIES, TemplateFamily, detect_family, get_family
from toolgym.tokens.local import build_local_tokenizer
from toolgym.tokens.render import ChatRenderer
from toolgym.tokens.spaces import TokenAction, TokenIds
from toolgym.tokens.trajectory import TokenTrajectory, Truncation, TurnSpan
from toolgym.tokens.wrapper import TokenEnv

__all__ = [
    "FAMILIES",
    "ChatRenderer",
    "DriftReport",
    "TemplateError",
    "TemplateFamily",
    "TokenAction",
    "TokenActionError",
    "TokenBudget",
    "TokenBudgetError",
    "TokenEnv",
    "TokenIds",
    "TokenModeError",
    "TokenTrajectory",
    "Truncation",
    "TurnSpan",
    "build_local_tokenizer",
    "check_drift",
    "detect_family",
    "get_family",
    "make_token_env",
]
