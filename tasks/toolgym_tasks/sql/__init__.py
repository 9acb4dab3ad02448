"""Text2SQL data: three generated databases (retail, clinic, university) and 400+ questions with gold SQL.

See CARD.md (the dataset card). Databases are built from a seed on first use and cached under
``$TOOLGYM_CACHE`` (default ``~/.cache/toolgym``).
"""

from toolgym_tasks.sql.build import DATABASES, DEFAULT_SEED, build_database, cache_dir, database_path
from toolgym_tasks.sql.dataset import generate_records, load_tasks

__all__ = ["DATABASES", "DEFAULT_SEED", "build_database", "cache_dir", "database_path", "generate_records", "load_tasks"]
