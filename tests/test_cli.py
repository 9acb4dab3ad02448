"""The ``toolgym`` console script, run as a real subprocess."""

import json
import subprocess
import sys

import pytest


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "toolgym.cli", *args], capture_output=True, text=True, timeout=300
    )


def test_list_shows_every_env():
    import toolgym

    res = cli("list")
    assert res.returncode == 0
    for env_id in toolgym.env_ids():
        assert env_id in res.stdout


def test_run_reference_writes_summary_and_jsonl(tmp_path):
    out = tmp_path / "t.jsonl"
    res = cli("run", "ToolGym/MathTIR-v1", "--agent", "reference", "--episodes", "5", "--output", str(out))
    assert res.returncode == 0, res.stderr
    assert "mean reward" in res.stdout and "1.0000" in res.stdout and "100.00%" in res.stdout
    assert len(out.read_text().splitlines()) == 5
    assert json.loads(out.read_text().splitlines()[0])["success"] is True


def test_bad_usage_fails_cleanly():
    res = cli("run", "ToolGym/MathTIR-v1", "--agent", "openai")
    assert res.returncode != 0 and "--model" in res.stderr
    assert "Traceback" not in res.stderr


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


# --- a CLI that explains: one line with the fix, never a traceback (issue 12, item 8) ---------------

def cli_without(modules: tuple[str, ...], *args: str, tmp_dir=None) -> subprocess.CompletedProcess:
    """The CLI where ``modules`` cannot be imported in any process (workers included), as without their extra.

    A ``sitecustomize`` on ``PYTHONPATH`` marks them absent in ``sys.modules`` in every Python
    process the command starts, so ``import duckdb`` fails as it does when duckdb is not installed.
    """
    import os
    import tempfile

    site = tempfile.mkdtemp(prefix="toolgym-no-extras-")
    with open(os.path.join(site, "sitecustomize.py"), "w") as f:
        f.write(f"import sys\nfor m in {list(modules)!r}:\n    sys.modules[m] = None\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([site, os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    return subprocess.run([sys.executable, "-m", "toolgym.cli", *args], capture_output=True, text=True, timeout=300,
                          env=env)


def one_line_error(res: subprocess.CompletedProcess, *fragments: str) -> str:
    """Assert a failure explained in one ``toolgym CMD: error: ...`` line that contains ``fragments``."""
    assert res.returncode != 0, res.stdout
    assert "Traceback" not in res.stderr, res.stderr
    lines = [line for line in res.stderr.splitlines() if "error:" in line]
    assert len(lines) == 1, res.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def test_unknown_env_ids_suggest_the_closest_registered_id():
    from toolgym.registration import env_ids

    math_id = next(i for i in env_ids() if "MathTIR" in i)
    short = math_id.split("/", 1)[1]
    line = one_line_error(cli("run", short, "--episodes", "1"), f"unknown env id {short!r}", f"did you mean {math_id}?")
    assert "toolgym run" in line
    line = one_line_error(cli("run", "ToolGym/Nope-v0", "--episodes", "1"), "unknown env id 'ToolGym/Nope-v0'")
    assert all(i in line for i in env_ids())  # the registered ids, from the registry


def test_bad_split_names_the_valid_ones():
    one_line_error(cli("run", "ToolGym/MathTIR-v1", "--split", "nope", "--episodes", "1"), "split", "'nope'", "test")


def test_misspelt_env_arg_suggests_the_constructor_names():
    line = one_line_error(cli("run", "ToolGym/MathTIR-v1", "--env-arg", "max_turn=3", "--episodes", "1"),
                          "no argument 'max_turn'", "did you mean max_turns")
    assert "python_timeout_s" in line  # the valid names come from the constructor's signature


def test_env_arg_names_are_checked_up_the_constructor_chain():
    from toolgym.lookup import UnknownEnvArgError, check_env_kwargs
    from toolgym.registration import env_ids

    retail = next(i for i in env_ids() if "Retail" in i)
    check_env_kwargs(retail, {"user": "scripted", "max_turns": 3, "tokenizer": None})  # **kwargs forwarded: known
    with pytest.raises(UnknownEnvArgError, match="did you mean user"):
        check_env_kwargs(retail, {"usr": "scripted"})


@pytest.mark.parametrize("flag", ["--episodes", "--trials"])
@pytest.mark.parametrize("value", ["0", "-3", "many"])
def test_episodes_and_trials_must_be_at_least_one(flag, value):
    res = cli("run", "ToolGym/MathTIR-v1", flag, value, "--no-progress")
    one_line_error(res, flag)
    assert "mean reward" not in res.stdout


