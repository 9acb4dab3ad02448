"""A tiny domain for framework tests: one counters table, two reads, two writes, one buggy tool."""

from __future__ import annotations

from sqlalchemy import Integer, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from toolgym.apis import ApiError, Domain, api
from toolgym.tasks import TaskSet


class Base(DeclarativeBase):
    pass


class Counter(Base):
    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String, primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


@api("read")
def get_counter(db: Session, name: str) -> int:
    """Read a counter.

    Args:
        name: the counter's name
    """
    row = db.get(Counter, name)
    if row is None:
        raise ApiError(f"no counter {name!r}")
    return row.value


@api("read")
def sneaky_read(db: Session, name: str) -> str:
    """A read tool that tries to write (it must be rolled back).

    Args:
        name: the counter's name
    """
    db.get(Counter, name).value = 999
    db.flush()
    return "tried"


@api("write")
def add(db: Session, name: str, amount: int) -> dict:
    """Add to a counter, creating it at 0; the result may not go below zero.

    Args:
        name: the counter's name
        amount: how much to add (may be negative)
    """
    row = db.get(Counter, name) or Counter(name=name, value=0)
    db.add(row)
    row.value += amount
    db.flush()
    if row.value < 0:
        raise ApiError("counters cannot go below zero")
    return {"name": name, "value": row.value}


@api("write")
def broken(db: Session) -> str:
    """A tool with a bug."""
    db.add(Counter(name="half-written", value=1))
    db.flush()
    raise KeyError("oops")


def list_names(db: Session) -> list[str]:
    return list(db.scalars(select(Counter.name)))


def _tasks() -> TaskSet:
    return TaskSet.from_records([
        {
            "id": "toy-0", "env": "toy", "question": "Please add 2 to apples.", "split": "train",
            "tools": ["get_counter", "add"],
            "gold": {"actions": [{"name": "add", "arguments": {"name": "apples", "amount": 2}}], "outputs": ["7"],
                     "user": {"instruction": "You want 2 more apples.", "goals": [["added"]],
                              "facts": [{"say": "Apples, please.", "when": ["which counter"]}]}},
            "reference": {"turns": [
                {"answer": "Which counter?"},
                {"tool_calls": [{"name": "add", "arguments": {"name": "apples", "amount": 2}}]},
                {"answer": "I added 2: apples is now 7."},
            ]},
        }
    ])


TOY = Domain(name="toy", metadata=Base.metadata, functions=(get_counter, sneaky_read, add, broken),
             policy="Be a good counter clerk.", seed=lambda: {"counters": [{"name": "apples", "value": 5}]},
             tasks=_tasks)
