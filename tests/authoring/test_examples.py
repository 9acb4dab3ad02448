"""The ``>>>`` examples on the authoring extension points run (families, custom env, kit, loaders, scaffold)."""

import doctest
import importlib

import pytest

MODULES = ["toolgym.families", "toolgym.custom", "toolgym.tasks.sources", "toolgym.tasks.model",
           "toolgym.testing.conformance", "toolgym.testing.mixin", "toolgym.authoring.tasks", "toolgym.authoring.scaffold"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0, result
