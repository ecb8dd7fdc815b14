"""Bring a store up to date with a build: what `kg build --store DIR` calls after mapping.

    report = sync_dataset(store, result.dataset, reference_fingerprint=reference.fingerprint)

Each document graph of the dataset (a graph whose name carries `rdo:sha256`) is written in its own
transaction unless the store already holds that document with the same hash; other named graphs
(reference data, ontology) are replaced only when their fingerprint changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, URIRef

from kg.namespaces import RDO
from kg.store.base import GraphStore


@dataclass
class SyncReport:
    written: list[str] = field(default_factory=list)    # document graph IRIs written
    skipped: list[str] = field(default_factory=list)    # unchanged documents
    graphs: list[str] = field(default_factory=list)     # reference/ontology graphs replaced


def sync_dataset(store: GraphStore, dataset: Dataset, *, reference_fingerprint: str = "",
                 fingerprints: Mapping[str, str] | None = None) -> SyncReport:
    """Write the dataset's graphs that the store lacks or holds in another version."""
    report = SyncReport()
    present = store.document_hashes()
    for graph in sorted(dataset.graphs(), key=lambda g: str(g.identifier)):
        name = graph.identifier
        if not isinstance(name, URIRef) or not len(graph):
            continue
        sha = graph.value(name, RDO.sha256)
        if sha is not None:
            if present.get(str(name)) == str(sha):
                report.skipped.append(str(name))
                continue
            store.replace_document(str(name), str(sha), graph)
            report.written.append(str(name))
            continue
        fingerprint = (fingerprints or {}).get(str(name), reference_fingerprint)
        if not fingerprint or store.fingerprint(str(name)) != fingerprint:
            store.replace_named_graph(str(name), graph, fingerprint)
            report.graphs.append(str(name))
    return report


def files_fingerprint(paths: Sequence[Path]) -> str:
    """A hash of the files' names and contents: it changes exactly when one of them does."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def sync_files(store: GraphStore, name: str, paths: Sequence[Path]) -> bool:
    """Load RDF files (the ontology, the reference Turtle) as graph `name` when they changed."""
    fingerprint = files_fingerprint(paths)
    if store.fingerprint(name) == fingerprint:
        return False
    store.replace_named_graph(name, list(paths), fingerprint)
    return True
