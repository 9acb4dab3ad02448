"""Running many ToolGym trajectories at once.

* :class:`EnvPool` (:mod:`toolgym.vector.pool`): trajectories in flight in one process, each stepping
  as soon as its action arrives, env steps in a bounded thread pool; an asyncio API and a
  thread (futures) API.
* :class:`RayEnvPool` (:mod:`toolgym.vector.ray_pool`, ``pip install toolgym[ray]``): the same API
  over env workers that are Ray actors, on one machine or a cluster.
* Gymnasium vector envs: ``gym.make_vec(id, n, vectorization_mode="sync"|"async")`` work with their
  defaults; :mod:`toolgym.vector.shared_memory` gives ToolGym's spaces the shared memory that
  ``AsyncVectorEnv`` asks for.

Names are imported lazily so ``import toolgym`` does not pay for asyncio or Ray.
"""

from __future__ import annotations

from typing import Any

__all__ = ["EnvPool", "PoolError", "RayEnvPool", "Reset", "Step"]

_LAZY = {
    "EnvPool": "toolgym.vector.pool",
    "PoolError": "toolgym.vector.pool",
    "Reset": "toolgym.vector.pool",
    "Step": "toolgym.vector.pool",
    "RayEnvPool": "toolgym.vector.ray_pool",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'toolgym.vector' has no attribute {name!r}")
