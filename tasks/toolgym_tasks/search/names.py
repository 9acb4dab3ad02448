"""Seeded fictional names for the encyclopedia: people, places, organizations, events.

Names are composed from syllables, checked unique across the whole graph (an answer string names one
entity only), and belong to nobody real, so no model can know the facts before searching.
"""

from __future__ import annotations

import random
from typing import Callable

_ONSETS = ["b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z",
           "br", "cr", "dr", "gl", "kr", "pl", "sk", "sl", "st", "th", "tr", "vr", "zh"]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "io", "oa", "ue", "y"]
_CODAS = ["", "", "", "n", "r", "l", "s", "sh", "m", "rn", "nt", "ck", "x"]


def pseudo_word(rng: random.Random, syllables: int) -> str:
    """A capitalized pronounceable pseudo-word."""
    body = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(syllables))
    return (body + rng.choice(_CODAS)).capitalize()


class NameRegistry:
    """Hands out names that are unique across every entity of one graph."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._used: set[str] = set()

    def claim(self, make: Callable[[], str]) -> str:
        """The first name ``make()`` returns that no entity has yet."""
        for _ in range(1000):
            name = make()
            if name.lower() not in self._used:
                self._used.add(name.lower())
                return name
        raise RuntimeError("could not find an unused name; the name space is exhausted")

    def person(self) -> str:
        r = self.rng
        return self.claim(lambda: f"{pseudo_word(r, 2)} {pseudo_word(r, r.randint(2, 3))}")

    def place(self) -> str:
        r = self.rng
        return self.claim(lambda: pseudo_word(r, r.randint(2, 3)))

    def titled(self, suffixes: list[str]) -> str:
        """A pseudo-word and one of ``suffixes``: organizations ("Vrenta Dynamics"), events ("Glaimor Accord")."""
        r = self.rng
        return self.claim(lambda: f"{pseudo_word(r, r.randint(2, 3))} {r.choice(suffixes)}")
