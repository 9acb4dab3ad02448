"""SandboxPool: pre-warming, acquire/release, wiping between episodes, recycling, health checks.

The first tests use local sandboxes (the pool is generic; they run without Docker); the rest
use real containers.
"""

from __future__ import annotations

import threading
import time

import pytest

from toolgym.errors import SandboxError, SandboxStartError
from toolgym.sandbox import LocalSandbox, SandboxLimits, SandboxPool
from toolgym.sandbox.docker import DockerSandbox
from toolgym.sandbox.reaper import SANDBOX_LABEL

LIMITS = SandboxLimits(timeout_s=5.0)


def local_pool(**kwargs) -> SandboxPool:
    return SandboxPool(lambda: LocalSandbox(LIMITS, preload=()), **kwargs)


def test_release_wipes_state_for_the_next_episode():
    with local_pool(size=1) as pool:
        lease = pool.acquire()
        assert lease.exec("secret = 1\nopen('left.txt', 'w').write('x')").ok
        sandbox = lease.sandbox
        lease.close()
        with pytest.raises(SandboxError, match="given back"):
            lease.exec("print(1)")
        again = pool.acquire()
        assert again.sandbox is sandbox  # the same sandbox, wiped
        assert again.exec("print('secret' in globals())").stdout == "False\n"
        assert again.exec("import os; print(os.listdir('.'))").stdout == "[]\n"
        again.close()
        again.close()  # idempotent


def test_acquire_blocks_while_all_are_leased():
    with local_pool(size=1) as pool:
        lease = pool.acquire()
        started = time.monotonic()
        with pytest.raises(SandboxError, match="no sandbox became free"):
            pool.acquire(timeout=0.3)
        assert time.monotonic() - started >= 0.3
        threading.Timer(0.2, lease.close).start()
        pool.acquire(timeout=10).close()  # woken by the release


def test_recycles_after_max_episodes():
    with local_pool(size=1, max_episodes=3) as pool:
        lease = pool.acquire()
        first = lease.sandbox
        lease.reset()
        lease.reset()
        assert lease.sandbox is first
        lease.reset()  # the third episode boundary: a fresh sandbox
        assert lease.sandbox is not first
        assert lease.exec("print(1)").stdout == "1\n"
        lease.close()


def test_failing_factory_reports_the_start_error():
    def broken() -> LocalSandbox:
        raise SandboxStartError("no engine here")

    with SandboxPool(broken, size=1) as pool:
        with pytest.raises(SandboxStartError, match="no engine here"):
            pool.acquire(timeout=1.0)


def test_resize_and_close():
    pool = local_pool(size=0)
    pool.resize(2)
    assert pool.wait_ready(60)
    assert pool.idle == 2
    lease = pool.acquire()
    pool.resize(1)
    deadline = time.monotonic() + 10
    while pool.idle and time.monotonic() < deadline:  # the maintainer closes the extra idle one
        time.sleep(0.01)
    assert pool.idle == 0 and pool.leased == 1
    pool.close()
    with pytest.raises(SandboxError, match="closed"):
        lease.exec("print(1)")
    with pytest.raises(SandboxError, match="closed"):
        pool.acquire(timeout=1)


def pool_containers(api, pool_ids: set[str]) -> set[str]:
    return {c["Id"] for c in api.containers(all=True, filters={"label": SANDBOX_LABEL})} & pool_ids


def test_docker_pool_prewarms_reuses_containers_and_cleans_up(docker_engine):
    pool = SandboxPool(lambda: DockerSandbox(LIMITS), size=2, max_episodes=3)
    try:
        assert pool.wait_ready(120)
        assert pool.idle == 2
        lease = pool.acquire()
        container = lease.sandbox.container_id
        assert container is not None  # already running: started by the pool
        assert lease.exec("x = 1\nopen('f', 'w').write('x')").ok
        lease.reset()  # episode 2, same container, wiped
        assert lease.sandbox.container_id == container
        assert lease.exec("import os; print('x' in globals(), os.listdir('.'))").stdout == "False []\n"
        lease.reset()
        lease.reset()  # episode 4: recycled after 3 episodes
        assert lease.sandbox.container_id not in (None, container)
        recycled = lease.sandbox.container_id
        assert lease.exec("print('new')").stdout == "new\n"
        ids = {recycled}
        lease.close()
        assert pool.wait_ready(60)
    finally:
        pool.close()
    # Nothing survives close(): not the recycled container, not the pre-warmed ones.
    assert not pool_containers(docker_engine, ids | {container})
    assert pool.idle == 0 and pool.leased == 0


def test_docker_pool_replaces_a_dead_idle_container(docker_engine):
    with SandboxPool(lambda: DockerSandbox(LIMITS), size=1) as pool:
        lease = pool.acquire()
        container = lease.sandbox.container_id
        lease.close()
        docker_engine.kill(container)  # dies while idle
        replacement = pool.acquire(timeout=120)  # the health check on acquire catches it
        assert replacement.exec("print('healthy')").stdout == "healthy\n"
        assert replacement.sandbox.container_id != container
        replacement.close()
