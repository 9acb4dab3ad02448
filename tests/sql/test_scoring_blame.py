"""Scoring never raises out of ``step``: the policy's final query failing while it is scored is a 0
with no infra blame; a gold query that fails, or an engine down, is ``infra_error``."""

import os
import signal
import threading

import pytest

from toolgym.sql.engine import DuckDBEngine
from toolgym.sql.match import ExecutionMatch
from toolgym.tasks import Task
from toolgym.types import Trajectory
from toolgym_envs.sql.env import Text2SQLEnv


def _task(sql: str, task_id: str = "t") -> Task:
    return Task.from_dict({"id": task_id, "env": "text2sql", "question": "q", "split": "test", "tools": ["sql"],
                           "gold": {"db": "mini", "sql": sql}, "reference": {"turns": [{"answer": sql}]}})


GOOD = _task("SELECT name FROM people ORDER BY id", "good")
BROKEN = _task("SELECT nosuch FROM people", "broken")
HOSTILE = [
    "SELECT length(repeat('x', 2000000000))",  # memory
    "SELECT length(regexp_replace(repeat('ab', 100000000), '(a)(b)', '\\2\\1', 'g'))",  # killed at the deadline
    "SELECT COUNT(*) FROM range(100000000000) a",  # interrupted
    "SELECT repeat('x', 20000000)",  # output limit
    "SELECT nosuch FROM people",
    "DROP TABLE people",
    "SELECT [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]] AS deep",
]


@pytest.fixture
def env(duck_path):
    e = Text2SQLEnv(tasks=[GOOD, BROKEN], databases={"mini": str(duck_path)}, query_timeout_s=0.3)
    e.execution_match.timeout_s = 0.5  # keep the test quick; the env uses max(query timeout, 10 s)
    yield e
    e.close()


@pytest.mark.parametrize("answer", HOSTILE)
def test_policy_query_failing_during_scoring_is_zero_not_infra(env, answer):
    env.reset(options={"task_id": "good"})
    _, reward, terminated, _, info = env.step(f"<answer>{answer}</answer>")
    assert terminated and info["reward_components"]["correct"] == 0.0
    assert info["error"] is None, info["error_message"]
    env.reset(options={"task_id": "good"})
    _, _, _, _, info = env.step("<answer>SELECT name FROM people ORDER BY id</answer>")
    assert info["reward_components"]["correct"] == 1.0 and info["error"] is None  # the engine still scores


def test_broken_gold_is_infra_and_does_not_raise(env):
    env.reset(options={"task_id": "broken"})
    _, reward, terminated, _, info = env.step("<answer>SELECT 1</answer>")
    assert terminated and reward <= 0.1 and info["reward_components"]["correct"] == 0.0
    assert info["error"] == "infra_error" and "gold SQL" in info["error_message"]
    env.reset(options={"task_id": "good"})  # the failure does not leak into the next episode
    _, _, _, _, info = env.step("<answer>SELECT 1</answer>")
    assert info["error"] is None


def test_engine_killed_from_outside_while_scoring_is_infra(duck_path):
    eng = DuckDBEngine(duck_path)
    ex = ExecutionMatch(lambda task: eng, timeout_s=10)
    ex(GOOD, Trajectory("good", final_answer="SELECT 1"))  # gold cached
    threading.Timer(0.3, os.kill, (eng.worker.pid, signal.SIGKILL)).start()
    assert ex(GOOD, Trajectory("good", final_answer="SELECT COUNT(*) FROM range(100000000000) a")) == 0.0
    assert ex.failure is not None and "from outside" in ex.failure
    assert ex(GOOD, Trajectory("good", final_answer="SELECT name FROM people ORDER BY id")) == 1.0
    assert ex.failure is None
    eng.close()


def test_reward_call_never_raises_even_for_a_missing_database(duck_path):
    ex = ExecutionMatch(lambda task: (_ for _ in ()).throw(ValueError("no such database")))
    assert ex(GOOD, Trajectory("good", final_answer="SELECT 1")) == 0.0
    assert "no such database" in ex.failure
