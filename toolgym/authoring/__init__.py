"""Tools for task and env authors: task-file checks (``toolgym task ...``) and ``toolgym env new``."""

from toolgym.authoring.scaffold import ScaffoldError, new_family
from toolgym.authoring.tasks import file_stats, replay_file, validate_file

__all__ = ["ScaffoldError", "file_stats", "new_family", "replay_file", "validate_file"]
