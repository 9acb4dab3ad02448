"""``ToolGym/Text2SQL-v1``: answer a question about a database with one final SQL query.

The policy sees the database schema and the question, may run exploratory read-only queries with the
``sql`` tool (results or errors come back as observations), and ends with its final query as the
answer. The reward is execution match against the gold query (EX, weight ``1 - format_weight``)
plus the format term (weight ``format_weight``); both components and the number of ``sql`` calls
are logged in ``info["reward_components"]``.

Tasks default to ToolGym's generated databases (``retail``, ``clinic``, ``university``); pass
``tasks`` and ``databases`` (name -> DuckDB path or SQLAlchemy URL) to run on your own.
``sandbox="docker" | "local" | "auto"`` (default ``$TOOLGYM_SANDBOX``, else local) says where
database files are queried: in the ``sql`` image's container or in a worker process on the host.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from toolgym.env import ToolEnv
from toolgym.failures import Blame
from toolgym.parsers import ToolCallParser, XMLTagParser, get_parser
from toolgym.rewards.base import Component, Rubric, tool_call_count
from toolgym.rewards.format import FormatReward
from toolgym.sandbox.selection import resolve_kind
from toolgym.sandbox.services import SQL_IMAGE
from toolgym.sql.container import ContainerEngine, container_engine
from toolgym.sql.engine import SQLEngine, open_engine
from toolgym.sql.match import ExecutionMatch
from toolgym.sql.tool import SQLTool
from toolgym.tasks import Task, TaskSet
from toolgym_envs.sql.prompts import PREAMBLE, schema_text
from toolgym_tasks.sql import DEFAULT_SEED, database_path, load_tasks

SPLITS = ("train", "test", "all")


def sql_tasks(split: str = "train") -> TaskSet:
    """The built-in Text2SQL tasks of one split (``train``, ``test`` or ``all``)."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    tasks = load_tasks()
    return tasks if split == "all" else tasks.split(split)


def task_database(task: Task) -> str:
    """The database name a task runs on (``gold['db']``, else ``metadata['db']``)."""
    gold = task.gold if isinstance(task.gold, dict) else {}
    db = gold.get("db", task.metadata.get("db"))
    if not isinstance(db, str):
        raise ValueError(f"task {task.id!r} names no database in gold['db'] or metadata['db']")
    return db


def sql_parser() -> XMLTagParser:
    """The default action format: ``<sql>query</sql>`` calls, ``<observation>`` results, ``<answer>``."""
    return XMLTagParser(tags={"sql": ("sql", "query")}, result_tag="observation")



class Text2SQLEnv(ToolEnv):
    """Text-to-SQL with exploratory queries and an execution-match reward."""

    def __init__(
        self,
        *,
        split: str = "train",
        tasks: TaskSet | Sequence[Task] | None = None,
        databases: Mapping[str, str | SQLEngine] | None = None,
        data_seed: int = DEFAULT_SEED,
        parser: str | ToolCallParser = "xml",
        max_rows: int = 20,
        query_timeout_s: float = 5.0,
        format_weight: float = 0.1,
        max_turns: int = 6,
        max_tool_calls: int = 3,
        max_observation_chars: int = 4096,
        render_mode: str | None = None,
        sandbox: str | None = None,
    ) -> None:
        if not 0.0 <= format_weight <= 1.0:
            raise ValueError("format_weight must lie in [0, 1]")
        task_set = (tasks if isinstance(tasks, TaskSet) else TaskSet(tasks)) if tasks is not None else sql_tasks(split)
        names = sorted({task_database(t) for t in task_set})
        targets: Mapping[str, str | SQLEngine] = databases or {n: str(database_path(n, data_seed)) for n in names}
        missing = [n for n in names if n not in targets]
        if missing:
            raise ValueError(f"no database given for {missing}; pass databases={{name: path or URL}}")
        # sandbox="docker" (or "auto" with Docker, or $TOOLGYM_SANDBOX): database files are queried in
        # the ``sql`` image's container; database servers' URLs keep running from this process.
        in_docker = resolve_kind(sandbox, SQL_IMAGE) == "docker"
        shared: list[ContainerEngine] = []  # databases of one folder share one container

        def engine(target: str) -> SQLEngine:
            if in_docker:
                made = container_engine(target, share_with=shared[-1] if shared else None)
                if made is not None:
                    shared.append(made)
                    return made
            return open_engine(target)

        self._engines: dict[str, SQLEngine] = {
            n: t if isinstance(t, SQLEngine) else engine(t) for n, t in targets.items() if n in names
        }
        self._owned = [n for n, t in targets.items() if n in names and not isinstance(t, SQLEngine)]
        self.sql_tool = SQLTool(max_rows=max_rows, timeout_s=query_timeout_s)
        self.execution_match = ExecutionMatch(self._engine_for, timeout_s=max(query_timeout_s, 10.0))
        parser_obj = sql_parser() if parser == "xml" else get_parser(parser)
        rubric = Rubric(
            [
                Component("correct", self.execution_match, 1.0 - format_weight),
                # paid only with a correct query: a constant or empty answer must earn nothing
                Component("format", FormatReward(), format_weight, requires="correct"),
                Component("sql_calls", tool_call_count, 0.0),
            ]
        )
        super().__init__(
            task_set,
            [self.sql_tool],
            parser=parser_obj,
            rubric=rubric,
            preamble=PREAMBLE,
            max_turns=max_turns,
            max_tool_calls=max_tool_calls,
            max_observation_chars=max_observation_chars,
            render_mode=render_mode,
        )
        self._preambles = {n: f"{PREAMBLE}\n\n{schema_text(n, e)}" for n, e in self._engines.items()}

    def step(self, action: str) -> tuple[str, float, bool, bool, dict[str, Any]]:
        """A step; when scoring could not be done (a broken gold, an engine down) the step is ``infra_error``.

        The policy's own final query failing while it is scored is not that: it scores 0 and is
        blamed on nobody's infrastructure (see :class:`~toolgym.sql.match.ExecutionMatch`).
        """
        self.execution_match.failure = None
        observation, reward, terminated, truncated, info = super().step(action)
        failure = self.execution_match.failure
        if failure is not None and (terminated or truncated) and info["error"] != Blame.INFRA.value:
            info["error"], info["error_message"] = Blame.INFRA.value, failure
        return observation, reward, terminated, truncated, info

    def _engine_for(self, task: Task) -> SQLEngine:
        db = task_database(task)
        if db not in self._engines:
            raise ValueError(f"task {task.id!r} uses database {db!r}, which this env does not have")
        return self._engines[db]

    def _select_task(self, options: dict[str, Any] | None) -> Task:
        """Pick the task, then bind the ``sql`` tool and the system prompt to its database."""
        task = super()._select_task(options)
        self.sql_tool.bind(self._engine_for(task))
        self.preamble = self._preambles[task_database(task)]
        self.system_prompt = self.compose_system_prompt(self.preamble)
        return task

    def close(self) -> None:
        for name in self._owned:
            self._engines[name].close()
        self._owned = []
        super().close()
