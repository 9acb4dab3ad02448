"""Every ``>>>`` example in the library runs (extension points carry one; see STYLE)."""

import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

import toolgym
import toolgym_envs

def _modules_with_examples() -> list[str]:
    names = []
    for pkg in (toolgym, toolgym_envs):
        for info in pkgutil.walk_packages(pkg.__path__, prefix=f"{pkg.__name__}."):
            spec = importlib.util.find_spec(info.name)
            if spec is not None and spec.origin and spec.origin.endswith(".py") and ">>>" in Path(spec.origin).read_text("utf-8"):
                names.append(info.name)
    return sorted(names)


MODULES = _modules_with_examples()


def test_examples_are_found():
    assert len(MODULES) >= 40 and "toolgym.env" in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, report=False)
    assert result.failed == 0, result
