"""Docker fixtures, and the end-of-session check that no ToolGym container outlives the tests.

Docker tests take the ``docker_api`` fixture. Without a usable Docker (the SDK, an engine that
answers, the images from ``toolgym sandbox build``) they skip, naming the reason, unless
``TOOLGYM_REQUIRE_DOCKER=1``: then they fail (CI sets it, so CI cannot pass without Docker).

Every container started in this session carries a session label (through
``TOOLGYM_SANDBOX_LABELS``, inherited by the subprocesses tests start). When the session ends,
any container with the ToolGym label and this session's label fails the run; ToolGym containers
of other sessions on the same engine (other developers' test runs) are only reported.
"""

from __future__ import annotations

import gc
import os
import sys
import time
import uuid

import pytest

from toolgym.sandbox.containers import PYTHON_IMAGE, docker_api
from toolgym.sandbox.images import image_tag
from toolgym.sandbox.reaper import EXTRA_LABELS_VAR, list_containers, remove_container
from toolgym.sandbox.selection import docker_problem

REQUIRE_VAR = "TOOLGYM_REQUIRE_DOCKER"
SESSION_LABEL = "org.toolgym.test-session"
SESSION = uuid.uuid4().hex[:16]
SQL_IMAGE = image_tag("sql")
#: How long crashed containers may take to be auto-removed after the last test.
_SETTLE_S = 5.0

os.environ[EXTRA_LABELS_VAR] = f"{SESSION_LABEL}={SESSION}"


def docker_required() -> bool:
    return os.environ.get(REQUIRE_VAR) == "1"


@pytest.fixture(scope="session")
def docker_engine():
    """The low-level Docker client; skips (fails with TOOLGYM_REQUIRE_DOCKER=1) without Docker."""
    problem = docker_problem(PYTHON_IMAGE) or docker_problem(SQL_IMAGE)
    if problem is not None:
        if docker_required():
            pytest.fail(f"Docker is required ({REQUIRE_VAR}=1) but unusable: {problem}", pytrace=False)
        pytest.skip(f"Docker unusable: {problem} (set {REQUIRE_VAR}=1 to fail instead)")
    return docker_api()


def session_containers(api) -> list[dict]:
    return list_containers(api, f"{SESSION_LABEL}={SESSION}")


def pytest_sessionfinish(session, exitstatus):
    if docker_problem(PYTHON_IMAGE) is not None:
        return  # no engine: nothing can be left on it
    gc.collect()  # run the finalizers of sandboxes nobody references any more
    api = docker_api()
    deadline = time.monotonic() + _SETTLE_S
    leftovers = session_containers(api)
    while leftovers and time.monotonic() < deadline:
        time.sleep(0.2)
        leftovers = session_containers(api)
    others = [c for c in list_containers(api) if c not in leftovers]
    report = session.config.pluginmanager.get_plugin("terminalreporter")
    write = report.write_line if report is not None else (lambda line, **_: print(line, file=sys.stderr))
    if others:
        write(f"note: {len(others)} ToolGym container(s) of other sessions exist on this engine")
    if not leftovers:
        return
    write(f"FAILED: {len(leftovers)} ToolGym container(s) outlived the test session:", red=True)
    for container in leftovers:
        write(f"  {container['Id'][:12]} {container['Image']} {container['State']}", red=True)
        remove_container(api, container["Id"])
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
