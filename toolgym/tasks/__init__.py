"""Task records, the task JSON Schema, and task-set loading."""

from toolgym.tasks.loading import TaskSet, read_jsonl, write_jsonl
from toolgym.tasks.model import ReferenceCall, ReferenceTurn, Task, task_schema

__all__ = ["ReferenceCall", "ReferenceTurn", "Task", "TaskSet", "read_jsonl", "task_schema", "write_jsonl"]
