"""The one module that knows the order of the stages: read → extract → map → validate → store → export.

Extraction is a pure function of one document and the reference data, so documents are extracted
independently (in parallel with `jobs > 1`, in the same order as one process: results are
identical) and merged afterwards.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDFS

from kg.extract.extractor import extract, extractor_for
from kg.extract.model import DocExtraction
from kg.map.merge import Identities, identities
from kg.map.rdf import document_graph, new_graph, reference_subset, used_references
from kg.model import Document
from kg.namespaces import ID, PREFIXES, document_iri
from kg.read import ReadFailure, read_paths
from kg.reference.load import default_paths as default_reference_paths
from kg.reference.load import load_reference, reference_graph
from kg.reference.model import ReferenceData

REFERENCE_GRAPH = ID["graph/reference"]
Progress = Callable[[int], None]


@dataclass
class BuildResult:
    """What a build produced: one graph per document, the reference data they use, and the counts.

    `graph` (everything merged, graph.ttl) and `dataset` (one named graph per document plus the
    reference data, graph.trig) are made from them when first asked for: copying every triple
    into rdflib graphs costs more than the mapping itself on large builds."""

    document_graphs: dict[URIRef, Graph] = field(default_factory=dict)
    reference: Graph = field(default_factory=Graph)  # the slice of reference data the documents use
    documents_read: int = 0
    documents_failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    meetings: int = 0
    officials: int = 0
    violations: int = 0
    warnings: list[str] = field(default_factory=list)  # build report lines (e.g. dates that cannot be right)
    seconds: dict[str, float] = field(default_factory=dict)
    validation_text: str = ""
    skipped: list[str] = field(default_factory=list)  # unchanged documents a store already held

    _graph: Graph | None = None

    @property
    def graph(self) -> Graph:
        if self._graph is None:
            merged = new_graph()
            for iri in sorted(self.document_graphs):
                merged += self.document_graphs[iri]
            merged += self.reference
            self._graph = merged
        return self._graph

    @property
    def dataset(self) -> Dataset:
        dataset = Dataset()
        for prefix, namespace in PREFIXES.items():
            dataset.bind(prefix, namespace)
        for iri in sorted(self.document_graphs):
            dataset.graph(iri).__iadd__(self.document_graphs[iri])
        dataset.graph(REFERENCE_GRAPH).__iadd__(self.reference)
        return dataset

    def nquads(self) -> str:
        """Every document graph and the reference graph as N-Quads, without copying triples."""
        parts = []
        for name, graph in [*sorted(self.document_graphs.items()), (REFERENCE_GRAPH, self.reference)]:
            suffix = f" <{name}> .\n"
            parts += [line[:-2] + suffix for line in graph.serialize(format="nt").splitlines() if line]
        return "".join(parts)

    def ntriples(self) -> str:
        lines = {line for g in [*self.document_graphs.values(), self.reference]
                 for line in g.serialize(format="nt").splitlines() if line}
        return "\n".join(sorted(lines)) + "\n"

    def summary(self) -> str:
        failed = len(self.documents_failed)
        kept = f" ({len(self.skipped)} unchanged, skipped)" if self.skipped else ""
        return (
            f"{self.documents_read} documents read{kept}, {failed} failed; {self.meetings} meetings, "
            f"{self.officials} officials; {self.violations} violations"
        )


# ----- extraction, one document at a time ---------------------------------------------------------
_WORKER: dict[str, object] = {}


def _init_worker(model: str | None) -> None:
    _WORKER["reference"] = load_reference()
    _WORKER["model"] = model


def _extract_in_worker(document: Document) -> DocExtraction | ReadFailure:
    reference = _WORKER["reference"]
    assert isinstance(reference, ReferenceData)
    return safe_extract(document, reference, _WORKER["model"])  # type: ignore[arg-type]


def safe_extract(
    document: Document, reference: ReferenceData, model: str | None = None
) -> DocExtraction | ReadFailure:
    """One document's extraction; a document that breaks the extractor fails alone, named."""
    try:
        return extract(document, reference, model=model)
    except Exception as exc:
        return ReadFailure(
            document.path or document.identifier, f"extraction failed: {type(exc).__name__}: {exc}"
        )


