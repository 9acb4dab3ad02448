"""Real trajectory files for the viewer tests, written by ``toolgym.runner.run`` on real envs."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolgym.agents import Agent, ConstantAgent, ReferenceAgent
from toolgym.env import ToolEnv
from toolgym.runner import run
from toolgym.types import ToolCall

HOSTILE = "</script><script>document.title='pwned'</script><!-- & <b>bold</b>"


class CrashingAgent(Agent):
    """Runs code that raises (a tool error), then answers a string that tries to break out of the page."""

    name = "crashing"

    def begin(self, env: ToolEnv) -> None:
        self.step = 0

    def act(self, env: ToolEnv, observation: str) -> str:
        self.step += 1
        if self.step == 1:
            return env.parser.render_action([ToolCall("python", {"code": "print(1/0)"})])
        return env.parser.render_action([], answer=HOSTILE)


@pytest.fixture(scope="session")
def trajectories(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Three files: reference MathTIR (reward 1), constant ReasoningGym (reward 0), a crashing agent (tool errors)."""
    d = tmp_path_factory.mktemp("traj")
    paths = [d / "math_ref.jsonl", d / "rg_const.jsonl", d / "math_crash.jsonl"]
    run("ToolGym/MathTIR-v1", ReferenceAgent(), episodes=4, output=paths[0])
    run("ToolGym/ReasoningGym-v0", ConstantAgent("0"), episodes=3, env_kwargs={"size": 4}, output=paths[1])
    run("ToolGym/MathTIR-v1", CrashingAgent(), episodes=2, seed=1, output=paths[2])
    return paths
