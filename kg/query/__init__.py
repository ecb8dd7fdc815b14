"""The query stage: saved queries in `queries/*.rq`, parameters bound as RDF terms, Oxigraph underneath."""

from kg.query.engine import (
    DEFAULT_PREFIXES,
    SparqlStore,
    inject_values,
    load_store,
    run_query,
    store_from_graph,
)
from kg.query.limits import QueryLimits
from kg.query.params import QueryParam
from kg.query.results import QueryResult
from kg.query.saved import SavedQuery, find_saved_query, parse_saved_query, saved_queries

__all__ = [
    "DEFAULT_PREFIXES",
    "QueryLimits",
    "QueryParam",
    "QueryResult",
    "SavedQuery",
    "SparqlStore",
    "find_saved_query",
    "inject_values",
    "load_store",
    "parse_saved_query",
    "run_query",
    "saved_queries",
    "store_from_graph",
]
