"""Validation for the benchmark: pyshacl over a whole graph, the project's own way, planted faults.

A violation is compared by its key (severity, focus node, path, constraint component, shape), so
two engines agree when they find the same broken rules on the same nodes, whatever their messages.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, XSD, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from kg.namespaces import DCTERMS, ID, PROV, RDO

Key = tuple[str, str, str, str, str]
REFERENCE_GRAPH = ID["graph/reference"]


def result_key(result: Any) -> Key:
    path = "" if result.path is None else ("^" if result.inverse_path else "") + str(result.path)
    return (
        str(result.severity),
        str(result.focus_node),
        path,
        str(result.constraint or ""),
        str(result.source_shape or ""),
    )


def write_set(path: Path, keys: Iterable[Key]) -> None:
    path.write_text(json.dumps(sorted(keys), indent=0), encoding="utf-8")


def read_set(path: Path) -> set[Key]:
    return {tuple(item) for item in json.loads(path.read_text(encoding="utf-8"))}  # type: ignore[misc]


def parse_graph(path: Path) -> Graph:
    graph = Graph()
    graph.parse(path, format="turtle")
    return graph


def pyshacl_violations(graph_path: Path) -> set[Key]:
    """pyshacl over the whole graph at once (kg.validate.validate_graph): the baseline."""
    from kg.validate import validate_graph

    return {result_key(r) for r in validate_graph(parse_graph(graph_path)).results}


def project_violations(graph_path: Path) -> tuple[set[Key], str]:
    """The project's own way of validating a built graph, and a word on which way that was: as the
    build does it, the documents' graphs of graph.trig a chunk at a time on Oxigraph."""
    from kg.validate.statements import validate_dataset

    trig = graph_path.with_suffix(".trig")
    if trig.is_file():
        report = validate_dataset(trig)
        # The violation queries (queries/violation-*.rq) run too; pyshacl knows only the shapes.
        shaped = {result_key(r) for r in report.results if r.source_shape is not None}
        return shaped, "kg.validate.statements.validate_dataset (SHACL on Oxigraph, chunks)"
    import kg.validate as validate

    report = validate.validate_graph(parse_graph(graph_path))
    return {result_key(r) for r in report.results}, "kg.validate.validate_graph (whole graph)"


def split_dataset(trig: Path) -> tuple[list[Graph], Graph]:
    """The per-document graphs and the reference graph of a graph.trig, read with Oxigraph for speed."""
    import pyoxigraph as ox

    from kg.query.engine import to_rdflib

    graphs: dict[str, Graph] = {}
    for quad in ox.parse(path=str(trig), format=ox.RdfFormat.TRIG):
        name = str(quad.graph_name.value) if isinstance(quad.graph_name, ox.NamedNode) else ""
        triple = (to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object))
        graphs.setdefault(name, Graph()).add(triple)  # type: ignore[arg-type]
    reference = graphs.pop(str(REFERENCE_GRAPH), Graph())
    reference += graphs.pop("", Graph())
    return [graphs[name] for name in sorted(graphs)], reference


# ---------------------------------------------------------------- planted faults


def plant_violations(graph_path: Path, out_dir: Path, per_kind: int) -> dict[str, Any]:
    """Copy graph.ttl (and graph.trig) to out_dir with faults planted on `per_kind` nodes of each kind."""
    out_dir.mkdir(parents=True, exist_ok=True)
    trig = graph_path.with_suffix(".trig")
    dataset = Dataset()
    if trig.is_file():
        dataset.parse(trig, format="trig")
    else:
        dataset.default_graph.parse(graph_path, format="turtle")  # type: ignore[attr-defined]
    planted = {name: plant(dataset, per_kind) for name, plant in PLANTERS.items()}
    union = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    union.serialize(out_dir / "graph.ttl", format="turtle")
    if trig.is_file():
        dataset.serialize(out_dir / "graph.trig", format="trig")
    return {"planted": planted, "triples": len(union)}


