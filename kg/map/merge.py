"""Cross-document merging: one node per real person and per real meeting.

Runs after every document has been extracted on its own. People linked to the reference data
already share its IRIs; unlisted people merge by name. Meetings reported by several documents
(the same participants, dates at most a day apart: two governments in two time zones) become one
node derived from all of them.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date

from rdflib import URIRef

from kg.extract.model import DocExtraction, Meeting, Person
from kg.model import Document
from kg.namespaces import meeting_iri, person_iri

MeetingRef = tuple[int, int]  # (document index, meeting index)


@dataclass
class MeetingNode:
    iri: URIRef
    members: list[MeetingRef] = field(default_factory=list)
    date: date | None = None
    planned: bool = False
    kind: str = "Meeting"


@dataclass
class Identities:
    """The IRIs that merging gave to every person and meeting of every document."""

    persons: dict[str, URIRef] = field(default_factory=dict)  # person key -> IRI
    meetings: dict[MeetingRef, MeetingNode] = field(default_factory=dict)

    def person(self, key: str) -> URIRef:
        return self.persons[key]


def person_identities(extractions: list[DocExtraction]) -> dict[str, URIRef]:
    persons = [p for x in extractions for p in x.persons]
    full_names: dict[tuple[str, str | None], set[str]] = defaultdict(set)
    for p in persons:
        if not p.ref_iri and p.given and p.family:
            full_names[(p.family.lower(), p.country)].add(p.key)
    result: dict[str, URIRef] = {}
    for p in persons:
        result[p.key] = _person_iri(p, full_names)
    return result


def _person_iri(p: Person, full_names: dict[tuple[str, str | None], set[str]]) -> URIRef:
    if p.ref_iri:
        return URIRef(p.ref_iri)
    if not p.given and p.family:
        same = full_names.get((p.family.lower(), p.country), set())
        if len(same) == 1:
            return person_iri(next(iter(same)).removeprefix("new:"))
    return person_iri(p.key.removeprefix("new:"))


def meeting_identities(
    extractions: list[DocExtraction], persons: dict[str, URIRef]
) -> dict[MeetingRef, MeetingNode]:
    refs: list[MeetingRef] = [(d, m) for d, x in enumerate(extractions) for m in range(len(x.meetings))]
    parent = {ref: ref for ref in refs}

    def find(ref: MeetingRef) -> MeetingRef:
        while parent[ref] != ref:
            parent[ref] = parent[parent[ref]]
            ref = parent[ref]
        return ref

    dated = [r for r in refs if _meeting(extractions, r).date is not None]
    by_people: dict[frozenset[str], list[MeetingRef]] = defaultdict(list)
    for ref in dated:
        by_people[_people(extractions, ref, persons)].append(ref)
    for group in by_people.values():
        group.sort(key=lambda r: _meeting(extractions, r).date)  # type: ignore[arg-type,return-value]
        for a, b in itertools.pairwise(group):
            if _same_meeting(_meeting(extractions, a), _meeting(extractions, b)):
                parent[find(b)] = find(a)
    clusters: dict[MeetingRef, list[MeetingRef]] = defaultdict(list)
    for ref in refs:
        clusters[find(ref)].append(ref)
    nodes: dict[MeetingRef, MeetingNode] = {}
    built = [_node(extractions, members, persons) for members in clusters.values()]
    for node in _distinct_iris(built, extractions, persons):
        for ref in node.members:
            nodes[ref] = node
    return nodes


def _distinct_iris(
    nodes: list[MeetingNode], extractions: list[DocExtraction], persons: dict[str, URIRef]
) -> list[MeetingNode]:
    """Two meetings of the same people on the same day that did not merge (a call and a planned
    visit, a bilateral and a 2+2) would share an IRI minted from people and date: such meetings
    get their kind and status in the key as well, so that each keeps a node of its own."""
    by_iri: dict[URIRef, list[MeetingNode]] = defaultdict(list)
    for node in nodes:
        by_iri[node.iri].append(node)
    for same in by_iri.values():
        if len(same) < 2:
            continue
        for node in same:
            people = "|".join(sorted(_people(extractions, node.members[0], persons)))
            status = "planned" if node.planned else "held"
            assert node.date is not None  # undated meetings' keys hold their document and position
            node.iri = meeting_iri(f"{node.date.isoformat()}|{people}|{node.kind}|{status}")
    return nodes


def _meeting(extractions: list[DocExtraction], ref: MeetingRef) -> Meeting:
    return extractions[ref[0]].meetings[ref[1]]


def _people(extractions: list[DocExtraction], ref: MeetingRef, persons: dict[str, URIRef]) -> frozenset[str]:
    return frozenset(str(persons[k]) for k in _meeting(extractions, ref).participants)


def _same_meeting(a: Meeting, b: Meeting) -> bool:
    assert a.date is not None and b.date is not None
    kinds_agree = a.kind == b.kind or "Meeting" in (a.kind, b.kind)
    return kinds_agree and abs((a.date - b.date).days) <= 1 and a.planned == b.planned


def _node(
    extractions: list[DocExtraction], members: list[MeetingRef], persons: dict[str, URIRef]
) -> MeetingNode:
    meetings = [_meeting(extractions, r) for r in members]
    people = "|".join(sorted(_people(extractions, members[0], persons)))
    dates = Counter(m.date for m in meetings if m.date)
    chosen = min(dates, key=lambda d: (-dates[d], d)) if dates else None
    if chosen is not None:
        key = f"{chosen.isoformat()}|{people}"
    else:
        first = members[0]
        key = f"{extractions[first[0]].sha256}|{first[1]}|{meetings[0].kind}|{people}"
    kinds = [m.kind for m in meetings if m.kind != "Meeting"]
    return MeetingNode(
        meeting_iri(key),
        list(members),
        chosen,
        all(m.planned for m in meetings),
        kinds[0] if kinds else "Meeting",
    )


def identities(extractions: list[DocExtraction]) -> Identities:
    persons = person_identities(extractions)
    return Identities(persons, meeting_identities(extractions, persons))


def merge_view(x: DocExtraction) -> DocExtraction:
    """What merging, naming and counting read of an extraction: people and meetings without their
    passages, no text. The main process of a large build holds one of these per document."""
    document = Document(identifier=x.document.identifier, text="")
    persons = [replace(p, mentions=[]) for p in x.persons]
    meetings = [
        Meeting(kind=m.kind, participants=list(m.participants), planned=m.planned, date=m.date, name=m.name)
        for m in x.meetings
    ]
    return DocExtraction(document, x.sha256, persons, meetings, list(x.notes), dict(x.seconds))
