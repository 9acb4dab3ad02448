"""Execution match (EX): does the predicted query return the same rows as the gold query?

Rows are compared as a multiset, in order only when the gold query orders its output (a top-level
``ORDER BY``). Column order matters, column names do not (as in BIRD's EX). Values are normalized
before comparing: numbers of any type (int, float, DECIMAL) compare with a relative and absolute
tolerance, dates and times by ISO text, booleans as 0/1.

Blame while scoring follows the cause: a prediction that is refused, fails, times out, runs out of
memory or returns values that cannot be compared scores 0 and is nobody's infrastructure problem; a
gold query that fails, or an engine that is down, is ours. :meth:`ExecutionMatch.score_sql` raises
:class:`RewardError` for those; the reward itself (:meth:`ExecutionMatch.__call__`) never raises out
of ``step``: it scores 0 and leaves the reason in :attr:`ExecutionMatch.failure`, which the env
reports as ``infra_error``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Callable, Sequence

from toolgym.errors import RewardError
from toolgym.sql.engine import SQLEngine
from toolgym.sql.errors import QUERY_ERRORS, DatabaseUnavailable
from toolgym.sql.guard import has_top_level_order_by
from toolgym.types import Trajectory

if TYPE_CHECKING:
    from toolgym.tasks.model import Task

Row = tuple[Any, ...]
#: Longest final answer that is executed; longer ones score 0 (the sql tool accepts as much).
MAX_ANSWER_CHARS = 20_000

_FENCE = re.compile(r"^```[a-zA-Z]*\s*\n?(.*?)\n?```$", re.S)


def extract_sql(answer: str) -> str:
    """The SQL in a final answer, without surrounding whitespace or a Markdown code fence."""
    text = answer.strip()
    m = _FENCE.match(text)
    return m.group(1).strip() if m else text


def normalize_value(value: Any) -> Any:
    """A comparable form: numbers -> float, dates/times -> ISO text, bytes -> hex, others as is."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float, Decimal)):
        return float(value)
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, (list, tuple)):
        return tuple(normalize_value(v) for v in value)
    return str(value)


def normalize_rows(rows: Sequence[Sequence[Any]]) -> list[Row]:
    """Every row normalized with :func:`normalize_value`."""
    return [tuple(normalize_value(v) for v in row) for row in rows]


