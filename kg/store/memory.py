"""The in-memory store: an rdflib Dataset. For small graphs, tests and comparisons; not persistent."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.query import Result
from rdflib.term import Node

from kg.errors import QueryError, StoreError
from kg.namespaces import DCTERMS, RDO
from kg.store.base import GraphStore, QueryResult, StoredDocument, TriplesLike, register_backend
from kg.store.terms import STANDARD_PREFIXES

_RDFLIB_FORMATS = {"turtle": "turtle", "ttl": "turtle", "trig": "trig", "nquads": "nquads", "nq": "nquads",
                   "ntriples": "nt", "nt": "nt", "json-ld": "json-ld", "jsonld": "json-ld", "xml": "xml"}


class MemoryStore(GraphStore):
    name = "memory"

    def __init__(self, path: Path | None = None, *, read_only: bool = False) -> None:
        if path is not None:
            raise StoreError(f"{path}: the memory backend keeps nothing on disk; use the oxigraph backend")
        self.dataset = Dataset(default_union=True)
        for name, namespace in STANDARD_PREFIXES.items():
            self.dataset.bind(name, namespace)
        self._fingerprints: dict[str, str] = {}

    def documents(self) -> list[StoredDocument]:
        found = []
        for context in self.dataset.graphs():
            iri = context.identifier
            sha = context.value(iri, RDO.sha256)
            if isinstance(iri, URIRef) and sha is not None:
                ident = context.value(iri, DCTERMS.identifier)
                found.append(StoredDocument(str(iri), str(sha), str(ident) if ident is not None else ""))
        return sorted(found, key=lambda doc: doc.iri)

    def replace_document(self, graph_iri: str, sha256: str, triples: TriplesLike, *,
                         identifier: str | None = None) -> None:
        name = URIRef(graph_iri)
        if identifier is None and isinstance(triples, Graph):
            found = triples.value(name, DCTERMS.identifier)
            identifier = str(found) if found is not None else None
        for doc in self.documents():
            if doc.iri == graph_iri or (identifier and doc.identifier == identifier):
                self.dataset.remove_graph(URIRef(doc.iri))
        graph = self.dataset.graph(name)
        for triple in triples:
            graph.add(triple)
        graph.add((name, RDO.sha256, Literal(sha256)))

    def remove_document(self, graph_iri_or_identifier: str) -> bool:
        matches = self.find_document(graph_iri_or_identifier)
        for doc in matches:
            self.dataset.remove_graph(URIRef(doc.iri))
        return bool(matches)

    def replace_named_graph(self, name: str, graph: TriplesLike | Path | Sequence[Path],
                            fingerprint: str) -> None:
        self.dataset.remove_graph(URIRef(name))
        target = self.dataset.graph(URIRef(name))
        if isinstance(graph, Path):
            target.parse(graph)
        elif isinstance(graph, list | tuple) and all(isinstance(item, Path) for item in graph):
            for path in graph:
                target.parse(path)
        else:
            for triple in graph:
                target.add(triple)  # type: ignore[arg-type]
        self._fingerprints[name] = fingerprint

    def fingerprint(self, name: str) -> str | None:
        return self._fingerprints.get(name)

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        try:
            answer: Result = self.dataset.query(sparql, initNs=STANDARD_PREFIXES,
                                                initBindings=dict(bindings or {}))  # type: ignore[arg-type]
        except Exception as exc:  # rdflib raises pyparsing and assorted errors for bad queries
            raise QueryError(f"SPARQL query failed: {exc}") from exc
        if answer.type == "ASK":
            return QueryResult(kind="ask", boolean=bool(answer.askAnswer))
        if answer.type in ("CONSTRUCT", "DESCRIBE"):
            graph = Graph()
            for triple in answer:
                graph.add(triple)  # type: ignore[arg-type]
            return QueryResult(kind="construct", graph=graph)
        variables = [str(v) for v in answer.vars or []]
        return QueryResult(kind="select", variables=variables,
                           rows=[tuple(row) for row in answer])  # type: ignore[arg-type]

    def graph_names(self) -> list[str]:
        return sorted(str(g.identifier) for g in self.dataset.graphs() if isinstance(g.identifier, URIRef)
                      and str(g.identifier) != "urn:x-rdflib:default" and len(g) > 0)

    def graph_ntriples(self, name: str) -> bytes:
        return self.dataset.graph(URIRef(name)).serialize(format="nt", encoding="utf-8")

    def triple_count(self) -> int:
        return sum(1 for _ in self.dataset.quads((None, None, None, None)))

    def export(self, path: str | Path, format: str | None = None) -> Path:
        target = Path(path)
        key = (format or target.suffix.lstrip(".")).lower()
        rdflib_format = _RDFLIB_FORMATS.get(key)
        if rdflib_format is None:
            raise StoreError(f"unknown RDF format {key!r} for {target}")
        if rdflib_format in ("trig", "nquads"):
            data = self.dataset.serialize(format=rdflib_format)
        else:
            merged = Graph()
            for name, namespace in STANDARD_PREFIXES.items():
                merged.bind(name, namespace)
            for s, p, o, _ in self.dataset.quads((None, None, None, None)):
                merged.add((s, p, o))
            data = merged.serialize(format=rdflib_format)
        temporary = target.with_name(f".{target.name}.tmp")
        temporary.write_text(data, encoding="utf-8")
        temporary.replace(target)
        return target


register_backend("memory", MemoryStore)
