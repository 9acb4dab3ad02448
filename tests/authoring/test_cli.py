"""``toolgym task ...``, ``toolgym env new`` and ``toolgym run --tasks`` as a user types them."""

import json
import subprocess
import sys

from toolgym.authoring import new_family
from toolgym.families import make_from_spec
from toolgym.testing import check_conformance


def cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "toolgym.cli", *args], capture_output=True, text=True, timeout=300, cwd=cwd)


def test_run_with_the_users_own_tasks_and_column_mapping(tmp_path):
    path = tmp_path / "gsm.jsonl"
    path.write_text(json.dumps({"problem": "What is 6*7?", "solution": 42}) + "\n" + json.dumps({"problem": "1+1?", "solution": 2}) + "\n")
    res = cli("run", "ToolGym/MathTIR-v1", "--tasks", str(path), "--column", "question=problem", "--column", "answer=solution",
              "--agent", "constant", "--answer", "42", "--episodes", "2", "--no-progress")
    assert res.returncode == 0, res.stderr
    assert "0.5000" in res.stdout
    # the old way, a path through --env-arg, works too (it raised AttributeError before)
    res = cli("run", "ToolGym/MathTIR-v1", "--env-arg", f'tasks="{path}"', "--episodes", "1", "--no-progress")
    assert res.returncode == 2 and "Traceback" not in res.stderr and "question" in res.stderr
    res = cli("run", "ToolGym/MathTIR-v1", "--column", "question=problem")
    assert res.returncode == 2 and "--tasks" in res.stderr
    plain = tmp_path / "plain.jsonl"
    plain.write_text(json.dumps({"question": "1+1?", "answer": "2"}) + "\n")
    res = cli("run", "ToolGym/MathTIR-v1", "--tasks", str(plain))  # the reference agent needs references
    assert res.returncode == 2 and "gold solution" in res.stderr and "Traceback" not in res.stderr


def test_reference_help_says_it_replays_gold_solutions():
    assert "gold solution" in cli("run", "--help").stdout


def test_task_commands_exit_status_and_all_errors(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "question": ""}\n{"id": "b"}\n')
    res = cli("task", "validate", str(bad))
    assert res.returncode == 1 and "'a'" in res.stdout and "'b'" in res.stdout and "2 error(s)" in res.stdout
    assert cli("validate", str(bad)).returncode == 1  # the old name still works
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    assert cli("task", "validate", str(empty)).returncode == 1


def test_env_new_writes_a_family_that_passes_the_kit_as_generated(tmp_path, monkeypatch):
    res = cli("env", "new", "capitals", "--dir", str(tmp_path))
    assert res.returncode == 0, res.stderr
    root = tmp_path / "capitals"
    monkeypatch.syspath_prepend(str(root))
    from capitals_env.spec import SPEC

    report = check_conformance(lambda **kw: make_from_spec(SPEC, **kw), episodes=4)
    assert report.ok and "token_drift" in report.passed, report
    assert 'Local/Capitals-v0" = "capitals_env.spec:SPEC"' in (root / "pyproject.toml").read_text()
    # its own test file runs the kit through the mixin
    res = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=root,
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0 and "6 passed" in res.stdout, res.stdout[-2000:]
    assert cli("env", "new", "capitals", "--dir", str(tmp_path)).returncode == 2  # not over an existing one
    assert cli("env", "new", "Bad-Name").returncode == 2


def test_new_family_rejects_bad_ids(tmp_path):
    import pytest

    from toolgym.authoring import ScaffoldError

    with pytest.raises(ScaffoldError, match="NAMESPACE"):
        new_family("ok", tmp_path, env_id="nonamespace")


def test_task_stats_prints_counts(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps({"id": "a", "question": "q?", "answer": "1", "split": "test"}) + "\n")
    res = cli("task", "stats", str(path))
    assert res.returncode == 0 and '"by_split"' in res.stdout and '"test": 1' in res.stdout
