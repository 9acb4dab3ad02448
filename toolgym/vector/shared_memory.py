"""Shared-memory support for ToolGym's spaces, so ``gym.make_vec(id, n, vectorization_mode="async")``
works with Gymnasium's defaults (``shared_memory=True``).

Gymnasium's ``AsyncVectorEnv`` asks ``create_shared_memory`` (a ``functools.singledispatch``
function) for a buffer per observation space; its built-in handlers only know fixed-size numpy
spaces, so ToolGym's text, chat and token-id spaces made it fail. An observation here is text (or
messages, or a token array) of any length, which no fixed-size buffer holds, so the "shared memory"
registered for these spaces is one slot per sub-env in a :class:`multiprocessing.managers.SyncManager`
list: a worker stores its observation there before it answers the parent, the parent reads every
slot in one round trip. It costs one manager process per vector env and about a local IPC round
trip per step, which is small next to a tool call or an LLM turn.

Importing :mod:`toolgym` registers the handlers (see :func:`register`).

>>> import gymnasium as gym, toolgym
>>> envs = gym.make_vec("ToolGym/MathTIR-v1", 2, vectorization_mode="async", split="test")  # doctest: +SKIP
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Iterator, Sequence
from types import ModuleType
from typing import Any

from gymnasium.spaces import Space
from gymnasium.vector.utils import (
    create_shared_memory,
    read_from_shared_memory,
    write_to_shared_memory,
)


class ObjectSlots:
    """``n`` object slots that worker processes write and the parent reads (a manager list).

    The manager itself stays with the process that made it (it is dropped when pickled into a
    worker); workers only carry the list proxy.
    """

    def __init__(self, n: int, ctx: ModuleType = mp) -> None:
        self._manager: Any = ctx.Manager()
        self.n = n
        self.values: Any = self._manager.list([None] * n)

    def __bool__(self) -> bool:  # Gymnasium's worker tests ``if shared_memory:``
        return True

    def __getstate__(self) -> dict[str, Any]:
        return {"n": self.n, "values": self.values, "_manager": None}


class SlotView(Sequence[Any]):
    """The parent's view of :class:`ObjectSlots`: indexing reads the current values, like a numpy
    view of shared memory; ``copy.deepcopy`` (what ``AsyncVectorEnv(copy=True)`` returns) is a
    tuple snapshot read in one round trip."""

    def __init__(self, slots: ObjectSlots) -> None:
        self._slots = slots

    def snapshot(self) -> tuple[Any, ...]:
        """Every slot's current value."""
        return tuple(self._slots.values[:])

    def __getitem__(self, index: Any) -> Any:
        return self._slots.values[index]

    def __len__(self) -> int:
        return self._slots.n

    def __iter__(self) -> Iterator[Any]:
        return iter(self.snapshot())

    def __deepcopy__(self, memo: dict[int, Any]) -> tuple[Any, ...]:
        return self.snapshot()

    def __repr__(self) -> str:
        return f"SlotView({self.snapshot()!r})"


def _create(space: Space[Any], n: int = 1, ctx: ModuleType = mp) -> ObjectSlots:
    return ObjectSlots(n, ctx)


def _read(space: Space[Any], shared_memory: ObjectSlots, n: int = 1) -> SlotView:
    return SlotView(shared_memory)


def _write(space: Space[Any], index: int, value: Any, shared_memory: ObjectSlots) -> None:
    shared_memory.values[index] = value


def register(*space_types: type[Space[Any]]) -> None:
    """Give ``space_types`` (default: ToolGym's text, chat and token-id spaces) object slots as
    their shared memory; idempotent. Call it for a custom variable-size space of your own."""
    if not space_types:
        from toolgym.spaces import AssistantMessage, ChatObservation, UnicodeText
        from toolgym.tokens.spaces import TokenIds

        space_types = (UnicodeText, ChatObservation, AssistantMessage, TokenIds)
    for cls in space_types:
        create_shared_memory.register(cls)(_create)
        read_from_shared_memory.register(cls)(_read)
        write_to_shared_memory.register(cls)(_write)
