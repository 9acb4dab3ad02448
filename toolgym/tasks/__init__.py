"""Task records, the task JSON Schema, and task-set loading (shipped JSONL and the user's own data)."""

from toolgym.tasks.loading import TaskSet, read_jsonl, write_jsonl
from toolgym.tasks.model import ReferenceCall, ReferenceTurn, Task, record_errors, task_schema
from toolgym.tasks.sources import load_tasks

__all__ = ["ReferenceCall", "ReferenceTurn", "Task", "TaskSet", "load_tasks", "read_jsonl", "record_errors", "task_schema", "write_jsonl"]
