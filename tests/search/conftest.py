"""A small hand-written corpus for the retriever tests."""

from __future__ import annotations

import pytest

from toolgym.search.corpus import Passage

TEXTS = [
    ("p0", "Kestrel Dynamics", "Kestrel Dynamics is a company founded in 1961 by Marlo Venn. It is headquartered in Oskar."),
    ("p1", "Marlo Venn", "Marlo Venn was born in 1922 in Brisk. Marlo Venn studied at Tall University."),
    ("p2", "Brisk", "Brisk is a city in Norland. It lies on the banks of the Sel River."),
    ("p3", "Oskar", "Oskar is a city in Vetia. The mayor of Oskar is Ila Prent."),
    ("p4", "Norland", "Norland is a country. The capital of Norland is Brisk and its currency is the norland crown."),
    ("p5", "Ila Prent", "Ila Prent serves as the mayor of Oskar. Ila Prent works for Kestrel Dynamics."),
]


@pytest.fixture
def passages() -> list[Passage]:
    return [Passage(i, t, x) for i, t, x in TEXTS]
