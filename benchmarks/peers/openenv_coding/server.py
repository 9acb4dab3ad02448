"""OpenEnv's coding-env server shape, for ``benchmarks/bench_episode_reset.py`` only.

OpenEnv publishes its coding environment as source, not as a package. This module rebuilds its
server from what ``openenv-core`` and ``smolagents`` ship: an ``Environment`` whose ``reset``
builds a new ``PyExecutor`` (openenv's wrapper of smolagents' in-process interpreter, as the coding
env's reset does) and whose ``step`` runs code in it, served by openenv's own ``create_app``
(HTTP and WebSocket sessions). Nothing of ToolGym runs here: it is the peer being measured.

    uvicorn server:app --host 127.0.0.1 --port 8000
"""

from __future__ import annotations

import uuid

from openenv.core.env_server import create_app
from openenv.core.env_server.interfaces import Environment
from openenv.core.env_server.types import Action, Observation, State
from openenv.core.tools.local_python_executor import PyExecutor


class CodeAction(Action):
    """Python code to run."""

    code: str


class CodeObservation(Observation):
    """What the code printed and how it ended."""

    stdout: str = ""
    stderr: str = ""
    exit_code: int = 0


class CodeEnv(Environment):
    """One episode per ``reset``: a new ``PyExecutor`` in this server process."""

    SUPPORTS_CONCURRENT_SESSIONS = True

    def __init__(self) -> None:
        super().__init__()
        self._executor = PyExecutor()
        self._state = State(episode_id=str(uuid.uuid4()), step_count=0)

    def reset(self, seed=None, episode_id=None, **kwargs) -> CodeObservation:  # noqa: ANN001
        self._executor = PyExecutor()
        self._state = State(episode_id=episode_id or str(uuid.uuid4()), step_count=0)
        return CodeObservation()

    def step(self, action: CodeAction, timeout_s=None, **kwargs) -> CodeObservation:  # noqa: ANN001
        result = self._executor.run(action.code)
        self._state.step_count += 1
        return CodeObservation(stdout=result.stdout, stderr=result.stderr, exit_code=result.exit_code)

    @property
    def state(self) -> State:
        return self._state


app = create_app(CodeEnv, CodeAction, CodeObservation, env_name="coding_env")
