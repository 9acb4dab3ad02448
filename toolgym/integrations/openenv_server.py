"""Serve any ToolGym env over OpenEnv's protocol, so that ``openenv-core``'s clients drive it.

OpenEnv (``openenv-core``) serves a typed ``Environment`` (``reset``/``step``/``state``) over
HTTP and a WebSocket (``/ws``): each WebSocket connection is a session with its own env
instance, created on connect and closed on disconnect (a killed client included). This module
adapts a ToolGym env to that contract:

* action :class:`ToolGymAction`: the assistant's turn, ``content`` (text; tool calls in the env's
  text format are parsed from it) and optional OpenAI ``tool_calls``;
* observation :class:`ToolGymObservation`: ``text`` (what a text policy reads next: the prompt
  after reset, the rendered tool results after a step), ``messages`` (the same as OpenAI chat
  messages), ``tools`` (the env's tool schemas), ``info`` (ToolGym's step info: reward components,
  tool calls, ``error`` = ``None``/``tool_error``/``infra_error``, ``end_reason``) and
  ``truncated``; ``reward`` and ``done`` as OpenEnv defines them;
* state :class:`ToolGymState`: episode id, step count, env id, task id, whether the episode is
  over, and the transcript so far.

Reset takes ``seed``, ``episode_id`` and ``task_id`` (any task of the env's set). Episodes whose
``info["error"]`` is ``"infra_error"`` were broken by a cause outside the policy: drop them from
training. ``toolgym serve ENV_ID`` runs :func:`serve`; :func:`create_toolgym_app` builds the
FastAPI app for embedding or tests.

>>> app = create_toolgym_app("ToolGym/MathTIR-v1", max_sessions=8)   # doctest: +SKIP
>>> # uvicorn.run(app, port=8000); then, anywhere:
>>> from openenv.core import GenericEnvClient                        # doctest: +SKIP
>>> with GenericEnvClient(base_url="http://127.0.0.1:8000").sync() as env:   # doctest: +SKIP
...     first = env.reset(task_id="mathtir-curated-0005")
...     result = env.step({"content": "<answer>3685</answer>"})
"""

from __future__ import annotations

import math
import threading
import uuid
from collections.abc import Mapping
from typing import Any

import gymnasium as gym

from toolgym.env import ToolEnv
from toolgym.errors import ToolGymError
from toolgym.extras import require

EXTRA = "openenv"

require("openenv", EXTRA, "toolgym serve")
require("fastapi", EXTRA, "toolgym serve")
require("uvicorn", EXTRA, "toolgym serve")

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from openenv.core.env_server import HTTPEnvServer
from openenv.core.env_server.interfaces import Environment
from openenv.core.env_server.types import (
    Action,
    ConcurrencyConfig,
    EnvironmentMetadata,
    Observation,
    State,
)
from pydantic import Field
from starlette.websockets import WebSocketDisconnect


class EpisodeStateError(ToolGymError):
    """Raised when a session steps without an episode (before ``reset``, or after it ended)."""


class ToolGymAction(Action):
    """The assistant's turn: text, plus optional structured OpenAI ``tool_calls``."""

    content: str = Field(default="", description="assistant text; tool calls in the env's text format are parsed from it")
    tool_calls: list[dict[str, Any]] | None = Field(
        default=None, description='OpenAI tool calls: [{"id", "type": "function", "function": {"name", "arguments"}}]'
    )


class ToolGymObservation(Observation):
    """What the policy sees next, and ToolGym's step info."""

    text: str = Field(default="", description="the next observation as text (the prompt after reset)")
    messages: list[dict[str, Any]] = Field(default_factory=list, description="the new chat messages of this step")
    tools: list[dict[str, Any]] = Field(default_factory=list, description="the env's tools, OpenAI format")
    info: dict[str, Any] = Field(default_factory=dict, description="ToolGym step info (see toolgym.info)")
    truncated: bool = Field(default=False, description="the episode ended on a budget, not an answer")


class ToolGymState(State):
    """A session's episode: ids, progress and transcript."""

    env_id: str = ""
    task_id: str | None = None
    done: bool = True
    transcript: list[dict[str, Any]] = Field(default_factory=list)


