"""Stock chat templates, read at run time from an installed package (no downloads, no copies).

ToolGym ships no chat template of its own: a template written to look like a model's differs from
the real one exactly where token streams break (Qwen3's stock template adds an empty ``<think>``
block to the last turn; a hand-written copy did not). ``trl`` ships the stock templates of the
common families as ``trl/chat_templates/<name>.jinja``; :func:`stock_template` reads one without
importing ``trl``.

>>> stock_template("qwen2_5")[:40]  # doctest: +SKIP
'{%- if tools %}\\n    {{- \\'<|im_start|>system\\\\n\\' }}'
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from toolgym.tokens.errors import TemplateError

#: The package whose ``chat_templates/`` folder holds the stock templates.
TEMPLATE_PACKAGE = "trl"

#: The stock template each family's local tokenizer uses (see :mod:`toolgym.tokens.local`).
FAMILY_TEMPLATES: dict[str, str] = {
    "chatml": "qwen2_5",
    "qwen3": "qwen3",
    "qwen3.6": "qwen3_6",
    "llama3": "llama3_2",
}


def template_dir() -> Path:
    """The folder of stock templates in the installed ``trl`` package.

    Raises :class:`TemplateError` naming the fix when ``trl`` is not installed.
    """
    spec = importlib.util.find_spec(TEMPLATE_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for location in locations:
        folder = Path(location) / "chat_templates"
        if folder.is_dir():
            return folder
    raise TemplateError(
        f"stock chat templates need the {TEMPLATE_PACKAGE!r} package: pip install 'toolgym[train]' "
        f"(or pip install trl), or set tokenizer.chat_template yourself"
    )


def available_templates() -> list[str]:
    """Names of the stock templates installed (``qwen3``, ``llama3_2``, ...)."""
    return sorted(p.stem for p in template_dir().glob("*.jinja"))


def stock_template(name: str) -> str:
    """The text of the stock template ``name`` (``qwen2_5``, ``qwen3``, ``qwen3_6``, ``llama3_2``…)."""
    path = template_dir() / f"{name}.jinja"
    if not path.is_file():
        raise TemplateError(f"no stock chat template {name!r} in {path.parent}; known: {available_templates()}")
    return path.read_text(encoding="utf-8")
