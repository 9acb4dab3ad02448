"""SkyRL-Gym env: any ToolGym env as ``env_class: toolgym`` (``pip install 'toolgym[skyrl]'``).

SkyRL's generator makes one env per trajectory with ``skyrl_gym.make(env_class, env_config=...,
extras=...)`` (``extras``: the dataset row's fields other than the prompt and ``env_class``), calls
``init(prompt)`` for the opening conversation, then ``step(llm_text)`` until ``done``, appending the
returned ``observations`` (OpenAI messages) to the chat it templates and tokenizes itself.

:class:`ToolGymSkyRLEnv` is a ``skyrl_gym.envs.base_text_env.BaseTextEnv`` registered in
skyrl-gym's registry as ``"toolgym"`` when this module is imported. Each row names its episode:
``env_id`` and ``task_id`` (:func:`skyrl_rows` writes them, with ``env_class`` and the prompt).
``init`` returns the env's own opening messages (system prompt with the tool specs, then the task),
``step`` the env's observation messages (``role: tool`` results), its reward and ``done``;
``metadata`` carries the step's ToolGym ``info`` keys and ``toolgym_infra_error`` (drop those
samples), and :meth:`ToolGymSkyRLEnv.get_metrics` reports the episode's.

Budgets: the turn budget is ToolGym's ``max_turns`` (from ``env_config.max_turns`` or the row's
``env_kwargs``); SkyRL's generator counts tokens itself (``max_input_length``,
``sampling_params.max_generate_length``) and stops the trajectory when they run out. Observations
are cut by the env's ``max_observation_chars`` (``env_config.env_kwargs``).

>>> import skyrl_gym, toolgym.integrations.skyrl_env                      # doctest: +SKIP
>>> env = skyrl_gym.make("toolgym", env_config={}, extras={"env_id": "ToolGym/MathTIR-v1", "task_id": "..."})  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import gymnasium as gym

from toolgym.env import ToolEnv
from toolgym.errors import ToolGymError
from toolgym.extras import require
from toolgym.failures import Blame
from toolgym.integrations.rows import task_rows

EXTRA = "skyrl"
ENV_CLASS = "toolgym"

skyrl_gym = require("skyrl_gym", EXTRA, "the SkyRL env")
_base = require("skyrl_gym.envs.base_text_env", EXTRA, "the SkyRL env")

class SkyRLIntegrationError(ToolGymError, ValueError):
    """Raised when a SkyRL row or config does not name a ToolGym env."""


_INFO_KEYS = ("task_id", "turn", "error", "error_message", "end_reason", "format_ok", "reward_components")


def skyrl_rows(env_id: str, *, limit: int | None = None, **env_kwargs: Any) -> list[dict[str, Any]]:
    """SkyRL dataset rows, one per task: ``prompt`` (messages), ``env_class`` (``"toolgym"``),
    ``env_id``, ``task_id`` and, when given, ``env_kwargs`` (e.g. ``{"split": "train"}``)."""
    extra = {"env_kwargs": dict(env_kwargs)} if env_kwargs else {}
    return [
        {"prompt": row["prompt"], "env_class": ENV_CLASS, "env_id": env_id, "task_id": row["task_id"], **extra}
        for row in task_rows(env_id, limit=limit, **env_kwargs)
    ]


def _get(config: Any, key: str, default: Any = None) -> Any:
    if config is None:
        return default
    if isinstance(config, Mapping):
        return config.get(key, default)
    return getattr(config, "get", lambda k, d=None: getattr(config, k, d))(key, default)


class ToolGymSkyRLEnv(_base.BaseTextEnv):  # type: ignore[misc, name-defined]
    """One ToolGym episode behind SkyRL-Gym's ``init`` / ``step`` / ``close``.

    ``env_config`` (SkyRL's ``environment.skyrl_gym.toolgym`` section) may set ``env_id`` (the
    default for rows without one), ``env_kwargs`` (for ``gym.make``) and ``max_turns``;
    ``extras`` (the row) sets ``env_id``, ``task_id`` and ``env_kwargs``, which win.
    """

    def __init__(self, env_config: Any = None, extras: Mapping[str, Any] | None = None) -> None:
        super().__init__()
        extras = dict(extras or {})
        self.env_id = str(extras.get("env_id") or _get(env_config, "env_id") or "")
        if not self.env_id:
            raise SkyRLIntegrationError("the row names no ToolGym env: add env_id (see skyrl_rows)")
        self.task_id = extras.get("task_id")
        env_kwargs = {**dict(_get(env_config, "env_kwargs") or {}), **dict(extras.get("env_kwargs") or {})}
        max_turns = _get(env_config, "max_turns")
        if max_turns is not None:
            env_kwargs.setdefault("max_turns", int(max_turns))
        self.env = gym.make(self.env_id, **env_kwargs)
        base = self.env.unwrapped
        if not isinstance(base, ToolEnv):
            raise SkyRLIntegrationError(f"{self.env_id} is not a ToolGym env")
        self.base: ToolEnv = base
        self.max_turns = base.max_turns
        self._done = False
        self._last_info: dict[str, Any] = {}
        self._reward = 0.0

    def init(self, prompt: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """The env's opening messages for the row's task (``prompt`` is the row's copy: unused)."""
        try:
            _, info = self.env.reset(options={"task_id": self.task_id} if self.task_id else None)
        except Exception as exc:  # noqa: BLE001 - a broken env or row: an infra sample, not a crash
            self._fail(f"reset failed: {exc!r}")
            return list(prompt or []), {"toolgym_infra_error": True}
        self._last_info = dict(info)
        return [dict(m) for m in self.base.messages], {"task_id": info.get("task_id")}

    def step(self, action: str) -> Any:
        if self._done:  # the episode is over (or never started): nothing more to play
            return _base.BaseTextEnvStepOutput(observations=[], reward=0.0, done=True, metadata=self._metadata())
        self.turns += 1
        try:
            _, reward, terminated, truncated, info = self.env.step(str(action))
        except Exception as exc:  # noqa: BLE001 - an env failure is the sample's infra_error
            self._fail(f"env step failed: {exc!r}")
            return _base.BaseTextEnvStepOutput(observations=[], reward=0.0, done=True, metadata=self._metadata())
        self._last_info, self._reward = dict(info), float(reward)
        self._done = bool(terminated or truncated)
        observations = [] if self._done else [dict(m) for m in self.base.trajectory.turns[-1].observation_messages]
        return _base.BaseTextEnvStepOutput(observations=observations, reward=float(reward), done=self._done,
                                           metadata=self._metadata())

    def get_metrics(self) -> dict[str, Any]:
        """The episode's numbers: reward, turns, whether it was an infra failure or hit a budget."""
        info = self._last_info
        return {
            "toolgym_reward": self._reward,
            "toolgym_turns": self.turns,
            "toolgym_infra_error": float(info.get("error") == Blame.INFRA.value),
            "toolgym_turn_budget": float(info.get("end_reason") == "turn_budget"),
        }

    def close(self) -> None:
        self.env.close()

    def _fail(self, message: str) -> None:
        self._done, self._reward = True, 0.0
        self._last_info = {**self._last_info, "error": Blame.INFRA.value, "error_message": message, "end_reason": "infra"}

    def _metadata(self) -> dict[str, Any]:
        meta = {k: self._last_info[k] for k in _INFO_KEYS if k in self._last_info}
        meta["toolgym_infra_error"] = self._last_info.get("error") == Blame.INFRA.value
        return meta


def register() -> None:
    """Register ``"toolgym"`` in skyrl-gym's registry (idempotent; done on import)."""
    if ENV_CLASS not in skyrl_gym.registry:
        skyrl_gym.register(id=ENV_CLASS, entry_point=f"{__name__}:ToolGymSkyRLEnv")


register()