class ToolGymEnvironment(Environment[ToolGymAction, ToolGymObservation, ToolGymState]):
    """One OpenEnv session's env: a ToolGym env made with ``gym.make(env_id, **env_kwargs)``."""

    SUPPORTS_CONCURRENT_SESSIONS = True

    def __init__(self, env_id: str, env_kwargs: Mapping[str, Any] | None = None) -> None:
        super().__init__()
        self.env_id = env_id
        self.env = gym.make(env_id, **dict(env_kwargs or {}))
        if not isinstance(self.env.unwrapped, ToolEnv):
            self.env.close()
            raise ToolGymError(f"{env_id} is not a ToolGym env")
        self._episode_id: str | None = None
        self._steps = 0
        self._lock = threading.Lock()  # the state request runs on the event loop, steps on a worker

    @property
    def base(self) -> ToolEnv:
        env = self.env.unwrapped
        assert isinstance(env, ToolEnv)
        return env

    def reset(self, seed: int | None = None, episode_id: str | None = None, task_id: str | None = None, **kwargs: Any) -> ToolGymObservation:
        options = {"task_id": task_id} if task_id is not None else None
        with self._lock:
            try:
                obs, info = self.env.reset(seed=seed, options=options)
            except (KeyError, ValueError) as exc:  # an unknown task id, a bad seed
                raise ToolGymError(f"reset failed: {exc}") from None
            self._episode_id = episode_id or str(uuid.uuid4())
            self._steps = 0
            messages = self.base.messages
        return ToolGymObservation(text=_text(obs, messages), messages=messages, tools=self.base.tool_schemas, info=_jsonable(info))

    def step(self, action: ToolGymAction, timeout_s: float | None = None, **kwargs: Any) -> ToolGymObservation:
        with self._lock:
            if self._episode_id is None:
                raise EpisodeStateError("no episode in this session: send reset first (over /ws; HTTP /step has no session)")
            if self.base.done:
                raise EpisodeStateError("the episode is over: send reset to start another")
            turn: Any = action.content
            if action.tool_calls is not None:
                turn = {"role": "assistant", "content": action.content, "tool_calls": action.tool_calls}
            obs, reward, terminated, truncated, info = self.env.step(turn)
            self._steps += 1
            record = self.base.trajectory.turns[-1]
            messages = [dict(m) for m in record.observation_messages]
        return ToolGymObservation(
            text=_text(obs, messages),
            messages=_jsonable(messages),
            info=_jsonable(info),
            truncated=bool(truncated),
            reward=float(reward),
            done=bool(terminated or truncated),
        )

    @property
    def state(self) -> ToolGymState:
        with self._lock:
            started = self._episode_id is not None
            return ToolGymState(
                episode_id=self._episode_id,
                step_count=self._steps,
                env_id=self.env_id,
                task_id=self.base.task.id if started else None,
                done=self.base.done,
                transcript=_jsonable(self.base.messages) if started else [],
            )

    def get_metadata(self) -> EnvironmentMetadata:
        doc = (type(self.base).__doc__ or "").strip().splitlines()
        return EnvironmentMetadata(name=self.env_id, description=doc[0] if doc else self.env_id, version=self.env_id.rsplit("-v", 1)[-1])

    def close(self) -> None:
        self.env.close()


def create_toolgym_app(
    env_id: str,
    *,
    env_kwargs: Mapping[str, Any] | None = None,
    max_sessions: int = 64,
    session_timeout_s: float | None = 600.0,
) -> FastAPI:
    """The FastAPI app serving ``env_id`` with OpenEnv's server (``/ws``, ``/reset``, ``/step``,
    ``/state``, ``/schema``, ``/health``...). At most ``max_sessions`` WebSocket sessions at once;
    a session idle for ``session_timeout_s`` is closed (``None``: never). The OpenEnv server object
    is ``app.state.openenv_server``."""
    if max_sessions < 1:
        raise ToolGymError(f"max_sessions must be >= 1, got {max_sessions}")
    kwargs = dict(env_kwargs or {})
    try:  # fail now, not at the first session, on a bad id or bad keywords
        probe = ToolGymEnvironment(env_id, kwargs)
    except (gym.error.Error, TypeError, ValueError) as exc:
        raise ToolGymError(f"cannot make {env_id} with {kwargs}: {exc} (toolgym list shows the env ids)") from None
    probe.close()

    def factory() -> ToolGymEnvironment:
        return ToolGymEnvironment(env_id, kwargs)

    factory.__name__ = f"ToolGymEnvironment({env_id})"
    server = HTTPEnvServer(
        factory,
        ToolGymAction,
        ToolGymObservation,
        concurrency_config=ConcurrencyConfig(max_concurrent_envs=max_sessions, session_timeout=session_timeout_s),
    )
    app = FastAPI(title=f"ToolGym {env_id} (OpenEnv)")
    server.register_routes(app)
    app.state.openenv_server = server

    @app.exception_handler(ToolGymError)
    async def _toolgym_error(request: Request, exc: ToolGymError) -> JSONResponse:
        return JSONResponse(status_code=409, content={"detail": str(exc), "type": type(exc).__name__})

    return app


def serve(env_id: str, *, host: str = "127.0.0.1", port: int = 8000, env_kwargs: Mapping[str, Any] | None = None, max_sessions: int = 64, session_timeout_s: float | None = 600.0) -> None:
    """Run the OpenEnv server for ``env_id`` until interrupted (``toolgym serve``)."""
    import uvicorn

    app = create_toolgym_app(env_id, env_kwargs=env_kwargs, max_sessions=max_sessions, session_timeout_s=session_timeout_s)
    uvicorn.run(QuietDisconnects(app), host=host, port=port, log_level="info")


class QuietDisconnects:
    """ASGI wrapper: a WebSocket client that already left is not an application error.

    OpenEnv closes the socket when a session ends; when the client has gone first, uvicorn's
    WebSocket protocol raises ``WebSocketDisconnect`` from that close, and uvicorn would log a
    traceback for every ended session. The session has been cleaned up by then.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await self.app(scope, receive, send)
        except WebSocketDisconnect:
            if scope.get("type") != "websocket":
                raise


def _text(obs: Any, messages: list[dict[str, Any]]) -> str:
    """The observation as text: the env's own string in text mode, else the new messages' contents."""
    if isinstance(obs, str):
        return obs
    return "\n".join(str(m.get("content") or "") for m in messages)


def _jsonable(value: Any) -> Any:
    """Plain JSON types (tuples to lists, NaN/inf to None, unknown objects to strings)."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, (str, int, bool)):
        return value
    if hasattr(value, "item"):  # numpy scalars
        return _jsonable(value.item())
    return str(value)
