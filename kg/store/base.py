"""The store interface every backend implements, the shape of query answers, and the backend registry.

A store keeps one named graph per document (named by the document IRI, `id:document/<sha16>`, and
holding `<doc> rdo:sha256 "…"` and `dcterms:identifier "file name"`), plus graphs of their own for
the reference data and the ontology (`id:graph/reference`, `id:graph/ontology`). Queries see the
union of all graphs, so one meeting reported by two documents is one node.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal, TypeAlias

from rdflib import Graph
from rdflib.term import Node

from kg.errors import StoreError
from kg.namespaces import ID

Triple: TypeAlias = tuple[Node, Node, Node]
TriplesLike: TypeAlias = Graph | Iterable[Triple]

REFERENCE_GRAPH = str(ID["graph/reference"])
ONTOLOGY_GRAPH = str(ID["graph/ontology"])


@dataclass(frozen=True)
class StoredDocument:
    """One document graph as the store knows it."""

    iri: str
    sha256: str
    identifier: str


@dataclass
class QueryResult:
    """A backend-neutral answer: rows of rdflib terms (SELECT), a boolean (ASK) or a graph (CONSTRUCT)."""

    kind: Literal["select", "ask", "construct"]
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None
    notes: list[str] = field(default_factory=list)   # e.g. "the endpoint may have cut the answer"

    def as_dicts(self) -> list[dict[str, Node]]:
        """Rows as {variable: term}, leaving out unbound variables."""
        return [
            {name: term for name, term in zip(self.variables, row, strict=True) if term is not None}
            for row in self.rows
        ]

    def __iter__(self) -> Any:
        if self.kind == "construct" and self.graph is not None:
            return iter(self.graph)
        return iter(self.rows)

    def __len__(self) -> int:
        if self.kind == "construct" and self.graph is not None:
            return len(self.graph)
        return len(self.rows)

    def __bool__(self) -> bool:
        return bool(self.boolean) if self.kind == "ask" else len(self) > 0


class GraphStore(ABC):
    """Where the graph lives between builds. Every write is one transaction."""

    name: str = ""

    @abstractmethod
    def documents(self) -> list[StoredDocument]:
        """Every document graph in the store, sorted by IRI."""

    def document_hashes(self) -> dict[str, str]:
        """Document graph IRI -> sha256 of the text it was built from."""
        return {doc.iri: doc.sha256 for doc in self.documents()}

    def find_document(self, graph_iri_or_identifier: str) -> list[StoredDocument]:
        """The document graphs named by this IRI, or whose document has this file name."""
        return [
            doc for doc in self.documents()
            if graph_iri_or_identifier in (doc.iri, doc.identifier)
        ]

    @abstractmethod
    def replace_document(self, graph_iri: str, sha256: str, triples: TriplesLike, *,
                         identifier: str | None = None) -> None:
        """Write one document graph in one transaction.

        Drops the graph of the same IRI and every graph of an older version of the same file
        (same `dcterms:identifier`), then inserts `triples` with the hash marker
        `<graph_iri> rdo:sha256 sha256`, all at once: a crash leaves the old state or the new.
        """

    def replace_documents(self, batch: Iterable[tuple[str, str, TriplesLike]]) -> int:
        """Several documents; backends may group them into fewer transactions. Returns the count."""
        count = 0
        for graph_iri, sha256, triples in batch:
            self.replace_document(graph_iri, sha256, triples)
            count += 1
        return count

    @abstractmethod
    def remove_document(self, graph_iri_or_identifier: str) -> bool:
        """Drop the graph(s) of one document, by IRI or file name; False when none matched."""

    @abstractmethod
    def replace_named_graph(self, name: str, graph: TriplesLike | Path | Sequence[Path],
                            fingerprint: str) -> None:
        """Replace a non-document graph (reference data, ontology: triples or RDF files) in one
        transaction, and remember its fingerprint."""

    @abstractmethod
    def fingerprint(self, name: str) -> str | None:
        """The fingerprint `replace_named_graph` stored for `name`, or None."""

    @abstractmethod
    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        """Run a SPARQL query over the union of all graphs; `bindings` pre-bind variables."""

    def find_meetings(self, participants: Sequence[str], earliest: date, latest: date) -> list[str]:
        """Meetings already stored with exactly these participants and a date in [earliest, latest]."""
        return find_meetings_by_query(self, participants, earliest, latest)

    @abstractmethod
    def export(self, path: str | Path, format: str | None = None) -> Path:
        """Write the store: Turtle/N-Triples merge every graph; TriG/N-Quads keep the named graphs."""

    @abstractmethod
    def graph_names(self) -> list[str]:
        """Every named graph in the store, sorted."""

    @abstractmethod
    def graph_ntriples(self, name: str) -> bytes:
        """One named graph as N-Triples (for pushing it elsewhere)."""

    @abstractmethod
    def triple_count(self) -> int:
        """Quads in the store (a triple in two graphs counts twice)."""

    def close(self) -> None:  # noqa: B027 - backends without resources need not override it
        """Release the store; later calls fail."""

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def find_meetings_by_query(store: GraphStore, participants: Sequence[str], earliest: date,
                           latest: date) -> list[str]:
    if not participants:
        return []
    wanted = sorted(set(participants))
    listed = ", ".join(f"<{iri}>" for iri in wanted)
    required = " ".join(f"?meeting rdo:participant <{iri}> ." for iri in wanted)
    sparql = f"""
        PREFIX rdo: <https://w3id.org/readout-kg/ontology#>
        PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
        SELECT DISTINCT ?meeting WHERE {{
          {required}
          ?meeting rdo:date ?day .
          FILTER(?day >= "{earliest.isoformat()}"^^xsd:date && ?day <= "{latest.isoformat()}"^^xsd:date)
          FILTER NOT EXISTS {{ ?meeting rdo:participant ?other . FILTER(?other NOT IN ({listed})) }}
        }} ORDER BY ?meeting"""
    return [str(row[0]) for row in store.query(sparql).rows if row[0] is not None]


BackendFactory = Callable[..., GraphStore]
_BACKENDS: dict[str, BackendFactory] = {}


def register_backend(name: str, factory: BackendFactory) -> None:
    """Make a backend available to `open_store(..., backend=name)`."""
    _BACKENDS[name] = factory


def backend_names() -> list[str]:
    return sorted(_BACKENDS)


def open_store(path: str | Path | None, backend: str = "oxigraph", *, read_only: bool = False) -> GraphStore:
    """Open (or create) a store; `path=None` keeps it in memory. Read-only opens never write."""
    factory = _BACKENDS.get(backend)
    if factory is None:
        known = ", ".join(backend_names())
        raise StoreError(f"unknown store backend {backend!r}; known backends: {known}")
    return factory(None if path is None else Path(path), read_only=read_only)
