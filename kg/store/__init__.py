"""The store stage: where the graph lives between builds, behind one interface.

    from kg.store import open_store
    with open_store(Path("kg-store")) as store:          # Oxigraph on disk
        if document_iri not in store.document_hashes():
            store.replace_document(document_iri, sha256, graph)   # one transaction
        result = store.query(sparql)                      # QueryResult: rows of rdflib terms

Backends are registered by name: `oxigraph` (pyoxigraph, persistent) and `memory` (rdflib).
"""

from __future__ import annotations

from kg.store import memory as _memory  # noqa: F401 - registers the backend
from kg.store import oxigraph as _oxigraph  # noqa: F401 - registers the backend
from kg.store.base import (
    ONTOLOGY_GRAPH,
    REFERENCE_GRAPH,
    GraphStore,
    QueryResult,
    StoredDocument,
    backend_names,
    open_store,
    register_backend,
)

DEFAULT_STORE_DIR = "kg-store"

__all__ = [
    "DEFAULT_STORE_DIR",
    "ONTOLOGY_GRAPH",
    "REFERENCE_GRAPH",
    "GraphStore",
    "QueryResult",
    "StoredDocument",
    "backend_names",
    "open_store",
    "register_backend",
]
