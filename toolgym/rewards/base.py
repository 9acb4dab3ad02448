"""Reward functions and the weighted :class:`Rubric` that combines them.

A reward function scores one finished (or in-progress) trajectory:
``fn(task, trajectory) -> float``. A :class:`Rubric` sums weighted components and reports every
component, so trainers can log what was paid and what was only measured (weight 0).
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Mapping

from toolgym.errors import RewardError
from toolgym.types import Trajectory

if TYPE_CHECKING:
    from toolgym.tasks.model import Task

RewardFn = Callable[["Task", Trajectory], float]


@dataclass(slots=True)
class RewardResult:
    """Total reward plus every component's raw (unweighted) value."""

    total: float
    components: dict[str, float] = field(default_factory=dict)


def tool_call_count(task: "Task", trajectory: Trajectory) -> float:
    """How many tool calls the episode made: the standard weight-0 metric of every family.

    >>> tool_call_count(None, Trajectory(task_id="t"))
    0.0
    """
    return float(trajectory.num_tool_calls)


def check_reward_fn(fn: Callable[..., object], name: str) -> None:
    """Raise :class:`RewardError` unless ``fn`` can be called as ``fn(task, trajectory)``."""
    if not callable(fn):
        raise RewardError(f"reward component {name!r} is not callable")
    try:
        inspect.signature(fn).bind(object(), object())
    except TypeError as exc:
        raise RewardError(
            f"reward component {name!r} must accept (task, trajectory): {exc}"
        ) from None
    except ValueError:  # builtins without a signature: accept, checked at call time
        return


@dataclass(frozen=True, slots=True)
class Component:
    """One named, weighted term of a rubric.

    ``requires`` names an earlier component that must be > 0 for this one to count: a gated term
    (a format bonus, a tool-success bonus) is then 0, and logged as 0, on any episode whose outcome
    is not paid, so it cannot be earned by a constant or empty answer.

    >>> gated = Component("format", lambda t, j: 1.0, 0.1, requires="correct")
    >>> Rubric([Component("correct", lambda t, j: 0.0), gated])(None, None).components
    {'correct': 0.0, 'format': 0.0}
    """

    name: str
    fn: RewardFn
    weight: float = 1.0
    requires: str | None = None


class Rubric:
    """A weighted sum of reward components; weight-0 components are logged but not paid."""

    def __init__(self, components: list[Component] | Mapping[str, tuple[RewardFn, float]]) -> None:
        if isinstance(components, Mapping):
            components = [Component(n, f, w) for n, (f, w) in components.items()]
        names = [c.name for c in components]
        if len(set(names)) != len(names):
            raise RewardError(f"duplicate reward component names: {names}")
        for i, c in enumerate(components):
            check_reward_fn(c.fn, c.name)
            if c.requires is not None and c.requires not in names[:i]:
                raise RewardError(
                    f"reward component {c.name!r} requires {c.requires!r}, which is not an earlier component"
                )
            if not math.isfinite(c.weight):
                raise RewardError(f"reward component {c.name!r} has a non-finite weight")
        #: The components in order; a tuple of frozen records, so the plan below cannot go stale.
        self.components: tuple[Component, ...] = tuple(components)
        self._plan = tuple((c.name, c.fn, c.weight, c.requires) for c in self.components)

    def __call__(self, task: "Task", trajectory: Trajectory) -> RewardResult:
        """Score ``trajectory``: a fresh :class:`RewardResult` every call (envs hand its
        ``components`` dict to the caller as ``info['reward_components']``)."""
        values: dict[str, float] = {}
        total = 0.0
        isfinite = math.isfinite  # a local: this loop runs at the end of every episode
        for name, fn, weight, requires in self._plan:
            if requires is not None and not values[requires] > 0:
                values[name] = 0.0  # gated: the outcome it rides on was not paid
                continue
            try:
                value = fn(task, trajectory)
                if type(value) is not float:
                    value = float(value)
            except RewardError:
                raise
            except Exception as exc:  # a scorer bug must not crash the episode silently
                raise RewardError(f"reward component {name!r} failed: {exc!r}") from exc
            if not isfinite(value):
                raise RewardError(f"reward component {name!r} returned {value}")
            values[name] = value
            total += weight * value
        return RewardResult(total, values)

    @property
    def weights(self) -> dict[str, float]:
        return {c.name: c.weight for c in self.components}
