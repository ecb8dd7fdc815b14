"""SHACL validation on Oxigraph: the shapes compiled to SPARQL (kg.validate.shacl_sparql), run on
one store, in one report that holds the same results as pyshacl's.

    validate_store(store)          a store holding the data and the ontology's class hierarchy,
                                   in any graphs (the default graph is their union)
    OxigraphEngine().validate(g)   an rdflib graph, loaded into an in-memory store first

The shapes' sh:sparql constraints run as kg.validate.sparql_rules has them: their SELECTs find
their own focus nodes. Results are deduplicated and sorted, so a report is deterministic.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence

import pyoxigraph
from rdflib import RDFS, Graph, Literal, URIRef
from rdflib.term import BNode, Node

from kg.namespaces import SH
from kg.store.terms import to_rdflib
from kg.validate.engine import ShaclEngine
from kg.validate.pyshacl_engine import class_hierarchy
from kg.validate.report import SEVERITY_ORDER, ValidationReport, ValidationResult
from kg.validate.shacl_expressions import sparql_term
from kg.validate.shacl_sparql import FOCUS_MARK, Check, classes_used, compile_shapes
from kg.validate.sparql_rules import SparqlRule, sparql_rules

TRUE = Literal(True)

_FOCUS_LINE = re.compile(rf"^{FOCUS_MARK}(\?\w+)$", re.MULTILINE)


class OxigraphEngine(ShaclEngine):
    name = "oxigraph"

    def validate(self, data: Graph, shapes: Graph, ontology: Graph | None = None, *,
                 focus_nodes: Sequence[Node] | None = None) -> ValidationReport:
        # As the PyshaclEngine: only the class hierarchy of the ontology joins the data.
        store = pyoxigraph.Store()
        load_graph(store, data)
        if ontology is not None:
            load_graph(store, class_hierarchy(ontology))
        return validate_store(store, shapes=shapes, focus_nodes=focus_nodes)


def validate_store(store: pyoxigraph.Store, *, shapes: Graph | None = None,
                   focus_nodes: Sequence[Node] | None = None) -> ValidationReport:
    """Validate what a store holds, in all its graphs, against the shapes (default: ontology/shapes.ttl).

    The store must hold the ontology's rdfs:subClassOf triples too: sh:class and sh:targetClass
    follow them. With `focus_nodes`, only results about those nodes (the rest of the store is
    context; an empty list, no results). Results are deduplicated and sorted.
    """
    if shapes is None:
        from kg.validate import load_shapes  # here, not above: kg.validate imports this module

        shapes = load_shapes()
    # As the PyshaclEngine passes them to pyshacl.
    focus = None if focus_nodes is None else [URIRef(str(n)) for n in focus_nodes]
    results: set[ValidationResult] = set()
    for check in compiled(shapes, class_hierarchy_of(store, classes_used(shapes))):
        results.update(run_check(store, check, focus))
    wanted = None if focus is None else set(focus)
    for rule in sparql_rules(shapes):
        results.update(r for r in run_rule(store, rule) if wanted is None or r.focus_node in wanted)
    return ValidationReport(results=sorted(results, key=result_order))


def run_check(store: pyoxigraph.Store, check: Check,
              focus: Sequence[URIRef] | None = None) -> Iterator[ValidationResult]:
    """The results of one compiled constraint (only about `focus`, when given)."""
    for row in _select(store, restrict(check.query, focus)):
        this = row["this"] or BNode()
        for outcome in check.outcomes:
            if outcome.flag is None or row.get(outcome.flag[1:]) == TRUE:
                value = row.get("value") if outcome.has_value else None
                yield ValidationResult(severity=check.severity, focus_node=this, path=check.path, value=value,
                                       message=outcome.message(this, value), source_shape=check.shape,
                                       constraint=outcome.component, inverse_path=check.inverse_path)


def run_rule(store: pyoxigraph.Store, rule: SparqlRule) -> Iterator[ValidationResult]:
    """The results of one sh:sparql constraint, as kg.validate.sparql_rules reports them, but over
    the union of the store's graphs (run_sparql_rules reads the default graph only)."""
    for row in _select(store, rule.standalone_query()):
        path = row.get("path") or rule.path
        yield ValidationResult(
            severity=rule.severity, focus_node=row.get("this") or BNode(),
            path=path if isinstance(path, URIRef) else None, value=row.get("value"),
            message=rule.message_for({k: v for k, v in row.items() if v is not None}),
            source_shape=rule.shape, constraint=SH.SPARQLConstraintComponent)


def class_hierarchy_of(store: pyoxigraph.Store, classes: Iterable[URIRef]) -> dict[URIRef, frozenset[URIRef]]:
    """Each class with its subclasses, as the store's rdfs:subClassOf triples have them."""
    hierarchy = {}
    for cls in sorted(classes):
        rows = _select(store, f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>* {sparql_term(cls)} }}")
        hierarchy[cls] = frozenset({cls} | {row["c"] for row in rows if isinstance(row["c"], URIRef)})
    return hierarchy


def restrict(query: str, focus: Sequence[URIRef] | None) -> str:
    """The query with its root focus nodes limited to `focus` (unchanged when None)."""
    if focus is None:
        return query
    listed = " ".join(sparql_term(n) for n in focus)
    return _FOCUS_LINE.sub(lambda m: f"VALUES {m.group(1)} {{ {listed} }}", query)


def load_graph(store: pyoxigraph.Store, graph: Graph) -> None:
    """Add an rdflib graph's triples to the store's default graph."""
    if len(graph):
        store.bulk_load(graph.serialize(format="nt", encoding="utf-8"), pyoxigraph.RdfFormat.N_TRIPLES)


def result_order(result: ValidationResult) -> tuple[object, ...]:
    """Worst severity first, then by focus node, path, value ...: a total order of results."""
    rank = {s: i for i, s in enumerate(SEVERITY_ORDER)}
    return (rank.get(result.severity, len(rank)), _key(result.focus_node), str(result.path),
            result.inverse_path, _key(result.value), str(result.source_shape), str(result.constraint),
            result.message)


def _key(node: Node | None) -> tuple[str, str]:
    return ("", "") if node is None else (type(node).__name__, node.n3())


def _select(store: pyoxigraph.Store, query: str) -> Iterator[dict[str, Node | None]]:
    solutions = store.query(query, use_default_graph_as_union=True)
    assert isinstance(solutions, pyoxigraph.QuerySolutions)
    names = [v.value for v in solutions.variables]
    for solution in solutions:
        yield {name: to_rdflib(solution[name]) for name in names}


# Compiled shapes, per shapes graph object, its size (a caller that adds to a graph gets a fresh
# compilation) and the class hierarchy; weak keys, so that a dropped graph drops its queries too.
_COMPILED: weakref.WeakKeyDictionary[Graph, dict[tuple[int, frozenset[tuple[URIRef, frozenset[URIRef]]]],
                                                 list[Check]]] = weakref.WeakKeyDictionary()


def compiled(shapes: Graph, hierarchy: Mapping[URIRef, frozenset[URIRef]] | None = None) -> list[Check]:
    """The shapes' queries (for data with that class hierarchy), compiled once."""
    per_graph = _COMPILED.setdefault(shapes, {})
    key = (len(shapes), frozenset((hierarchy or {}).items()))
    if key not in per_graph:
        if len(per_graph) > 4:
            per_graph.clear()
        per_graph[key] = compile_shapes(shapes, hierarchy)
    return per_graph[key]

