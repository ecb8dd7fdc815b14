"""Where an export reads its graph from: graph files, an Oxigraph store, or an rdflib graph."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TypeAlias

import pyoxigraph as ox
from rdflib import Graph

from kg.query import QueryResult, load_store, run_query, store_from_graph
from kg.query.saved import SavedQuery, load_query_file

GraphSource: TypeAlias = Sequence[str | Path] | ox.Store | Graph
SPARQL_DIR = Path(__file__).with_name("sparql")


def as_store(source: GraphSource) -> ox.Store:
    """An Oxigraph store to query: the store itself, the rdflib graph copied, or the files loaded."""
    if isinstance(source, ox.Store):
        return source
    if isinstance(source, Graph):
        return store_from_graph(source)
    return load_store(source)


@cache
def export_query(name: str) -> SavedQuery:
    """One of the export stage's own queries (kg/export/sparql/NAME.rq)."""
    return load_query_file(SPARQL_DIR / f"{name}.rq")


def select(store: ox.Store, name: str) -> list[dict[str, str]]:
    """Rows of an export query as {variable: lexical value}, unbound variables as ""."""
    result: QueryResult = run_query(export_query(name), store=store)
    return [
        {v: "" if t is None else str(t) for v, t in zip(result.variables, row, strict=True)}
        for row in result.rows
    ]