def values_equal(a: Any, b: Any, rel_tol: float, abs_tol: float) -> bool:
    """Equality of normalized values, with tolerance for floats (NaN equals NaN)."""
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return math.isclose(a, b, rel_tol=rel_tol, abs_tol=abs_tol)
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(values_equal(x, y, rel_tol, abs_tol) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def rows_equal(a: Row, b: Row, rel_tol: float, abs_tol: float) -> bool:
    return len(a) == len(b) and all(values_equal(x, y, rel_tol, abs_tol) for x, y in zip(a, b))


def _sort_key(row: Row) -> tuple[Any, ...]:
    """A total order over normalized rows; floats rounded so near-equal values sort together."""
    key = []
    for v in row:
        if v is None:
            key.append((0, ""))
        elif isinstance(v, float):
            key.append((1, 0.0 if math.isnan(v) else float(f"{v:.6g}")))
        else:
            key.append((2, repr(v)))
    return tuple(key)


def results_match(
    pred: Sequence[Row], gold: Sequence[Row], *, ordered: bool, rel_tol: float = 1e-6, abs_tol: float = 1e-6
) -> bool:
    """EX on normalized rows: same rows (with multiplicity), in the same order when ``ordered``."""
    if len(pred) != len(gold):
        return False
    if ordered:
        return all(rows_equal(p, g, rel_tol, abs_tol) for p, g in zip(pred, gold))
    ps, gs = sorted(pred, key=_sort_key), sorted(gold, key=_sort_key)
    if all(rows_equal(p, g, rel_tol, abs_tol) for p, g in zip(ps, gs)):
        return True
    # Rounding can split near-equal floats across sort positions: fall back to greedy matching.
    if not any(isinstance(v, float) for row in gold for v in row) or len(gold) > 5000:
        return False
    remaining = list(ps)
    for g in gs:
        hit = next((i for i, p in enumerate(remaining) if rows_equal(p, g, rel_tol, abs_tol)), None)
        if hit is None:
            return False
        remaining.pop(hit)
    return True


class ExecutionMatch:
    """Reward: 1.0 when the final answer's SQL returns the gold query's rows on the task's database.

    ``engine_for(task)`` gives the engine to run on. Gold results are computed once per
    (database, gold SQL) and cached on this instance. After each call, :attr:`failure` is ``None``
    or the reason scoring could not be done (ours: a broken gold, an engine down), so the env can
    report ``infra_error`` instead of charging the policy.
    """

    def __init__(
        self,
        engine_for: Callable[["Task"], SQLEngine],
        *,
        timeout_s: float = 10.0,
        max_rows: int = 100_000,
        rel_tol: float = 1e-6,
        abs_tol: float = 1e-6,
    ) -> None:
        self.engine_for = engine_for
        self.timeout_s = timeout_s
        self.max_rows = max_rows
        self.rel_tol = rel_tol
        self.abs_tol = abs_tol
        self._gold: dict[tuple[str, str], tuple[list[Row], bool]] = {}
        #: Why the last call could not score (an infrastructure failure), or ``None``.
        self.failure: str | None = None

    def gold_result(self, task: "Task") -> tuple[list[Row], bool]:
        """The gold query's normalized rows and whether order matters."""
        gold = task.gold if isinstance(task.gold, dict) else {}
        sql = gold.get("sql")
        if not isinstance(sql, str) or not sql.strip():
            raise RewardError(f"task {task.id!r} has no gold SQL in gold['sql']")
        key = (str(gold.get("db", "")), sql)
        if key not in self._gold:
            try:
                res = self.engine_for(task).execute(sql, max_rows=self.max_rows, timeout_s=self.timeout_s)
            except QUERY_ERRORS as exc:
                raise RewardError(f"gold SQL of task {task.id!r} failed: {exc}") from exc
            if res.truncated:
                raise RewardError(f"gold SQL of task {task.id!r} returns more than {self.max_rows} rows")
            ordered = gold.get("ordered")
            self._gold[key] = (normalize_rows(res.rows), bool(has_top_level_order_by(sql) if ordered is None else ordered))
        return self._gold[key]

    def score_sql(self, task: "Task", sql: str) -> float:
        """EX of one predicted query against the task's gold (0 for answers over ``MAX_ANSWER_CHARS``).

        Raises :class:`RewardError` only for causes outside the prediction: the gold fails or the
        engine is unavailable.
        """
        gold_rows, ordered = self.gold_result(task)
        if len(sql) > MAX_ANSWER_CHARS:
            return 0.0
        try:
            res = self.engine_for(task).execute(extract_sql(sql), max_rows=self.max_rows, timeout_s=self.timeout_s)
        except DatabaseUnavailable as exc:
            raise RewardError(f"cannot score task {task.id!r}: {exc}") from exc
        except QUERY_ERRORS:  # refused, failed, timed out, out of memory, too large: the prediction's
            return 0.0
        if res.truncated:
            return 0.0
        try:
            pred = normalize_rows(res.rows)
            return float(results_match(pred, gold_rows, ordered=ordered, rel_tol=self.rel_tol, abs_tol=self.abs_tol))
        except (RecursionError, TypeError, ValueError, OverflowError, MemoryError):  # values that do not compare
            return 0.0

    def __call__(self, task: "Task", trajectory: Trajectory) -> float:
        """The reward: never raises; an infrastructure failure scores 0 and is left in :attr:`failure`."""
        self.failure = None
        answer = trajectory.final_answer
        if not isinstance(answer, str) or not answer.strip():
            return 0.0
        try:
            return self.score_sql(task, answer)
        except Exception as exc:  # noqa: BLE001 - a broken gold, an engine down, a bug of ours: infra
            self.failure = f"execution match could not score task {task.id!r}: {exc}"
            return 0.0
