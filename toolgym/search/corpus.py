"""Passages, the unit of retrieval, and their JSONL storage (``{"id", "title", "text"}`` per line)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from toolgym.errors import TaskValidationError


@dataclass(frozen=True)
class Passage:
    """One retrievable passage: a stable id, the title of its article, and the text."""

    id: str
    title: str
    text: str

    @property
    def contents(self) -> str:
        """What gets indexed and shown: the title, then the text."""
        return f"{self.title}. {self.text}"

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "title": self.title, "text": self.text}


def write_passages(passages: Iterable[Passage], path: str | Path) -> None:
    """Write passages as JSONL (UTF-8, one object per line)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for p in passages:
            fh.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")


def read_passages(path: str | Path) -> list[Passage]:
    """Read a passages JSONL file; a malformed line raises :class:`TaskValidationError` naming it."""
    path = Path(path)
    out: list[Passage] = []
    with path.open("r", encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                out.append(Passage(id=str(obj["id"]), title=str(obj.get("title", "")), text=str(obj["text"])))
            except (ValueError, KeyError, TypeError) as exc:
                raise TaskValidationError(f"{path}:{lineno}: not a passage record ({exc})") from None
    return out
