"""A graph shaped like `kg build`'s output, written straight from the corpus's meeting specs.

It stands in for a built graph when the build is not available (or too slow for the size asked),
so that the store, query and validation measurements still run: same IRIs, classes and
properties as docs/ARCHITECTURE.md, one meeting per document, written as N-Triples lines (valid
Turtle) at a few seconds per 100k documents.

    python -m bench.synthgraph OUT.ttl N [--seed 7]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
from collections.abc import Iterator
from pathlib import Path

from bench.generate import MeetingSpec, Person, load_vocabulary, spec_for
from kg.namespaces import (
    DCTERMS,
    ID,
    OA,
    PROV,
    RDO,
    SCHEMA,
    article_iri,
    country_iri,
    document_iri,
    evidence_iri,
    issue_iri,
    meeting_iri,
    person_iri,
    slug,
)

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD = "http://www.w3.org/2001/XMLSchema#"
KIND_CLASS = {
    "telephone": "TelephoneTalk",
    "video": "VideoConference",
    "meeting": "Meeting",
    "twoplustwo": "TwoPlusTwo",
    "conference": "Conference",
    "planned": "Meeting",
}
TREATY_KEYS = {
    "JP-US": "japan-us-security",
    "NATO": "north-atlantic",
    "US-PH": "us-philippines-mdt",
    "US-KR": "us-rok-mdt",
    "US-AU": "anzus",
}
ISSUES = (
    "north-korea-missiles",
    "east-china-sea",
    "south-china-sea",
    "senkaku-islands",
    "russia-ukraine",
    "extended-deterrence",
    "rules-based-order",
    "taiwan-strait",
    "cyber",
    "joint-exercises",
)


def iri(term: object) -> str:
    return f"<{term}>"


def text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def typed(value: str, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


def person_node(person: Person) -> str:
    return iri(person_iri(f"{person.given} {person.family}"))


def person_triples(person: Person, document: str) -> Iterator[str]:
    node = person_node(person)
    yield f"{node} <{RDF_TYPE}> <{RDO.Official}> ."
    yield f"{node} <{RDFS_LABEL}> {text(f'{person.given} {person.family}')} ."
    yield f"{node} <{SCHEMA.givenName}> {text(person.given)} ."
    yield f"{node} <{SCHEMA.familyName}> {text(person.family)} ."
    yield f"{node} <{RDO.country}> {iri(country_iri(person.country))} ."
    yield f"{node} <{RDO.memberOf}> {iri(ID[f'ministry/{person.country.lower()}-{person.post}'])} ."
    yield f"{node} <{RDO.title}> {text(person.title or person.post.title() + ' Minister')} ."
    yield f"{node} <{PROV.wasDerivedFrom}> {document} ."


def treaty_key(spec: MeetingSpec, nato: set[str]) -> str | None:
    pair = {spec.a, spec.b}
    for key, treaty in TREATY_KEYS.items():
        if key != "NATO" and set(key.split("-")) == pair:
            return treaty
    return TREATY_KEYS["NATO"] if pair <= nato else None


def document_triples(
    index: int, seed: int, spec: MeetingSpec, rng: random.Random, nato: set[str]
) -> Iterator[str]:
    sha = hashlib.sha256(f"{seed}-{index}".encode()).hexdigest()
    document = iri(document_iri(sha))
    name = f"doc-{index:06d}.txt"
    yield f"{document} <{RDF_TYPE}> <{RDO.Document}> ."
    yield f"{document} <{DCTERMS.identifier}> {text(name)} ."
    yield f"{document} <{RDFS_LABEL}> {text(name)} ."
    yield f"{document} <{DCTERMS.issued}> {typed(spec.published.isoformat(), 'date')} ."
    yield f"{document} <{RDO.sha256}> {text(sha)} ."
    if spec.kind == "statement":
        return
    people = spec.people if spec.kind in ("twoplustwo", "conference") else spec.people[:2]
    key = "|".join(sorted(f"{p.given} {p.family}" for p in people)) + f"|{spec.day.isoformat()}"
    meeting = meeting_iri(key)
    node = iri(meeting)
    start = rng.randint(0, 2000)
    evidence = iri(evidence_iri(sha, start, start + 180))
    names = " and ".join(f"{p.given} {p.family}" for p in people)
    yield f"{node} <{RDF_TYPE}> <{RDO[KIND_CLASS[spec.kind]]}> ."
    yield f"{node} <{RDFS_LABEL}> {text(f'Meeting of {names}, {spec.day.isoformat()}')} ."
    yield f"{node} <{RDO.date}> {typed(spec.day.isoformat(), 'date')} ."
    yield f"{node} <{RDO.dateText}> {text('on ' + spec.day.strftime('%d %B'))} ."
    yield f"{node} <{RDO.status}> <{RDO.Planned if spec.kind == 'planned' else RDO.Held}> ."
    yield f"{node} <{RDO.evidence}> {evidence} ."
    yield f"{node} <{PROV.wasDerivedFrom}> {document} ."
    for issue in rng.sample(ISSUES, rng.randint(2, 4)):
        yield f"{node} <{RDO.discusses}> {iri(issue_iri(issue))} ."
    for person in people:
        participation = iri(f"{meeting}/participation/{slug(person.given + ' ' + person.family)}")
        yield f"{node} <{RDO.participant}> {person_node(person)} ."
        yield f"{node} <{RDO.hasParticipation}> {participation} ."
        yield f"{participation} <{RDF_TYPE}> <{RDO.Participation}> ."
        yield f"{participation} <{RDO.agent}> {person_node(person)} ."
        yield f"{participation} <{RDO.evidence}> {evidence} ."
        yield f"{participation} <{PROV.wasDerivedFrom}> {document} ."
        yield from person_triples(person, document)
    treaty = treaty_key(spec, nato)
    if treaty and rng.random() < 0.35:
        article = iri(article_iri(treaty, 5 if treaty in ("japan-us-security", "north-atlantic") else 4))
        reaffirmation = iri(f"{meeting}/reaffirmation/{treaty}-5")
        yield f"{node} <{RDO.reaffirms}> {article} ."
        yield f"{reaffirmation} <{RDF_TYPE}> <{RDO.Reaffirmation}> ."
        yield f"{reaffirmation} <{RDO.meeting}> {node} ."
        yield f"{reaffirmation} <{RDO.article}> {article} ."
        yield f"{reaffirmation} <{RDO.stance}> <{RDO.Reaffirmed}> ."
        yield f"{reaffirmation} <{RDO.evidence}> {evidence} ."
        yield f"{reaffirmation} <{PROV.wasDerivedFrom}> {document} ."
    yield f"{evidence} <{RDF_TYPE}> <{RDO.Evidence}> ."
    yield f"{evidence} <{RDO.quote}> {text(f'{names} met.')} ."
    yield f"{evidence} <{OA.hasSource}> {document} ."
    yield f"{evidence} <{PROV.wasDerivedFrom}> {document} ."


def reference_triples() -> Iterator[str]:
    """The treaty articles the meetings reaffirm, as the reference data would give them."""
    for key in TREATY_KEYS.values():
        treaty = iri(ID[f"treaty/{key}"])
        yield f"{treaty} <{RDF_TYPE}> <{RDO.Treaty}> ."
        yield f"{treaty} <{RDFS_LABEL}> {text(key)} ."
        yield f"{treaty} <{RDO.treatyKey}> {text(key)} ."
        for number in (4, 5):
            article = iri(article_iri(key, number))
            yield f"{article} <{RDF_TYPE}> <{RDO.TreatyArticle}> ."
            yield f"{article} <{RDFS_LABEL}> {text(f'Article {number} of {key}')} ."
            yield f"{article} <{RDO.articleNumber}> {typed(str(number), 'integer')} ."
            yield f"{article} <{RDO.ofTreaty}> {treaty} ."


def write_synthetic_graph(out: Path, n: int, seed: int = 7) -> int:
    """Write the graph of n documents to `out` (N-Triples lines); return the number of lines."""
    vocabulary = load_vocabulary()
    nato = set(vocabulary.data["nato_members"])
    lines = 0
    person_lines: set[str] = set()  # an official's own triples are written once, however often he meets
    person_prefix = "<" + str(ID["person/"])
    with out.open("w", encoding="utf-8") as handle:
        for line in reference_triples():
            handle.write(line + "\n")
            lines += 1
        for index in range(n):
            spec, rng = spec_for(index, seed, vocabulary)
            for line in document_triples(index, seed, spec, rng, nato):
                if line.startswith(person_prefix):
                    if line in person_lines:
                        continue
                    person_lines.add(line)
                handle.write(line + "\n")
                lines += 1
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    print(write_synthetic_graph(args.out, args.n, args.seed))


if __name__ == "__main__":
    main()
