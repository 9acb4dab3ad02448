"""Simulated-API domains for multi-turn customer-service envs (τ-bench / MUA-RL style).

A :class:`Domain` bundles a SQLAlchemy schema, typed read/write tools (``@api``), a policy and
tasks. Each episode gets a fresh database copy, served in process (:class:`LocalBackend`) or over
HTTP (:class:`HttpBackend` talking to :mod:`toolgym.apis.service`, which is imported on its own
because only serving needs FastAPI and uvicorn). :class:`CustomerServiceEnv` puts a simulated user
in the loop; :class:`TauReward` compares final database hashes and required
outputs; :func:`pass_k` measures consistency over trials; :class:`SimulatedApiTool` covers APIs
that exist only as documentation.
"""

from toolgym.extras import require

require("sqlalchemy", "apis", "toolgym.apis (the Retail/Travel envs)")  # one line naming the extra

from toolgym.apis.backend import ApiBackend, ApiSession, LocalBackend, local_backend
from toolgym.apis.client import HttpBackend, http_backend
from toolgym.apis.database import TemplateDB, state_hash
from toolgym.apis.domain import DOMAINS, ApiFunction, Domain, ToolKind, ToolSpec, api, get_domain
from toolgym.apis.env import CustomerServiceEnv, reply_of
from toolgym.apis.episode import ApiTool, EpisodeApi
from toolgym.apis.errors import ApiError, GoldReplayError, ServiceError
from toolgym.metrics import pass_hat_k, pass_k, pass_k_curve
from toolgym.apis.reward import TauReward
from toolgym.apis.simulated import LLMResponder, SimulatedApiSpec, SimulatedApiTool, StubResponder

__all__ = [
    "DOMAINS",
    "ApiBackend",
    "ApiError",
    "ApiFunction",
    "ApiSession",
    "ApiTool",
    "CustomerServiceEnv",
    "Domain",
    "EpisodeApi",
    "GoldReplayError",
    "HttpBackend",
    "LLMResponder",
    "LocalBackend",
    "ServiceError",
    "SimulatedApiSpec",
    "SimulatedApiTool",
    "StubResponder",
    "TauReward",
    "TemplateDB",
    "ToolKind",
    "ToolSpec",
    "api",
    "get_domain",
    "http_backend",
    "local_backend",
    "pass_hat_k",
    "pass_k",
    "pass_k_curve",
    "reply_of",
    "state_hash",
]
