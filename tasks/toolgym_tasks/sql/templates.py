"""The question-template machinery: a :class:`Template` is a parametrized question with its gold SQL.

A template carries, besides the gold SQL, an exploratory query for the reference trajectory,
semantically equivalent rewrites (which must return the same rows: a check on the gold itself) and
subtly wrong variants (common mistakes: a boundary off by one, a missing ``DISTINCT``, a filter in
the wrong place). Parameters are drawn from the generated database with a :class:`Sampler`, and an
instance is kept only when it is well posed:

* the gold returns between 1 and ``max_rows`` rows and is not a single NULL;
* an ordered question has no ties in its ordering column, including at a ``LIMIT`` boundary;
* every rewrite matches the gold (otherwise the template is wrong: :class:`TemplateError`);
* every wrong variant does *not* match the gold, so the question tells the mistake apart.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Callable

from toolgym.errors import TaskValidationError
from toolgym.sql.engine import SQLEngine
from toolgym.sql.guard import has_top_level_order_by
from toolgym.sql.match import normalize_rows, results_match


class TemplateError(TaskValidationError):
    """A template is inconsistent: a rewrite disagrees with its gold, or the gold fails."""


class Sampler:
    """Draws template parameters: random choices among values that exist in the database."""

    def __init__(self, engine: SQLEngine, rng: random.Random) -> None:
        self.engine = engine
        self.rng = rng
        self._cache: dict[str, list[tuple[Any, ...]]] = {}

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        if sql not in self._cache:
            self._cache[sql] = self.engine.execute(sql, max_rows=100_000, timeout_s=30).rows
            if not self._cache[sql]:
                raise TemplateError(f"parameter query returned no rows: {sql}")
        return self._cache[sql]

    def pick(self, sql: str) -> Any:
        """One value (first column) of a random row of ``sql``."""
        return self.rng.choice(self.rows(sql))[0]

    def pick_row(self, sql: str) -> tuple[Any, ...]:
        return self.rng.choice(self.rows(sql))

    def choice(self, options: list[Any] | tuple[Any, ...]) -> Any:
        return self.rng.choice(list(options))

    def randint(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)


@dataclass(frozen=True)
class Template:
    """A parametrized Text2SQL question.

    ``question``, ``sql``, ``explore``, ``equivalent`` and ``wrong`` are ``str.format`` patterns
    over the parameters returned by ``params``. ``order_col`` names the result column that orders
    an ordered question; ``limit_param`` names the parameter used as its ``LIMIT``.
    """

    key: str
    difficulty: str
    skills: tuple[str, ...]
    question: str
    sql: str
    explore: str
    params: Callable[[Sampler], dict[str, Any]]
    equivalent: tuple[str, ...] = ()
    wrong: tuple[str, ...] = ()
    order_col: int | None = None
    limit_param: str | None = None
    count: int = 10
    max_rows: int = 200


@dataclass(frozen=True)
class Instance:
    """A template with its parameters filled in and checked."""

    template: Template
    params: dict[str, Any]
    question: str
    sql: str
    explore: str
    equivalent: tuple[str, ...]
    wrong: tuple[str, ...]
    ordered: bool


def _run(engine: SQLEngine, sql: str, max_rows: int) -> list[tuple[Any, ...]] | None:
    """Normalized rows of ``sql`` or None when it returns more than ``max_rows`` rows."""
    res = engine.execute(sql, max_rows=max_rows, timeout_s=30)
    return None if res.truncated else normalize_rows(res.rows)


def check_instance(engine: SQLEngine, t: Template, params: dict[str, Any]) -> Instance | None:
    """The filled-in instance when it is well posed (see the module doc), else None."""
    fill = lambda pattern: pattern.format(**params)  # noqa: E731
    sql = fill(t.sql)
    ordered = has_top_level_order_by(sql)
    try:
        gold = _run(engine, sql, t.max_rows)
    except Exception as exc:
        raise TemplateError(f"template {t.key}: gold SQL failed: {exc}\n{sql}") from exc
    if not gold or (len(gold) == 1 and all(v is None for v in gold[0])):
        return None
    if ordered and t.order_col is not None:
        keys = [row[t.order_col] for row in gold]
        if len(set(keys)) != len(keys):
            return None
        if t.limit_param is not None:
            wider = _run(engine, t.sql.format(**{**params, t.limit_param: params[t.limit_param] + 1}), t.max_rows + 1)
            if wider is None or (len(wider) > len(gold) and wider[len(gold)][t.order_col] == keys[-1]):
                return None
    equivalent = tuple(fill(e) for e in t.equivalent)
    for eq in equivalent:
        rows = _run(engine, eq, 100_000)
        if rows is None or not results_match(rows, gold, ordered=ordered):
            raise TemplateError(f"template {t.key}: rewrite disagrees with the gold for {params}:\n{eq}\nvs\n{sql}")
    wrong = tuple(fill(w) for w in t.wrong)
    for bad in wrong:
        try:
            rows = _run(engine, bad, 100_000)
        except Exception as exc:
            raise TemplateError(f"template {t.key}: wrong variant failed to run: {exc}\n{bad}") from exc
        if rows is not None and results_match(rows, gold, ordered=ordered):
            return None
    return Instance(t, params, fill(t.question), sql, fill(t.explore), equivalent, wrong, ordered)


def instantiate(engine: SQLEngine, t: Template, rng: random.Random, attempts_per_instance: int = 25) -> list[Instance]:
    """Up to ``t.count`` distinct well-posed instances of ``t``."""
    sampler = Sampler(engine, rng)
    out: list[Instance] = []
    seen: set[str] = set()
    for _ in range(t.count * attempts_per_instance):
        if len(out) >= t.count:
            break
        params = t.params(sampler)
        question = t.question.format(**params)
        if question in seen:
            continue
        seen.add(question)
        inst = check_instance(engine, t, params)
        if inst is not None:
            out.append(inst)
    return out
