"""Every tool in its container (issue 15): parity with the local path, faults, limits, leftovers.

Needs Docker and the ``sql``, ``search`` and ``apis`` images (``toolgym sandbox build``); skips
without them unless ``TOOLGYM_REQUIRE_DOCKER=1``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import gymnasium as gym
import pytest

import toolgym
from tests.sandbox.conftest import REQUIRE_VAR, docker_required, session_containers
from toolgym.errors import ToolExecutionError
from toolgym.sandbox.selection import docker_problem
from toolgym.sandbox.services import APIS_IMAGE, SEARCH_IMAGE, SQL_IMAGE
from toolgym.sql.errors import QueryMemoryExceeded, QueryTimeout
from toolgym.testing.conformance import reference_actions

FAMILIES = ["ToolGym/Text2SQL-v1", "ToolGym/SearchQA-v1", "ToolGym/Retail-v1", "ToolGym/Travel-v1"]


@pytest.fixture(scope="module")
def images(docker_engine):
    for image in (SQL_IMAGE, SEARCH_IMAGE, APIS_IMAGE):
        problem = docker_problem(image)
        if problem is not None:
            if docker_required():
                pytest.fail(f"Docker is required ({REQUIRE_VAR}=1) but unusable: {problem}", pytrace=False)
            pytest.skip(problem)
    return docker_engine


def play(env, task_id: str) -> tuple[float, list]:
    base = env.unwrapped
    base.reset(options={"task_id": task_id})
    steps = []
    reward = 0.0
    for action in reference_actions(base, base.task):
        obs, reward, terminated, truncated, info = base.step(action)
        steps.append((obs, reward, terminated, truncated, info["error"]))
        if terminated or truncated:
            break
    return reward, steps


def tool_container(env) -> str:
    """The id of the container behind an env's tool (leased on its first call)."""
    base = env.unwrapped
    sql = [base._engine_for(base.task)] if hasattr(base, "_engine_for") else []
    for holder in (getattr(getattr(base, "api", None), "backend", None), getattr(base, "_client", None), *sql):
        service = getattr(holder, "service", None)
        if service is not None:
            return service.sandbox.sandbox.container_id
    raise AssertionError("no containerized tool")


@pytest.mark.parametrize("env_id", FAMILIES)
def test_reference_trajectories_score_as_on_the_local_path(images, env_id):
    local = gym.make(env_id, split="test", sandbox="local")
    docker = gym.make(env_id, split="test", sandbox="docker")
    try:
        tasks = [t for t in local.unwrapped.tasks if t.reference]
        assert tasks
        solved = 0
        for task in tasks:
            want, got = play(local, task.id), play(docker, task.id)
            assert got == want, task.id  # every observation, reward, end flag and blame
            solved += got[0] == 1.0
        assert solved > 0
        print(f"{env_id}: {len(tasks)} of {len(tasks)} test tasks identical ({solved} scored 1.0)")
    finally:
        local.close()
        docker.close()
    # close() gave the containers back and the last env closed the pools: nothing of ours is left
    assert not [c for c in session_containers(images) if c["Image"] in (SQL_IMAGE, SEARCH_IMAGE, APIS_IMAGE)]


@pytest.mark.parametrize("env_id", FAMILIES)
def test_killing_the_tool_container_is_infra_and_the_next_episode_works(images, env_id):
    env = gym.make(env_id, split="test", sandbox="docker")
    try:
        base = env.unwrapped
        task = next(t for t in base.tasks if t.reference and len(t.reference) >= 2)
        base.reset(options={"task_id": task.id})
        actions = reference_actions(base, base.task)
        assert base.step(actions[0])[4]["error"] is None
        images.kill(tool_container(env))
        errors = []
        # SQL and search hold no episode state: the same call again must hit the lost container;
        # the APIs lose the episode's database, so any later call of the episode is infra.
        follow = actions[:1] if env_id in ("ToolGym/Text2SQL-v1", "ToolGym/SearchQA-v1") else actions[1:]
        for action in follow:
            *_, terminated, truncated, info = base.step(action)
            errors.append(info["error"])
            if terminated or truncated:
                break
        assert "infra_error" in errors
        reward, _ = play(env, task.id)
        assert reward == pytest.approx(1.0)
    finally:
        env.close()


