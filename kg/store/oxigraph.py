"""The persistent store: Oxigraph (RocksDB on disk) through pyoxigraph.

Crash safety comes from Oxigraph's transactions: each document is written by one SPARQL Update
that drops its old graph(s) and inserts the new triples together with the document's hash marker,
so a build killed at any instant leaves each document either fully old or fully new, and a rerun
rewrites exactly those whose marker is missing. Fingerprints of the reference and ontology graphs
live in a small JSON file beside the data, written after their graph commits: a crash in between
only makes the next run load that graph again.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.term import Node

from kg.errors import QueryError, StoreError
from kg.namespaces import DCTERMS, RDO
from kg.store.base import GraphStore, QueryResult, StoredDocument, TriplesLike, register_backend
from kg.store.terms import (
    SERIALISATION_PREFIXES,
    STANDARD_PREFIXES,
    ntriples_of,
    rdf_format,
    to_rdflib,
)

FINGERPRINT_FILE = "kg-store.json"
# How many documents one transaction of `replace_documents` carries: large enough to amortise the
# commit, small enough that a killed build loses little work.
BATCH_SIZE = 200

_SHA256 = ox.NamedNode(str(RDO.sha256))
_IDENTIFIER = ox.NamedNode(str(DCTERMS.identifier))


class OxigraphStore(GraphStore):
    name = "oxigraph"

    def __init__(self, path: Path | None, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        self._fingerprints: dict[str, str] = {}
        self._store: ox.Store | None = self._open(path, read_only)
        if path is not None:
            self._fingerprints = _read_fingerprints(path / FINGERPRINT_FILE)

    @staticmethod
    def _open(path: Path | None, read_only: bool) -> ox.Store:
        try:
            if path is None:
                return ox.Store()
            if read_only:
                if not path.is_dir():
                    raise StoreError(f"{path}: no store here (build one with `kg build ... --store {path}`)")
                return ox.Store.read_only(str(path))
            path.mkdir(parents=True, exist_ok=True)
            return ox.Store(str(path))
        except (OSError, RuntimeError) as exc:
            raise StoreError(f"{path}: cannot open the Oxigraph store: {exc}") from exc

    @property
    def store(self) -> ox.Store:
        """The underlying pyoxigraph store (for the endpoint and benchmarks)."""
        if self._store is None:
            raise StoreError(f"{self.path or 'in-memory store'}: the store is closed")
        return self._store

    # -- documents ---------------------------------------------------------------------------

    def documents(self) -> list[StoredDocument]:
        # Two index scans: a SPARQL join over every graph is 100x slower on large stores.
        identifiers = dict(_markers(self.store, _IDENTIFIER))
        hashes = _markers(self.store, _SHA256)
        found = [StoredDocument(iri, sha, identifiers.get(iri, "")) for iri, sha in hashes]
        return sorted(found, key=lambda doc: doc.iri)

    def find_document(self, graph_iri_or_identifier: str) -> list[StoredDocument]:
        iris = set(self._graphs_with_identifier(graph_iri_or_identifier))
        if ":" in graph_iri_or_identifier and " " not in graph_iri_or_identifier:
            iris.add(graph_iri_or_identifier)  # may be an IRI; _stored drops it if no document has it
        return [doc for doc in (self._stored(iri) for iri in sorted(iris)) if doc is not None]

    def _stored(self, iri: str) -> StoredDocument | None:
        try:
            node = ox.NamedNode(iri)
        except ValueError:
            return None
        sha = next(self.store.quads_for_pattern(node, _SHA256, None, node), None)
        if sha is None:
            return None
        ident = next(self.store.quads_for_pattern(node, _IDENTIFIER, None, node), None)
        return StoredDocument(iri, _value(sha.object), _value(ident.object) if ident else "")

    def replace_document(self, graph_iri: str, sha256: str, triples: TriplesLike, *,
                         identifier: str | None = None) -> None:
        self._update(self._replacement(graph_iri, sha256, triples, identifier))

    def replace_documents(self, batch: Iterable[tuple[str, str, TriplesLike]]) -> int:
        pending: list[str] = []
        in_batch: dict[str, str] = {}  # file name -> graph IRI, for two versions in one batch
        count = 0
        for graph_iri, sha256, triples in batch:
            pending.append(self._replacement(graph_iri, sha256, triples, None, in_batch))
            count += 1
            if len(pending) >= BATCH_SIZE:
                self._update(" ;\n".join(pending))
                pending.clear()
                in_batch.clear()
        if pending:
            self._update(" ;\n".join(pending))
        return count

    def _graphs_with_identifier(self, identifier: str) -> list[str]:
        literal = ox.Literal(identifier)
        return [
            quad.graph_name.value
            for quad in self.store.quads_for_pattern(None, _IDENTIFIER, literal)
            if isinstance(quad.graph_name, ox.NamedNode) and quad.subject == quad.graph_name
        ]

    def _replacement(self, graph_iri: str, sha256: str, triples: TriplesLike, identifier: str | None,
                     in_batch: dict[str, str] | None = None) -> str:
        """One SPARQL Update that swaps a document's graph, older versions of the same file included."""
        if identifier is None and isinstance(triples, Graph):
            found = triples.value(URIRef(graph_iri), DCTERMS.identifier)
            identifier = str(found) if found is not None else None
        # Dropping a graph that is not there costs as much as one that is; only drop what exists.
        stale = {graph_iri} if self.store.contains_named_graph(ox.NamedNode(graph_iri)) else set()
        if identifier:
            stale.update(self._graphs_with_identifier(identifier))
            if in_batch is not None:
                stale.update([in_batch[identifier]] if identifier in in_batch else [])
                in_batch[identifier] = graph_iri
        drops = "".join(f"DROP SILENT GRAPH <{iri}> ;\n" for iri in sorted(stale))
        marker = f'<{graph_iri}> <{RDO.sha256}> "{sha256}" .\n'
        return f"{drops}INSERT DATA {{ GRAPH <{graph_iri}> {{\n{ntriples_of(triples)}{marker}}} }}"

    def remove_document(self, graph_iri_or_identifier: str) -> bool:
        matches = self.find_document(graph_iri_or_identifier)
        if not matches:
            return False
        self._update(" ;\n".join(f"DROP SILENT GRAPH <{doc.iri}>" for doc in matches))
        return True

    # -- reference data and ontology ----------------------------------------------------------

    def replace_named_graph(self, name: str, graph: TriplesLike | Path | Sequence[Path],
                            fingerprint: str) -> None:
        if isinstance(graph, Path):
            body = _file_as_ntriples(graph)
        elif isinstance(graph, list | tuple) and all(isinstance(item, Path) for item in graph):
            body = "".join(_file_as_ntriples(path) for path in graph)
        else:
            body = ntriples_of(graph)  # type: ignore[arg-type]
        # One transaction, like a document; the fingerprint is written after it commits, so an
        # interrupted refresh is simply done again.
        self._update(f"DROP SILENT GRAPH <{name}> ;\nINSERT DATA {{ GRAPH <{name}> {{\n{body}}} }}")
        self._fingerprints[name] = fingerprint
        if self.path is not None:
            _write_fingerprints(self.path / FINGERPRINT_FILE, self._fingerprints)

    def fingerprint(self, name: str) -> str | None:
        return self._fingerprints.get(name)

    # -- reading ------------------------------------------------------------------------------

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        answer = self.raw_query(sparql, bindings)
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult(kind="ask", boolean=bool(answer))
        if isinstance(answer, ox.QueryTriples):
            graph = Graph()
            for name, namespace in STANDARD_PREFIXES.items():
                graph.bind(name, namespace)
            for triple in answer:
                graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate),  # type: ignore[arg-type]
                           to_rdflib(triple.object)))
            return QueryResult(kind="construct", graph=graph)
        variables = [variable.value for variable in answer.variables]
        rows = [tuple(to_rdflib(solution[name]) for name in variables) for solution in answer]
        return QueryResult(kind="select", variables=variables, rows=rows)

    def raw_query(self, sparql: str, bindings: Mapping[str, Node] | None = None
                  ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """pyoxigraph's own answer object (lazy), for callers that serialise it directly."""
        if bindings:
            # A VALUES block, not Oxigraph's substitutions: those bind only projected variables.
            from kg.query.engine import inject_values

            sparql = inject_values(sparql, bindings)
        try:
            return self.store.query(sparql, use_default_graph_as_union=True, prefixes=STANDARD_PREFIXES)
        except SyntaxError as exc:
            raise QueryError(f"malformed SPARQL query: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"{self.path}: query failed: {exc}") from exc

    def _select(self, sparql: str) -> list[ox.QuerySolution]:
        return list(self.store.query(sparql))  # type: ignore[arg-type]

    def graph_names(self) -> list[str]:
        return sorted(node.value for node in self.store.named_graphs() if isinstance(node, ox.NamedNode))

    def graph_ntriples(self, name: str) -> bytes:
        data = self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name))
        return data or b""

    def triple_count(self) -> int:
        return len(self.store)

    def export(self, path: str | Path, format: str | None = None) -> Path:
        target = Path(path)
        fmt = rdf_format(format, target)
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{target.name}.", delete=False) as out:
            temporary = Path(out.name)
            try:
                if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
                    self.store.dump(out, format=fmt, prefixes=SERIALISATION_PREFIXES)
                else:
                    self._merged().dump(out, format=fmt, from_graph=ox.DefaultGraph(),
                                        prefixes=SERIALISATION_PREFIXES)
            except BaseException:
                temporary.unlink(missing_ok=True)
                raise
        os.replace(temporary, target)
        return target

    def _merged(self) -> ox.Store:
        """Every graph's triples in one default graph of an in-memory store, all in Rust.

        The store's own index order (by term, not by insertion) makes the output the same for the
        same content, and a triple in several graphs is written once.
        """
        union = self.store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
        assert isinstance(union, ox.QueryTriples)
        merged = ox.Store()
        merged.load(union.serialize(format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.N_TRIPLES,
                    to_graph=ox.DefaultGraph())
        return merged

    # -- writing ------------------------------------------------------------------------------

    def _update(self, sparql_update: str) -> None:
        self._write(lambda store: store.update(sparql_update))

    def _write(self, action: Callable[[ox.Store], object]) -> None:
        if self.read_only:
            raise StoreError(f"{self.path}: the store was opened read-only")
        try:
            action(self.store)
        except SyntaxError as exc:
            raise StoreError(f"{self.path or 'store'}: data could not be written: {exc}") from exc
        except (OSError, RuntimeError) as exc:
            raise StoreError(f"{self.path or 'store'}: write failed: {exc}") from exc

    def flush(self) -> None:
        if self._store is not None and not self.read_only:
            self._store.flush()

    def close(self) -> None:
        self.flush()
        # pyoxigraph closes RocksDB when the last reference goes; lazy answers may still hold one.
        self._store = None


def _file_as_ntriples(path: Path) -> str:
    """A Turtle (or other triples) file as N-Triples text, parsed and written by Oxigraph."""
    scratch = ox.Store()
    try:
        scratch.load(path=str(path), format=rdf_format(None, path), to_graph=ox.DefaultGraph())
    except (SyntaxError, OSError, ValueError) as exc:
        raise StoreError(f"{path}: cannot load: {exc}") from exc
    data = scratch.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b""
    return data.decode("utf-8")


def _value(term: object) -> str:
    return str(getattr(term, "value", term))


def _markers(store: ox.Store, predicate: ox.NamedNode) -> Iterator[tuple[str, str]]:
    """(graph IRI, value) of `<g> predicate value` statements made inside graph g itself."""
    # Serialised as CSV in Rust and split here: 3x faster than a Python object per quad.
    answer = store.query(f"SELECT ?g ?v WHERE {{ GRAPH ?g {{ ?g <{predicate.value}> ?v }} }}")
    assert isinstance(answer, ox.QuerySolutions)
    lines = (answer.serialize(format=ox.QueryResultsFormat.CSV) or b"").decode("utf-8").splitlines()
    for row in csv.reader(lines[1:]):
        if len(row) == 2:
            yield row[0], row[1]


def _read_fingerprints(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # an unreadable marker only costs a reload of the reference graphs
    fingerprints = data.get("fingerprints", {}) if isinstance(data, dict) else {}
    return {str(k): str(v) for k, v in fingerprints.items()}


def _write_fingerprints(path: Path, fingerprints: dict[str, str]) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(json.dumps({"fingerprints": dict(sorted(fingerprints.items()))}, indent=2) + "\n",
                         encoding="utf-8")
    os.replace(temporary, path)


register_backend("oxigraph", OxigraphStore)
