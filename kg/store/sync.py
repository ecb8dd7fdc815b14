"""Bring a store up to date with a build: what `kg build --store DIR` calls after mapping.

    report = sync_dataset(store, result.dataset, reference_fingerprint=reference.fingerprint)

Each document graph of the dataset (a graph whose name carries `rdo:sha256`) is written in its own
transaction unless the store already holds that document with the same hash; other named graphs
(reference data, ontology) are replaced only when their fingerprint changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

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
