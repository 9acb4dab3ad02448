"""``python -m toolgym_tasks.sql``: regenerate ``data/tasks.jsonl`` from the seeded databases."""

from toolgym_tasks.sql.dataset import DATA_FILE, generate_records, write_records

records = generate_records()
write_records(records)
print(f"wrote {len(records)} tasks to {DATA_FILE}")
