"""The env's handle on the domain API for one episode, and the tools the policy calls through it.

:class:`EpisodeApi` opens a session (a fresh database) lazily on the first tool call of an episode
and drops it on the next reset, so episodes that never touch the API cost nothing and no two
episodes share a database. :class:`ApiTool` is the :class:`~toolgym.tools.base.Tool` the env
exposes for each domain tool; it routes calls into the current episode's session.
"""

from __future__ import annotations

import time
from typing import Any

from toolgym.apis.backend import ApiBackend, ApiSession
from toolgym.apis.domain import ToolSpec
from toolgym.apis.errors import ServiceError
from toolgym.tools.base import Tool
from toolgym.types import ToolResult


class EpisodeApi:
    """The current episode's API session (opened lazily) and its state hash."""

    def __init__(self, backend: ApiBackend) -> None:
        self.backend = backend
        self._session: ApiSession | None = None
        self._hash: str | None = None

    def reset(self) -> None:
        """Forget the previous episode's database."""
        if self._session is not None:
            self._session.close()
        self._session = None
        self._hash = None

    def call(self, name: str, arguments: dict[str, Any]) -> ToolResult:
        """Run a tool in this episode's session; a backend failure is an ``infra`` result."""
        if self._session is None:
            start = time.perf_counter()
            try:
                self._session = self.backend.open_session()
            except ServiceError as exc:
                return ToolResult(
                    False, "Error: the tool service is unavailable; please retry.", "infra",
                    time.perf_counter() - start, {"exception": str(exc)},
                )
        self._hash = None
        return self._session.call(name, arguments)

    def state_hash(self) -> str:
        """The episode database's hash (the untouched template's when no tool ran)."""
        if self._hash is None:
            if self._session is None:
                self._hash = self.backend.replay_hash([])
            else:
                self._hash = self._session.state_hash()
        return self._hash

    def close(self) -> None:
        self.reset()


class ApiTool(Tool):
    """A domain tool as the policy sees it: validated here, run in the episode's session."""

    def __init__(self, spec: ToolSpec, episode: EpisodeApi) -> None:
        self.spec = spec
        self.name = spec.name
        self.description = spec.description
        self.parameters = spec.parameters
        self.kind = spec.kind
        self.episode = episode

    def run(self, arguments: dict[str, Any]) -> ToolResult:
        return self.episode.call(self.name, arguments)
