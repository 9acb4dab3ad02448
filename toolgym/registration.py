"""The env registry: every id declared in the ``toolgym.envs`` entry-point group (ToolGym's own
families and any installed plugin, see :mod:`toolgym.families`) plus the in-tree :data:`ENVS`.

Gymnasium 1.x does not auto-load plugins, so ``import toolgym`` calls :func:`register_envs`, and
``gym.make("toolgym:ToolGym/...")`` imports ``toolgym`` first. Envs are registered without
Gymnasium's passive checker and order-enforcing wrappers: ``ToolEnv`` enforces reset-before-step
itself and is checked by ``check_env`` in the test suite, so ``gym.make`` hands back the env
itself with no per-step wrapper cost. Pass ``disable_env_checker=False`` to ``gym.make`` to add the
passive checker. Every env also accepts ``tokenizer=`` (and ``token_family``, ``token_budget``,
``check_drift``), which returns it wrapped in token mode (:class:`toolgym.tokens.TokenEnv`).
"""

from __future__ import annotations

import gymnasium as gym

from toolgym.families import EnvSpec, declared_ids, load_spec, spec_creator, specs
from toolgym.modes import mode_entry_point

NAMESPACE = "ToolGym"


#: An in-tree env declaration: the same record as a plugin's :class:`~toolgym.families.EnvSpec`.
EnvInfo = EnvSpec


#: Envs declared in code rather than through the ``toolgym.envs`` entry-point group (kept so that an
#: ``EnvInfo(id, entry_point, description)`` added here still registers). ToolGym's own families are
#: all entry-point plugins (``pyproject.toml``, ``envs/toolgym_envs/*/spec.py``): declare new ones there.
ENVS: tuple[EnvInfo, ...] = ()


def register_envs() -> None:
    """Register every env with Gymnasium (idempotent): the ``toolgym.envs`` entry points (by name,
    without importing them) and :data:`ENVS`."""
    for env_id in declared_ids():
        if env_id not in gym.registry:
            gym.register(id=env_id, entry_point=spec_creator(env_id, mode_entry_point),
                         order_enforce=False, disable_env_checker=True)
    for info in ENVS:
        if info.id in gym.registry:
            continue
        gym.register(
            id=info.id,
            entry_point=mode_entry_point(info.entry_point),
            kwargs=info.default_kwargs(),
            order_enforce=False,
            disable_env_checker=True,
        )


def env_ids() -> list[str]:
    """Every registered ToolGym env id (entry-point plugins, then :data:`ENVS`)."""
    declared = declared_ids()
    return declared + [i.id for i in ENVS if i.id not in declared]


def all_specs() -> list[EnvSpec]:
    """The spec of every env id (imports the plugins' spec modules, not their envs)."""
    return specs(ENVS)


def spec_for(env_id: str) -> EnvSpec | None:
    """The spec registered for ``env_id``, or ``None``."""
    if env_id in declared_ids():
        return load_spec(env_id)
    return next((i for i in ENVS if i.id == env_id), None)
