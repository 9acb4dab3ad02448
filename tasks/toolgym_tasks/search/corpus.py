"""Write the encyclopedia: passages about every entity of the knowledge graph, with fact provenance.

Each entity gets one or two passages (an overview and a second, "career"/"civic life"/"history"
passage). Every sentence is written from graph facts, and the generator records which
``(subject id, relation)`` facts each passage states, so a question's gold passages are exactly the
passages that state the facts it needs. Wording varies (seeded) so that passages are not one template.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from toolgym.search.corpus import Passage
from toolgym_tasks.search.graph import ORG_TYPES, Entity, KnowledgeGraph

Fact = tuple[str, str]


@dataclass
class Encyclopedia:
    """The passages and, for each fact, the ids of the passages that state it."""

    passages: list[Passage]
    fact_passages: dict[Fact, list[str]]


class _Writer:
    """Collects sentences and their facts for one passage at a time."""

    def __init__(self, graph: KnowledgeGraph, rng: random.Random) -> None:
        self.g = graph
        self.rng = rng
        self.passages: list[Passage] = []
        self.fact_passages: dict[Fact, list[str]] = {}

    def name(self, ent: Entity, relation: str) -> str:
        return self.g.get(ent.links[relation]).name

    def emit(self, ent: Entity, part: int, sentences: list[tuple[str, list[Fact]]]) -> None:
        if not sentences:
            return
        pid = f"{ent.id}-{part}"
        self.passages.append(Passage(id=pid, title=ent.name, text=" ".join(s for s, _ in sentences)))
        for _, facts in sentences:
            for fact in facts:
                ids = self.fact_passages.setdefault(fact, [])
                if pid not in ids:
                    ids.append(pid)

    def pick(self, *variants: str) -> str:
        return self.rng.choice(variants)


def _person(w: _Writer, p: Entity, founded: list[Entity], mayor_of: list[Entity], won: list[Entity]) -> None:
    n, year, city = p.name, p.attrs["birth_year"], w.name(p, "born_in")
    first = [(w.pick(f"{n} was born in {year} in {city}.", f"{n} was born in {city} in {year}."),
              [(p.id, "born_in"), (p.id, "birth_year")])]
    if "alma_mater" in p.links:
        first.append((w.pick(f"{n} studied at {w.name(p, 'alma_mater')}.", f"As a young adult, {n} studied at {w.name(p, 'alma_mater')}."),
                      [(p.id, "alma_mater")]))
    first.append((f"{n} became a {p.attrs['occupation']}.", []))
    w.emit(p, 0, first)
    second = [(w.pick(f"{n} works as a {p.attrs['occupation']} for {w.name(p, 'employer')}.",
                      f"{n} is a {p.attrs['occupation']} who works for {w.name(p, 'employer')}."),
               [(p.id, "employer")])]
    if "spouse" in p.links:
        second.append((f"{n} is married to {w.name(p, 'spouse')}.", [(p.id, "spouse")]))
    for org in founded:
        second.append((f"In {org.attrs['founded_year']}, {n} founded {org.name}.",
                       [(org.id, "founder"), (org.id, "founded_year")]))
    for city_ent in mayor_of:
        second.append((f"{n} serves as the mayor of {city_ent.name}.", [(city_ent.id, "mayor")]))
    for event in won:
        second.append((f"{n} won the {event.name}.", [(event.id, "winner")]))
    w.emit(p, 1, second)


def _organization(w: _Writer, o: Entity, events: list[Entity]) -> None:
    n, kind = o.name, o.attrs["org_type"]
    head_title = ORG_TYPES[kind][1]
    first = [
        (w.pick(f"{n} is a {kind} founded in {o.attrs['founded_year']} by {w.name(o, 'founder')}.",
                f"{n} is a {kind} that {w.name(o, 'founder')} founded in {o.attrs['founded_year']}."),
         [(o.id, "founder"), (o.id, "founded_year")]),
        (w.pick(f"It is headquartered in {w.name(o, 'headquarters')}.", f"Its headquarters are in {w.name(o, 'headquarters')}."),
         [(o.id, "headquarters")]),
    ]
    w.emit(o, 0, first)
    second = [(f"The {head_title} of {n} is {w.name(o, 'leader')}.", [(o.id, "leader")])]
    for event in events:
        second.append((f"{n} organized the {event.name}.", [(event.id, "organizer")]))
    w.emit(o, 1, second)


def _city(w: _Writer, c: Entity, hosted: list[Entity], headquartered: list[Entity]) -> None:
    n = c.name
    first = [
        (w.pick(f"{n} is a city in {w.name(c, 'country')}.", f"{n} is a city located in the country of {w.name(c, 'country')}."),
         [(c.id, "country")]),
        (f"It was founded in {c.attrs['founded_year']} on the banks of the {c.attrs['river']} and has about {c.attrs['population']:,} inhabitants.",
         [(c.id, "founded_year"), (c.id, "river")]),
    ]
    w.emit(c, 0, first)
    second = [(w.pick(f"The mayor of {n} is {w.name(c, 'mayor')}.", f"{n} is governed by its mayor, {w.name(c, 'mayor')}."),
               [(c.id, "mayor")])]
    for org in headquartered[:4]:
        second.append((f"{org.name} is headquartered in {n}.", [(org.id, "headquarters")]))
    for event in hosted[:3]:
        second.append((f"The {event.name} was held in {n}.", [(event.id, "location")]))
    w.emit(c, 1, second)


def _country(w: _Writer, k: Entity, cities: list[Entity]) -> None:
    n = k.name
    w.emit(k, 0, [
        (f"{n} is a country in {k.attrs['continent']}.", []),
        (f"The capital of {n} is {w.name(k, 'capital')}.", [(k.id, "capital")]),
        (f"The currency of {n} is the {k.attrs['currency']}.", [(k.id, "currency")]),
    ])
    listed = sorted(cities, key=lambda c: -c.attrs["population"])[:5]
    w.emit(k, 1, [(f"Cities of {n} include " + ", ".join(c.name for c in listed) + ".",
                   [(c.id, "country") for c in listed])])


def _event(w: _Writer, e: Entity) -> None:
    n = e.name
    w.emit(e, 0, [
        (f"The {n} was a {e.attrs['event_type']} held in {w.name(e, 'location')} in {e.attrs['year']}.",
         [(e.id, "location"), (e.id, "year")]),
        (f"It was organized by {w.name(e, 'organizer')}.", [(e.id, "organizer")]),
        (w.pick(f"It was won by {w.name(e, 'winner')}.", f"{w.name(e, 'winner')} won the {n}."), [(e.id, "winner")]),
    ])


def write_encyclopedia(graph: KnowledgeGraph, seed: int = 0) -> Encyclopedia:
    """Every passage of the encyclopedia for ``graph`` (deterministic for a seed)."""
    w = _Writer(graph, random.Random(seed))
    reverse: dict[tuple[str, str], list[Entity]] = {}
    for ent in graph.entities.values():
        for rel, target in ent.links.items():
            reverse.setdefault((target, rel), []).append(ent)
    rev = lambda eid, rel: reverse.get((eid, rel), [])  # noqa: E731
    for c in graph.kind("country"):
        _country(w, c, rev(c.id, "country"))
    for c in graph.kind("city"):
        _city(w, c, rev(c.id, "location"), rev(c.id, "headquarters"))
    for o in graph.kind("organization"):
        _organization(w, o, rev(o.id, "organizer"))
    for p in graph.kind("person"):
        _person(w, p, rev(p.id, "founder"), rev(p.id, "mayor"), rev(p.id, "winner"))
    for e in graph.kind("event"):
        _event(w, e)
    return Encyclopedia(w.passages, w.fact_passages)
