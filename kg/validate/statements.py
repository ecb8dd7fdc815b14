"""Validation of a build's statements as they are made, a chunk of documents at a time, on Oxigraph.

The build hands each worker's chunk of N-Triples lines here together with the reference data they
use; they are loaded into an in-memory Oxigraph store with the ontology (for the class hierarchy)
and checked there: every shape of ontology/shapes.ttl, and the violation queries
(queries/violation-*.rq). A chunk's store holds a few ten thousand triples, so the cost of
validating grows with the number of documents and memory stays flat.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import URIRef

from kg.validate.report import VIOLATION, ValidationReport, ValidationResult

if TYPE_CHECKING:
    from rdflib import Graph

    from kg.query import SavedQuery


def validate_lines(
    lines: list[str], context: list[str], focus: set[str] | None = None
) -> list[ValidationResult]:
    """Every result of the shapes and violation queries on `lines` with `context` (N-Triples);
    with `focus` (IRIs as N-Triples terms), only the results about those nodes."""
    store = ox.Store()
    data = "\n".join([*_ontology_lines(), *context, *lines]) + "\n"
    # lenient: the build wrote these lines itself (its serialiser reads them strictly later on)
    store.load(data.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES, lenient=True)
    return check_store(store, focus)


def check_store(store: ox.Store, focus: set[str] | None = None) -> list[ValidationResult]:
    nodes = None if focus is None else {URIRef(term[1:-1]) for term in focus}
    results = [*_shape_results(store, nodes), *_violation_query_results(store)]
    return results if nodes is None else [r for r in results if r.focus_node in nodes]


def _shape_results(store: ox.Store, focus: set[URIRef] | None) -> list[ValidationResult]:
    from kg.validate.oxigraph_engine import validate_store

    nodes = sorted(focus) if focus is not None else None
    return validate_store(store, shapes=_shapes(), focus_nodes=nodes).results


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
def _shapes() -> Graph:
    from kg.validate import load_shapes

    return load_shapes()


@cache
def _violation_queries() -> tuple[SavedQuery, ...]:
    from kg.query import saved_queries

    return tuple(q for q in saved_queries() if q.name.startswith("violation-"))


@cache
def _ontology_lines() -> tuple[str, ...]:
    from kg.validate import load_ontology

    return tuple(line for line in load_ontology().serialize(format="nt").splitlines() if line)


def validate_dataset(path: str | Path, *, chunk: int = 200) -> ValidationReport:
    """Validate a built graph.trig as the build does: documents' graphs a chunk at a time, each
    with the reference graph as context, then the nodes that documents of several chunks speak of
    with all the file says of them. Memory stays flat whatever the file's size."""
    from kg.map.statement_files import MappedDocument, StatementFiles

    reference = _reference_lines(Path(path))
    found: set[ValidationResult] = set(validate_lines([], reference))
    with tempfile.TemporaryDirectory(prefix="kg-validate-") as scratch:
        files = StatementFiles(Path(scratch), keep=False, quads=False)
        files.reference(reference)
        batch: list[str] = []
        graphs = number = 0
        for name, lines in _graphs_of(Path(path)):
            if name in (_REFERENCE, ""):
                continue
            own = name.rsplit("/", 1)[-1][:8] if _DOCUMENT in name else ""
            files.document(MappedDocument.of(name, own, sorted(lines)), number)
            batch += lines
            graphs += 1
            if graphs >= chunk:
                found.update(validate_lines(batch, reference))
                batch, graphs, number = [], 0, number + 1
        if batch:
            found.update(validate_lines(batch, reference))
        files.close()
        if files.crossing:
            found = check_seams(found, files.triples_path, files.crossing, reference)
    return ValidationReport(sorted(found))


_DOCUMENT = "https://w3id.org/readout-kg/id/document/"
_REFERENCE = "https://w3id.org/readout-kg/id/graph/reference"


def _graphs_of(path: Path) -> Iterator[tuple[str, list[str]]]:
    """(graph name, its statements as N-Triples lines) for each run of quads of one graph."""
    current: str | None = None
    lines: list[str] = []
    for quad in ox.parse(path=str(path), format=ox.RdfFormat.TRIG):
        name = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        if name != current:
            if current is not None:
                yield current, lines
            current, lines = name, []
        lines.append(f"{quad.subject} {quad.predicate} {quad.object} .")
    if current is not None:
        yield current, lines


def _reference_lines(path: Path) -> list[str]:
    """The reference graph (and the default graph, which a hand-made file may use for it)."""
    lines: list[str] = []
    for name, graph_lines in _graphs_of(path):
        if name in (_REFERENCE, ""):
            lines += graph_lines
        elif lines:
            break  # the build writes the reference graph first: no need to read on
    return lines


def check_seams(
    found: set[ValidationResult], triples: Path, crossing: set[str], context: list[str]
) -> set[ValidationResult]:
    """Chunks see only their own documents' statements about a person or meeting that documents
    of other chunks speak of too (a country one report gives, a second title...). Such nodes are
    checked again here with everything the merged graph says about them and the things they point
    to, and their results replace those of the chunks: the report is that of the whole graph."""
    about = _lines_about(triples, crossing)
    pointed = {part for line in about for part in line[:-2].split(" ")[2:3] if part.startswith("<")}
    neighbours = _lines_about(triples, pointed - crossing)
    again = validate_lines(about + neighbours, context, crossing)
    return {r for r in found if f"<{r.focus_node}>" not in crossing} | set(again)


def _lines_about(triples: Path, subjects: set[str]) -> list[str]:
    if not subjects:
        return []
    with triples.open(encoding="utf-8") as fh:
        return [line.rstrip("\n") for line in fh if line[: line.index(" ")] in subjects]
