"""``python -m toolgym_tasks.search``: regenerate ``data/tasks.jsonl`` from the seeded knowledge graph."""

from toolgym_tasks.search.dataset import DATA_FILE, generate_records, write_records

records = generate_records()
write_records(records)
print(f"wrote {len(records)} tasks to {DATA_FILE}")
