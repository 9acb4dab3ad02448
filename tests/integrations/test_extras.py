"""Each integration names its own extra when its package is missing."""

from __future__ import annotations

import importlib
import sys

import pytest

from toolgym.extras import MissingExtraError


def test_trl_adapter_without_trl_names_the_extra(monkeypatch):
    from toolgym.integrations import trl_grpo

    monkeypatch.setitem(sys.modules, "trl", None)  # as if trl were not installed
    with pytest.raises(MissingExtraError, match=r"pip install 'toolgym\[trl\]'"):
        trl_grpo.ToolGymRollout("ToolGym/MathTIR-v1", tokenizer=None)


def test_openenv_server_without_openenv_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "openenv", None)
    monkeypatch.delitem(sys.modules, "toolgym.integrations.openenv_server", raising=False)
    with pytest.raises(MissingExtraError, match=r"pip install 'toolgym\[openenv\]'"):
        importlib.import_module("toolgym.integrations.openenv_server")


def test_serve_command_without_openenv_prints_one_line(monkeypatch, capsys):
    from toolgym.cli import main

    monkeypatch.setitem(sys.modules, "openenv", None)
    monkeypatch.delitem(sys.modules, "toolgym.integrations.openenv_server", raising=False)
    assert main(["serve", "ToolGym/MathTIR-v1", "--port", "0"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["toolgym serve: error: openenv is not installed (toolgym serve needs it): pip install 'toolgym[openenv]'"]


def test_integrations_package_imports_without_extras():
    import toolgym.integrations  # noqa: F401  (the package itself needs nothing)
