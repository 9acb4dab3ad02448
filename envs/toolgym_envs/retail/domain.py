"""The retail domain: schema (:mod:`.models`), tools (:mod:`.tools`), policy (``policy.md``), data.

Seed rows and tasks are generated and shipped by :mod:`toolgym_tasks.retail`.
"""

from __future__ import annotations

from importlib import resources

from toolgym.apis.domain import Domain
from toolgym_envs.retail.models import Base
from toolgym_envs.retail.tools import TOOLS
from toolgym_tasks.retail import load_db, load_tasks

POLICY = resources.files("toolgym_envs.retail").joinpath("policy.md").read_text("utf-8")

DOMAIN = Domain(name="retail", metadata=Base.metadata, functions=TOOLS, policy=POLICY, seed=load_db, tasks=load_tasks)
