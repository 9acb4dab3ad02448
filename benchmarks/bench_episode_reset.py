"""Episode reset: ``ToolGym/MathTIR-v1`` (local and Docker sandboxes) vs OpenEnv's coding container.

What a policy loop sees between two episodes that used the Python interpreter, in the same run:

* ToolGym: ``env.reset()`` on a ``gym.make`` env whose python tool ran code in the episode, then
  the next episode's first tool call (``env.step`` of a ``print(1)`` call). Every episode gets a
  fresh interpreter process: the reset kills the old one and answers, and the supervisor wipes the
  work dir and forks and warms the next interpreter while the policy thinks.
* OpenEnv (the peer): its coding env's server in a container (``benchmarks/peers/openenv_coding``:
  openenv-core's ``create_app`` serving an env whose ``reset`` builds a new ``PyExecutor``, as the
  coding env does; one server process, no process between episodes), driven by openenv-core's own
  ``GenericEnvClient`` over its WebSocket session: ``reset()``, then ``step`` of ``print(1)``.

Each episode is timed three ways: ``reset`` alone after a pause (the policy finishing its last
turn), the first call after another pause (the policy writing its first turn; ``--think-ms``),
and ``reset`` + first call back to back (no pause: the worst case, where ToolGym's first call waits
for the wipe and the fork). Prints p50s and ToolGym / OpenEnv ratios (target: reset <= 1).

The peer image is built on first use, like the sandbox images (``toolgym.sandbox.images``): wheels
of openenv-core and smolagents downloaded on the host (``--wheelhouse DIR`` to install offline),
no network in the build, on ``--base`` (default: the local ``toolgym-base:bookworm`` when it
exists). The container uses the host's network (its server listens on 127.0.0.1). Needs Docker,
the sandbox images, and ``openenv-core`` on the host (the client); none is a ToolGym dependency.

    python benchmarks/bench_episode_reset.py --episodes 300
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

import gymnasium as gym  # noqa: E402

import toolgym  # noqa: E402,F401  (registers the env ids)
from toolgym.sandbox.images import build_context, folder_files  # noqa: E402
from toolgym.sandbox.reaper import container_labels  # noqa: E402

PEER_DIR = Path(__file__).resolve().parent / "peers" / "openenv_coding"
PEER_TAG = "toolgym-bench/openenv-coding:latest"
USE_CODE = "x = [1] * 1000\nprint(len(x))"  # the episode used the interpreter
FIRST_CODE = "print(1)"


def _call(code: str) -> str:
    return f'<tool_call>\n{json.dumps({"name": "python", "arguments": {"code": code}})}\n</tool_call>'


def toolgym_episodes(backend: str, n: int, think_s: float) -> dict[str, list[float]]:
    """ms samples of reset, first call after a pause, and both back to back, for ``backend``."""
    env = gym.make("ToolGym/MathTIR-v1", sandbox=backend)
    use, first = _call(USE_CODE), _call(FIRST_CODE)
    out: dict[str, list[float]] = {"reset": [], "first": [], "back_to_back": []}
    env.reset(seed=0)
    for _ in range(20):  # start the sandbox, warm both sides
        env.step(use)
        env.reset()
    for _ in range(n):
        env.step(use)
        time.sleep(think_s)
        start = time.perf_counter()
        env.reset()
        out["reset"].append((time.perf_counter() - start) * 1000)
        time.sleep(think_s)
        start = time.perf_counter()
        _, _, _, _, info = env.step(first)
        out["first"].append((time.perf_counter() - start) * 1000)
        if info["error"] is not None:
            raise RuntimeError(f"the first call failed: {info}")
        env.step(use)
        time.sleep(think_s)
        start = time.perf_counter()
        env.reset()
        env.step(first)
        out["back_to_back"].append((time.perf_counter() - start) * 1000)
    env.close()
    return out


async def _openenv_episodes(url: str, n: int, think_s: float) -> dict[str, list[float]]:
    from openenv.core import GenericEnvClient

    out: dict[str, list[float]] = {"reset": [], "first": [], "back_to_back": []}
    async with GenericEnvClient(base_url=url, message_timeout_s=60) as env:
        for _ in range(20):
            await env.reset()
            await env.step({"code": USE_CODE})
        for _ in range(n):
            await env.step({"code": USE_CODE})
            await asyncio.sleep(think_s)
            start = time.perf_counter()
            await env.reset()
            out["reset"].append((time.perf_counter() - start) * 1000)
            await asyncio.sleep(think_s)
            start = time.perf_counter()
            result = await env.step({"code": FIRST_CODE})
            out["first"].append((time.perf_counter() - start) * 1000)
            if result.observation.get("stdout") != "1\n":
                raise RuntimeError(f"OpenEnv's first call failed: {result}")
            await env.step({"code": USE_CODE})
            await asyncio.sleep(think_s)
            start = time.perf_counter()
            await env.reset()
            await env.step({"code": FIRST_CODE})
            out["back_to_back"].append((time.perf_counter() - start) * 1000)
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_peer(client, base: str, wheelhouse: str | None) -> tuple[object, str]:
    """Build (if needed) and start the OpenEnv container; ``(container, url)`` once it answers."""
    import httpx

    result = build_context("openenv-coding", PEER_TAG, folder_files(PEER_DIR), base=base, wheelhouse=wheelhouse,
                           client=client, log=lambda line: None)
    print(f"peer image {result.tag}: {'built' if result.built else 'up to date'}")
    port = _free_port()
    container = client.containers.run(PEER_TAG, ["--port", str(port)], network_mode="host", detach=True,
                                      auto_remove=True, labels=container_labels())
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return container, url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    container.kill()
    raise RuntimeError("OpenEnv's container did not answer /health within 120 s")


def main(argv: list[str] | None = None) -> dict[str, float]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--episodes", type=int, default=300, help="episodes per side, over --rounds")
    ap.add_argument("--rounds", type=int, default=3, help="alternate the sides this many times")
    ap.add_argument("--think-ms", type=float, default=20.0, help="the policy's pause around a reset")
    ap.add_argument("--base", default=None, help="base of the peer image (default: toolgym-base:bookworm if local)")
    ap.add_argument("--wheelhouse", default=None, help="install the peer's wheels from this directory, offline")
    args = ap.parse_args(argv)
    import docker

    warnings.simplefilter("ignore", RuntimeWarning)  # the local sandbox's note about /root
    client = docker.from_env(timeout=600)
    base = args.base
    if base is None:
        try:
            client.images.get("toolgym-base:bookworm")
            base = "toolgym-base:bookworm"
        except docker.errors.ImageNotFound:
            base = "python:3.12-slim"
    container, url = start_peer(client, base, args.wheelhouse)
    think = args.think_ms / 1000
    per_round = max(1, args.episodes // args.rounds)
    samples: dict[str, dict[str, list[float]]] = {}
    try:
        for _ in range(args.rounds):
            for side in ("openenv_container", "toolgym_local", "toolgym_docker"):
                if side == "openenv_container":
                    got = asyncio.run(_openenv_episodes(url, per_round, think))
                else:
                    got = toolgym_episodes(side.split("_")[1], per_round, think)
                for key, values in got.items():
                    samples.setdefault(side, {}).setdefault(key, []).extend(values)
    finally:
        container.kill()
    res: dict[str, float] = {}
    for side, by_key in samples.items():
        for key, values in by_key.items():
            res[f"{side}_{key}_p50_ms"] = statistics.median(values)
        res[f"{side}_reset_plus_first_p50_ms"] = res[f"{side}_reset_p50_ms"] + res[f"{side}_first_p50_ms"]
    for backend in ("local", "docker"):
        for key in ("reset", "reset_plus_first", "back_to_back"):
            res[f"toolgym_{backend}_over_openenv_{key}"] = (
                res[f"toolgym_{backend}_{key}_p50_ms"] / res[f"openenv_container_{key}_p50_ms"]
            )
    width = max(map(len, res))
    for key, value in res.items():
        print(f"{key:<{width}}  {value:8.3f}")
    for backend in ("local", "docker"):
        print(
            f"ToolGym {backend} / OpenEnv container, p50: reset {res[f'toolgym_{backend}_over_openenv_reset']:.2f} "
            f"(target <= 1), reset + first call after a {args.think_ms:g} ms pause "
            f"{res[f'toolgym_{backend}_over_openenv_reset_plus_first']:.2f}, back to back "
            f"{res[f'toolgym_{backend}_over_openenv_back_to_back']:.2f}"
        )
    return res


if __name__ == "__main__":
    main()
