"""Retail domain data: the seeded database (``data/db.json``) and tasks (``data/tasks.jsonl``).

Both files are produced by :mod:`toolgym_tasks.retail.generator` (``python -m
toolgym_tasks.retail.generator`` rewrites them); see ``CARD.md``.
"""

from toolgym_tasks.domain_data import domain_loaders

load_db, load_tasks = domain_loaders("toolgym_tasks.retail")