def extract_all(
    documents: Iterable[Document],
    *,
    jobs: int = 1,
    progress: Progress | None = None,
    model: str | None = None,
) -> Iterator[DocExtraction | ReadFailure]:
    """Extractions in input order; `jobs` worker processes share the work with the same results."""
    if jobs <= 1:
        reference = load_reference()
        if model:
            extractor_for(reference, model)  # a model that cannot load stops the build at once
        for document in documents:
            yield safe_extract(document, reference, model)
            if progress:
                progress(1)
        return
    if model:
        extractor_for(load_reference(), model)
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(model,)) as pool:
        for result in pool.map(_extract_in_worker, documents, chunksize=16):
            yield result
            if progress:
                progress(1)


def read_documents(paths: Iterable[str | Path], failures: list[tuple[str, str]]) -> Iterator[Document]:
    for item in read_paths(paths):
        if isinstance(item, ReadFailure):
            failures.append((item.path, item.reason))
        else:
            yield item


# ----- the whole build ----------------------------------------------------------------------------
def build(
    paths: Iterable[str | Path],
    out_dir: str | Path | None = None,
    *,
    jobs: int = 1,
    validate: bool = True,
    quiet: bool = True,
    progress: Progress | None = None,
    store_dir: str | Path | None = None,
    stored: Callable[[str], None] | None = None,
    model: str | None = None,
) -> BuildResult:
    """Read, extract, merge and map the documents under `paths`; write the outputs when `out_dir`.

    With `store_dir`, the graph lives in a persistent Oxigraph store, one named graph per document:
    unchanged documents are skipped, changed ones replaced, each in one transaction (`stored` is
    called after each), and the outputs are exported from the whole store."""
    if store_dir is not None:
        return build_into_store(
            paths,
            Path(store_dir),
            out_dir,
            jobs=jobs,
            validate=validate,
            progress=progress,
            stored=stored,
            model=model,
        )
    seconds: dict[str, float] = {}
    failures: list[tuple[str, str]] = []
    started = time.perf_counter()
    extractions: list[DocExtraction] = []
    for item in extract_all(read_documents(paths, failures), jobs=jobs, progress=progress, model=model):
        if isinstance(item, ReadFailure):
            failures.append((item.path, item.reason))
        else:
            extractions.append(item)
    seconds["read+extract"] = time.perf_counter() - started
    for x in extractions:
        for stage, value in x.seconds.items():
            seconds[f"extract.{stage}"] = seconds.get(f"extract.{stage}", 0.0) + value
    result = assemble(extractions, failures, seconds)
    if validate:
        t0 = time.perf_counter()
        _validate(result)
        seconds["validate"] = time.perf_counter() - t0
    if out_dir is not None:
        t0 = time.perf_counter()
        write_outputs(result, Path(out_dir))
        seconds["write"] = time.perf_counter() - t0
    result.seconds = seconds
    return result


KnownMeetings = Callable[[list[str], date], "str | None"]


