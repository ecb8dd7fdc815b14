"""Validation of a build's statements as they are made, a chunk of documents at a time, on Oxigraph.

The build hands each worker's chunk of N-Triples lines here together with the reference data they
use; they are loaded into an in-memory Oxigraph store with the ontology (for the class hierarchy)
and checked there: every shape of ontology/shapes.ttl, and the violation queries
(queries/violation-*.rq). A chunk's store holds a few ten thousand triples, so the cost of
validating grows with the number of documents and memory stays flat.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.validate.report import VIOLATION, ValidationResult

if TYPE_CHECKING:
    from kg.query import SavedQuery
    from kg.validate.sparql_rules import SparqlRule


def validate_lines(lines: list[str], context: list[str]) -> list[ValidationResult]:
    """Every result of the shapes and violation queries on `lines` with `context` (N-Triples)."""
    store = ox.Store()
    data = "\n".join([*_ontology_lines(), *context, *lines]) + "\n"
    store.load(data.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return check_store(store)


def check_store(store: ox.Store) -> list[ValidationResult]:
    return [*_shape_results(store), *_violation_query_results(store)]


def _shape_results(store: ox.Store) -> list[ValidationResult]:
    from kg.validate.sparql_rules import run_sparql_rules

    return run_sparql_rules(store, _rules())


def _violation_query_results(store: ox.Store) -> list[ValidationResult]:
    from kg.query import run_query

    results = []
    for query in _violation_queries():
        rows = run_query(query, store=store)
        results += [
            ValidationResult(VIOLATION, row[0], None, None, query.title or query.name, None)
            for row in rows.rows
            if row and row[0] is not None
        ]
    return results


@cache
def _rules() -> tuple[SparqlRule, ...]:
    from kg.validate import load_shapes, sparql_rules

    return tuple(sparql_rules(load_shapes()))


@cache
def _violation_queries() -> tuple[SavedQuery, ...]:
    from kg.query import saved_queries

    return tuple(q for q in saved_queries() if q.name.startswith("violation-"))


@cache
def _ontology_lines() -> tuple[str, ...]:
    from kg.validate import load_ontology

    return tuple(line for line in load_ontology().serialize(format="nt").splitlines() if line)
