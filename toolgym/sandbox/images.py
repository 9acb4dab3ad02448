"""Building the sandbox images of ``sandboxes/<name>/`` with the docker SDK, from any base, offline.

``build_image(name, base=...)``:

1. resolves the base image: a local one (e.g. ``toolgym-base:bookworm``, made with debootstrap
   and ``docker import`` where no registry is reachable), else pulled from its registry
   (``python:3.12-slim``, the Dockerfiles' default);
2. hashes everything that goes into the image (the image folder, the wheel installer, the
   in-container files copied from ``toolgym/sandbox/``, the base's image id) and skips the build
   when the image already carries that hash in its :data:`HASH_LABEL`;
3. probes the base (Python version, C library, which requirements it lacks) and downloads, on the
   host with pip, wheels of the missing requirements for the base's Python and platform (from the
   package index pip is configured with, or from a ``wheelhouse`` directory, fully offline);
4. builds with the base as the ``BASE`` build argument and ``--network none``: nothing inside the
   build needs the network.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from collections.abc import Callable

from toolgym.errors import SandboxError
from toolgym.sandbox.reaper import container_labels

#: The base the Dockerfiles default to (``ARG BASE=python:3.12-slim``).
DEFAULT_BASE = "python:3.12-slim"
#: Image label holding the content hash of what the image was built from.
HASH_LABEL = "org.toolgym.content-hash"
#: Image label naming the base it was built on.
BASE_LABEL = "org.toolgym.base"
#: Files copied from toolgym/sandbox/ into every image (they run in the container).
IN_CONTAINER_FILES = ("supervisor.py", "worker.py", "protocol.py", "seccomp.py")
#: ... and into every tool-service image (one with a :data:`SOURCES_FILE`).
SERVICE_FILES = ("service_runtime.py", "service_http.py")
#: In an image folder: the sources (one per line: a package, ``toolgym``, or a path inside one,
#: ``toolgym/sql/local.py``) a service image carries in ``src/`` (the tool services run ToolGym's own
#: code, :mod:`toolgym.sandbox.service_runtime`); only these go into its content hash.
SOURCES_FILE = "sources.txt"
_INSTALLER = "install_wheels.py"
_PROBE = """
import importlib.util, json, platform, sys
libc, libc_version = platform.libc_ver()
print(json.dumps({
    "version": "%d.%d" % sys.version_info[:2], "machine": platform.machine(),
    "libc": libc, "libc_version": libc_version,
    "missing": [name for name in sys.argv[1:] if importlib.util.find_spec(name) is None],
}))
"""
_LEGACY_MANYLINUX = {17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"}


@dataclass(frozen=True)
class BuildResult:
    """What ``build_image`` did: ``built`` is False when an up-to-date image existed."""

    name: str
    tag: str
    content_hash: str
    built: bool


def sandboxes_dir() -> Path:
    """The folder holding one subfolder per image: ``$TOOLGYM_SANDBOXES_DIR``, else the checkout's
    ``sandboxes/``, else the copy a wheel install carries (``toolgym/sandbox/image_sources``)."""
    override = os.environ.get("TOOLGYM_SANDBOXES_DIR")
    path = Path(override) if override else Path(__file__).resolve().parents[2] / "sandboxes"
    if not override and not (path / _INSTALLER).is_file():
        path = Path(__file__).resolve().with_name("image_sources")
    if not (path / _INSTALLER).is_file():
        raise SandboxError(
            f"no sandbox image sources at {path}; set TOOLGYM_SANDBOXES_DIR to the sandboxes/ folder of a checkout"
        )
    return path


def image_names() -> list[str]:
    """The images ``sandboxes/`` defines (subfolders with a Dockerfile)."""
    return sorted(p.parent.name for p in sandboxes_dir().glob("*/Dockerfile"))


def image_tag(name: str) -> str:
    """The tag an image is built under, e.g. ``toolgym/python:latest``."""
    return f"toolgym/{name}:latest"


def context_files(name: str) -> dict[str, bytes]:
    """Every file of the build context but the wheels, by path inside the context."""
    folder = sandboxes_dir() / name
    if not (folder / "Dockerfile").is_file():
        raise SandboxError(f"unknown sandbox image {name!r}; known: {', '.join(image_names())}")
    files = folder_files(folder)
    source = Path(__file__).resolve().parent
    for filename in IN_CONTAINER_FILES:
        files[f"toolgym/{filename}"] = (source / filename).read_bytes()
    if SOURCES_FILE in files:
        for filename in SERVICE_FILES:
            files[f"toolgym/{filename}"] = (source / filename).read_bytes()
    for entry in _listed(files.get(SOURCES_FILE, b"")):
        files.update(_source_files(entry))
    return files


def _listed(text: bytes) -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in text.decode().splitlines())
    return [line for line in lines if line]


def _source_files(entry: str) -> dict[str, bytes]:
    """The files of ``entry`` (a package, or a file or folder inside one), under ``src/``."""
    import importlib.util

    package, _, inner = entry.strip("/").partition("/")
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise SandboxError(f"{SOURCES_FILE} names {entry!r}, but {package!r} is not an importable package here")
    root = Path(next(iter(spec.submodule_search_locations)))
    target = root / inner if inner else root
    if not target.exists():
        raise SandboxError(f"{SOURCES_FILE} names {entry!r}, which does not exist under {root}")
    paths = [target] if target.is_file() else sorted(target.rglob("*"))
    return {
        f"src/{package}/{p.relative_to(root).as_posix()}": p.read_bytes()
        for p in paths
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo")
    }


def content_hash(name: str, base_id: str, files: dict[str, bytes]) -> str:
    """A digest of everything an image is built from (the wheels follow from the requirements and
    the base)."""
    digest = hashlib.sha256(f"{name}\0{base_id}\0".encode())
    for path in sorted(files):
        digest.update(f"{path}\0{len(files[path])}\0".encode())
        digest.update(files[path])
    return digest.hexdigest()


def requirements(files: dict[str, bytes]) -> list[str]:
    """The requirement lines of the image's requirements.txt (empty without one)."""
    text = files.get("requirements.txt", b"").decode()
    return [line.split("#", 1)[0].strip() for line in text.splitlines() if line.split("#", 1)[0].strip()]


