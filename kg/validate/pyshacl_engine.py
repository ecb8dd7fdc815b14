"""SHACL validation with pyshacl for SHACL Core; the SHACL-SPARQL rules on Oxigraph.

pyshacl re-parses a sh:sparql query for every focus node with rdflib's (slow) parser, which made
the SPARQL rules cost 100 times all core constraints together. By default they are therefore cut
from the shapes given to pyshacl and run once over the whole graph as plain queries on
pyoxigraph (kg.validate.sparql_rules), which yields the same results.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyshacl
from rdflib import Graph, URIRef
from rdflib.term import BNode, Node

from kg.namespaces import SH
from kg.validate.engine import ShaclEngine
from kg.validate.report import ValidationReport, ValidationResult
from kg.validate.sparql_rules import run_sparql_rules, sparql_rules, store_of


class PyshaclEngine(ShaclEngine):
    name = "pyshacl"

    def __init__(self, *, sparql_on_oxigraph: bool = True) -> None:
        self.sparql_on_oxigraph = sparql_on_oxigraph

    def validate(self, data: Graph, shapes: Graph, ontology: Graph | None = None, *,
                 focus_nodes: Sequence[Node] | None = None) -> ValidationReport:
        core_shapes = without_sparql(shapes) if self.sparql_on_oxigraph else shapes
        # The ontology is mixed into (a copy of) the data so that sh:class and sh:targetClass
        # follow rdfs:subClassOf (a rdo:TelephoneTalk is a rdo:Meeting); no other inference.
        _conforms, results_graph, _text = pyshacl.validate(
            data, shacl_graph=core_shapes, ont_graph=ontology, inference="none", advanced=False,
            allow_warnings=True, allow_infos=True,
            focus_nodes=[URIRef(str(n)) for n in focus_nodes] if focus_nodes is not None else None)
        results = read_results(results_graph)
        if self.sparql_on_oxigraph:
            results += sparql_results(data, shapes, ontology, focus_nodes)
        return ValidationReport(results=results)


def without_sparql(shapes: Graph) -> Graph:
    """The shapes minus their sh:sparql constraints (the SPARQL rules are run separately)."""
    core = Graph()
    for prefix, namespace in shapes.namespaces():
        core.bind(prefix, namespace)
    for triple in shapes:
        if triple[1] != SH.sparql:
            core.add(triple)
    return core


def sparql_results(data: Graph, shapes: Graph, ontology: Graph | None,
                   focus_nodes: Sequence[Node] | None) -> list[ValidationResult]:
    store = store_of(data, ontology) if ontology is not None else store_of(data)
    results = run_sparql_rules(store, sparql_rules(shapes))
    if focus_nodes is not None:
        wanted = set(focus_nodes)
        results = [r for r in results if r.focus_node in wanted]
    return results


def read_results(results_graph: Graph) -> list[ValidationResult]:
    """The typed results of a SHACL validation report graph."""
    results = []
    # Only the report's top-level results: nested sh:detail results (of sh:node) repeat them.
    for node in results_graph.objects(None, SH.result):
        path, inverse = _path(results_graph, results_graph.value(node, SH.resultPath))
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


def _path(g: Graph, node: Node | None) -> tuple[URIRef | None, bool]:
    if isinstance(node, URIRef):
        return node, False
    if node is not None:
        inverse = g.value(node, SH.inversePath)
        if isinstance(inverse, URIRef):
            return inverse, True
    return None, False


def _uri(node: Node | None) -> URIRef | None:
    return node if isinstance(node, URIRef) else None
