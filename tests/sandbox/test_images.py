"""Sandbox images: build contexts, content hashes, the offline wheel installer, the built images."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from toolgym.errors import SandboxError
from toolgym.sandbox.cli import main as sandbox_cli
from toolgym.sandbox.containers import PYTHON_IMAGE, SANDBOX_UID
from toolgym.sandbox.images import (
    BASE_LABEL,
    HASH_LABEL,
    IN_CONTAINER_FILES,
    build_image,
    content_hash,
    context_files,
    expected_hash,
    image_names,
    image_tag,
    import_name,
    platform_tags,
    requirements,
    sandboxes_dir,
)

SOURCE = Path(__file__).resolve().parents[2] / "toolgym" / "sandbox"


def test_every_image_takes_its_base_as_a_build_argument():
    assert image_names() == ["apis", "python", "search", "sql"]
    assert image_tag("python") == PYTHON_IMAGE
    for name in image_names():
        dockerfile = (sandboxes_dir() / name / "Dockerfile").read_text()
        assert re.search(r"^ARG BASE=python:3\.12-slim\nFROM \$\{BASE\}$", dockerfile, re.M), name
        assert f"USER {SANDBOX_UID}:{SANDBOX_UID}" in dockerfile
        assert '"/opt/toolgym/supervisor.py"' in dockerfile


def test_context_carries_the_in_container_files_unchanged():
    files = context_files("python")
    for filename in IN_CONTAINER_FILES:
        assert files[f"toolgym/{filename}"] == (SOURCE / filename).read_bytes()
    assert not any(path.startswith("wheels") for path in files)
    assert requirements(files) == ["numpy", "sympy"]
    assert requirements(context_files("sql")) == ["duckdb"]
    with pytest.raises(SandboxError, match="unknown sandbox image 'gpu'"):
        context_files("gpu")


def test_content_hash_changes_with_any_input():
    files = context_files("python")
    digest = content_hash("python", "sha256:base", files)
    assert digest == content_hash("python", "sha256:base", dict(reversed(list(files.items()))))
    assert digest != content_hash("python", "sha256:other-base", files)
    assert digest != content_hash("sql", "sha256:base", files)
    edited = dict(files, **{"toolgym/worker.py": files["toolgym/worker.py"] + b"\n"})
    assert digest != content_hash("python", "sha256:base", edited)


def test_wheel_targets():
    assert import_name("duckdb>=1.0") == "duckdb"
    assert import_name("Typing-Extensions ; python_version<'4'") == "typing_extensions"
    tags = platform_tags("x86_64", "glibc", "2.36")
    assert tags[0] == "manylinux_2_36_x86_64" and "manylinux_2_28_x86_64" in tags and "manylinux2014_x86_64" in tags
    assert "manylinux_2_37_x86_64" not in tags
    with pytest.raises(SandboxError, match="glibc"):
        platform_tags("x86_64", "", "")


def load_installer():
    spec = importlib.util.spec_from_file_location("install_wheels", sandboxes_dir() / "install_wheels.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_installer_unpacks_wheels_without_pip(tmp_path):
    wheel = tmp_path / "demo-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("demo/__init__.py", "VALUE = 1\n")
        archive.writestr("demo-1.0.dist-info/METADATA", "Name: demo\n")
        archive.writestr("demo-1.0.data/purelib/demo_extra.py", "EXTRA = 2\n")
        archive.writestr("demo-1.0.data/scripts/demo", "#!/bin/sh\n")
    site = tmp_path / "site"
    load_installer().unpack(str(wheel), str(site))
    assert sorted(p.name for p in site.iterdir()) == ["demo", "demo-1.0.dist-info", "demo_extra.py"]
    assert (site / "demo" / "__init__.py").read_text() == "VALUE = 1\n"


def test_installer_uses_pip_when_the_base_has_it(tmp_path):
    """The registry path (python:3.12-slim has pip): wheels go through pip, offline."""
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    with zipfile.ZipFile(wheels / "demo-1.0-py3-none-any.whl", "w") as archive:
        archive.writestr("demo/__init__.py", "VALUE = 1\n")
        archive.writestr("demo-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n")
        archive.writestr("demo-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        archive.writestr("demo-1.0.dist-info/RECORD", "")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    installer = str(sandboxes_dir() / "install_wheels.py")
    env = {"PATH": os.environ["PATH"], "PIP_NO_INDEX": "1"}  # no index: pip must use the directory
    subprocess.run([python, installer, str(wheels)], check=True, env=env, capture_output=True)
    listed = subprocess.run([python, "-m", "pip", "list", "--format=freeze"], capture_output=True, text=True, env=env)
    assert "demo==1.0" in listed.stdout.split()


@pytest.mark.parametrize("name", ["python", "sql"])
def test_built_images_are_up_to_date(docker_engine, name):
    """The images were built from the current sources (else: toolgym sandbox build)."""
    import docker

    client = docker.from_env()
    image = client.images.get(image_tag(name))
    assert image.labels[HASH_LABEL] == expected_hash(name, image.labels[BASE_LABEL], client)
    assert image.attrs["Config"]["User"] == f"{SANDBOX_UID}:{SANDBOX_UID}"
    assert image.attrs["Config"]["Entrypoint"][:3] == ["python3", "-s", "/opt/toolgym/supervisor.py"]


def test_build_skips_an_up_to_date_image(docker_engine, capsys):
    import docker

    client = docker.from_env()
    labels = client.images.get(PYTHON_IMAGE).labels
    base = labels[BASE_LABEL]
    assert labels[HASH_LABEL] == expected_hash("python", base, client)  # else this would build
    logged: list[str] = []
    result = build_image("python", base=base, client=client, log=logged.append)
    assert result.built is False and result.content_hash == labels[HASH_LABEL]
    assert logged == []  # nothing pulled, probed, downloaded or built
    assert sandbox_cli(["build", "python", "--base", base]) == 0
    assert capsys.readouterr().out == f"{PYTHON_IMAGE}: up to date (content {result.content_hash[:12]}, base {base})\n"
