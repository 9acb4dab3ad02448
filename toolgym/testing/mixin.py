"""``EnvConformanceMixin``: inherit it in a pytest class and get the whole conformance suite.

>>> class TestMyEnv(EnvConformanceMixin):   # in tests/test_my_env.py
...     env_id = "ToolGym/Custom-v0"
...     make_kwargs = {}                        # extra gym.make keywords, if any
"""

from __future__ import annotations

from typing import Any, ClassVar

import gymnasium as gym

from toolgym.testing import conformance as kit


class EnvConformanceMixin:
    """One pytest test per conformance check (:mod:`toolgym.testing.conformance`) for ``env_id``."""

    env_id: ClassVar[str]
    make_kwargs: ClassVar[dict[str, Any]] = {}
    episodes: ClassVar[int] = 3
    fuzz_steps: ClassVar[int] = 40

    def make(self, **kwargs: Any) -> gym.Env[Any, Any]:
        """The env under test; override to build it some other way."""
        return gym.make(self.env_id, **{**self.make_kwargs, **kwargs})

    def _run(self, check: Any, *args: Any) -> None:
        try:
            check(self.make, *args)
        except kit.Skip as why:
            import pytest

            pytest.skip(str(why))

    def test_toolgym_check_env(self) -> None:
        self._run(kit.check_gym_checker)

    def test_toolgym_determinism(self) -> None:
        self._run(kit.check_determinism)

    def test_toolgym_fuzz(self) -> None:
        self._run(kit.check_fuzz, self.fuzz_steps)

    def test_toolgym_reference_scores_one(self) -> None:
        self._run(kit.check_reference, self.episodes)

    def test_toolgym_null_agent_scores_zero(self) -> None:
        self._run(kit.check_null_agent, min(self.episodes, 2))

    def test_toolgym_token_drift(self) -> None:
        self._run(kit.check_token_drift, min(self.episodes, 2))