def _subjects(dataset: Dataset, predicate: URIRef, obj: Node | None = None) -> list[URIRef]:
    found = {s for s, _, _, _ in dataset.quads((None, predicate, obj, None)) if isinstance(s, URIRef)}
    return sorted(found)


def _meetings(dataset: Dataset) -> list[URIRef]:
    return _subjects(dataset, RDO.hasParticipation) or _subjects(dataset, RDO.participant)


def _drop(dataset: Dataset, nodes: list[URIRef], predicate: URIRef, per_kind: int) -> list[str]:
    chosen = nodes[:per_kind]
    for node in chosen:
        dataset.remove((node, predicate, None, None))  # type: ignore[arg-type]
    return [str(n) for n in chosen]


def plant_missing_evidence(dataset: Dataset, per_kind: int) -> list[str]:
    return _drop(dataset, _meetings(dataset), RDO.evidence, per_kind)


def plant_missing_source(dataset: Dataset, per_kind: int) -> list[str]:
    return _drop(dataset, _meetings(dataset)[per_kind:], PROV.wasDerivedFrom, per_kind)


def plant_missing_quote(dataset: Dataset, per_kind: int) -> list[str]:
    return _drop(dataset, _subjects(dataset, RDF.type, RDO.Evidence)[per_kind:], RDO.quote, per_kind)


def plant_unlabelled_official(dataset: Dataset, per_kind: int) -> list[str]:
    extracted = [
        o
        for o in _subjects(dataset, RDF.type, RDO.Official)
        if next(dataset.quads((o, PROV.wasDerivedFrom, None, None)), None) is not None
    ]
    return _drop(dataset, extracted, RDFS.label, per_kind)


def plant_untyped_date(dataset: Dataset, per_kind: int) -> list[str]:
    changed = []
    for meeting in _subjects(dataset, RDO.date)[:per_kind]:
        for _, _, value, graph in list(dataset.quads((meeting, RDO.date, None, None))):
            dataset.remove((meeting, RDO.date, value, graph))  # type: ignore[arg-type]
            dataset.add((meeting, RDO.date, Literal(str(value)), graph))  # type: ignore[arg-type]
        changed.append(str(meeting))
    return changed


def plant_held_after_publication(dataset: Dataset, per_kind: int) -> list[str]:
    """Move held meetings' dates a month past their document's publication (a SPARQL rule's case)."""
    changed = []
    for meeting in _subjects(dataset, RDO.date)[per_kind:]:
        issued = _publication(dataset, meeting)
        if issued is None or (meeting, RDO.status, RDO.Planned) in dataset:  # type: ignore[operator]
            continue
        for _, _, value, graph in list(dataset.quads((meeting, RDO.date, None, None))):
            dataset.remove((meeting, RDO.date, value, graph))  # type: ignore[arg-type]
            dataset.add((meeting, RDO.date, Literal(issued + timedelta(days=30), datatype=XSD.date), graph))  # type: ignore[arg-type]
        changed.append(str(meeting))
        if len(changed) == per_kind:
            break
    return changed


def _publication(dataset: Dataset, meeting: URIRef) -> date | None:
    for _, _, document, _ in dataset.quads((meeting, PROV.wasDerivedFrom, None, None)):
        for _, _, issued, _ in dataset.quads((document, DCTERMS.issued, None, None)):
            value = issued.toPython() if isinstance(issued, Literal) else None
            if isinstance(value, date):
                return value
    return None


PLANTERS: dict[str, Callable[[Dataset, int], list[str]]] = {
    "meeting without evidence": plant_missing_evidence,
    "meeting without source document": plant_missing_source,
    "evidence without quote": plant_missing_quote,
    "extracted official without label": plant_unlabelled_official,
    "meeting date as an untyped string": plant_untyped_date,
    "held meeting dated after its publication": plant_held_after_publication,
}
