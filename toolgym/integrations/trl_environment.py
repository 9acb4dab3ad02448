"""TRL's ``environment_factory`` route: a ToolGym env as a TRL environment class.

TRL (1.x, experimental) accepts ``GRPOTrainer(environment_factory=...)``: a callable that returns
an object whose public methods are the tools the model may call (their type hints and Google-style
docstrings become the tool schemas), with ``reset(**row)`` called before each rollout and
``get_reward()`` after it. TRL then runs its own tool loop with the model's chat template.

:func:`environment_factory` builds that class for any ToolGym env: one method per env tool (the
signature comes from the tool's JSON schema; a call runs the real tool through ``env.step``) plus
``submit_answer(answer)``, because TRL's loop never shows the env the final assistant message: the
episode ends, and is scored by the env's own reward, only when the model submits. ``get_reward``
returns the env's reward (0 if the model never answered) and ``None`` after an ``infra_error``, so
TRL leaves that rollout out. Dataset rows need a ``task_id`` column (``ToolGymRollout.dataset()``
makes one).

This route hands tokenization to TRL (its loop re-renders the conversation, so it needs a
prefix-preserving chat template); :class:`toolgym.integrations.trl_grpo.ToolGymRollout` keeps
ToolGym's token stream and is the route to prefer.

>>> factory = environment_factory("ToolGym/MathTIR-v1")               # doctest: +SKIP
>>> GRPOTrainer(model=model, environment_factory=factory, train_dataset=dataset,
...             processing_class=tokenizer, args=GRPOConfig(...))      # doctest: +SKIP
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Mapping
from typing import Any, Optional

import gymnasium as gym

from toolgym.env import ToolEnv
from toolgym.errors import ToolGymError

_JSON_TYPES: dict[str, Any] = {"string": str, "integer": int, "number": float, "boolean": bool, "array": list, "object": dict}
#: The extra tool that ends the episode with an answer.
ANSWER_TOOL = "submit_answer"


class ToolGymTRLEnvironment:
    """Base of the classes :func:`environment_factory` makes: one ToolGym episode per rollout."""

    env_id: str = ""
    env_kwargs: Mapping[str, Any] = {}

    def __init__(self) -> None:
        self.env = gym.make(self.env_id, **dict(self.env_kwargs))
        if not isinstance(self.env.unwrapped, ToolEnv):
            raise ToolGymError(f"{self.env_id} is not a ToolGym env")
        self.base: ToolEnv = self.env.unwrapped
        self.reward: float | None = 0.0
        self.last_info: dict[str, Any] = {}

    def reset(self, **row: Any) -> str | None:
        """Start the episode of ``row["task_id"]`` (a seeded draw without one); TRL appends nothing."""
        task_id = row.get("task_id")
        self.env.reset(options={"task_id": task_id} if task_id else None)
        self.reward, self.last_info = 0.0, {}
        return None

    def get_reward(self) -> float | None:
        """The env's reward for the episode; ``None`` (left out by TRL) after an ``infra_error``."""
        return self.reward

    def _act(self, action: Any) -> str:
        """One env step; the new observation as text."""
        if self.base.done:
            return "The episode is over: no more tool calls are run."
        _, reward, terminated, truncated, info = self.env.step(action)
        self.last_info = info
        if info.get("error") == "infra_error":
            self.reward = None
        elif terminated or truncated:
            self.reward = float(reward)
        messages = self.base.trajectory.turns[-1].observation_messages
        text = "\n".join(str(m.get("content") or "") for m in messages)
        if terminated or truncated:
            return text or f"Episode over ({info.get('end_reason')})."
        return text

    def _call(self, name: str, arguments: dict[str, Any]) -> str:
        call = {"id": f"call_{name}", "type": "function", "function": {"name": name, "arguments": json.dumps(arguments)}}
        return self._act({"role": "assistant", "content": "", "tool_calls": [call]})

    def submit_answer(self, answer: str) -> str:
        """Submit the final answer; this ends the episode and scores it.

        Args:
            answer: the final answer, exactly as it should be graded.
        """
        return self._act(self.base.parser.render_action([], answer=str(answer)))


def environment_factory(env_id: str, **env_kwargs: Any) -> Callable[[], ToolGymTRLEnvironment]:
    """A class for ``GRPOTrainer(environment_factory=...)`` serving ``gym.make(env_id, **env_kwargs)``."""
    probe = gym.make(env_id, **env_kwargs)
    try:
        base = probe.unwrapped
        if not isinstance(base, ToolEnv):
            raise ToolGymError(f"{env_id} is not a ToolGym env")
        schemas = [s["function"] for s in base.tool_schemas]
    finally:
        probe.close()
    namespace: dict[str, Any] = {"env_id": env_id, "env_kwargs": dict(env_kwargs), "__doc__": f"{env_id} for TRL's environment_factory."}
    for schema in schemas:
        if schema["name"] in (ANSWER_TOOL, "reset", "get_reward") or schema["name"].startswith("_"):
            raise ToolGymError(f"tool name {schema['name']!r} clashes with the TRL environment's own methods")
        namespace[schema["name"]] = _tool_method(schema)
    safe = "".join(ch if ch.isalnum() else "_" for ch in env_id.split("/")[-1])
    return type(f"TRL_{safe}", (ToolGymTRLEnvironment,), namespace)


def _tool_method(schema: Mapping[str, Any]) -> Callable[..., str]:
    """A method whose signature and Google-style docstring describe the tool's JSON schema."""
    name = str(schema["name"])
    params = dict(schema.get("parameters") or {})
    props: dict[str, Any] = dict(params.get("properties") or {})
    required = set(params.get("required") or [])

    def method(self: ToolGymTRLEnvironment, **arguments: Any) -> str:
        return self._call(name, {k: v for k, v in arguments.items() if v is not None or k in required})

    parameters = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    annotations: dict[str, Any] = {}
    lines = [str(schema.get("description") or name).strip().splitlines()[0] if schema.get("description") else name, "", "Args:"]
    for arg in sorted(props, key=lambda a: a not in required):  # required first, as Python demands
        spec = props[arg] or {}
        kind = _JSON_TYPES.get(spec.get("type"), str) if isinstance(spec.get("type"), str) else str
        hint = kind if arg in required else Optional[kind]  # noqa: UP045 (a runtime typing object)
        default = inspect.Parameter.empty if arg in required else None
        parameters.append(inspect.Parameter(arg, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=hint))
        annotations[arg] = hint
        description = " ".join(str(spec.get("description") or arg).split())
        lines.append(f"    {arg}: {description}")
    if not props:
        lines = lines[:1]
    annotations["return"] = str
    method.__name__ = method.__qualname__ = name
    method.__doc__ = "\n".join(lines)
    method.__annotations__ = annotations
    method.__signature__ = inspect.Signature(parameters, return_annotation=str)  # type: ignore[attr-defined]
    return method


def task_dataset(env_id: str, **env_kwargs: Any) -> Any:
    """A ``datasets.Dataset`` for this route: per task, ``prompt`` (the question as a user message)
    and ``task_id`` (passed to ``reset``)."""
    from toolgym.extras import require

    datasets = require("datasets", "trl", "the TRL adapter")
    probe = gym.make(env_id, **env_kwargs)
    try:
        base = probe.unwrapped
        if not isinstance(base, ToolEnv):
            raise ToolGymError(f"{env_id} is not a ToolGym env")
        rows = [{"prompt": [{"role": "user", "content": t.question}], "task_id": t.id} for t in base.tasks]
    finally:
        probe.close()
    return datasets.Dataset.from_list(rows)
