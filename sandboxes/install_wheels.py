"""Install every wheel in a directory into this Python, offline, with or without pip.

Runs inside ``docker build`` (every sandbox image's Dockerfile calls it); stdlib only. With pip
(python:3.12-slim and other registry bases) the wheels go through ``pip install --no-index``.
Without pip (a debootstrap base with Debian's python3) each wheel is unpacked into the platform
site-packages directory, which is all a wheel install is for pure and binary packages: ``.data``
``purelib``/``platlib`` trees are merged in, scripts and headers are left out (sandboxes run no
console scripts).

    python3 install_wheels.py DIR
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile


def has_pip() -> bool:
    return subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True).returncode == 0


def unpack(wheel: str, site: str) -> None:
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
        data_dirs = {name.split("/", 1)[0] for name in archive.namelist() if name.split("/", 1)[0].endswith(".data")}
    for data in data_dirs:
        for scheme in ("purelib", "platlib"):
            tree = os.path.join(site, data, scheme)
            if os.path.isdir(tree):
                shutil.copytree(tree, site, dirs_exist_ok=True)
        shutil.rmtree(os.path.join(site, data))


def main(directory: str) -> None:
    wheels = sorted(glob.glob(os.path.join(directory, "*.whl")))
    if not wheels:
        return
    if has_pip():
        # Debian marks its Python externally managed (PEP 668); an image is ours to manage.
        env = dict(os.environ, PIP_BREAK_SYSTEM_PACKAGES="1")
        command = [sys.executable, "-m", "pip", "install", "--no-cache-dir", "--no-index", "--find-links", directory]
        subprocess.run([*command, *wheels], check=True, env=env)
        return
    site = sysconfig.get_paths()["platlib"]
    os.makedirs(site, exist_ok=True)
    for wheel in wheels:
        unpack(wheel, site)
        print(f"unpacked {os.path.basename(wheel)} into {site}")


if __name__ == "__main__":
    main(sys.argv[1])
