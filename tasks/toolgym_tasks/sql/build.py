"""Build the Text2SQL databases on first use and cache them as DuckDB files.

``database_path("retail")`` returns the path of the retail database for the default seed, building
it when the cache has no copy. The cache directory is ``$TOOLGYM_CACHE`` or ``~/.cache/toolgym``;
files are named by database, schema version and seed, written to a temporary name and renamed into
place, so concurrent builders (test workers, env pools) never see a half-written file. Nothing
binary is committed: the seed and the generator are the database.
"""

from __future__ import annotations

import os
import random
import tempfile
from functools import lru_cache
from pathlib import Path

from toolgym.cache import cache_dir
from toolgym_tasks.sql.generator import GENERATORS
from toolgym_tasks.sql.schemas import SCHEMAS

#: Bump when the schema or the generator changes, so stale caches are not reused.
DATA_VERSION = 1
DEFAULT_SEED = 2024
DATABASES = tuple(SCHEMAS)


def _db_seed(name: str, seed: int) -> int:
    """A per-database seed, so the databases are independent draws."""
    return seed * 1000 + DATABASES.index(name)


def build_database(name: str, path: str | Path, seed: int = DEFAULT_SEED) -> Path:
    """Generate database ``name`` from ``seed`` and write it to ``path`` (replacing it atomically)."""
    import duckdb

    if name not in SCHEMAS:
        raise ValueError(f"unknown database {name!r}; known: {list(SCHEMAS)}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = GENERATORS[name](random.Random(_db_seed(name, seed)))
    fd, tmp = tempfile.mkstemp(prefix=f".{name}-", suffix=".duckdb", dir=path.parent)
    os.close(fd)
    os.unlink(tmp)  # DuckDB wants to create the file itself
    try:
        con = duckdb.connect(tmp)
        try:
            con.execute(SCHEMAS[name])
            for table, data in rows.items():
                if not data:
                    continue
                columns = [list(c) for c in zip(*data)]
                selects = ", ".join(f"unnest(${i + 1})" for i in range(len(columns)))
                con.execute(f"INSERT INTO {table} SELECT {selects}", columns)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, path)
    finally:
        for leftover in (tmp, tmp + ".wal"):
            if os.path.exists(leftover):
                os.unlink(leftover)
    return path


@lru_cache(maxsize=None)
def database_path(name: str, seed: int = DEFAULT_SEED) -> Path:
    """The cached database file for ``name`` and ``seed``, built on first use (once per process)."""
    if name not in SCHEMAS:
        raise ValueError(f"unknown database {name!r}; known: {list(SCHEMAS)}")
    path = cache_dir() / "sql" / f"{name}-v{DATA_VERSION}-seed{seed}.duckdb"
    if not path.is_file():
        build_database(name, path, seed)
    return path