def test_sql_container_contains_a_memory_bomb_and_an_endless_query(images):
    from toolgym_tasks.sql import DEFAULT_SEED, database_path

    from toolgym.sql.container import ContainerEngine

    engine = ContainerEngine(database_path("retail", DEFAULT_SEED), memory_limit_mb=256)
    try:
        with pytest.raises(QueryMemoryExceeded):
            engine.execute("SELECT length(repeat('x', 2000000000))")
        started = time.monotonic()
        with pytest.raises(QueryTimeout):
            engine.execute("SELECT count(*) FROM range(100000000000) a, range(10) b", timeout_s=1.0)
        assert time.monotonic() - started < 1.0 + 3.0
        assert engine.execute("SELECT 41 + 1").rows == [(42,)]
    finally:
        engine.close()


def test_sql_container_kills_a_query_it_cannot_interrupt(images):
    """Past timeout + grace the supervisor kills the interpreter: ``timeout``, and the next query works."""
    from toolgym_tasks.sql import DEFAULT_SEED, database_path

    from toolgym.sandbox.services import ServiceFailure
    from toolgym.sql.container import ContainerEngine

    engine = ContainerEngine(database_path("retail", DEFAULT_SEED))
    try:
        with pytest.raises(ServiceFailure) as failure:  # the watchdog gets 30 s, the supervisor 0.5 s
            engine.service.request({"op": "sql.query", "dialect": "duckdb", "path": engine._inside,
                                    "memory_limit_mb": 256, "max_rows": 1, "timeout_s": 30,
                                    "sql": "SELECT count(*) FROM range(100000000000) a, range(10) b"}, 0.5)
        assert failure.value.kind.value == "timeout"
        assert engine.execute("SELECT 1").rows == [(1,)]
    finally:
        engine.close()


def test_search_container_stops_an_endless_search_and_recovers(images):
    env = gym.make("ToolGym/SearchQA-v1", split="test", sandbox="docker")
    try:
        retriever = env.unwrapped._client
        retriever.timeout_s = 0.05
        with pytest.raises(ToolExecutionError, match="timeout"):
            retriever.search_batch(["river " * 200_000] * 50, k=3)
        retriever.timeout_s = 10.0
        assert retriever.search("capital", k=2)
    finally:
        env.close()


def test_search_container_contains_a_memory_bomb(images):
    from toolgym.sandbox.base import SandboxLimits
    from toolgym.sandbox.services import ServiceSandbox
    from toolgym.search.sandboxed import SandboxedRetriever

    env = gym.make("ToolGym/SearchQA-v1", split="test", sandbox="docker")
    folder = env.unwrapped._client.index_dir
    env.close()
    retriever = SandboxedRetriever(folder)
    retriever.service.close()
    retriever.service = ServiceSandbox(SEARCH_IMAGE, SandboxLimits(memory_bytes=64 * 1024**2, workdir_bytes=16 * 1024**2),
                                       mounts=((folder, "/data/index"),))
    try:
        with pytest.raises(ToolExecutionError, match="memory|crashed"):
            retriever.search_batch([" ".join(f"w{i}" for i in range(3_000_000))], k=3)
    finally:
        retriever.close()


