"""ToolGym/Text2SQL-v1: gold queries, rewrites and subtle mistakes through the real reward; the
episode flow (exploration, errors, refusals, timeouts); and users' own SQLAlchemy databases."""

import sqlite3

import gymnasium as gym
import pytest

import toolgym  # noqa: F401  (registers the envs)
from toolgym.agents import ReferenceAgent
from toolgym.runner import play_episode
from toolgym_envs.sql import Text2SQLEnv


@pytest.fixture(scope="module")
def env():
    e = Text2SQLEnv(split="all")
    yield e
    e.close()


def one_per_template(env):
    seen, out = set(), []
    for t in env.tasks:
        if t.metadata["template"] not in seen:
            seen.add(t.metadata["template"])
            out.append(t)
    return out


def test_every_gold_query_scores_one(env):
    ex = env.rubric.components[0].fn
    scores = [ex.score_sql(t, t.gold["sql"]) for t in env.tasks]
    assert len(scores) >= 400 and scores == [1.0] * len(scores)


def test_every_reference_trajectory_scores_one(env):
    agent = ReferenceAgent()
    for task in list(env.tasks)[::4]:
        rec = play_episode(env, agent, seed=None, task_id=task.id)
        assert rec.reward == 1.0 and rec.terminated and not rec.errors, task.id
        assert rec.components == {"correct": 1.0, "format": 1.0, "sql_calls": 1.0}


def test_rewrites_score_one_and_subtle_mistakes_score_zero(env):
    ex = env.rubric.components[0].fn
    rewrites = wrongs = 0
    for t in one_per_template(env):
        for sql in t.gold["equivalent_sql"]:
            assert ex.score_sql(t, sql) == 1.0, (t.id, sql)
            rewrites += 1
        for sql in t.gold["wrong_sql"]:
            assert ex.score_sql(t, sql) == 0.0, (t.id, sql)
            wrongs += 1
    assert rewrites >= 30 and wrongs >= 30


def test_hand_written_rewrites(env):
    """Rewrites a model would write, beyond the templates' own: aliases, fences, casing, CTEs."""
    ex = env.rubric.components[0].fn
    task = next(t for t in env.tasks if t.metadata["template"] == "customers_in_city")
    city = task.metadata["params"]["city"]
    for sql in [
        f"```sql\nSELECT count(*) AS n FROM customers WHERE city = '{city}'\n```",
        f"select count(1) from customers c where c.city like '{city}'",
        f"WITH c AS (SELECT * FROM customers WHERE city = '{city}') SELECT COUNT(*) FROM c;",
    ]:
        assert ex.score_sql(task, sql) == 1.0, sql
    for sql in [f"SELECT COUNT(*), '{city}' FROM customers WHERE city = '{city}'", "SELECT COUNT(*) FROM customers"]:
        assert ex.score_sql(task, sql) == 0.0, sql


def test_episode_shows_schema_results_errors_and_refusals():
    env = gym.make("ToolGym/Text2SQL-v1", split="test", query_timeout_s=0.5)
    base = env.unwrapped
    task = next(t for t in base.tasks if t.metadata["db"] == "university")
    obs, info = env.reset(options={"task_id": task.id})
    assert 'Database "university"' in obs and "enrollments(" in obs and "-> students.student_id" in obs
    assert obs.endswith(task.question)
    obs, r, term, trunc, info = env.step("<sql>SELECT COUNT(*) AS n FROM departments</sql>")
    assert obs.startswith("<observation>n\n") and info["error"] is None and not term
    obs, *_, info = env.step("<sql>SELECT nosuch FROM students</sql>")
    assert "nosuch" in obs and info["error"] == "tool_error" and info["tool_calls"][0]["error_kind"] == "exception"
    obs, *_, info = env.step("<sql>DROP TABLE students</sql>")
    assert "Refused" in obs and info["tool_calls"][0]["error_kind"] == "refused"
    obs, *_, info = env.step("<sql>SELECT COUNT(*) FROM range(100000000000) a</sql>")
    assert "interrupted" in obs and info["tool_calls"][0]["error_kind"] == "timeout"
    obs, *_, info = env.step("<sql>SELECT 1")  # unclosed tag: a format error, nothing runs
    assert "Unclosed <sql>" in obs and not info["format_ok"] and info["tool_calls"] == []
    obs, r, term, trunc, info = env.step(f"<answer>{task.gold['sql']}</answer>")
    assert term and info["reward_components"] == {"correct": 1.0, "format": 0.0, "sql_calls": 4.0}
    assert r == pytest.approx(0.9)
    env.close()


def test_database_follows_the_task(env):
    retail = next(t for t in env.tasks if t.metadata["db"] == "retail")
    clinic = next(t for t in env.tasks if t.metadata["db"] == "clinic")
    obs, _ = env.reset(options={"task_id": retail.id})
    assert 'Database "retail"' in obs and env.system_prompt in obs
    assert "order_items" in env.step("<sql>SHOW TABLES</sql>")[0]
    obs, _ = env.reset(options={"task_id": clinic.id})
    assert 'Database "clinic"' in obs and "prescriptions" in env.step("<sql>SHOW TABLES</sql>")[0]


def test_hermes_format_works_too():
    env = Text2SQLEnv(split="test", parser="hermes")
    rec = play_episode(env, ReferenceAgent(), seed=None, task_id=env.tasks[0].id)
    assert rec.reward == 1.0 and "<tool_call>" in rec.turns[0]["action"]
    env.close()


def test_users_own_sqlite_database(tmp_path):
    path = tmp_path / "shop.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT, price REAL)")
    con.executemany("INSERT INTO item VALUES (?, ?, ?)", [(1, "pen", 1.5), (2, "ink", 7.25), (3, "pad", 3.0)])
    con.commit()
    con.close()
    gold = "SELECT name FROM item WHERE price > 2 ORDER BY price DESC"
    task = {"id": "shop-1", "env": "text2sql", "question": "Items over $2, priciest first?", "split": "test",
            "tools": ["sql"], "gold": {"db": "shop", "sql": gold},
            "reference": {"turns": [{"tool_calls": [{"name": "sql", "arguments": {"query": "SELECT * FROM item"}}]},
                                    {"answer": gold}]}}
    env = Text2SQLEnv(tasks=[toolgym.Task.from_dict(task)], databases={"shop": f"sqlite:///{path}"})
    obs, _ = env.reset(seed=0)
    assert 'Database "shop" (sqlite SQL dialect)' in obs and "item(id INTEGER, name TEXT, price REAL)" in obs
    rec = play_episode(env, ReferenceAgent(), seed=None, task_id="shop-1")
    assert rec.reward == 1.0
    env.reset(seed=0)
    assert "Refused" in env.step("<sql>DELETE FROM item</sql>")[0]
    _, r, *_ = env.step("<answer>SELECT name FROM item WHERE price > 2 ORDER BY price</answer>")
    assert r == 0.0  # rows right, order wrong: wrong, and the format term is paid only with a correct query
    env.close()


def test_missing_database_is_a_clear_error():
    task = toolgym.Task.from_dict({"id": "x", "env": "text2sql", "question": "?", "split": "test", "tools": ["sql"],
                                   "gold": {"db": "nowhere", "sql": "SELECT 1"}, "reference": {"turns": [{"answer": "SELECT 1"}]}})
    with pytest.raises(ValueError, match="nowhere"):
        Text2SQLEnv(tasks=[task], databases={"other": "x.duckdb"})
