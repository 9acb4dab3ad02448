"""``python -m toolgym_tasks.search``: regenerate ``data/tasks.jsonl`` from the seeded knowledge graph."""

from toolgym.tasks import write_jsonl
from toolgym_tasks.search.dataset import DATA_FILE, generate_records

records = generate_records()
write_jsonl(records, DATA_FILE)
print(f"wrote {len(records)} tasks to {DATA_FILE}")
