"""The ``toolgym`` console script, run as a real subprocess."""

import json
import subprocess
import sys


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "toolgym.cli", *args], capture_output=True, text=True, timeout=300
    )


def test_list_shows_every_env():
    import toolgym

    res = cli("list")
    assert res.returncode == 0
    for info in toolgym.ENVS:
        assert info.id in res.stdout


def test_run_reference_writes_summary_and_jsonl(tmp_path):
    out = tmp_path / "t.jsonl"
    res = cli("run", "ToolGym/MathTIR-v0", "--agent", "reference", "--episodes", "5", "--output", str(out))
    assert res.returncode == 0, res.stderr
    assert "mean reward" in res.stdout and "1.0000" in res.stdout and "100.00%" in res.stdout
    assert len(out.read_text().splitlines()) == 5
    assert json.loads(out.read_text().splitlines()[0])["success"] is True


def test_bad_usage_fails_cleanly():
    res = cli("run", "ToolGym/MathTIR-v0", "--agent", "openai")
    assert res.returncode != 0 and "--model" in res.stderr


def test_validate_accepts_shipped_tasks_and_names_bad_records(tmp_path):
    from pathlib import Path

    import toolgym_tasks.math as math_tasks

    data = Path(math_tasks.__file__).parent / "data"
    res = cli("validate", *(str(data / name) for name in math_tasks.CURATED_FILES.values()))
    assert res.returncode == 0 and "ok" in res.stdout and "tasks" in res.stdout
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "x1", "env": "math_tir", "question": "q", "split": "nope", "tools": [],
                               "reference": {"turns": [{"answer": "1"}]}}) + "\n")
    res = cli("validate", str(bad))
    assert res.returncode == 1 and "x1" in res.stdout and "split" in res.stdout
