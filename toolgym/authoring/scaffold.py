"""``toolgym env new NAME``: write a new env family, as an installable plugin package that passes the
conformance kit as generated.

The package holds the family's spec (``spec.py``, declared under the ``toolgym.envs`` entry-point
group of its ``pyproject.toml``), the env (``env.py``: a tool, a reward, a task loader), its tasks
(``tasks.jsonl``, with reference solutions), an env card (``README.md``) and a test that inherits
:class:`toolgym.testing.EnvConformanceMixin`. ``pip install -e DIR`` makes ``gym.make(ID)`` work.

>>> import tempfile
>>> root = new_family("weather", tempfile.mkdtemp())
>>> sorted(p.name for p in root.rglob("*") if p.is_file())
['README.md', '__init__.py', 'env.py', 'pyproject.toml', 'spec.py', 'tasks.jsonl', 'test_weather.py']
"""

from __future__ import annotations

import json
import keyword
import re
from pathlib import Path

from toolgym.errors import ToolGymError


class ScaffoldError(ToolGymError):
    """Raised when ``toolgym env new`` cannot write the family (bad name, directory not empty)."""


_INIT = '''"""The {id} env family (written by ``toolgym env new``). See README.md."""

from {pkg}.env import {cls}, load_tasks

__all__ = ["{cls}", "load_tasks"]
'''

_SPEC = '''"""The spec of ``{id}``, declared in pyproject.toml under ``[project.entry-points."toolgym.envs"]``."""

from toolgym.families import EnvSpec

SPEC = EnvSpec(
    id="{id}",
    entry_point="{pkg}.env:{cls}",
    description="{name}: look facts up with a tool, answer exactly.",
    family="{name}",
    tasks="{pkg}.env:load_tasks",
    parser="hermes",
    budgets={{"max_turns": 4, "max_tool_calls": 2}},
    card="{pkg}/README.md",
)
'''

_ENV = '''"""``{id}``: the policy looks a fact up with the ``lookup`` tool and answers; exact-match reward.

Edit FACTS, the tool, the reward and tasks.jsonl; ``pytest`` runs the conformance kit on it.
"""

from __future__ import annotations

from importlib import resources

from toolgym.env import ToolEnv
from toolgym.rewards.base import Component, Rubric
from toolgym.tasks import Task, TaskSet, load_tasks as read_tasks
from toolgym.tools import tool
from toolgym.types import Trajectory

FACTS = {{"paris": "France", "tokyo": "Japan", "lima": "Peru", "oslo": "Norway"}}


@tool
def lookup(city: str) -> str:
    """The country a city is the capital of.

    Args:
        city: the city's name
    """
    return FACTS.get(city.strip().lower(), "unknown city")


def correct(task: Task, trajectory: Trajectory) -> float:
    """1.0 when the final answer equals the task's answer (case and spacing ignored)."""
    said = " ".join((trajectory.final_answer or "").split()).casefold()
    return float(task.answer is not None and said == task.answer.casefold())


def load_tasks(split: str = "train") -> TaskSet:
    """The family's tasks of ``split`` (``all`` for every split)."""
    tasks = read_tasks(str(resources.files(__package__).joinpath("tasks.jsonl")))
    return tasks if split == "all" else tasks.split(split)


class {cls}(ToolEnv):
    """The {name} env: tasks from tasks.jsonl, the ``lookup`` tool, an exact-match reward."""

    def __init__(self, *, split: str = "train", tasks=None, parser: str = "hermes", max_turns: int = 4,
                 max_tool_calls: int = 2, render_mode: str | None = None) -> None:
        rubric = Rubric([
            Component("correct", correct, 1.0),
            Component("tool_calls", lambda task, traj: float(traj.num_tool_calls), 0.0),
        ])
        super().__init__(tasks if tasks is not None else load_tasks(split), [lookup], parser=parser,
                         rubric=rubric, max_turns=max_turns, max_tool_calls=max_tool_calls,
                         render_mode=render_mode)
'''

