"""ToolGym's env families, one subpackage each (math_tir, ...).

Each family's ``spec.py`` holds its :class:`~toolgym.families.EnvSpec` (declared in the
``toolgym.envs`` entry-point group). Family packages export their env classes lazily
(:func:`lazy_exports`), so reading a spec (``toolgym list``) imports neither the env nor its extras.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_exports(exports: dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` importing each name in ``exports`` (name -> module) on first use."""

    def __getattr__(name: str) -> Any:
        if name in exports:
            return getattr(importlib.import_module(exports[name]), name)
        raise AttributeError(name)

    return __getattr__
