"""Dataset rows that name a ToolGym episode: the env id, the task id and the prompt the env will show.

Trainers read their prompts from a dataset (a parquet file, a list of dicts) and hand each row to
an agent loop or env. ToolGym's adapters need only two fields of a row, ``env_id`` and
``task_id``; the prompt messages ride along because the trainers' dataset loaders require a
prompt column (the adapters always use the env's own prompt, rendered by the env).

>>> rows = task_rows("ToolGym/MathTIR-v1", split="test", limit=2)
>>> sorted(rows[0])
['env_id', 'prompt', 'task_id']
>>> rows[0]["prompt"][-1]["role"]
'user'
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym

from toolgym.env import ToolEnv


def task_rows(env_id: str, *, limit: int | None = None, **env_kwargs: Any) -> list[dict[str, Any]]:
    """One row per task of ``gym.make(env_id, **env_kwargs)`` (``split=...`` picks the split),
    in the task set's order: ``{"env_id", "task_id", "prompt"}`` (``prompt``: the opening
    OpenAI messages, system prompt with the tool specs, then the task)."""
    env = gym.make(env_id, **env_kwargs)
    try:
        base = env.unwrapped
        if not isinstance(base, ToolEnv):
            raise TypeError(f"{env_id} is not a ToolGym env")
        rows = []
        for task in list(base.tasks)[:limit]:
            env.reset(options={"task_id": task.id})
            rows.append({"env_id": env_id, "task_id": task.id, "prompt": [dict(m) for m in base.messages]})
        return rows
    finally:
        env.close()
