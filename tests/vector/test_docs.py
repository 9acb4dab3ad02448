"""The examples in docs/scale.md run as written (the Ray one is covered by test_ray_pool.py)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "scale.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.DOTALL)


@pytest.mark.parametrize("index", [i for i, b in enumerate(BLOCKS) if "RayEnvPool" not in b])
def test_example_runs(index: int, tmp_path: Path) -> None:
    script = tmp_path / "example.py"  # a file, so the async vector env's workers can re-import __main__
    script.write_text(BLOCKS[index])
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip()


def test_the_doc_has_the_three_examples() -> None:
    assert len(BLOCKS) == 3 and any("RayEnvPool" in b for b in BLOCKS)
