"""Docker sandbox performance, each number next to a baseline measured in the same run.

* warm ``exec("print(1)")`` round trip in a DockerSandbox (p50/p99; also through the ``python``
  tool) against ``docker exec CONTAINER python3 -c "print(1)"`` per call (the SDK's exec API, and
  the docker CLI), the ratio between them; target p50 <= 1 ms;
* ``SandboxPool.acquire()`` p50 (a health-checked, pre-warmed sandbox) and ``release()`` p50 (the
  wipe); target acquire p50 <= 10 ms;
* episode reset p50 (``reset()`` after an episode that used the interpreter: every process killed,
  work dir emptied, a fresh interpreter forked in the same container) and reset + first result,
  against a fresh container: a bare container start (create, start, ``python3 -c pass``, remove)
  and a fresh DockerSandbox up to its first result; target reset p50 <= 20 ms;
* throughput of N concurrent sandboxes x M calls (calls per second), against N local sandboxes;
* idle memory per sandbox (the container's memory cgroup: usage without page cache, and RSS) and
  the host-side containerd shim per container.

    python benchmarks/bench_docker.py     # needs Docker and the images (toolgym sandbox build);
                                          # without them it says why and measures nothing
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from toolgym.sandbox import LocalSandbox, SandboxLimits, SandboxPool  # noqa: E402
from toolgym.sandbox.containers import PYTHON_IMAGE, docker_api  # noqa: E402
from toolgym.sandbox.docker import DockerSandbox  # noqa: E402
from toolgym.sandbox.reaper import container_labels, remove_container  # noqa: E402
from toolgym.sandbox.selection import docker_problem  # noqa: E402
from toolgym.tools.python import PythonTool  # noqa: E402


def timings_ms(fn: Callable[[], object], n: int) -> list[float]:
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def docker_exec_sdk(api, container: str) -> None:
    exec_id = api.exec_create(container, ["python3", "-c", "print(1)"])["Id"]
    assert api.exec_start(exec_id) == b"1\n"


def docker_exec_cli(container: str) -> None:
    done = subprocess.run(["docker", "exec", container, "python3", "-c", "print(1)"], capture_output=True, check=True)
    assert done.stdout == b"1\n"


def bare_container_start(api) -> None:
    """What a container per episode costs at least: create, start, run ``python3 -c pass``, remove."""
    container = api.create_container(
        PYTHON_IMAGE, ["-c", "pass"], entrypoint=["python3"], labels=container_labels(),
        host_config=api.create_host_config(network_mode="none"),
    )["Id"]
    try:
        api.start(container)
        assert api.wait(container)["StatusCode"] == 0
    finally:
        remove_container(api, container)


def fresh_sandbox_first_result(limits: SandboxLimits) -> None:
    sandbox = DockerSandbox(limits)
    try:
        assert sandbox.exec("print(1)").stdout == "1\n"
    finally:
        sandbox.close()


def concurrent_calls_per_s(sandboxes: list, calls: int) -> float:
    barrier = threading.Barrier(len(sandboxes) + 1)
    errors: list[BaseException] = []

    def client(sandbox) -> None:
        barrier.wait()
        try:
            for i in range(calls):
                assert sandbox.exec(f"x = {i} * 2\nprint(x)").stdout == f"{i * 2}\n"
        except BaseException as exc:  # reported after the run
            errors.append(exc)

    threads = [threading.Thread(target=client, args=(s,)) for s in sandboxes]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise errors[0]
    return len(sandboxes) * calls / elapsed


def shim_rss_mib(container: str) -> float | None:
    """RSS of the containerd shim serving ``container`` (local engines only, else None)."""
    needle = container.encode()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().split(b"\0")
            if b"containerd-shim" not in cmdline[0] or needle not in cmdline:
                continue
            for line in (proc / "status").read_text().splitlines():
                if line.startswith("VmRSS"):
                    return int(line.split()[1]) / 1024
        except OSError:
            continue
    return None


def idle_memory(api, containers: list[str]) -> dict[str, float]:
    usage, rss, shims = [], [], []
    for container in containers:
        memory = api.stats(container, stream=False, one_shot=True)["memory_stats"]
        stats = memory.get("stats", {})
        cache = stats.get("total_inactive_file", stats.get("inactive_file", 0))
        usage.append((memory["usage"] - cache) / 1024**2)
        rss.append(stats.get("total_rss", stats.get("anon", 0)) / 1024**2)
        shim = shim_rss_mib(container)
        if shim is not None:
            shims.append(shim)
    result = {"idle_memory_usage_p50_mib": statistics.median(usage), "idle_memory_rss_p50_mib": statistics.median(rss)}
    if shims:
        result["host_shim_rss_p50_mib"] = statistics.median(shims)
    return result


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="warm round trips to time")
    parser.add_argument("--exec-n", type=int, default=50, help="docker exec calls to time (each ~0.1 s)")
    parser.add_argument("--reset-n", type=int, default=200, help="episode resets to time")
    parser.add_argument("--acquire-n", type=int, default=200, help="pool acquire/release cycles to time")
    parser.add_argument("--start-n", type=int, default=10, help="fresh container starts to time (each ~1 s)")
    parser.add_argument("--concurrent", type=int, default=32, help="concurrent sandboxes")
    parser.add_argument("--calls", type=int, default=50, help="calls per concurrent sandbox")
    args = parser.parse_args(argv)
    problem = docker_problem(PYTHON_IMAGE)
    if problem is not None:
        print(f"bench_docker: nothing measured, Docker is unusable: {problem}")
        return {}
    limits = SandboxLimits()
    api = docker_api()
    results: dict[str, float] = {}

    with DockerSandbox(limits) as sandbox:
        for _ in range(50):
            sandbox.exec("print(1)")
        warm = timings_ms(lambda: sandbox.exec("print(1)"), args.n)
        tool = PythonTool(lambda: sandbox)
        tool_rt = timings_ms(lambda: tool({"code": "print(1)"}), args.n)
        container = sandbox.container_id
        sdk = timings_ms(lambda: docker_exec_sdk(api, container), args.exec_n)
        cli = timings_ms(lambda: docker_exec_cli(container), args.exec_n)
        reset = []
        first_result = []
        for _ in range(args.reset_n):
            assert sandbox.exec("x = 1").ok  # the episode used the interpreter
            start = time.perf_counter()
            sandbox.reset()
            reset.append((time.perf_counter() - start) * 1000)
            assert sandbox.exec("print(1)").stdout == "1\n"
            first_result.append((time.perf_counter() - start) * 1000)
    results["warm_exec_p50_ms"] = statistics.median(warm)
    results["warm_exec_p99_ms"] = percentile(warm, 99)
    results["python_tool_p50_ms"] = statistics.median(tool_rt)
    results["docker_exec_sdk_p50_ms"] = statistics.median(sdk)
    results["docker_exec_cli_p50_ms"] = statistics.median(cli)
    results["docker_exec_sdk_over_warm_ratio"] = results["docker_exec_sdk_p50_ms"] / results["warm_exec_p50_ms"]
    results["reset_p50_ms"] = statistics.median(reset)
    results["reset_p99_ms"] = percentile(reset, 99)
    results["reset_to_first_result_p50_ms"] = statistics.median(first_result)

    bare = timings_ms(lambda: bare_container_start(api), args.start_n)
    cold = timings_ms(lambda: fresh_sandbox_first_result(limits), args.start_n)
    results["bare_container_start_p50_ms"] = statistics.median(bare)
    results["fresh_sandbox_first_result_p50_ms"] = statistics.median(cold)
    results["bare_start_over_reset_ratio"] = results["bare_container_start_p50_ms"] / results["reset_p50_ms"]
    results["bare_start_over_reset_to_result_ratio"] = (
        results["bare_container_start_p50_ms"] / results["reset_to_first_result_p50_ms"]
    )

    with SandboxPool(lambda: DockerSandbox(limits), size=4) as pool:
        assert pool.wait_ready(300)
        acquire, release = [], []
        for _ in range(args.acquire_n):
            start = time.perf_counter()
            lease = pool.acquire()
            acquire.append((time.perf_counter() - start) * 1000)
            assert lease.exec("x = 1").ok
            start = time.perf_counter()
            lease.close()
            release.append((time.perf_counter() - start) * 1000)
    results["pool_acquire_p50_ms"] = statistics.median(acquire)
    results["pool_acquire_p99_ms"] = percentile(acquire, 99)
    results["pool_release_p50_ms"] = statistics.median(release)

    with SandboxPool(lambda: DockerSandbox(limits), size=args.concurrent) as pool:
        started = time.perf_counter()
        assert pool.wait_ready(600)
        results["pool_prewarm_s"] = time.perf_counter() - started
        leases = [pool.acquire() for _ in range(args.concurrent)]
        time.sleep(2)  # let the interpreters settle before measuring idle memory
        results.update(idle_memory(api, [lease.sandbox.container_id for lease in leases]))
        results["concurrent_docker_calls_per_s"] = concurrent_calls_per_s(leases, args.calls)
        for lease in leases:
            lease.close()
    locals_ = [LocalSandbox(limits) for _ in range(args.concurrent)]
    for box in locals_:
        box.exec("pass")
    results["concurrent_local_calls_per_s"] = concurrent_calls_per_s(locals_, args.calls)
    for box in locals_:
        box.close()
    results["docker_over_local_throughput_ratio"] = (
        results["concurrent_docker_calls_per_s"] / results["concurrent_local_calls_per_s"]
    )

    width = max(map(len, results))
    for name, value in results.items():
        print(f"{name:<{width}}  {value:10.3f}")
    return results


if __name__ == "__main__":
    main()
