"""Validation of a build's statements as they are made, a chunk of documents at a time, on Oxigraph.

The build hands each worker's chunk of N-Triples lines here together with the reference data they
use; they are loaded into an in-memory Oxigraph store with the ontology (for the class hierarchy)
and checked there: every shape of ontology/shapes.ttl, and the violation queries
(queries/violation-*.rq). A chunk's store holds a few ten thousand triples, so the cost of
validating grows with the number of documents and memory stays flat.
"""

from __future__ import annotations

import re
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
    # Every shape runs over the whole store and the results are picked here: restricting each query
    # to thousands of focus nodes (a VALUES block apiece) costs far more than the small store's scan.
    results = [*_shape_results(store, None), *_violation_query_results(store)]
    if focus is None:
        return results
    nodes = {URIRef(term[1:-1]) for term in focus}
    return [r for r in results if r.focus_node in nodes]


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
    checked again here with everything the merged graph says about them and about the things the
    shapes look at through them, and their results replace those of the chunks: the report is that
    of the whole graph."""
    about = _lines_about(triples, crossing)
    neighbours = _lines_about(triples, _followed(about) - crossing)
    again = validate_lines(about + neighbours, context, crossing)
    return {r for r in found if f"<{r.focus_node}>" not in crossing} | set(again)


def _followed(lines: list[str]) -> set[str]:
    """The nodes that the shapes of these statements' subjects look into: objects reached by a
    predicate that some shape targeting the subject's class follows (sh:class, sh:node...) or that
    its SPARQL rule names. An official's documents are not followed (no shape looks into them),
    a meeting's are (a held meeting is not dated after its report)."""
    follows = _follows()
    classes: dict[str, set[str]] = {}
    for line in lines:
        subject, predicate, obj = line[:-2].split(" ", 2)
        if predicate == _RDF_TYPE:
            classes.setdefault(subject, set()).update(_superclasses().get(obj, {obj}))
    followed = set()
    for line in lines:
        subject, predicate, obj = line[:-2].split(" ", 2)
        if obj.startswith("<") and any(predicate in follows.get(c, ()) for c in classes.get(subject, ())):
            followed.add(obj)
    return followed


_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_LOOKS_INTO = ("class", "node", "or", "and", "not", "xone", "qualifiedValueShape", "sparql")


@cache
def _follows() -> dict[str, frozenset[str]]:
    """Class (N-Triples term) -> the predicates its shapes look through into another node."""
    from rdflib import RDF
    from rdflib.namespace import SH

    shapes = _shapes()
    found: dict[str, set[str]] = {}
    for shape, target in shapes.subject_objects(SH.targetClass):
        into = found.setdefault(f"<{target}>", set())
        for prop in shapes.objects(shape, SH.property):
            path = shapes.value(prop, SH.path)
            inverse = shapes.value(path, SH.inversePath) if path is not None else None
            if isinstance(path, URIRef) and any(
                (prop, SH[word], None) in shapes for word in _LOOKS_INTO
            ):
                into.add(f"<{path}>")
            elif isinstance(inverse, URIRef):
                into.add(f"<{inverse}>")
        owners = [shape, *shapes.objects(shape, SH.property)]
        for rule in (r for owner in owners for r in shapes.objects(owner, SH.sparql)):
            into.update(f"<{iri}>" for iri in _iris_in(str(shapes.value(rule, SH.select) or ""), shapes))
        into.add(f"<{RDF.type}>")
    return {cls: frozenset(predicates) for cls, predicates in found.items()}


def _iris_in(select: str, shapes: Graph) -> set[str]:
    """The IRIs a SPARQL text names, in full or by a prefix the shapes declare."""
    from rdflib.namespace import SH

    prefixes = {str(shapes.value(d, SH.prefix)): str(shapes.value(d, SH.namespace))
                for d in shapes.objects(None, SH.declare)}
    iris = set(re.findall(r"<([^<>\s]+)>", select))
    for prefix, local in re.findall(r"(?<![\w?$])([A-Za-z][\w-]*):([A-Za-z_][\w-]*)", select):
        if prefix in prefixes:
            iris.add(prefixes[prefix] + local)
    return iris


@cache
def _superclasses() -> dict[str, frozenset[str]]:
    """Class (N-Triples term) -> itself and every class above it in the ontology."""
    from rdflib import RDFS

    from kg.validate import load_ontology

    ontology = load_ontology()
    result: dict[str, frozenset[str]] = {}
    for cls in set(ontology.subjects(RDFS.subClassOf, None)):
        above = set(ontology.transitive_objects(cls, RDFS.subClassOf))
        result[f"<{cls}>"] = frozenset(f"<{c}>" for c in above if isinstance(c, URIRef))
    return result


def _lines_about(triples: Path, subjects: set[str]) -> list[str]:
    if not subjects:
        return []
    with triples.open(encoding="utf-8") as fh:
        return [line.rstrip("\n") for line in fh if line[: line.index(" ")] in subjects]
