"""``toolgym view``: a static, self-contained HTML report of trajectory files.

The input is what ``toolgym run --output traj.jsonl`` writes: one episode record per line (task id,
reward, reward components, turns with the action, observation and the step's ``info`` keys, errors).
The report embeds the episodes as JSON in one HTML file with its own CSS and JavaScript: no network
resource, so it opens offline and can be attached to a bug report. Filters (env, reward, error kind,
task id) live in the URL hash (``report.html#env=ToolGym/MathTIR-v1&reward=zero&error=tool_error``).

>>> import json, pathlib, tempfile
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "t.jsonl").write_text(json.dumps({"task_id": "t1", "reward": 1.0, "turns": []}) + "\\n")
>>> html = render_report(load_episodes([d / "t.jsonl"]))
>>> "t1" in html and "http" not in html.split("<script")[0]
True
"""

from __future__ import annotations

import html as html_lib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from toolgym.errors import ToolGymError

__all__ = ["Episode", "ViewerError", "load_episodes", "render_report", "write_report"]


class ViewerError(ToolGymError):
    """Raised when a trajectory file cannot be read: missing, not JSON, or not an episode record (file:line named)."""


@dataclass(frozen=True)
class Episode:
    """One episode as the report shows it, normalised from a trajectory line."""

    task_id: str
    env: str
    reward: float
    success: bool
    components: dict[str, Any]
    tool_calls: int
    turns: list[dict[str, Any]]
    error_kinds: list[str]
    truncated: bool
    source: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON the report's script reads."""
        return {
            "task_id": self.task_id, "env": self.env, "reward": self.reward, "success": self.success,
            "components": self.components, "tool_calls": self.tool_calls, "turns": self.turns,
            "error_kinds": self.error_kinds, "truncated": self.truncated, "source": self.source,
        }


def _number(value: Any) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return 0.0
    return x if math.isfinite(x) else 0.0


def _error_kinds(record: dict[str, Any], turns: list[dict[str, Any]]) -> list[str]:
    """Every error kind of an episode: its ``errors`` list and each tool call's ``error_kind``."""
    kinds = {str(k) for k in record.get("errors") or [] if k}
    for turn in turns:
        for call in turn.get("tool_calls") or []:
            if isinstance(call, dict) and call.get("error_kind"):
                kinds.add(f"tool:{call['error_kind']}")
    if record.get("infra_error"):
        kinds.add("infra_error")
    return sorted(kinds)


def episode_from_record(record: dict[str, Any], default_env: str, source: str = "") -> Episode:
    """An :class:`Episode` from one trajectory line (``ValueError`` when it is not an episode record)."""
    if not isinstance(record, dict) or not isinstance(record.get("task_id"), str):
        raise ValueError("not an episode record (needs a string task_id)")  # noqa: TRY004 - bad data, not a bad call
    turns = [t if isinstance(t, dict) else {"action": t} for t in record.get("turns") or []]
    components = record.get("components")
    return Episode(
        task_id=record["task_id"],
        env=str(record.get("env_id") or default_env),
        reward=_number(record.get("reward")),
        success=bool(record.get("success")),
        components=components if isinstance(components, dict) else {},
        tool_calls=int(_number(record.get("tool_calls"))),
        turns=turns,
        error_kinds=_error_kinds(record, turns),
        truncated=bool(record.get("truncated")),
        source=source,
    )


def load_episodes(paths: Sequence[str | Path]) -> list[Episode]:
    """The episodes of one or more trajectory JSONL files, in file order.

    A record without ``env_id`` (files written before it was recorded) is labelled with its file's
    name. Raises :class:`ViewerError` naming the file and line of the first bad line.
    """
    episodes: list[Episode] = []
    for path in map(Path, paths):
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ViewerError(f"cannot read {path}: {exc}") from None
        for line_no, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                episodes.append(episode_from_record(json.loads(line), default_env=path.name, source=path.name))
            except ValueError as exc:  # json.JSONDecodeError is a ValueError
                raise ViewerError(f"{path}:{line_no}: {exc}") from None
    return episodes


def _template() -> str:
    return resources.files(__name__).joinpath("report.html").read_text("utf-8")


def render_report(episodes: Sequence[Episode], title: str = "ToolGym trajectories") -> str:
    """The report's HTML: the template with the episodes embedded as JSON (``<`` escaped, so no text ends the script)."""
    sources = sorted({e.source for e in episodes if e.source})
    payload = json.dumps({"episodes": [e.to_dict() for e in episodes], "sources": sources}, ensure_ascii=False, default=str)
    payload = payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    payload = payload.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return _template().replace("__TITLE__", html_lib.escape(title)).replace("__DATA__", payload)


def write_report(paths: Sequence[str | Path], output: str | Path | None = None, title: str | None = None) -> Path:
    """Read trajectory files and write the report (default: the first file with ``.html``); return its path."""
    if not paths:
        raise ViewerError("no trajectory file given")
    episodes = load_episodes(paths)
    out = Path(output) if output else Path(paths[0]).with_suffix(".html")
    name = title or "ToolGym trajectories: " + ", ".join(Path(p).name for p in paths)
    try:
        out.write_text(render_report(episodes, name), "utf-8")
    except OSError as exc:
        raise ViewerError(f"cannot write {out}: {exc}") from None
    return out