def assemble(
    extractions: list[DocExtraction],
    failures: list[tuple[str, str]],
    seconds: dict[str, float],
    *,
    known_meeting: KnownMeetings | None = None,
) -> BuildResult:
    t0 = time.perf_counter()
    ids = identities(extractions)
    if known_meeting is not None:
        _reuse_stored_meetings(ids, extractions, known_meeting)
    seconds["merge"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    reference = reference_graph()
    names = _names(extractions, ids, reference)
    doc_graphs: dict[URIRef, Graph] = {}
    for index, x in enumerate(extractions):
        iri = document_iri(x.sha256)
        graph = document_graph(x, index, ids, names)
        if iri in doc_graphs:
            graph += doc_graphs[iri]  # the same text twice: one document
        doc_graphs[iri] = graph
    subset = reference_subset(reference, used_references(doc_graphs.values()))
    seconds["map"] = time.perf_counter() - t0
    meetings = {node.iri for node in ids.meetings.values()}
    officials = {ids.person(k) for x in extractions for m in x.meetings for k in m.participants}
    officials |= {ids.person(p.key) for x in extractions for p in x.persons if p.official}
    warnings = [note for x in extractions for note in x.notes]
    return BuildResult(
        document_graphs=doc_graphs,
        reference=subset,
        documents_read=len(extractions),
        documents_failed=failures,
        meetings=len(meetings),
        officials=len(officials),
        warnings=warnings,
    )


def _reuse_stored_meetings(ids: Identities, extractions: list[DocExtraction], known: KnownMeetings) -> None:
    """A meeting the store already holds (reported by a document built earlier, a day apart) keeps
    its node: one node per real meeting as documents come and go."""
    for (doc_index, meeting_index), node in sorted(ids.meetings.items()):
        if node.date is None:
            continue
        meeting = extractions[doc_index].meetings[meeting_index]
        people = sorted(str(ids.person(k)) for k in meeting.participants)
        stored = known(people, node.date)
        if stored is not None:
            node.iri = URIRef(stored)


def _names(extractions: list[DocExtraction], ids: Identities, reference: Graph) -> dict[URIRef, str]:
    names: dict[URIRef, str] = {}
    for x in extractions:
        for person in x.persons:
            iri = ids.person(person.key)
            label = reference.value(iri, RDFS.label) if person.ref_iri else None
            names.setdefault(iri, str(label) if label else person.name)
    return names


# Above this many triples pyshacl takes minutes and gigabytes (29 s for 1,000 documents here);
# the build then checks the graph on Oxigraph instead: the shapes' SPARQL rules and the
# violation queries, which cover the constraints that extraction can break.
LARGE_GRAPH = 50_000


def _validate(result: BuildResult) -> None:
    from kg.validate import load_ontology, validate_graph

    size = sum(len(g) for g in result.document_graphs.values()) + len(result.reference)
    if size > LARGE_GRAPH:
        _validate_on_oxigraph(result, size)
        return
    report = validate_graph(result.graph, ontology=load_ontology())
    result.violations = len(report.violations)
    result.validation_text = report.text()
    result.validation_graph = report.graph()  # type: ignore[attr-defined]


# ----- the persistent store ----------------------------------------------------------------------
def build_into_store(
    paths: Iterable[str | Path],
    store_dir: Path,
    out_dir: str | Path | None,
    *,
    jobs: int = 1,
    validate: bool = True,
    progress: Progress | None = None,
    stored: Callable[[str], None] | None = None,
    model: str | None = None,
) -> BuildResult:
    from kg.resources import ontology_dir
    from kg.store import ONTOLOGY_GRAPH, open_store
    from kg.store import REFERENCE_GRAPH as STORE_REFERENCE_GRAPH
    from kg.store.sync import sync_files

    seconds: dict[str, float] = {}
    failures: list[tuple[str, str]] = []
    with open_store(store_dir) as store:
        sync_files(store, STORE_REFERENCE_GRAPH, list(default_reference_paths()))
        sync_files(
            store, ONTOLOGY_GRAPH, sorted(p for p in ontology_dir().glob("*.ttl") if p.name != "shapes.ttl")
        )
        present = store.document_hashes()
        skipped: list[str] = []

        def changed(documents: Iterable[Document]) -> Iterator[Document]:
            for document in documents:
                if present.get(str(document_iri(document.sha256))) == document.sha256:
                    skipped.append(document.identifier)
                    if progress:
                        progress(1)
                else:
                    yield document

        started = time.perf_counter()
        extractions: list[DocExtraction] = []
        for item in extract_all(
            changed(read_documents(paths, failures)), jobs=jobs, progress=progress, model=model
        ):
            if isinstance(item, ReadFailure):
                failures.append((item.path, item.reason))
            else:
                extractions.append(item)
        seconds["read+extract"] = time.perf_counter() - started

        def known(people: list[str], day: date) -> str | None:
            found = store.find_meetings(people, day - timedelta(days=1), day + timedelta(days=1))
            return sorted(found)[0] if found else None

        result = assemble(extractions, failures, seconds, known_meeting=known)
        t0 = time.perf_counter()
        for x in extractions:
            iri = document_iri(x.sha256)
            store.replace_document(
                str(iri), x.sha256, result.document_graphs[iri], identifier=x.document.identifier
            )
            if stored:
                stored(x.document.identifier)
        seconds["store"] = time.perf_counter() - t0
        result.documents_read += len(skipped)
        result.skipped = skipped
        if validate:
            _validate_documents(result)
        if out_dir is not None:
            out = Path(out_dir)
            out.mkdir(parents=True, exist_ok=True)
            store.export(out / "graph.ttl", "turtle")
            store.export(out / "graph.trig", "trig")
            _write_reports(result, out)
    result.seconds = seconds
    return result


def _validate_on_oxigraph(result: BuildResult, size: int) -> None:
    import pyoxigraph as ox

    from kg.query import run_query, saved_queries
    from kg.validate import load_shapes, run_sparql_rules, sparql_rules
    from kg.validate.report import VIOLATION, ValidationReport, ValidationResult

    store = ox.Store()
    store.load(result.ntriples().encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    report = ValidationReport(run_sparql_rules(store, sparql_rules(load_shapes())))
    for query in saved_queries():
        if not query.name.startswith("violation-"):
            continue
        rows = run_query(query, store=store)
        report.extend(
            ValidationResult(VIOLATION, row[0], None, None, query.title or query.name, None)
            for row in rows.rows
            if row and row[0] is not None
        )
    result.violations = len(report.violations)
    note = (f"The graph holds {size:,} triples: checked on Oxigraph with the shapes' SPARQL rules and the "
            "violation queries (queries/violation-*.rq); `kg validate` runs every SHACL shape.\n")
    result.validation_text = note + report.text()
    result.validation_graph = report.graph()  # type: ignore[attr-defined]


def _validate_documents(result: BuildResult) -> None:
    from kg.validate import load_ontology, validate_documents

    report = validate_documents(
        list(result.document_graphs.values()), reference_graph(), ontology=load_ontology()
    )
    result.violations = len(report.violations)
    result.validation_text = report.text()
    result.validation_graph = report.graph()  # type: ignore[attr-defined]


# ----- outputs ------------------------------------------------------------------------------------
def write_outputs(result: BuildResult, out: Path) -> list[Path]:
    """graph.ttl, graph.trig, validation.txt/.ttl, build-report.txt; each written whole or not at all."""
    out.mkdir(parents=True, exist_ok=True)
    written = [
        _atomic_write(out / "graph.ttl", serialize(result.ntriples(), "turtle")),
        _atomic_write(out / "graph.trig", serialize(result.nquads(), "trig")),
    ]
    return written + _write_reports(result, out)


def serialize(lines: str, fmt: str) -> str:
    """Turtle or TriG written by Oxigraph (forty times faster than rdflib's serialisers on large
    graphs), with the project's prefixes; statements sorted by graph, subject, predicate and object,
    so the same graph gives the same bytes and each subject's statements stand together."""
    import pyoxigraph as ox

    from kg.store.terms import SERIALISATION_PREFIXES

    quads = fmt == "trig"
    source = ox.RdfFormat.N_QUADS if quads else ox.RdfFormat.N_TRIPLES
    statements = list(ox.parse(lines.encode("utf-8"), format=source))
    statements.sort(
        key=lambda q: (str(q.graph_name) if quads else "", str(q.subject), str(q.predicate), str(q.object))
    )
    if not quads:
        statements = [ox.Triple(q.subject, q.predicate, q.object) for q in statements]
    data = ox.serialize(
        statements,
        format=ox.RdfFormat.TRIG if quads else ox.RdfFormat.TURTLE,
        prefixes=SERIALISATION_PREFIXES,
    )
    assert data is not None
    return bytes(data).decode("utf-8")


def _write_reports(result: BuildResult, out: Path) -> list[Path]:
    written = [_atomic_write(out / "build-report.txt", build_report(result))]
    if result.validation_text:
        written.append(_atomic_write(out / "validation.txt", result.validation_text))
        graph = getattr(result, "validation_graph", None)
        if graph is not None:
            written.append(_atomic_write(out / "validation.ttl", graph.serialize(format="turtle")))
    _atomic_write(
        out / "build-summary.json",
        json.dumps(
            {
                "documents_read": result.documents_read,
                "documents_failed": len(result.documents_failed),
                "meetings": result.meetings,
                "officials": result.officials,
                "violations": result.violations,
            },
            indent=2,
            sort_keys=True,
        )
        + "\n",
    )
    return written


def build_report(result: BuildResult) -> str:
    lines = [result.summary(), ""]
    if result.documents_failed:
        lines.append("Documents that could not be read:")
        lines += [f"  {path}: {reason}" for path, reason in result.documents_failed]
        lines.append("")
    if result.warnings:
        lines.append("Dates and other facts that could not be fixed:")
        lines += [f"  {w}" for w in result.warnings]
    return "\n".join(lines) + "\n"


def _atomic_write(path: Path, content: str) -> Path:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(content, encoding="utf-8")
    os.replace(tmp, path)
    return path
