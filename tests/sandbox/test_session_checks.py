"""The session-level guarantees of the Docker tests, checked on pytest subprocesses.

``TOOLGYM_REQUIRE_DOCKER=1`` turns "no Docker" into failures (CI cannot pass by skipping), and a
container that outlives the test session fails the run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ONE_DOCKER_TEST = "tests/sandbox/test_docker.py::test_state_persists_and_reset_wipes_it_in_the_same_container"


def run_without_docker(require: bool) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DOCKER_HOST="unix:///nonexistent/docker.sock")
    env.pop("TOOLGYM_REQUIRE_DOCKER", None)
    if require:
        env["TOOLGYM_REQUIRE_DOCKER"] = "1"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfEs", ONE_DOCKER_TEST]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_docker_tests_fail_when_docker_is_required_and_missing():
    done = run_without_docker(require=True)
    assert done.returncode == 1, done.stdout
    assert "Docker is required (TOOLGYM_REQUIRE_DOCKER=1) but unusable" in done.stdout
    assert "1 error" in done.stdout and "skipped" not in done.stdout


def test_docker_tests_skip_with_a_reason_otherwise():
    done = run_without_docker(require=False)
    assert done.returncode == 0, done.stdout
    assert "1 skipped" in done.stdout and "Docker unusable: no Docker engine answers" in done.stdout


LEAKY_TEST = """
from toolgym.sandbox.docker import DockerSandbox

KEPT = []


def test_leaks_a_container(docker_engine):
    box = DockerSandbox()
    assert box.exec("print(1)").ok
    KEPT.append(box)  # never closed, still referenced when the session ends
"""


def test_a_container_left_at_session_end_fails_the_run(docker_engine, tmp_path):
    (tmp_path / "test_leaky.py").write_text(LEAKY_TEST)
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.sandbox.conftest",
               str(tmp_path / "test_leaky.py")]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert "1 passed" in done.stdout, done.stdout
    assert done.returncode == 1, done.stdout
    assert "1 ToolGym container(s) outlived the test session" in done.stdout
