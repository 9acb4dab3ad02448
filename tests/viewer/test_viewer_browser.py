"""The report in a real headless browser (Debian's ``chromium``): scripts run, hash filters work, it renders.

Needs ``chromium`` on PATH (``apt-get install -y chromium``; ``sandboxes/ci_setup.sh`` installs it).
Without it these tests skip, unless ``TOOLGYM_REQUIRE_BROWSER=1`` makes that a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pytest

from toolgym.viewer import load_episodes, write_report

from .cdp import PipeBrowser

PIL = pytest.importorskip("PIL.Image")

BROWSER = next((b for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)
if BROWSER is None:
    if os.environ.get("TOOLGYM_REQUIRE_BROWSER") == "1":
        raise RuntimeError("TOOLGYM_REQUIRE_BROWSER=1 but no chromium on PATH (apt-get install -y chromium)")
    pytest.skip("no chromium on PATH (apt-get install -y chromium)", allow_module_level=True)

# Headless, as root, on a closed network: no sandbox, no GPU, no background connections.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--virtual-time-budget=5000"]
GREEN, RED = (0x17, 0x80, 0x3D), (0xB4, 0x23, 0x18)  # the report's reward-1 and reward-0 colours


def _browser(*args: str) -> str:
    with tempfile.TemporaryDirectory() as profile:
        proc = subprocess.run([BROWSER, *FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


@pytest.fixture(scope="module")
def report(trajectories: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_report(trajectories, tmp_path_factory.mktemp("report") / "report.html")


def _dom(report: Path, fragment: str = "") -> str:
    return _browser("--dump-dom", report.as_uri() + fragment)


def _shown(dom: str) -> tuple[int, list[str]]:
    count = re.search(r'id="count">(\d+) of (\d+) episodes shown<', dom)
    assert count, "the script did not run"
    ids = re.findall(r'<details class="episode r-\w+" data-task="([^"]+)"', dom)
    assert int(count.group(1)) == len(ids)
    return int(count.group(2)), ids


def test_the_script_renders_every_episode_and_the_summary(report: Path, trajectories: list[Path]) -> None:
    dom = _dom(report)
    total, ids = _shown(dom)
    assert total == 9 and ids == [e.task_id for e in load_episodes(trajectories)]
    assert "<td>ToolGym/MathTIR-v1</td>" in dom and "<td>ToolGym/ReasoningGym-v0</td>" in dom


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("#reward=zero", lambda e: e.reward == 0.0),
        ("#reward=one", lambda e: e.reward == 1.0),
        ("#env=" + quote("ToolGym/ReasoningGym-v0", safe=""), lambda e: e.env == "ToolGym/ReasoningGym-v0"),
        ("#error=tool_error", lambda e: "tool_error" in e.error_kinds),
        ("#error=none&reward=zero", lambda e: not e.error_kinds and e.reward == 0.0),
        ("#task=" + quote("curated-0", safe=""), lambda e: "curated-0" in e.task_id),
    ],
)
def test_hash_filters(report: Path, trajectories: list[Path], fragment: str, expected) -> None:
    want = [e.task_id for e in load_episodes(trajectories) if expected(e)]
    assert want, "the fixture must exercise this filter"
    assert _shown(_dom(report, fragment))[1] == want


def test_an_opened_episode_shows_its_tool_error_and_hostile_text_as_text(report: Path, trajectories: list[Path]) -> None:
    crashed = load_episodes(trajectories)[-1]
    dom = _dom(report, f"#error=tool_error&open={quote(crashed.task_id, safe='')}")
    assert "ZeroDivisionError" in dom and "reward component" in dom
    assert "&lt;/script&gt;&lt;script&gt;document.title" in dom  # rendered as text, never run
    assert "pwned" not in re.search(r"<title>(.*?)</title>", dom).group(1)


def _pixels_near(img, rgb: tuple[int, int, int], tol: int = 12) -> int:
    diff = np.abs(np.asarray(img, dtype=np.int16) - np.array(rgb, dtype=np.int16))
    return int((diff.max(axis=2) <= tol).sum())


def _screenshot(report: Path, fragment: str, out: Path):
    _browser(f"--screenshot={out}", "--window-size=1280,900", report.as_uri() + fragment)
    return PIL.open(out).convert("RGB")


def test_screenshot_reads_and_the_filter_changes_what_is_drawn(report: Path, tmp_path: Path) -> None:
    full = _screenshot(report, "", tmp_path / "all.png")
    assert full.size == (1280, 900)
    colours = full.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50, "a blank or near-blank page"
    background = max(colours)[0]
    assert sum(n for n, c in colours if c != background) > 0.10 * 1280 * 900
    header = np.asarray(full.crop((0, 0, 1280, 40)).convert("L"))
    assert header.mean() < 80, "the dark header is missing"
    assert _pixels_near(full, GREEN) > 200 and _pixels_near(full, RED) > 200  # both stripes drawn

    zero = _screenshot(report, "#reward=zero", tmp_path / "zero.png")
    assert _pixels_near(zero, GREEN) == 0, "a reward-1 episode is still drawn"
    assert _pixels_near(zero, RED) > 200


def test_filters_follow_real_keyboard_input(report: Path, trajectories: list[Path]) -> None:
    episodes = load_episodes(trajectories)
    browser = PipeBrowser(BROWSER, [f for f in FLAGS if not f.startswith("--virtual-time")], report.as_uri())
    try:
        count = "document.getElementById('count').textContent"
        assert browser.wait_for(count) == "9 of 9 episodes shown"
        crashed = episodes[-1].task_id
        browser.evaluate("document.getElementById('f-task').focus()")
        browser.type_text(crashed[-4:])  # typed, as a user does
        assert browser.evaluate(count) == "1 of 9 episodes shown"
        assert browser.evaluate("location.hash") == f"#task={crashed[-4:]}"
        for _ in range(len(crashed[-4:])):
            browser.press("Backspace", 8)
        browser.evaluate("document.getElementById('f-reward').focus()")
        for _ in range(3):  # all -> reward = 1 -> partial -> reward = 0
            browser.press("ArrowDown", 40)
        zero = sum(e.reward == 0.0 for e in episodes)
        assert browser.evaluate("document.getElementById('f-reward').value") == "zero"
        assert browser.evaluate(count) == f"{zero} of 9 episodes shown"
        assert browser.evaluate("location.hash") == "#reward=zero"
        shown = browser.evaluate("[...document.querySelectorAll('details.episode')].map(d => d.dataset.task)")
        assert shown == [e.task_id for e in episodes if e.reward == 0.0]
    finally:
        browser.close()
