"""ToolGym's on-disk cache: built databases and retrieval indexes, never committed data."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """``$TOOLGYM_CACHE`` when set, else ``~/.cache/toolgym``."""
    return Path(os.environ.get("TOOLGYM_CACHE") or Path.home() / ".cache" / "toolgym")
