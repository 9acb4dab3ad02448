"""Optional dependencies and the extra that installs each: one map, one :func:`require` helper.

Heavy or service-only packages live behind ``pip install 'toolgym[EXTRA]'`` extras. Code that needs
one imports it through :func:`require`, so a missing package fails with one line that names the
extra to install (a :class:`MissingExtraError`, which is also an ``ImportError``), not a traceback.

>>> require("json").__name__  # any importable module is returned as is
'json'
>>> try:
...     require("duckdb_not_installed_anywhere", extra="sql")
... except MissingExtraError as exc:
...     print(exc)
duckdb_not_installed_anywhere is not installed: pip install 'toolgym[sql]'
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from types import ModuleType

from toolgym.errors import ToolGymError

#: Top-level module -> the extra that installs it (pyproject.toml ``[project.optional-dependencies]``).
EXTRAS: dict[str, str] = {
    "duckdb": "sql",
    "sqlalchemy": "apis",
    "psycopg": "postgres",
    "bm25s": "search",
    "Stemmer": "search",
    "numba": "search-fast",
    "model2vec": "search-dense",
    "fastapi": "apis",
    "uvicorn": "apis",
    "pydantic": "apis",
    "torch": "train",
    "transformers": "train",
    "tokenizers": "train",
    "matplotlib": "train",
    "docker": "docker",
    "vllm": "vllm",
    "ray": "ray",
    "bfcl_eval": "bfcl",
    # the user's own task files: Parquet, CSV, datasets directories (toolgym.tasks.sources)
    "pyarrow": "data",
    "pandas": "data",
    "datasets": "data",
    # trainer adapters (toolgym.integrations)
    "verl": "verl",
    "openrlhf": "openrlhf",
    "skyrl_gym": "skyrl",
}


class MissingExtraError(ToolGymError, ImportError):
    """Raised when an optional package is not installed; the message names the extra to install."""

    def __init__(self, module: str, extra: str, purpose: str = "") -> None:
        why = f" ({purpose} needs it)" if purpose else ""
        super().__init__(f"{module} is not installed{why}: pip install 'toolgym[{extra}]'")
        self.module, self.extra = module, extra


def extra_for(module: str) -> str | None:
    """The extra that installs ``module`` (``"duckdb.typing"`` -> ``"sql"``), or ``None``."""
    return EXTRAS.get(module.split(".", 1)[0])


def require(module: str, extra: str | None = None, purpose: str = "") -> ModuleType:
    """Import ``module``, or raise :class:`MissingExtraError` naming ``extra`` (default: from :data:`EXTRAS`).

    Only a missing package is translated (``module`` itself, or an optional package it imports,
    such as pydantic under fastapi); any other import failure propagates unchanged.
    """
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        top = module.split(".", 1)[0]
        missing = exc.name.split(".", 1)[0] if exc.name else top
        if missing != top and missing not in EXTRAS:
            raise  # the package is there; one of *its* own dependencies is missing
        name = extra or extra_for(missing)
        if name is None:
            raise
        raise MissingExtraError(missing, name, purpose) from None


def missing_extra(exc: ModuleNotFoundError, purpose: str = "") -> MissingExtraError | None:
    """The :class:`MissingExtraError` for a ``ModuleNotFoundError`` of a known optional package, else ``None``.

    For code that imports optional packages with a plain ``import`` (the CLI translates at its top).
    """
    if exc.name is None:
        return None
    top = exc.name.split(".", 1)[0]
    extra = extra_for(top)
    return MissingExtraError(top, extra, purpose) if extra else None


def installed(module: str) -> bool:
    """Whether ``module`` can be imported, found without importing it (cheap; no side effects)."""
    if module in sys.modules:
        return sys.modules[module] is not None
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def require_installed(module: str, extra: str | None = None, purpose: str = "") -> None:
    """Like :func:`require` without importing: for packages used only in worker processes (DuckDB)."""
    if not installed(module):
        name = extra or extra_for(module)
        if name is None:
            raise ModuleNotFoundError(f"No module named {module!r}", name=module)
        raise MissingExtraError(module.split(".", 1)[0], name, purpose)
