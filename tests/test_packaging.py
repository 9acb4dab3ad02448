"""A non-editable ``pip install .`` into a fresh venv works from another directory."""

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = """
import gymnasium as gym
env = gym.make("toolgym:ToolGym/MathTIR-v1", split="test")   # no explicit import
import toolgym
obs, info = env.reset(seed=0)
task = env.unwrapped.task
from toolgym.agents import ReferenceAgent
from toolgym.runner import play_episode
rec = play_episode(env.unwrapped, ReferenceAgent(), seed=None, task_id=task.id)
env.close()
print(toolgym.__file__)
print(rec.reward)
"""


def _outer_site_dirs() -> list[str]:
    """The running venv's own site-packages, when this interpreter is a venv (else none).

    ``--system-site-packages`` inherits the *base* interpreter's packages only: run from a venv (as
    the README's test command is in a fresh one), the dependencies live in that venv instead.
    """
    if sys.prefix == sys.base_prefix:
        return []
    paths = sysconfig.get_paths()
    return sorted({paths["purelib"], paths["platlib"]})


def test_wheel_install_in_fresh_venv(tmp_path):
    # Build the wheel with the running interpreter (hatchling from the dev extra, wherever it lives) ...
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(dist), str(ROOT)],
        check=True, capture_output=True, cwd=tmp_path,
    )
    (wheel,) = dist.glob("toolgym-*.whl")
    # ... then install only the wheel into a new venv that sees the running interpreter's dependencies.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    py = venv / "bin" / "python"
    site_dir = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    # plain path lines: the outer venv's packages are importable, its .pth hooks (an editable
    # toolgym among them) are not run, and the venv's own site-packages comes first
    (Path(site_dir) / "_outer_venv.pth").write_text("".join(p + "\n" for p in _outer_site_dirs()))
    subprocess.run(
        [str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True, capture_output=True, cwd=tmp_path,
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # only the venv's install counts
    res = subprocess.run([str(py), "-c", SCRIPT], capture_output=True, text=True, cwd=tmp_path, timeout=120, env=env)
    assert res.returncode == 0, res.stderr
    location, reward = res.stdout.split()[-2:]
    assert location.startswith(str(venv)), location
    assert float(reward) == 1.0
