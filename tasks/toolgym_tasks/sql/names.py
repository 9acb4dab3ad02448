"""Seeded fictional names for the SQL databases (people, cities, companies, products).

Names are built from syllables, so they are pronounceable but belong to no real person or place:
a model cannot know the data from pre-training and must query it.
"""

from __future__ import annotations

import random

_ONSETS = ["b", "br", "d", "dr", "f", "g", "h", "j", "k", "kl", "l", "m", "n", "p", "pr", "r", "s", "st", "t", "tr", "v", "z"]
_VOWELS = ["a", "e", "i", "o", "u", "ae", "ia", "ou", "y"]
_CODAS = ["", "", "n", "r", "s", "l", "th", "x", "nd", "m"]


def word(rng: random.Random, syllables: int) -> str:
    """A capitalized pseudo-word of ``syllables`` syllables."""
    parts = [rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(syllables)]
    return ("".join(parts) + rng.choice(_CODAS)).capitalize()


class NameBook:
    """Draws names that are unique within one book (one database)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._used: set[str] = set()

    def _unique(self, make) -> str:  # type: ignore[no-untyped-def]
        for _ in range(10_000):
            name = make()
            if name not in self._used:
                self._used.add(name)
                return name
        raise RuntimeError("name space exhausted")

    def person(self) -> str:
        return self._unique(lambda: f"{word(self.rng, self.rng.randint(1, 2))} {word(self.rng, self.rng.randint(2, 3))}")

    def place(self) -> str:
        return self._unique(lambda: word(self.rng, self.rng.randint(2, 3)))

    def thing(self, suffixes: list[str]) -> str:
        return self._unique(lambda: f"{word(self.rng, 2)} {self.rng.choice(suffixes)}")