_TEST = '''"""The conformance kit on ``{id}`` (runs without installing the package)."""

from toolgym.families import make_from_spec
from toolgym.testing import EnvConformanceMixin

from {pkg}.spec import SPEC


class Test{cls}(EnvConformanceMixin):
    env_id = SPEC.id

    def make(self, **kwargs):
        return make_from_spec(SPEC, **kwargs)
'''

_PYPROJECT = '''[build-system]
requires = ["hatchling>=1.21"]
build-backend = "hatchling.build"

[project]
name = "{dist}"
version = "0.1.0"
description = "The {id} env family for ToolGym"
requires-python = ">=3.10"
dependencies = ["toolgym"]

[project.entry-points."toolgym.envs"]
"{id}" = "{pkg}.spec:SPEC"

[tool.hatch.build.targets.wheel]
packages = ["{pkg}"]

[tool.pytest.ini_options]
testpaths = ["tests"]
pythonpath = ["."]
'''

_CARD = '''# {id}

**What the policy does:** looks up which country a city is the capital of with the `lookup` tool,
then answers with `<answer>COUNTRY</answer>`.

**Tools:** `lookup(city: str) -> str`. **Parser:** hermes (`<tool_call>{{json}}</tool_call>`).
**Budgets:** 4 turns, 2 tool calls. **Reward:** `correct` (1 for an exact answer, case-insensitive);
`tool_calls` logged at weight 0. **Tasks:** `tasks.jsonl` ({n} tasks, with reference solutions).

Check it: `toolgym task validate --strict {pkg}/tasks.jsonl`, `toolgym task replay {pkg}/tasks.jsonl`,
`pytest` (the conformance kit).
'''


def _tasks(name: str) -> list[dict]:
    rows = [("paris", "France", "train"), ("tokyo", "Japan", "train"), ("lima", "Peru", "test"), ("oslo", "Norway", "test")]
    return [
        {"id": f"{name}-{i}", "env": name, "split": split, "question": f"Which country is {city.title()} the capital of?",
         "answer": country, "tools": ["lookup"],
         "reference": {"turns": [{"tool_calls": [{"name": "lookup", "arguments": {"city": city.title()}}]}, {"answer": country}]}}
        for i, (city, country, split) in enumerate(rows)
    ]


def new_family(name: str, directory: str | Path = ".", env_id: str | None = None) -> Path:
    """Write the family ``name`` to ``directory/NAME`` and return that path (see the module docstring)."""
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,40}", name) or keyword.iskeyword(name):
        raise ScaffoldError(f"env family name {name!r}: use lower_snake_case letters and digits, e.g. weather_qa")
    camel = "".join(p.title() for p in name.split("_"))
    env_id = env_id or f"Local/{camel}-v0"
    if not re.fullmatch(r"[A-Za-z0-9_]+/[A-Za-z0-9_.]+-v\d+", env_id):
        raise ScaffoldError(f"env id {env_id!r}: use NAMESPACE/Name-vN, e.g. Acme/{camel}-v0")
    root = Path(directory) / name
    if root.exists() and any(root.iterdir()):
        raise ScaffoldError(f"{root} exists and is not empty: pick another NAME or --dir")
    pkg = f"{name}_env"
    values = {"id": env_id, "pkg": pkg, "cls": f"{camel}Env", "name": name, "dist": f"toolgym-{name.replace('_', '-')}"}
    tasks = _tasks(name)
    files = {
        f"{pkg}/__init__.py": _INIT, f"{pkg}/spec.py": _SPEC, f"{pkg}/env.py": _ENV,
        f"tests/test_{name}.py": _TEST, "pyproject.toml": _PYPROJECT, f"{pkg}/README.md": _CARD,
    }
    for rel, template in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(n=len(tasks), **values), "utf-8")
    (root / pkg / "tasks.jsonl").write_text("".join(json.dumps(t, sort_keys=True) + "\n" for t in tasks), "utf-8")
    return root
