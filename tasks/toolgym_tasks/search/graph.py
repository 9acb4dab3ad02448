"""The seeded knowledge graph behind the fictional encyclopedia.

Entities are countries, cities, organizations, people and events. Every relation used by questions
is functional (one value per subject: a person has one birthplace, one employer), so every question
composed along relations has exactly one answer. Facts are drawn in dependency order, and
consistency rules hold by construction: a capital lies in its country, a founder was an adult when
founding, an organization's leader works for it, an event took place after its organizer existed.

``scale`` multiplies every entity count, so the same generator makes a 6k-passage corpus (scale 1)
or a 100k-passage one (scale 16) for benchmarks.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from toolgym_tasks.search.names import NameRegistry, pseudo_word

#: Organization type -> (name suffixes, what its head is called, occupation of its staff).
ORG_TYPES: dict[str, tuple[list[str], str, list[str]]] = {
    "company": (["Dynamics", "Industries", "Holdings", "Works", "Systems", "Foods", "Motors", "Textiles"],
                "chief executive", ["engineer", "accountant", "designer", "chemist", "sales manager"]),
    "university": (["University", "Polytechnic", "College"], "rector", ["professor", "lecturer", "researcher"]),
    "orchestra": (["Philharmonic", "Orchestra", "Ensemble"], "principal conductor", ["violinist", "cellist", "composer"]),
    "newspaper": (["Herald", "Gazette", "Chronicle", "Courier"], "editor-in-chief", ["journalist", "editor", "photographer"]),
    "sports club": (["Rovers", "Athletic", "United", "Wanderers"], "club president", ["footballer", "coach", "physiotherapist"]),
    "research institute": (["Institute", "Laboratory", "Observatory"], "director", ["physicist", "biologist", "astronomer"]),
}
#: Event type -> (name suffixes, verb phrase for the person who won or led it).
EVENT_TYPES: dict[str, list[str]] = {
    "chess tournament": ["Chess Open", "Chess Cup"],
    "music competition": ["Music Prize", "Song Contest"],
    "marathon": ["Marathon", "Road Race"],
    "science prize": ["Science Medal", "Prize for Discovery"],
    "film festival": ["Film Festival", "Screen Awards"],
}
CONTINENT_COUNT = 5
CURRENCY_UNITS = ["crown", "mark", "florin", "taler", "shilling", "real", "drachma"]


@dataclass
class Entity:
    """One node: ``attrs`` holds literal facts (years, names), ``links`` holds relations to entity ids."""

    id: str
    kind: str
    name: str
    attrs: dict[str, Any] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)


@dataclass
class KnowledgeGraph:
    """All entities by id, with per-kind id lists in creation order."""

    entities: dict[str, Entity]
    by_kind: dict[str, list[str]]

    def get(self, entity_id: str) -> Entity:
        return self.entities[entity_id]

    def kind(self, kind: str) -> list[Entity]:
        return [self.entities[i] for i in self.by_kind.get(kind, [])]

    def value(self, entity: Entity, relation: str) -> Entity | Any | None:
        """The object of ``relation``: an :class:`Entity` for links, a literal for attributes."""
        if relation in entity.links:
            return self.entities[entity.links[relation]]
        return entity.attrs.get(relation)


def generate_graph(seed: int = 0, scale: float = 1.0) -> KnowledgeGraph:
    """The knowledge graph for ``seed`` at ``scale`` (entity counts grow linearly with it)."""
    rng = random.Random(seed)
    names = NameRegistry(rng)
    ents: dict[str, Entity] = {}
    by_kind: dict[str, list[str]] = {}

    def add(kind: str, name: str, **attrs: Any) -> Entity:
        eid = f"{kind[:3]}{len(by_kind.get(kind, [])):06d}"
        ent = Entity(eid, kind, name, attrs)
        ents[eid] = ent
        by_kind.setdefault(kind, []).append(eid)
        return ent

    n = lambda base: max(int(round(base * scale)), 1)  # noqa: E731
    continents = [f"{pseudo_word(rng, 2)}ia" for _ in range(CONTINENT_COUNT)]
    countries = [
        add("country", names.place(), continent=rng.choice(continents),
            currency=f"{pseudo_word(rng, 2).lower()} {rng.choice(CURRENCY_UNITS)}")
        for _ in range(n(30))
    ]
    cities = []
    for i in range(n(300)):
        city = add("city", names.place(), founded_year=rng.randint(850, 1850), population=rng.randint(8, 2400) * 1000,
                   river=f"{names.place()} River")
        country = countries[i] if i < len(countries) else rng.choice(countries)
        city.links["country"] = country.id
        cities.append(city)
    for country in countries:
        own = [c for c in cities if c.links["country"] == country.id]
        country.links["capital"] = max(own, key=lambda c: c.attrs["population"]).id

    people = []
    for _ in range(n(2200)):
        person = add("person", names.person(), birth_year=rng.randint(1905, 1998))
        person.links["born_in"] = rng.choice(cities).id
        people.append(person)
    founders = [p for p in people if p.attrs["birth_year"] <= 1975]
    orgs = []
    for _ in range(n(500)):
        org_type = rng.choice(list(ORG_TYPES))
        founder = rng.choice(founders)
        org = add("organization", names.titled(ORG_TYPES[org_type][0]), org_type=org_type,
                  founded_year=min(founder.attrs["birth_year"] + rng.randint(25, 45), 2020))
        org.links["founder"] = founder.id
        org.links["headquarters"] = rng.choice(cities).id
        orgs.append(org)
    universities = [o for o in orgs if o.attrs["org_type"] == "university"]
    for person in people:
        employer = rng.choice(orgs)
        person.links["employer"] = employer.id
        person.attrs["occupation"] = rng.choice(ORG_TYPES[employer.attrs["org_type"]][2])
        if universities and rng.random() < 0.8:
            person.links["alma_mater"] = rng.choice(universities).id
    singles = people[:]
    rng.shuffle(singles)
    for a, b in zip(singles[0 : len(singles) // 2 : 2], singles[1 : len(singles) // 2 : 2]):
        a.links["spouse"], b.links["spouse"] = b.id, a.id
    staff: dict[str, list[Entity]] = {}
    for person in people:
        staff.setdefault(person.links["employer"], []).append(person)
    for org in orgs:  # every organization gets at least one employee, moved from the largest staff
        if org.id not in staff:
            donor = max(staff, key=lambda k: len(staff[k]))
            person = staff[donor].pop()
            person.links["employer"] = org.id
            person.attrs["occupation"] = rng.choice(ORG_TYPES[org.attrs["org_type"]][2])
            staff[org.id] = [person]
    for org in orgs:
        org.links["leader"] = rng.choice(staff[org.id]).id
    natives: dict[str, list[Entity]] = {}
    for person in people:
        natives.setdefault(person.links["born_in"], []).append(person)
    for city in cities:
        city.links["mayor"] = rng.choice(natives.get(city.id) or people).id
    for _ in range(n(400)):
        event_type = rng.choice(list(EVENT_TYPES))
        organizer = rng.choice(orgs)
        event = add("event", names.titled(EVENT_TYPES[event_type]), event_type=event_type,
                    year=rng.randint(max(organizer.attrs["founded_year"] + 1, 1950), 2023))
        event.links["organizer"] = organizer.id
        event.links["location"] = rng.choice(cities).id
        event.links["winner"] = rng.choice([p for p in rng.sample(people, 8) if p.attrs["birth_year"] < event.attrs["year"] - 15] or people).id
    return KnowledgeGraph(ents, by_kind)
