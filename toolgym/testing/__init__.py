"""A conformance kit for env authors: :func:`check_conformance` and the pytest :class:`EnvConformanceMixin`.

See :mod:`toolgym.testing.conformance` for what is checked and docs/authoring.md for how to use it.
"""

from toolgym.testing.conformance import (
    CHECKS,
    ConformanceError,
    ConformanceReport,
    check_conformance,
    check_determinism,
    check_fuzz,
    check_gym_checker,
    check_null_agent,
    check_reference,
    check_token_drift,
)
from toolgym.testing.mixin import EnvConformanceMixin

__all__ = [
    "CHECKS",
    "ConformanceError",
    "ConformanceReport",
    "EnvConformanceMixin",
    "check_conformance",
    "check_determinism",
    "check_fuzz",
    "check_gym_checker",
    "check_null_agent",
    "check_reference",
    "check_token_drift",
]
