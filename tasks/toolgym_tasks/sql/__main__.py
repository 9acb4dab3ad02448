"""``python -m toolgym_tasks.sql``: regenerate ``data/tasks.jsonl`` from the seeded databases."""

from toolgym.tasks import write_jsonl
from toolgym_tasks.sql.dataset import DATA_FILE, generate_records

records = generate_records()
write_jsonl(records, DATA_FILE)
print(f"wrote {len(records)} tasks to {DATA_FILE}")