def import_name(requirement: str) -> str:
    """The module a requirement provides, assumed to be its normalized project name."""
    return re.split(r"[<>=!~;\[\s]", requirement, maxsplit=1)[0].strip().lower().replace("-", "_")


def platform_tags(machine: str, libc: str, libc_version: str) -> list[str]:
    """The wheel platform tags a glibc Linux with this architecture and version runs."""
    if libc != "glibc":
        raise SandboxError(
            f"wheels can only be fetched for glibc bases, and this base's C library is {libc or 'unknown'}: "
            "install the requirements in the base image instead"
        )
    major, minor = (int(part) for part in libc_version.split(".")[:2])
    tags = [f"manylinux_{major}_{m}_{machine}" for m in range(minor, 4, -1)]
    return tags + [f"{alias}_{machine}" for m, alias in _LEGACY_MANYLINUX.items() if major == 2 and m <= minor]


def build_image(
    name: str,
    *,
    base: str = DEFAULT_BASE,
    force: bool = False,
    wheelhouse: str | Path | None = None,
    client: Any = None,
    log: Callable[[str], None] = lambda line: None,
) -> BuildResult:
    """Build ``sandboxes/<name>`` on ``base`` unless an image with the same content hash exists."""
    return build_context(
        name, image_tag(name), context_files(name), base=base, force=force, wheelhouse=wheelhouse, client=client, log=log
    )


def folder_files(folder: str | Path) -> dict[str, bytes]:
    """The files of an image folder outside ``sandboxes/`` (a Dockerfile that installs ``wheels/``
    with ``install_wheels.py``, as the sandbox images do), plus that installer: the ``files`` of
    :func:`build_context`."""
    folder = Path(folder)
    if not (folder / "Dockerfile").is_file():
        raise SandboxError(f"{folder} has no Dockerfile")
    files = {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }
    files[_INSTALLER] = (sandboxes_dir() / _INSTALLER).read_bytes()
    return files