def test_nothing_is_left_after_a_host_crash(images, tmp_path):
    script = textwrap.dedent("""
        import os, sys, gymnasium as gym, toolgym
        env = gym.make("ToolGym/Retail-v1", split="test", sandbox="docker")
        base = env.unwrapped
        base.reset(seed=0)
        base.api.call("list_all_product_types", {})
        print(base.api.backend.service.sandbox.sandbox.container_id, flush=True)
        os.kill(os.getpid(), 9)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == -signal.SIGKILL, done.stderr[-2000:]
    container = done.stdout.strip().splitlines()[-1]
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(c["Id"] == container for c in session_containers(images)):
        time.sleep(0.2)
    assert not any(c["Id"] == container for c in session_containers(images))


def _serve(args: list[str]) -> tuple[subprocess.Popen, str]:
    """service_http.py on this host (the image's HTTP mode), on a free port; its base URL."""
    script = os.path.join(os.path.dirname(toolgym.__file__), "sandbox", "service_http.py")
    env = {**os.environ, "TOOLGYM_SOURCE": "/nonexistent"}  # use the installed packages
    process = subprocess.Popen([sys.executable, script, *args, "--host", "127.0.0.1", "--port", "0"],
                               stdout=subprocess.PIPE, text=True, env=env)
    line = process.stdout.readline()
    assert line.startswith("listening on"), line
    return process, f"http://{line.split()[-1]}"


def test_the_http_mode_speaks_the_clients_protocols():
    """The images' ``docker run -p`` mode serves what RetrieverClient and HttpBackend expect."""
    from toolgym_tasks.search import DEFAULT_SEED, bm25_index

    from toolgym.apis.client import HttpBackend
    from toolgym.search.client import RetrieverClient

    local_hits = bm25_index(DEFAULT_SEED).search_batch(["capital city", "river"], 3)
    from toolgym_tasks.search.dataset import DATA_VERSION

    from toolgym.cache import cache_dir

    index = cache_dir() / "search" / f"encyclopedia-v{DATA_VERSION}-seed{DEFAULT_SEED}-scale1-bm25"
    search, url = _serve(["search", "--index", str(index)])
    try:
        client = RetrieverClient(url)
        assert client.health()["status"] == "ok"
        assert client.search_batch(["capital city", "river"], 3) == local_hits
        client.close()
    finally:
        search.kill()
        search.wait()
    api, url = _serve(["api", "--domain", "toolgym_envs.retail.domain:DOMAIN"])
    try:
        backend = HttpBackend(url)
        local = gym.make("ToolGym/Retail-v1", split="test", sandbox="local").unwrapped
        assert backend.specs == local.api.backend.specs
        assert backend.replay_hash([]) == local.api.backend.replay_hash([])
        session = backend.open_session()
        assert session.call("no_such_tool", {}).error_kind == "unknown_tool"
        session.close()
        backend.close()
        local.close()
    finally:
        api.kill()
        api.wait()


def test_the_search_image_serves_http_inside_its_container(images):
    """``docker run --entrypoint python3 toolgym/search /opt/toolgym/service_http.py``: checked over the
    container's own loopback (this engine has no bridge network for ``-p``)."""
    from toolgym_tasks.search import DEFAULT_SEED, bm25_index
    from toolgym_tasks.search.dataset import DATA_VERSION

    from toolgym.cache import cache_dir

    bm25_index(DEFAULT_SEED)
    index = cache_dir() / "search" / f"encyclopedia-v{DATA_VERSION}-seed{DEFAULT_SEED}-scale1-bm25"
    probe = ("import json,time,urllib.request as u\n"
             "for _ in range(100):\n"
             "    try: u.urlopen('http://127.0.0.1:8000/health'); break\n"
             "    except OSError: time.sleep(0.1)\n"
             "r=u.Request('http://127.0.0.1:8000/search/batch', json.dumps({'queries':['river'],'k':2}).encode(), method='POST')\n"
             "print(len(json.load(u.urlopen(r))['results'][0]))")
    from tests.sandbox.conftest import SESSION, SESSION_LABEL

    client = __import__("docker").from_env()
    out = client.containers.run(
        SEARCH_IMAGE, ["-c", ("import subprocess,sys; p=subprocess.Popen([sys.executable,'/opt/toolgym/service_http.py',"
                              "'search','--index','/data/index']); exec(sys.argv[1]); p.kill()"), probe],
        entrypoint=["python3"], network_mode="none", remove=True, read_only=True, user="10001:10001",
        volumes={str(index): {"bind": "/data/index", "mode": "ro"}}, labels={"org.toolgym.sandbox": "1", SESSION_LABEL: SESSION})
    assert out.decode().split()[-1] == "2"


def test_an_api_episode_state_is_gone_at_the_next_reset(images):
    env = gym.make("ToolGym/Retail-v1", split="test", sandbox="docker")
    try:
        base = env.unwrapped
        task = next(t for t in base.tasks if t.gold.get("actions"))
        pristine = base.api.backend.replay_hash([])
        base.reset(options={"task_id": task.id})
        for action in task.gold["actions"]:
            assert base.api.call(action["name"], action.get("arguments", {})).ok
        assert base.api.state_hash() != pristine  # the episode wrote to its database in the container
        base.reset(options={"task_id": task.id})
        base.api.call("no_such_tool", {})  # opens the next episode's session
        assert base.api.state_hash() == pristine
    finally:
        env.close()


def test_gc_removes_orphaned_tool_containers_and_keeps_live_ones(images, capsys):
    from toolgym_tasks.sql import DEFAULT_SEED, database_path

    from toolgym.sandbox.cli import main as sandbox_cli
    from toolgym.sandbox.reaper import Owner, container_labels
    from toolgym.sql.container import ContainerEngine

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    me = Owner.current()
    labels = {**container_labels(), **Owner(me.host, me.boot, int(dead.stdout), "1").labels()}
    orphans = [images.create_container(image, labels=labels)["Id"] for image in (SQL_IMAGE, SEARCH_IMAGE, APIS_IMAGE)]
    live = ContainerEngine(database_path("retail", DEFAULT_SEED))
    try:
        assert live.execute("SELECT 1").rows == [(1,)]
        assert sandbox_cli(["gc"]) == 0
        ids = {c["Id"] for c in session_containers(images)}
        assert not ids & set(orphans)
        assert live.service.sandbox.sandbox.container_id in ids
        assert live.execute("SELECT 2").rows == [(2,)]
    finally:
        live.close()
