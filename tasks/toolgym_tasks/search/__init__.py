"""SearchQA data: a generated fictional encyclopedia (one seeded knowledge graph) and multi-hop questions.

See CARD.md (the dataset card).
"""

from toolgym_tasks.search.dataset import (
    DEFAULT_SEED,
    bm25_index,
    cache_dir,
    encyclopedia,
    generate_records,
    knowledge_graph,
    load_tasks,
)

__all__ = ["DEFAULT_SEED", "bm25_index", "cache_dir", "encyclopedia", "generate_records", "knowledge_graph", "load_tasks"]
