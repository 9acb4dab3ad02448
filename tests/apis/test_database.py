"""Template databases: independent copies, reuse without leaks, whole-database hashing."""

from sqlalchemy import text

from toolgym.apis import TemplateDB, state_hash
from tests.apis.toy_domain import TOY


def make() -> TemplateDB:
    return TemplateDB(TOY.metadata, TOY.seed(), max_idle=4)


def value(replica, name="apples"):
    return replica.conn.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()


def test_copies_are_independent():
    db = make()
    a, b = db.acquire(), db.acquire()
    a.conn.execute("UPDATE counters SET value = 1")
    a.conn.commit()
    assert value(a) == (1,) and value(b) == (5,)


def test_a_released_copy_is_reset_before_reuse():
    db = make()
    a = db.acquire()
    with a.engine.begin() as conn:
        conn.execute(text("INSERT INTO counters VALUES ('pears', 3)"))
    db.release(a)
    again = db.acquire()
    assert again is a  # the engine (and its statement cache) is reused...
    assert value(again, "pears") is None and value(again) == (5,)  # ...but the data is the template's


def test_hash_depends_on_content_only():
    db = make()
    a, b = db.acquire(), db.acquire()
    assert state_hash(a.conn, TOY.metadata) == state_hash(b.conn, TOY.metadata)
    a.conn.execute("UPDATE counters SET value = 6")
    assert state_hash(a.conn, TOY.metadata) != state_hash(b.conn, TOY.metadata)
    a.conn.execute("UPDATE counters SET value = 5")
    assert state_hash(a.conn, TOY.metadata) == state_hash(b.conn, TOY.metadata)


def test_hash_ignores_insertion_order():
    db = make()
    a, b = db.acquire(), db.acquire()
    a.conn.executemany("INSERT INTO counters VALUES (?, ?)", [("x", 1), ("y", 2)])
    b.conn.executemany("INSERT INTO counters VALUES (?, ?)", [("y", 2), ("x", 1)])
    assert state_hash(a.conn, TOY.metadata) == state_hash(b.conn, TOY.metadata)


def test_idle_pool_is_bounded():
    db = make()
    replicas = [db.acquire() for _ in range(6)]
    for r in replicas:
        db.release(r)
    assert len(db._idle) == 4
