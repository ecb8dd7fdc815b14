"""SHACL validation with pyshacl for SHACL Core; the SHACL-SPARQL rules on Oxigraph.

pyshacl re-parses a sh:sparql query for every focus node with rdflib's (slow) parser, which made
the SPARQL rules cost 100 times all core constraints together. By default they are therefore cut
from the shapes given to pyshacl and run once over the whole graph as plain queries on
pyoxigraph (kg.validate.sparql_rules), which yields the same results.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence

import pyshacl
from rdflib import RDFS, Graph, URIRef
from rdflib.term import BNode, Node

from kg.namespaces import SH
from kg.validate.engine import ShaclEngine
from kg.validate.report import ValidationReport, ValidationResult
from kg.validate.shacl_sparql import path_term
from kg.validate.sparql_rules import run_sparql_rules, sparql_rules, store_of


class PyshaclEngine(ShaclEngine):
    name = "pyshacl"

    def __init__(self, *, sparql_on_oxigraph: bool = True) -> None:
        self.sparql_on_oxigraph = sparql_on_oxigraph

    def validate(self, data: Graph, shapes: Graph, ontology: Graph | None = None, *,
                 focus_nodes: Sequence[Node] | None = None) -> ValidationReport:
        core_shapes = without_sparql(shapes) if self.sparql_on_oxigraph else shapes
        hierarchy = class_hierarchy(ontology) if ontology is not None else Graph()
        # Only the class hierarchy is mixed in (so that sh:class and sh:targetClass follow
        # rdfs:subClassOf: a rdo:TelephoneTalk is a rdo:Meeting), into a scratch copy that pyshacl
        # may then use in place: cheaper than its own clone-and-mix of the whole ontology.
        scratch = Graph()
        for triple in data:
            scratch.add(triple)
        for triple in hierarchy:
            scratch.add(triple)
        _conforms, results_graph, _text = pyshacl.validate(
            scratch, shacl_graph=core_shapes, inference="none", advanced=False, inplace=True,
            allow_warnings=True, allow_infos=True,
            focus_nodes=[URIRef(str(n)) for n in focus_nodes] if focus_nodes is not None else None)
        results = read_results(results_graph)
        if self.sparql_on_oxigraph:
            results += sparql_results(scratch, shapes, focus_nodes)
        return ValidationReport(results=results)


def without_sparql(shapes: Graph) -> Graph:
    """The shapes minus their sh:sparql constraints (the SPARQL rules are run separately)."""
    return _cached(shapes, "core", lambda: _filtered(shapes, lambda t: t[1] != SH.sparql))


def class_hierarchy(ontology: Graph) -> Graph:
    """The rdfs:subClassOf triples of the ontology: all that validation reads from it."""
    return _cached(ontology, "hierarchy", lambda: _filtered(ontology, lambda t: t[1] == RDFS.subClassOf))


def sparql_results(data: Graph, shapes: Graph, focus_nodes: Sequence[Node] | None) -> list[ValidationResult]:
    results = run_sparql_rules(store_of(data), sparql_rules(shapes))
    if focus_nodes is not None:
        wanted = set(focus_nodes)
        results = [r for r in results if r.focus_node in wanted]
    return results


# Derived graphs, per source graph object and its size (a caller that adds to a graph gets a fresh
# derivation); weak keys so that a dropped graph drops its derivations too.
_DERIVED: weakref.WeakKeyDictionary[Graph, dict[tuple[str, int], Graph]] = weakref.WeakKeyDictionary()


def _cached(source: Graph, kind: str, derive: Callable[[], Graph]) -> Graph:
    per_graph = _DERIVED.setdefault(source, {})
    key = (kind, len(source))
    if key not in per_graph:
        if len(per_graph) > 4:
            per_graph.clear()
        per_graph[key] = derive()
    return per_graph[key]


def _filtered(source: Graph, keep: Callable[[tuple[Node, Node, Node]], bool]) -> Graph:
    out = Graph()
    for prefix, namespace in source.namespaces():
        out.bind(prefix, namespace)
    for triple in source:
        if keep(triple):
            out.add(triple)
    return out


def read_results(results_graph: Graph) -> list[ValidationResult]:
    """The typed results of a SHACL validation report graph."""
    results = []
    # Only the report's top-level results: nested sh:detail results (of sh:node) repeat them.
    for node in results_graph.objects(None, SH.result):
        path, inverse = path_term(results_graph, results_graph.value(node, SH.resultPath))
        constraint = results_graph.value(node, SH.sourceConstraintComponent)
        results.append(ValidationResult(
            severity=_uri(results_graph.value(node, SH.resultSeverity)) or SH.Violation,
            focus_node=results_graph.value(node, SH.focusNode) or BNode(),
            path=path,
            value=results_graph.value(node, SH.value),
            message=" ".join(sorted(str(m) for m in results_graph.objects(node, SH.resultMessage))),
            source_shape=results_graph.value(node, SH.sourceShape),
            constraint=_uri(constraint),
            inverse_path=inverse,
        ))
    return results




def _uri(node: Node | None) -> URIRef | None:
    return node if isinstance(node, URIRef) else None