def test_run_refuses_zero_episodes_as_a_library_call_too():
    from toolgym.agents import ReferenceAgent
    from toolgym.runner import RunConfigError, run

    with pytest.raises(RunConfigError, match="episodes must be >= 1"):
        run("ToolGym/MathTIR-v1", ReferenceAgent(), episodes=0)


def test_train_help_works():
    res = cli("train", "--help")
    assert res.returncode == 0 and "grpo" in res.stdout, res.stderr
    res = cli("train", "grpo", "--help")
    assert res.returncode == 0 and "--model" in res.stdout and "--env" in res.stdout


def test_train_unknown_env_suggests():
    one_line_error(cli("train", "grpo", "--model", "tiny", "--env", "MathTIR-v1"), "toolgym train", "did you mean")


@pytest.mark.parametrize("command", [("api", "serve", "--domain", "retail"), ("search", "serve")])
def test_a_port_in_use_says_so(command):
    import socket

    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        one_line_error(cli(*command, "--port", str(port)), f"port {port}", "in use", "--port")


def test_bad_dense_model_directory(tmp_path):
    one_line_error(cli("search", "serve", "--port", "0", "--dense-model", str(tmp_path / "missing")),
                   "--dense-model", "model2vec", "no config.json")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text("{not json")
    one_line_error(cli("search", "serve", "--port", "0", "--dense-model", str(broken)), "--dense-model", "cannot load")


@pytest.mark.parametrize("missing, args, extra", [
    ("duckdb", ("run", "ToolGym/Text2SQL-v1", "--episodes", "1", "--no-progress"), "sql"),
    ("sqlalchemy", ("run", "ToolGym/Travel-v1", "--episodes", "1", "--no-progress"), "apis"),
    ("bm25s", ("run", "ToolGym/SearchQA-v1", "--episodes", "1", "--no-progress"), "search"),
    ("bm25s", ("search", "serve", "--port", "0"), "search"),
    ("uvicorn", ("api", "serve", "--domain", "retail", "--port", "0"), "apis"),
    ("uvicorn", ("search", "serve", "--port", "0"), "search"),
    ("pydantic", ("api", "serve", "--domain", "retail", "--port", "0"), "apis"),
    ("pydantic", ("search", "serve", "--port", "0"), "search"),
    ("torch", ("train", "grpo", "--model", "tiny", "--env", "ToolGym/MathTIR-v1"), "train"),
    ("sqlalchemy", ("run", "ToolGym/Retail-v1", "--episodes", "1", "--no-progress"), "apis"),
])
def test_every_missing_extra_names_its_pip_install(missing, args, extra):
    one_line_error(cli_without((missing,), *args), f"{missing} is not installed", f"pip install 'toolgym[{extra}]'")


def test_core_commands_work_without_any_extra():
    heavy = ("sqlalchemy", "duckdb", "bm25s", "uvicorn", "fastapi", "pydantic", "torch", "transformers", "docker")
    res = cli_without(heavy, "run", "ToolGym/MathTIR-v1", "--episodes", "2", "--no-progress")
    assert res.returncode == 0 and "mean reward" in res.stdout, res.stderr
    assert cli_without(heavy, "list").returncode == 0


def test_require_names_the_extra():
    from toolgym.errors import ToolGymError
    from toolgym.extras import EXTRAS, MissingExtraError, require

    assert require("json").dumps
    with pytest.raises(MissingExtraError, match=r"pip install 'toolgym\[sql\]'") as info:
        require("duckdb_missing_for_this_test", "sql")
    assert isinstance(info.value, ToolGymError) and isinstance(info.value, ImportError)
    assert {"duckdb", "bm25s", "uvicorn", "pydantic", "torch", "sqlalchemy"} <= set(EXTRAS)


def test_unreachable_base_url_fails_fast_with_the_reason_in_the_summary(tmp_path):
    import socket
    import time

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    out = tmp_path / "t.jsonl"
    start = time.perf_counter()
    res = cli("run", "ToolGym/MathTIR-v1", "--agent", "openai", "--model", "m", "--base-url",
              f"http://127.0.0.1:{port}/v1", "--episodes", "20", "--no-progress", "--output", str(out))
    elapsed = time.perf_counter() - start
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert "stopped early" in res.stdout and "Connection refused" in res.stdout  # in the summary table
    assert "never answered" in res.stderr
    assert len(out.read_text().splitlines()) == 1  # one episode, not twenty
    assert elapsed < 60


def test_pyproject_keeps_sqlalchemy_out_of_the_core_install():
    tomllib = pytest.importorskip("tomllib")
    from pathlib import Path

    meta = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())["project"]
    assert not any(d.startswith("sqlalchemy") for d in meta["dependencies"])
    for extra in ("sql", "postgres", "apis"):
        assert any(d.startswith("sqlalchemy") for d in meta["optional-dependencies"][extra])
