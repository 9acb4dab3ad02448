"""A non-editable ``pip install .`` into a fresh venv works from another directory."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = """
import gymnasium as gym
env = gym.make("toolgym:ToolGym/MathTIR-v0", split="test")   # no explicit import
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


def test_wheel_install_in_fresh_venv(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    py = venv / "bin" / "python"
    subprocess.run(
        [str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", str(ROOT)],
        check=True, capture_output=True, cwd=tmp_path,
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # only the venv's install counts
    res = subprocess.run([str(py), "-c", SCRIPT], capture_output=True, text=True, cwd=tmp_path, timeout=120, env=env)
    assert res.returncode == 0, res.stderr
    location, reward = res.stdout.split()[-2:]
    assert location.startswith(str(venv)), location
    assert float(reward) == 1.0