def build_context(
    name: str,
    tag: str,
    files: dict[str, bytes],
    *,
    base: str = DEFAULT_BASE,
    force: bool = False,
    wheelhouse: str | Path | None = None,
    client: Any = None,
    log: Callable[[str], None] = lambda line: None,
) -> BuildResult:
    """Build ``files`` (a build context by path, without ``wheels/``) as ``tag`` on ``base``, the
    way :func:`build_image` builds a sandbox image: skipped when ``tag`` carries the same content
    hash, wheels of ``requirements.txt`` fetched on the host, no network inside the build.

    >>> build_context("peer", "bench/peer:latest", folder_files("benchmarks/peers/x"))  # doctest: +SKIP
    """
    import docker

    client = client or docker.from_env(timeout=600)
    digest = content_hash(name, _base_image_id(client, base, log), files)
    previous = _image(client, tag)
    if not force and previous is not None and (previous.labels or {}).get(HASH_LABEL) == digest:
        return BuildResult(name, tag, digest, built=False)
    with tempfile.TemporaryDirectory(prefix=f"toolgym-build-{name}-") as context:
        for path, data in files.items():
            target = Path(context, path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        wheels = Path(context, "wheels")
        wheels.mkdir()
        needed = requirements(files)
        if needed:
            _download_wheels(client, base, needed, wheels, wheelhouse, log)
        log(f"building {tag} on {base}")
        _build(client, context, tag, base, digest, log)
    if previous is not None:
        _remove_if_dangling(client, previous.id)
    return BuildResult(name, tag, digest, built=True)


def expected_hash(name: str, base: str, client: Any) -> str:
    """The content hash an up-to-date ``name`` image built on ``base`` (a local image) carries."""
    return content_hash(name, client.images.get(base).id, context_files(name))


def _image(client: Any, tag: str) -> Any:
    import docker.errors

    try:
        return client.images.get(tag)
    except docker.errors.ImageNotFound:
        return None


def _remove_if_dangling(client: Any, image_id: str) -> None:
    """Delete the image a rebuild replaced, unless something still uses or tags it."""
    import docker.errors

    image = _image(client, image_id)
    if image is None or image.tags:
        return
    try:
        client.images.remove(image_id, noprune=False)
    except docker.errors.APIError:
        pass  # a container still uses it; `docker image prune` takes it later


def _base_image_id(client: Any, base: str, log: Callable[[str], None]) -> str:
    import docker.errors

    try:
        return client.images.get(base).id
    except docker.errors.ImageNotFound:
        pass
    log(f"pulling {base}")
    try:
        return client.images.pull(base).id
    except docker.errors.DockerException as exc:
        raise SandboxError(
            f"base image {base!r} is neither local nor pullable ({exc}); without a registry, make one with "
            "debootstrap + docker import (docs/sandboxes.md) and pass --base"
        ) from exc


def _probe(client: Any, base: str, modules: list[str]) -> dict[str, Any]:
    import docker.errors

    try:
        out = client.containers.run(
            base, ["python3", "-c", _PROBE, *modules], network_mode="none", remove=True, labels=container_labels()
        )
    except docker.errors.DockerException as exc:
        raise SandboxError(f"cannot run python3 in base image {base!r}: {exc}") from exc
    return json.loads(out)


def _download_wheels(
    client: Any, base: str, needed: list[str], dest: Path, wheelhouse: str | Path | None, log: Callable[[str], None]
) -> None:
    """Fetch wheels of the requirements ``base`` lacks, for its Python and platform, into ``dest``."""
    probe = _probe(client, base, [import_name(r) for r in needed])
    missing = [r for r in needed if import_name(r) in probe["missing"]]
    if not missing:
        log(f"{base} has {', '.join(needed)} already")
        return
    log(f"downloading wheels for Python {probe['version']} ({probe['machine']}): {', '.join(missing)}")
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
               "--only-binary=:all:", "--dest", str(dest), "--implementation", "cp",
               "--python-version", probe["version"]]
    for tag in platform_tags(probe["machine"], probe["libc"], probe["libc_version"]):
        command += ["--platform", tag]
    if wheelhouse is not None:
        command += ["--no-index", "--find-links", str(wheelhouse)]
    done = subprocess.run([*command, *missing], capture_output=True, text=True)
    if done.returncode != 0:
        raise SandboxError(f"pip could not download {', '.join(missing)}: {done.stderr.strip()[-2000:]}")


def _build(client: Any, context: str, tag: str, base: str, digest: str, log: Callable[[str], None]) -> None:
    import docker.errors

    tail: list[str] = []
    try:
        for event in client.api.build(
            path=context, tag=tag, buildargs={"BASE": base}, labels={HASH_LABEL: digest, BASE_LABEL: base},
            network_mode="none", rm=True, forcerm=True, pull=False, decode=True,
        ):
            if "error" in event:
                raise SandboxError(f"building {tag} failed: {event['error'].strip()}\n" + "".join(tail[-20:]))
            line = event.get("stream", "")
            if line.strip():
                tail.append(line)
                log(line.rstrip())
    except docker.errors.DockerException as exc:
        raise SandboxError(f"building {tag} failed: {exc}") from exc
