"""Travel domain data: the seeded database (``data/db.json``) and tasks (``data/tasks.jsonl``).

Both files are produced by :mod:`toolgym_tasks.travel.generator` (``python -m
toolgym_tasks.travel.generator`` rewrites them); see ``CARD.md``.
"""

from toolgym_tasks.domain_data import domain_loaders

load_db, load_tasks = domain_loaders("toolgym_tasks.travel")
