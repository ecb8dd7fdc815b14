"""The validate stage: SHACL shapes (ontology/shapes.ttl) checked by a SHACL engine, a typed report.

    validate_graph(data)                       one graph, all shapes (pyshacl; engine="oxigraph":
                                               the shapes compiled to SPARQL, on Oxigraph)
    validate_store(store)                      what an Oxigraph store holds, in all its graphs
    validate_documents(doc_graphs, reference)  document by document: each document's graph with
                                               the reference data as context; the reference once
    sparql_rules(load_shapes()) + run_sparql_rules(store)
                                               the SHACL-SPARQL rules as plain queries on Oxigraph
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, URIRef

from kg.errors import ReferenceDataError
from kg.namespaces import ORG
from kg.resources import ontology_dir
from kg.validate.engine import ShaclEngine
from kg.validate.oxigraph_engine import OxigraphEngine, validate_store
from kg.validate.pyshacl_engine import PyshaclEngine
from kg.validate.report import ValidationReport, ValidationResult
from kg.validate.sparql_rules import SparqlRule, run_sparql_rules, sparql_rules, store_of

SHAPES_FILE = "shapes.ttl"

# Links followed from a document into the reference data: official → membership → interval → instant.
REFERENCE_DEPTH = 4

ENGINES: dict[str, type[ShaclEngine]] = {
    PyshaclEngine.name: PyshaclEngine,
    OxigraphEngine.name: OxigraphEngine,
}

__all__ = [
    "ENGINES",
    "ShaclEngine",
    "SparqlRule",
    "ValidationReport",
    "ValidationResult",
    "load_ontology",
    "load_shapes",
    "reference_used_by",
    "run_sparql_rules",
    "sparql_rules",
    "store_of",
    "validate_documents",
    "validate_graph",
    "validate_store",
]


def load_shapes() -> Graph:
    """The SHACL shapes (ontology/shapes.ttl)."""
    return _copy(_parsed((ontology_dir() / SHAPES_FILE,)))


def load_ontology() -> Graph:
    """The OWL ontology: every ontology/**/*.ttl except the shapes."""
    files = tuple(p for p in sorted(ontology_dir().rglob("*.ttl")) if p.name != SHAPES_FILE)
    return _copy(_parsed(files))


def validate_graph(data: Graph, *, shapes: Graph | None = None, ontology: Graph | None = None,
                   engine: str = "pyshacl") -> ValidationReport:
    """Validate one graph against the shapes, reading the class hierarchy from the ontology."""
    return ENGINES[engine]().validate(data, shapes if shapes is not None else load_shapes(),
                                      ontology if ontology is not None else load_ontology())


def validate_documents(documents: Iterable[Graph], reference: Graph, *, shapes: Graph | None = None,
                       ontology: Graph | None = None, engine: str = "pyshacl") -> ValidationReport:
    """Validate the reference data once, then each document's graph with the reference as context.

    Only the document's own subjects are focus nodes, so the work grows with the number of
    documents, not with its square; results repeated across documents are reported once.
    """
    shapes = shapes if shapes is not None else load_shapes()
    ontology = ontology if ontology is not None else load_ontology()
    validator = ENGINES[engine]()
    report = validator.validate(reference, shapes, ontology)
    for document in documents:
        focus = sorted({s for s in document.subjects() if isinstance(s, URIRef)})
        if focus:
            context = document + reference_used_by(document, reference)
            report.extend(validator.validate(context, shapes, ontology, focus_nodes=focus).results)
    return report


def reference_used_by(document: Graph, reference: Graph, *, depth: int = REFERENCE_DEPTH) -> Graph:
    """The part of the reference data a document's graph points to, a few links deep.

    Enough for the shapes (types of linked officials, countries, articles) and the SPARQL rules
    (the terms of office of participants, found through org:member), and small, so that
    validating one document costs the same however large the reference data grows.
    """
    used = Graph()
    frontier = {o for o in document.objects() if isinstance(o, URIRef)}
    seen: set[URIRef] = set()
    for _ in range(depth):
        next_frontier: set[URIRef] = set()
        for node in frontier - seen:
            seen.add(node)
            for triple in reference.triples((node, None, None)):
                used.add(triple)
                if isinstance(triple[2], URIRef):
                    next_frontier.add(triple[2])
            for membership in reference.subjects(ORG.member, node):
                if isinstance(membership, URIRef):
                    next_frontier.add(membership)
        frontier = next_frontier
    return used


@lru_cache(maxsize=4)
def _parsed(files: tuple[Path, ...]) -> Graph:
    graph = Graph()
    for path in files:
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises many unrelated types for bad syntax
            raise ReferenceDataError(f"{path}: cannot parse ontology file: {exc}") from exc
    return graph


def _copy(graph: Graph) -> Graph:
    # Callers may add to what they get; the cached parse must stay pristine.
    copy = Graph()
    for prefix, namespace in graph.namespaces():
        copy.bind(prefix, namespace)
    for triple in graph:
        copy.add(triple)
    return copy
