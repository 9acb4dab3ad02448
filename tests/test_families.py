"""Env families as plugins: a package declares its envs in the ``toolgym.envs`` entry-point group."""

import json
import os
import subprocess
import sys
import textwrap

import gymnasium as gym
import pytest

import toolgym
from toolgym.families import ENTRY_POINT_GROUP, EnvSpec, PluginError, declared_ids, load_spec
from toolgym.registration import all_specs, register_envs

PLUGIN = '''
from toolgym.env import ToolEnv
from toolgym.families import EnvSpec
from toolgym.rewards.base import Component, Rubric
from toolgym.tools import tool


@tool
def shout(text: str) -> str:
    """Upper-case a text."""
    return text.upper()


class ShoutEnv(ToolEnv):  # no `split` argument: `toolgym run` must not pass one
    def __init__(self, *, tasks=None, parser="hermes", max_turns=3):
        tasks = tasks or [{{"id": "s1", "question": "Shout 'hi'.", "answer": "HI",
                           "reference": [{{"tool_calls": [{{"name": "shout", "arguments": {{"text": "hi"}}}}]}}, {{"answer": "HI"}}]}}]
        paid = Rubric([Component("correct", lambda t, tr: float(tr.final_answer == t.answer), 1.0)])
        from toolgym.tasks import TaskSet
        super().__init__(TaskSet(tasks), [shout], parser=parser, rubric=paid, max_turns=max_turns)


SPEC = EnvSpec(id="{id}", entry_point="acme_shout:ShoutEnv", description="Shout things.", family="shout",
               parser="hermes", budgets={{"max_turns": 3}})
WRONG = EnvSpec(id="Acme/Other-v0", entry_point="acme_shout:ShoutEnv", description="mismatch")
'''


@pytest.fixture
def plugin_dir(tmp_path, monkeypatch):
    """A real installed distribution (a dist-info directory on sys.path) declaring two entry points."""
    (tmp_path / "acme_shout.py").write_text(PLUGIN.format(id="Acme/Shout-v0"))
    info = tmp_path / "acme_shout-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-shout\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\nAcme/Shout-v0 = acme_shout:SPEC\nAcme/Mismatch-v0 = acme_shout:WRONG\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for env_id in ("Acme/Shout-v0", "Acme/Mismatch-v0"):
        gym.registry.pop(env_id, None)
    load_spec.cache_clear()


def test_toolgym_own_families_are_entry_points():
    assert {"ToolGym/MathTIR-v1", "ToolGym/Text2SQL-v1", "ToolGym/Custom-v0"} <= set(declared_ids())
    for env_id in declared_ids():
        if env_id.startswith("ToolGym/"):
            spec = load_spec(env_id)
            assert spec.family and spec.description and spec.parser
            if spec.card:
                assert spec.card_text().startswith("#"), env_id
    assert {s.id for s in all_specs()} == set(toolgym.env_ids())


def test_a_third_party_package_registers_without_touching_toolgym(plugin_dir):
    register_envs()
    env = gym.make("Acme/Shout-v0")
    env.reset(seed=0)
    env.step('<tool_call>{"name": "shout", "arguments": {"text": "hi"}}</tool_call>')
    assert env.step("<answer>HI</answer>")[1] == 1.0
    assert env.unwrapped.max_turns == 3
    env.close()
    chat = gym.make("Acme/Shout-v0", mode="chat")
    assert chat.unwrapped.chat_mode
    chat.close()


def test_an_entry_point_whose_spec_names_another_id_is_refused(plugin_dir):
    with pytest.raises(PluginError, match="must match"):
        load_spec("Acme/Mismatch-v0")


def test_spec_defaults_yield_to_the_callers_keywords():
    spec = EnvSpec(id="X/Y-v0", entry_point="m:C", description="d", parser="xml", budgets={"max_turns": 2}, kwargs={"a": 1})
    assert spec.default_kwargs() == {"parser": "xml", "max_turns": 2, "a": 1}


def test_toolgym_run_does_not_pass_split_to_an_env_without_one(plugin_dir):
    env = {**os.environ, "PYTHONPATH": f"{plugin_dir}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    res = subprocess.run([sys.executable, "-m", "toolgym.cli", "run", "Acme/Shout-v0", "--episodes", "1", "--no-progress"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "1.0000" in res.stdout
    res = subprocess.run([sys.executable, "-m", "toolgym.cli", "run", "Acme/Shout-v0", "--split", "test"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert res.returncode == 2 and "Traceback" not in res.stderr and "split" in res.stderr


def test_a_spec_names_its_task_source_and_card():
    spec = load_spec("ToolGym/MathTIR-v1")
    tasks = spec.load_tasks("test")
    assert len(tasks) > 0 and {t.env for t in tasks} == {spec.family}
    assert "MathTIR" in spec.card_text()
    assert load_spec("ToolGym/Custom-v0").load_tasks() is None


def test_library_services_find_family_data_through_specs():
    from toolgym.apis.domain import DOMAINS, get_domain
    from toolgym.families import provided

    assert set(DOMAINS) == {"retail", "travel"} and get_domain("retail").name == "retail"
    assert "searchqa" in provided("search_corpus")
