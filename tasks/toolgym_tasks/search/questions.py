"""Multi-hop questions (1 to 3 hops) composed along functional relations of the knowledge graph.

A :class:`PathTemplate` names a start kind, a relation path and the question's wording. Walking the
path from a start entity gives the answer and one *hop* per relation: the gold search query (the
subject's name plus the relation's keywords, as a searcher would write it), the intermediate answer
and the gold passages (every passage stating that fact). The reference trajectory searches each
gold query in turn, then answers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from toolgym_tasks.search.corpus import Encyclopedia
from toolgym_tasks.search.graph import Entity, KnowledgeGraph

#: Relation -> the gold query for it, as a pattern over the subject's name.
HOP_QUERIES: dict[str, str] = {
    "born_in": "where was {s} born",
    "birth_year": "when was {s} born",
    "employer": "{s} works for",
    "alma_mater": "where did {s} study",
    "spouse": "{s} married to",
    "founder": "who founded {s}",
    "founded_year": "when was {s} founded",
    "headquarters": "{s} headquarters",
    "country": "{s} city country",
    "mayor": "mayor of {s}",
    "river": "{s} river banks",
    "capital": "capital of {s}",
    "currency": "currency of {s}",
    "location": "where was the {s} held",
    "year": "when was the {s} held",
    "organizer": "who organized the {s}",
    "winner": "who won the {s}",
}

#: Relation -> how a reference thought names it ("I need the birthplace of ...").
RELATION_NOUNS: dict[str, str] = {
    "born_in": "birthplace", "birth_year": "birth year", "employer": "employer", "alma_mater": "university",
    "spouse": "spouse", "founder": "founder", "founded_year": "founding year", "headquarters": "headquarters",
    "country": "country", "mayor": "mayor", "river": "river", "capital": "capital", "currency": "currency",
    "location": "location", "year": "year", "organizer": "organizer", "winner": "winner",
}


@dataclass(frozen=True)
class PathTemplate:
    """A question along ``path`` from an entity of kind ``start``."""

    key: str
    start: str
    path: tuple[str, ...]
    question: str


T = PathTemplate
PATHS: tuple[PathTemplate, ...] = (
    T("person_birthplace", "person", ("born_in",), "In which city was {s} born?"),
    T("person_birth_year", "person", ("birth_year",), "In what year was {s} born?"),
    T("person_employer", "person", ("employer",), "Which organization does {s} work for?"),
    T("person_alma_mater", "person", ("alma_mater",), "At which university did {s} study?"),
    T("org_founder", "organization", ("founder",), "Who founded {s}?"),
    T("org_headquarters", "organization", ("headquarters",), "In which city is {s} headquartered?"),
    T("org_founded_year", "organization", ("founded_year",), "In what year was {s} founded?"),
    T("city_country", "city", ("country",), "In which country is the city of {s}?"),
    T("city_mayor", "city", ("mayor",), "Who is the mayor of {s}?"),
    T("city_river", "city", ("river",), "On the banks of which river was {s} founded?"),
    T("country_capital", "country", ("capital",), "What is the capital of {s}?"),
    T("country_currency", "country", ("currency",), "What is the currency of {s}?"),
    T("event_winner", "event", ("winner",), "Who won the {s}?"),
    T("event_organizer", "event", ("organizer",), "Which organization organized the {s}?"),
    T("event_year", "event", ("year",), "In what year was the {s} held?"),
    T("person_birth_country", "person", ("born_in", "country"), "In which country was {s} born?"),
    T("person_employer_founder", "person", ("employer", "founder"), "Who founded the organization that {s} works for?"),
    T("person_employer_hq", "person", ("employer", "headquarters"), "In which city is the employer of {s} headquartered?"),
    T("person_spouse_birthplace", "person", ("spouse", "born_in"), "In which city was the spouse of {s} born?"),
    T("person_university_year", "person", ("alma_mater", "founded_year"), "In what year was the university where {s} studied founded?"),
    T("org_founder_birthplace", "organization", ("founder", "born_in"), "In which city was the founder of {s} born?"),
    T("org_founder_birth_year", "organization", ("founder", "birth_year"), "In what year was the founder of {s} born?"),
    T("org_hq_country", "organization", ("headquarters", "country"), "In which country is {s} headquartered?"),
    T("org_hq_mayor", "organization", ("headquarters", "mayor"), "Who is the mayor of the city where {s} is headquartered?"),
    T("city_mayor_employer", "city", ("mayor", "employer"), "Which organization does the mayor of {s} work for?"),
    T("city_country_capital", "city", ("country", "capital"), "What is the capital of the country in which {s} lies?"),
    T("city_country_currency", "city", ("country", "currency"), "What currency is used in the country where {s} is located?"),
    T("country_capital_mayor", "country", ("capital", "mayor"), "Who is the mayor of the capital of {s}?"),
    T("event_country", "event", ("location", "country"), "In which country was the {s} held?"),
    T("event_winner_birthplace", "event", ("winner", "born_in"), "In which city was the winner of the {s} born?"),
    T("event_organizer_founder", "event", ("organizer", "founder"), "Who founded the organization that organized the {s}?"),
    T("person_birth_capital", "person", ("born_in", "country", "capital"), "What is the capital of the country where {s} was born?"),
    T("person_employer_founder_birthplace", "person", ("employer", "founder", "born_in"), "In which city was the founder of the organization that {s} works for born?"),
    T("person_employer_country", "person", ("employer", "headquarters", "country"), "In which country is the organization that {s} works for headquartered?"),
    T("org_founder_country", "organization", ("founder", "born_in", "country"), "In which country was the founder of {s} born?"),
    T("org_hq_currency", "organization", ("headquarters", "country", "currency"), "What currency is used in the country where {s} is headquartered?"),
    T("event_organizer_country", "event", ("organizer", "headquarters", "country"), "In which country is the organization that organized the {s} headquartered?"),
    T("event_winner_country", "event", ("winner", "born_in", "country"), "In which country was the winner of the {s} born?"),
    T("event_winner_employer_founder", "event", ("winner", "employer", "founder"), "Who founded the organization that the winner of the {s} works for?"),
)


@dataclass(frozen=True)
class Hop:
    """One step of a question: the gold query, the fact it looks up and where that fact is written."""

    query: str
    subject: str
    relation: str
    answer: str
    passages: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.query, "subject": self.subject, "relation": self.relation,
                "answer": self.answer, "passages": list(self.passages)}


@dataclass(frozen=True)
class Question:
    template: PathTemplate
    start: Entity
    text: str
    answer: str
    hops: tuple[Hop, ...]


def walk(graph: KnowledgeGraph, book: Encyclopedia, t: PathTemplate, start: Entity) -> Question | None:
    """The question ``t`` asked about ``start``, or None when a relation is missing on the way."""
    hops: list[Hop] = []
    node: Entity | Any = start
    for relation in t.path:
        if not isinstance(node, Entity):
            return None
        value = graph.value(node, relation)
        if value is None:
            return None
        passages = tuple(book.fact_passages.get((node.id, relation), ()))
        if not passages:
            raise ValueError(f"fact {(node.id, relation)} is stated in no passage")
        answer = value.name if isinstance(value, Entity) else str(value)
        hops.append(Hop(HOP_QUERIES[relation].format(s=node.name), node.name, relation, answer, passages))
        node = value
    return Question(t, start, t.question.format(s=start.name), hops[-1].answer, tuple(hops))


def generate_questions(graph: KnowledgeGraph, book: Encyclopedia, per_template: int, seed: int) -> list[Question]:
    """Up to ``per_template`` questions per path template, each from a distinct start entity."""
    rng = random.Random(seed)
    out: list[Question] = []
    for t in PATHS:
        pool = graph.kind(t.start)
        starts = rng.sample(pool, len(pool))
        made = 0
        for start in starts:
            if made >= per_template:
                break
            q = walk(graph, book, t, start)
            if q is not None:
                out.append(q)
                made += 1
    return out
