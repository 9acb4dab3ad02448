"""``toolgym view``: loading trajectory files and the self-contained report."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from toolgym.cli import main
from toolgym.viewer import ViewerError, load_episodes, render_report, write_report

from .conftest import HOSTILE


def _embedded(html: str) -> dict:
    data = html.split('<script id="toolgym-data" type="application/json">', 1)[1].split("</script>", 1)[0]
    return json.loads(data)


def test_episodes_carry_env_reward_and_error_kinds(trajectories: list[Path]) -> None:
    episodes = load_episodes(trajectories)
    assert len(episodes) == 9
    envs = {e.env for e in episodes}
    assert envs == {"ToolGym/MathTIR-v1", "ToolGym/ReasoningGym-v0"}
    assert all(e.reward == 1.0 for e in episodes[:4]) and all(e.reward == 0.0 for e in episodes[4:])
    crashed = episodes[7:]
    assert all("tool_error" in e.error_kinds for e in crashed), [e.error_kinds for e in crashed]
    assert all(any(k.startswith("tool:") for k in e.error_kinds) for e in crashed)
    assert all(e.turns[0]["tool_calls"] and e.turns[0]["observation"] for e in episodes[:4])


def test_report_is_self_contained_and_embeds_every_episode(trajectories: list[Path], tmp_path: Path) -> None:
    out = write_report(trajectories, tmp_path / "r.html")
    html = out.read_text("utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html), "no network resource"
    assert "@import" not in html and "<link" not in html
    data = _embedded(html)
    assert [e["task_id"] for e in data["episodes"]] == [e.task_id for e in load_episodes(trajectories)]


def test_hostile_text_cannot_end_the_data_script(trajectories: list[Path]) -> None:
    html = render_report(load_episodes(trajectories))
    assert HOSTILE not in html  # escaped inside the JSON ...
    assert html.count("</script>") == 2  # ... so only the template's two scripts end
    assert any(HOSTILE in json.dumps(e) for e in _embedded(html)["episodes"])  # ... and still shown verbatim


def test_records_without_env_id_are_labelled_with_their_file(tmp_path: Path) -> None:
    path = tmp_path / "old.jsonl"
    path.write_text(json.dumps({"task_id": "t", "reward": "nan", "turns": ["raw action"], "components": []}) + "\n\n")
    (episode,) = load_episodes([path])
    assert (episode.env, episode.reward, episode.components, episode.turns) == ("old.jsonl", 0.0, {}, [{"action": "raw action"}])


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json\n", r"bad.jsonl:1: "), ('{"task_id": "a"}\n[1, 2]\n', r"bad.jsonl:2: not an episode record")],
)
def test_bad_lines_name_file_and_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content)
    with pytest.raises(ViewerError, match=message):
        load_episodes([path])


def test_cli_writes_the_report(trajectories: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.html"
    assert main(["view", *map(str, trajectories), "-o", str(out), "--title", "A & B"]) == 0
    assert "9 episodes" in capsys.readouterr().out
    assert "<title>A &amp; B</title>" in out.read_text("utf-8")


def test_cli_reports_a_missing_file_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["view", str(tmp_path / "nope.jsonl")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("toolgym view: error: cannot read") and err.count("\n") == 1
