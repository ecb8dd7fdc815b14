"""Synthetic document graphs shaped like the extracted data: for store tests and benchmarks.

`python -m kg.store.synthetic STORE_DIR COUNT [--start N]` writes COUNT documents, skipping those
already stored, and prints one line per document written: the kill-and-rerun test drives it.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from datetime import date, timedelta
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.namespace import RDF, RDFS, XSD

from kg.namespaces import DCTERMS, PROV, RDO, document_iri, evidence_iri, meeting_iri, person_iri

_PEOPLE = [f"Official {chr(65 + i)}{chr(97 + j)}" for i in range(8) for j in range(4)]


def synthetic_text(index: int) -> str:
    return f"Synthetic readout number {index}.\n"


def synthetic_document(index: int) -> tuple[str, str, str, Graph]:
    """(document IRI, sha256, file name, graph) for document `index`; meetings recur across documents."""
    text = synthetic_text(index)
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    doc = document_iri(sha)
    identifier = f"synthetic_{index:06d}.txt"
    graph = Graph()
    graph.add((doc, RDF.type, RDO.Document))
    graph.add((doc, DCTERMS.identifier, Literal(identifier)))
    graph.add((doc, RDFS.label, Literal(identifier)))
    # Every third document reports the meeting of the one before it: cross-document merging.
    meeting_number = index - 1 if index % 3 == 2 else index
    first, second = _PEOPLE[meeting_number % len(_PEOPLE)], _PEOPLE[(meeting_number * 7 + 1) % len(_PEOPLE)]
    meeting = meeting_iri(f"synthetic-meeting-{meeting_number}")
    day = date(2000, 1, 1) + timedelta(days=meeting_number % 5000)
    evidence = evidence_iri(sha, 0, len(text) - 1)
    graph.add((meeting, RDF.type, RDO.Meeting))
    graph.add((meeting, RDFS.label, Literal(f"Meeting of {first} and {second}, {day.isoformat()}")))
    graph.add((meeting, RDO.date, Literal(day.isoformat(), datatype=XSD.date)))
    for name in (first, second):
        person = person_iri(name)
        graph.add((meeting, RDO.participant, person))
        graph.add((person, RDF.type, RDO.Official))
        graph.add((person, RDFS.label, Literal(name)))
    graph.add((meeting, RDO.evidence, evidence))
    graph.add((meeting, PROV.wasDerivedFrom, doc))
    graph.add((evidence, RDF.type, RDO.Evidence))
    graph.add((evidence, RDO.quote, Literal(text.strip())))
    graph.add((evidence, PROV.wasDerivedFrom, doc))
    graph.add((doc, RDO.sha256, Literal(sha)))
    return str(doc), sha, identifier, graph


def write_documents(store_dir: Path, count: int, start: int = 0, echo: bool = False) -> int:
    """Write documents start..start+count-1 one transaction each, skipping those already stored."""
    from kg.store import open_store

    written = 0
    with open_store(store_dir) as store:
        present = store.document_hashes()
        for index in range(start, start + count):
            iri, sha, identifier, graph = synthetic_document(index)
            if present.get(iri) == sha:
                continue
            store.replace_document(iri, sha, graph, identifier=identifier)
            written += 1
            if echo:
                print(f"wrote {index}", flush=True)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("store", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("--start", type=int, default=0)
    args = parser.parse_args(argv)
    written = write_documents(args.store, args.count, args.start, echo=True)
    print(f"done {written}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
