"""Every Python code block in README.md and docs/*.md runs, top to bottom, one namespace per file.

A block that cannot run here (it needs Docker, a GPU or a network endpoint) is fenced as
```` ```python no-run: <reason> ````: it is compiled but not run, and the reason is required. The
number of such blocks is kept small, so the docs stay executable.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<info>[^\n`]*)\n(?P<body>.*?)^(?P=indent)```[ \t]*$", re.DOTALL | re.MULTILINE)
NO_RUN = re.compile(r"^python\s+no-run\s*:?\s*(?P<reason>.*)$")
#: The most blocks allowed to be skipped across all the docs.
MAX_SKIPPED = 12


def python_blocks(path: Path) -> list[tuple[int, str, str | None]]:
    """``(line, code, skip reason or None)`` for each Python block of ``path``."""
    text = path.read_text("utf-8")
    out = []
    for m in FENCE.finditer(text):
        info = m.group("info").strip()
        if not (info == "python" or info.startswith("python ")):
            continue
        line = text.count("\n", 0, m.start()) + 1
        body = "\n".join(l[len(m.group("indent")):] for l in m.group("body").splitlines())
        no_run = NO_RUN.match(info)
        out.append((line, body, no_run.group("reason").strip() if no_run else None))
    return out


def test_skipped_blocks_are_few_and_say_why():
    skipped = [(p.name, line, reason) for p in DOCS for line, _, reason in python_blocks(p) if reason is not None]
    assert all(reason for _, _, reason in skipped), [s for s in skipped if not s[2]]
    assert len(skipped) <= MAX_SKIPPED, skipped
    assert sum(len(python_blocks(p)) for p in DOCS) >= 10


@pytest.mark.parametrize("path", [p for p in DOCS if python_blocks(p)], ids=lambda p: p.name)
def test_python_blocks_run(path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": f"docs_{path.stem}"}
    for line, code, reason in python_blocks(path):
        compiled = compile(code, f"{path.name}:{line}", "exec")
        if reason is not None:
            continue
        try:
            exec(compiled, namespace)
        except Exception as exc:
            pytest.fail(f"{path.name}, block at line {line}: {type(exc).__name__}: {exc}")
    for obj in list(namespace.values()):
        close = getattr(obj, "close", None)
        if callable(close) and hasattr(obj, "step") and not isinstance(obj, type):
            close()
