"""The SHACL-SPARQL rules of the shapes as plain SPARQL queries, run on Oxigraph.

pyshacl evaluates each sh:sparql constraint once per focus node with rdflib's engine, which is
slow on large graphs. Every rule in ontology/shapes.ttl is written to find its own focus nodes, so
its SELECT, given the prefixes the shapes declare, runs once over a whole graph and returns every
offending node in one go; here it runs on pyoxigraph.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph
from rdflib import Graph, URIRef
from rdflib.term import BNode, Node

from kg.namespaces import SH
from kg.store.terms import to_rdflib
from kg.validate.report import ValidationResult

_TEMPLATE_VARIABLE = re.compile(r"\{[?$](\w+)\}")


@dataclass(frozen=True)
class SparqlRule:
    """One sh:sparql constraint: the shape it belongs to, its severity, message and query."""

    shape: URIRef
    constraint: Node
    severity: URIRef
    message: str
    select: str
    prefixes: tuple[tuple[str, str], ...]
    path: URIRef | None = None   # the property shape's path, which $PATH stands for

    def standalone_query(self) -> str:
        """The SELECT with its PREFIX declarations, runnable by any SPARQL 1.1 engine."""
        header = "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in self.prefixes)
        body = self.select if self.path is None else self.select.replace("$PATH", f"<{self.path}>")
        return header + body

    def message_for(self, row: dict[str, Node]) -> str:
        return _TEMPLATE_VARIABLE.sub(lambda m: _display(row.get(m.group(1))), self.message)


def sparql_rules(shapes: Graph) -> list[SparqlRule]:
    """Every sh:sparql constraint of the shapes graph, in a stable order."""
    rules = []
    for shape, constraint in sorted(shapes.subject_objects(SH.sparql)):
        if not isinstance(shape, URIRef):
            continue
        select = shapes.value(constraint, SH.select)
        if select is None:
            continue
        path = shapes.value(shape, SH.path)
        rules.append(SparqlRule(
            shape=shape,
            constraint=constraint,
            severity=_severity(shapes, shape),
            message=str(shapes.value(constraint, SH.message) or f"violates {shape}"),
            select=str(select),
            prefixes=_prefixes(shapes, constraint),
            path=path if isinstance(path, URIRef) else None,
        ))
    return rules


def run_sparql_rules(store: pyoxigraph.Store, rules: Iterable[SparqlRule]) -> list[ValidationResult]:
    """Run each rule once over the whole store (data, ontology and reference data loaded)."""
    results = []
    for rule in rules:
        solutions = store.query(rule.standalone_query())
        assert isinstance(solutions, pyoxigraph.QuerySolutions)
        variables = [v.value for v in solutions.variables]
        for solution in solutions:
            row = {name: _to_rdflib(solution[name]) for name in variables if solution[name] is not None}
            results.append(_result(rule, row))
    return results


def store_of(*graphs: Graph) -> pyoxigraph.Store:
    """An in-memory Oxigraph store holding the triples of the graphs."""
    store = pyoxigraph.Store()
    for graph in graphs:
        data = graph.serialize(format="nt", encoding="utf-8")
        store.bulk_load(data, pyoxigraph.RdfFormat.N_TRIPLES)
    return store


def _result(rule: SparqlRule, row: dict[str, Node]) -> ValidationResult:
    path = row.get("path") or rule.path
    return ValidationResult(
        severity=rule.severity,
        focus_node=row.get("this") or BNode(),
        path=path if isinstance(path, URIRef) else None,
        value=row.get("value"),
        message=rule.message_for(row),
        source_shape=rule.shape,
        constraint=SH.SPARQLConstraintComponent,
    )


def _severity(shapes: Graph, shape: URIRef) -> URIRef:
    severity = shapes.value(shape, SH.severity)
    if severity is None:
        # A property shape takes the severity of a node shape that names it, if it sets none.
        parent = shapes.value(None, SH.property, shape)
        severity = shapes.value(parent, SH.severity) if parent is not None else None
    return severity if isinstance(severity, URIRef) else SH.Violation


def _prefixes(shapes: Graph, constraint: Node) -> tuple[tuple[str, str], ...]:
    declared = []
    for owner in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(owner, SH.declare):
            declared.append((str(shapes.value(declaration, SH.prefix)),
                             str(shapes.value(declaration, SH.namespace))))
    return tuple(sorted(set(declared)))


def _to_rdflib(term: pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal | object) -> Node:
    converted = to_rdflib(term)  # the one conversion of Oxigraph terms, kg.store.terms
    if converted is None:
        raise TypeError(f"unexpected SPARQL term {term!r}")
    return converted


def _display(node: Node | None) -> str:
    return "" if node is None else str(node)
