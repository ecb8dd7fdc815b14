"""The one module that knows the order of the stages: read → extract → map → validate → store → export.

Extraction is a pure function of one document and the reference data, so documents are extracted
independently (in parallel with `jobs > 1`, in the same order as one process: results are
identical) and merged afterwards. A build streams: memory does not grow with the corpus.

    1. read + extract   workers; each extraction is spilled to disk, its merge view sent back
    2. merge            main process: one node per person and meeting across all documents
    3. map + validate   workers, a chunk of documents at a time: N-Triples lines, SHACL results
    4. write            main process: lines streamed to N-Quads/N-Triples files, then written as
                        TriG and Turtle by Oxigraph's serialisers
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Protocol

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDFS

from kg.errors import GraphError
from kg.extract.extractor import extract, extractor_for
from kg.extract.model import DocExtraction
from kg.map.merge import Identities, identities, merge_view
from kg.map.rdf import document_statements, graph_of, new_graph, reference_subset, used_in
from kg.map.statement_files import REFERENCE_GRAPH, MappedDocument, StatementFiles
from kg.model import Document
from kg.namespaces import PREFIXES, document_iri
from kg.parallel import Spill, Spilled, SpillReader, batched, ordered_map
from kg.read import ReadFailure, read_paths
from kg.reference.load import default_paths as default_reference_paths
from kg.reference.load import load_reference, reference_graph
from kg.reference.model import ReferenceData
from kg.validate.report import ValidationReport, ValidationResult
from kg.validate.statements import check_seams

_LOG = logging.getLogger("kg.pipeline")


class Progress(Protocol):
    """Told of each document done: extracted, then mapped and validated ("mapping")."""

    def __call__(self, n: int, stage: str = ...) -> None: ...



KEEP_DOCUMENTS = 2_000  # builds up to this size keep their statements in memory (`BuildResult.graph`)
EXTRACT_BATCH = 8  # documents a worker extracts per task
MAP_BATCH = 200  # documents a worker maps and validates per task
WINDOW = 4  # tasks in flight per worker: enough to keep it busy, few enough to bound memory


@dataclass
class BuildResult:
    """What a build produced: counts, reports and, when kept, every document's statements.

    `statements` holds N-Triples lines per document graph; `graph` (everything merged, graph.ttl),
    `document_graphs` and `dataset` (one named graph per document plus the reference data,
    graph.trig) are rdflib views made from them when first asked for."""

    statements: dict[URIRef, list[str]] = field(default_factory=dict)
    reference_lines: list[str] = field(default_factory=list)  # the slice of reference data used
    kept: bool = True
    documents_read: int = 0
    documents_failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    meetings: int = 0
    officials: int = 0
    violations: int = 0
    warnings: list[str] = field(default_factory=list)  # build report lines (e.g. dates that cannot be right)
    seconds: dict[str, float] = field(default_factory=dict)
    validation_text: str = ""
    validation_graph: Graph | None = None
    skipped: list[str] = field(default_factory=list)  # unchanged documents a store already held

    _graphs: dict[URIRef, Graph] | None = None
    _graph: Graph | None = None

    def _require_kept(self) -> None:
        if not self.kept:
            raise GraphError(
                f"a build of {self.documents_read:,} documents keeps no graph in memory: "
                "load its graph.ttl (kg.api.load) instead"
            )

    @property
    def document_graphs(self) -> dict[URIRef, Graph]:
        self._require_kept()
        if self._graphs is None:
            self._graphs = {iri: graph_of(lines) for iri, lines in self.statements.items()}
        return self._graphs

    @property
    def reference(self) -> Graph:
        return graph_of(self.reference_lines)

    @property
    def graph(self) -> Graph:
        if self._graph is None:
            self._require_kept()
            merged = new_graph()
            lines = {line for doc in self.statements.values() for line in doc} | set(self.reference_lines)
            merged += graph_of(sorted(lines))
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

    def summary(self) -> str:
        failed = len(self.documents_failed)
        kept = f" ({len(self.skipped)} unchanged, skipped)" if self.skipped else ""
        return (
            f"{self.documents_read} documents read{kept}, {failed} failed; {self.meetings} meetings, "
            f"{self.officials} officials; {self.violations} violations"
        )


# ----- extraction, one document at a time ---------------------------------------------------------
def safe_extract(
    document: Document, reference: ReferenceData, model: str | None = None
) -> DocExtraction | ReadFailure:
    """One document's extraction; a document that breaks the extractor fails alone, named (with
    its line, for a line of a JSON Lines file)."""
    try:
        x = extract(document, reference, model=model)
    except Exception as exc:
        where = document.path or document.identifier
        if "line" in document.meta:
            where = f"{where}#{document.meta['line']}"
        _LOG.debug("%s: extraction failed", where, exc_info=exc)  # the traceback, with --debug
        reason = " ".join(f"extraction failed: {type(exc).__name__}: {exc}".split())
        return ReadFailure(where, reason)
    error = document.meta.get("published_error")
    if error:
        x.notes.append(f"{document.identifier}: 'published' is ignored: {' '.join(str(error).split())}")
    return x


def read_documents(paths: Iterable[str | Path], failures: list[tuple[str, str]]) -> Iterator[Document]:
    for item in read_paths(paths):
        if isinstance(item, ReadFailure):
            failures.append((item.path, item.reason))
        else:
            yield item


# ----- what runs in the worker processes (or here, with one process) ------------------------------
@dataclass
class Extracted:
    """What a worker sends back for one document: what merging needs. The rest waits on disk."""

    view: DocExtraction
    used: frozenset[URIRef]
    spilled: Spilled


@dataclass
class Merged:
    """What mapping needs from the merge; written once to a file that each worker reads once."""

    ids: Identities
    names: dict[URIRef, str]
    reference_lines: list[str]


@dataclass
class MappedChunk:
    documents: list[MappedDocument]
    results: list[ValidationResult]
    map_s: float
    validate_s: float


@dataclass(frozen=True)
class MapTask:
    merged: str  # path of the pickled Merged
    documents: list[tuple[int, Spilled]]  # (document index, where its extraction lies)
    keep: bool = False  # send every document's lines back too


class _Worker:
    """One process's state: the reference data, its spill file, and the merge once it is known."""

    def __init__(self, model: str | None, scratch: str, validate: bool) -> None:
        self.reference = load_reference()
        self.model = model
        if model:
            extractor_for(self.reference, model)  # a model that cannot load stops the build at once
        self.spill = Spill(scratch, "extractions")
        self.reader = SpillReader()
        self.validate = validate
        self._merged: tuple[str, Merged] | None = None

    def merged(self, path: str) -> Merged:
        if self._merged is None or self._merged[0] != path:
            with open(path, "rb") as fh:
                self._merged = (path, pickle.load(fh))
        return self._merged[1]

    def close(self) -> None:
        self.spill.close()
        self.reader.close()


_WORKER: _Worker | None = None


def _start_worker(model: str | None, scratch: str, validate: bool) -> None:
    global _WORKER
    _WORKER = _Worker(model, scratch, validate)


def _stop_worker() -> None:
    global _WORKER
    if _WORKER is not None:
        _WORKER.close()
    _WORKER = None


def _worker() -> _Worker:
    assert _WORKER is not None, "the build's worker state was not started"
    return _WORKER


def _extract_batch(documents: list[Document]) -> list[Extracted | ReadFailure]:
    worker = _worker()
    results: list[Extracted | ReadFailure] = []
    for document in documents:
        item = safe_extract(document, worker.reference, worker.model)
        if isinstance(item, ReadFailure):
            results.append(item)
        else:
            results.append(Extracted(merge_view(item), frozenset(used_in(item)), worker.spill.write(item)))
    return results


def _map_batch(tasks: list[MapTask]) -> list[MappedChunk]:
    return [_map_chunk(task) for task in tasks]


def _map_chunk(task: MapTask) -> MappedChunk:
    worker = _worker()
    merged = worker.merged(task.merged)
    start = time.perf_counter()
    documents = []
    chunk_lines: list[str] = []
    for index, spilled in task.documents:
        x: DocExtraction = worker.reader.load(spilled)
        lines = sorted(document_statements(x, index, merged.ids, merged.names))
        documents.append(MappedDocument.of(str(document_iri(x.sha256)), x.sha256, lines, keep=task.keep))
        chunk_lines += lines
    mapped = time.perf_counter()
    results: list[ValidationResult] = []
    if worker.validate:
        results = check_statements(chunk_lines, merged.reference_lines)
    return MappedChunk(documents, results, mapped - start, time.perf_counter() - mapped)


def check_statements(
    lines: list[str], context: list[str], focus: set[str] | None = None
) -> list[ValidationResult]:
    """Validate N-Triples statements, with `context` (the reference data they use), on Oxigraph
    (only the results about `focus`, N-Triples IRIs, when given)."""
    from kg.validate.statements import validate_lines

    return validate_lines(lines, context, focus)


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
    keep: bool | None = None,
) -> BuildResult:
    """Read, extract, merge and map the documents under `paths`; write the outputs when `out_dir`.

    `keep` holds every document's statements in the result too (for the Python API and tests);
    by default only for builds of at most KEEP_DOCUMENTS documents.

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
    out = Path(out_dir) if out_dir is not None else None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        clear_leftovers(out)
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix=f".kg-build-{os.getpid()}-", dir=out) as scratch:
        pool: Executor | None = None
        if jobs > 1:
            pool = ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker,
                                       initargs=(model, scratch, validate))
        else:
            _start_worker(model, scratch, validate)
        try:
            result, writer, found = _streamed(paths, pool, jobs, Path(scratch), seconds, progress, keep)

            def finish_validation() -> None:
                if validate:
                    _finish_validation(result, writer, found, seconds)

            if out is not None:
                start = time.perf_counter()
                write_outputs(result, out, writer, pool, meanwhile=finish_validation)
                seconds["write"] += time.perf_counter() - start - seconds.get("validate.seams", 0.0)
            else:
                finish_validation()
        finally:
            if pool is not None:
                pool.shutdown(cancel_futures=True)
            _stop_worker()
    result.seconds = seconds
    return result


def _streamed(
    paths: Iterable[str | Path],
    pool: Executor | None,
    jobs: int,
    scratch: Path,
    seconds: dict[str, float],
    progress: Progress | None,
    keep: bool | None,
) -> tuple[BuildResult, StatementFiles, set[ValidationResult]]:
    extracted, failures = _extract_phase(paths, pool, jobs, seconds, progress)
    start = time.perf_counter()
    merged = _merge_phase(extracted, scratch)
    result = BuildResult(
        reference_lines=merged.reference_lines,
        kept=len(extracted) <= KEEP_DOCUMENTS if keep is None else keep,
        documents_read=len(extracted),
        documents_failed=failures,
        meetings=len({node.iri for node in merged.ids.meetings.values()}),
        officials=_count_officials([e.view for e in extracted], merged.ids),
        warnings=[note for e in extracted for note in e.view.notes],
    )
    spilled = [(index, e.spilled) for index, e in enumerate(extracted)]
    del extracted, merged  # from here on the workers hold the merge; the main process only writes
    seconds["merge"] = time.perf_counter() - start
    writer, found = _map_phase(spilled, scratch, pool, jobs, seconds, progress, result)
    return result, writer, found


def _finish_validation(
    result: BuildResult, writer: StatementFiles, found: set[ValidationResult], seconds: dict[str, float]
) -> None:
    """The chunks' results, with the nodes that several chunks speak of checked again (in the main
    process, while the workers write the graph files)."""
    if writer.crossing:
        start = time.perf_counter()
        found = check_seams(found, writer.triples_path, writer.crossing, result.reference_lines)
        seconds["validate.seams"] = time.perf_counter() - start  # part of validate
        seconds["validate"] += seconds["validate.seams"]
    _set_report(result, ValidationReport(sorted(found)))


def _extract_phase(
    paths: Iterable[str | Path],
    pool: Executor | None,
    jobs: int,
    seconds: dict[str, float],
    progress: Progress | None,
) -> tuple[list[Extracted], list[tuple[str, str]]]:
    failures: list[tuple[str, str]] = []
    start = time.perf_counter()
    extracted: list[Extracted] = []
    seconds["read"] = 0.0
    documents = _timed(read_documents(paths, failures), seconds, "read")
    for item in ordered_map(pool, _extract_batch, documents, batch=EXTRACT_BATCH, window=WINDOW * jobs):
        if isinstance(item, ReadFailure):
            failures.append((item.path, item.reason))
        else:
            for stage, value in item.view.seconds.items():
                seconds[f"extract.{stage}"] = seconds.get(f"extract.{stage}", 0.0) + value
            item.view.seconds = {}  # a dict per document adds up over 100,000 of them
            extracted.append(item)
        if progress:
            progress(1)
    seconds["read+extract"] = time.perf_counter() - start
    return extracted, failures


def _merge_phase(extracted: list[Extracted], scratch: Path) -> Merged:
    """One node per person and meeting; written to scratch/merged.pkl for the workers."""
    views = [e.view for e in extracted]
    ids = identities(views)
    reference = reference_graph()
    used: set[URIRef] = set().union(*(e.used for e in extracted))
    merged = Merged(ids, _names(views, ids, reference), sorted(_ntriples(reference_subset(reference, used))))
    with (scratch / MERGED_FILE).open("wb") as fh:
        pickle.dump(merged, fh, pickle.HIGHEST_PROTOCOL)
    return merged


MERGED_FILE = "merged.pkl"


def _map_phase(
    spilled: list[tuple[int, Spilled]],
    scratch: Path,
    pool: Executor | None,
    jobs: int,
    seconds: dict[str, float],
    progress: Progress | None,
    result: BuildResult,
) -> tuple[StatementFiles, set[ValidationResult]]:
    writer = StatementFiles(scratch, keep=result.kept)
    found: set[ValidationResult] = set()
    merged = str(scratch / MERGED_FILE)
    tasks = [MapTask(merged, chunk, result.kept) for chunk in batched(spilled, MAP_BATCH)]
    for key in ("map", "validate", "write"):
        seconds.setdefault(key, 0.0)
    writer.reference(result.reference_lines)  # first: a reader validating graph.trig needs it first
    for number, chunk in enumerate(ordered_map(pool, _map_batch, tasks, batch=1, window=2 * jobs)):
        start = time.perf_counter()
        for document in chunk.documents:
            writer.document(document, number)
        seconds["write"] += time.perf_counter() - start
        if progress:
            progress(len(chunk.documents), "mapping, validating")
        seconds["map"] += chunk.map_s
        seconds["validate"] += chunk.validate_s
        found.update(chunk.results)
    writer.close()
    result.statements = writer.kept or {}
    return writer, found


_LEFTOVER = re.compile(r"^\.(?:kg-build-(?P<build>\d+)-.*|.+\.tmp-(?P<tmp>\d+))$")


def clear_leftovers(out: Path) -> list[Path]:
    """Remove the scratch folders and half-written files that killed builds left in `out`: those
    whose process is gone (a build running beside this one keeps its own)."""
    removed = []
    for path in out.iterdir():
        match = _LEFTOVER.match(path.name)
        if match is None or _alive(int(match.group("build") or match.group("tmp"))):
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def _timed(items: Iterator[Document], seconds: dict[str, float], key: str) -> Iterator[Document]:
    """The items, adding the time spent making each to seconds[key] (reading, for the profile)."""
    while True:
        start = time.perf_counter()
        item = next(items, None)
        seconds[key] += time.perf_counter() - start
        if item is None:
            return
        yield item


def _ntriples(graph: Graph) -> list[str]:
    return [line for line in graph.serialize(format="nt").splitlines() if line]


def _names(views: list[DocExtraction], ids: Identities, reference: Graph) -> dict[URIRef, str]:
    names: dict[URIRef, str] = {}
    for x in views:
        for person in x.persons:
            iri = ids.person(person.key)
            label = reference.value(iri, RDFS.label) if person.ref_iri else None
            names.setdefault(iri, str(label) if label else person.name)
    return names


def _count_officials(views: list[DocExtraction], ids: Identities) -> int:
    officials = {ids.person(k) for x in views for m in x.meetings for k in m.participants}
    officials |= {ids.person(p.key) for x in views for p in x.persons if p.official}
    return len(officials)


def _set_report(result: BuildResult, report: ValidationReport) -> None:
    result.violations = len(report.violations)
    result.validation_text = report.text()
    result.validation_graph = report.graph()


KnownMeetings = Callable[[list[str], date], "str | None"]


def assemble(
    extractions: list[DocExtraction],
    failures: list[tuple[str, str]],
    seconds: dict[str, float],
    *,
    known_meeting: KnownMeetings | None = None,
) -> BuildResult:
    """Merge and map extractions held in memory (the store's incremental build)."""
    t0 = time.perf_counter()
    ids = identities(extractions)
    if known_meeting is not None:
        _reuse_stored_meetings(ids, extractions, known_meeting)
    seconds["merge"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    reference = reference_graph()
    names = _names(extractions, ids, reference)
    statements: dict[URIRef, list[str]] = {}
    for index, x in enumerate(extractions):
        lines = document_statements(x, index, ids, names)
        statements.setdefault(document_iri(x.sha256), []).extend(lines)  # the same text twice: one document
    used: set[URIRef] = set().union(*(used_in(x) for x in extractions))
    seconds["map"] = time.perf_counter() - t0
    return BuildResult(
        statements={iri: sorted(set(lines)) for iri, lines in statements.items()},
        reference_lines=sorted(_ntriples(reference_subset(reference, used))),
        documents_read=len(extractions),
        documents_failed=failures,
        meetings=len({node.iri for node in ids.meetings.values()}),
        officials=_count_officials(extractions, ids),
        warnings=[note for x in extractions for note in x.notes],
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


def validate_result(result: BuildResult) -> None:
    """Validate a kept build's statements again (after editing them, say), as the build does."""
    lines = sorted({line for doc in result.statements.values() for line in doc})
    _set_report(result, ValidationReport(sorted(set(check_statements(lines, result.reference_lines)))))


# ----- the persistent store ----------------------------------------------------------------------
def extract_all(
    documents: Iterable[Document],
    *,
    jobs: int = 1,
    progress: Progress | None = None,
    model: str | None = None,
) -> Iterator[DocExtraction | ReadFailure]:
    """Whole extractions in input order; `jobs` worker processes share the work with the same results."""
    reference = load_reference()
    if model:
        extractor_for(reference, model)  # a model that cannot load stops the build at once
    pool = ProcessPoolExecutor(max_workers=jobs) if jobs > 1 else None
    try:
        for item in ordered_map(pool, _extract_whole, documents, batch=EXTRACT_BATCH, window=WINDOW * jobs,
                                args=(model,)):
            yield item
            if progress:
                progress(1)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def _extract_whole(documents: list[Document], model: str | None) -> list[DocExtraction | ReadFailure]:
    reference = load_reference()
    return [safe_extract(document, reference, model) for document in documents]


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
            clear_leftovers(out)
            store.export(out / "graph.ttl", "turtle")
            store.export(out / "graph.trig", "trig")
            _write_reports(result, out)
    result.seconds = seconds
    return result


def _validate_documents(result: BuildResult) -> None:
    from kg.validate import load_ontology, validate_documents

    report = validate_documents(
        list(result.document_graphs.values()), reference_graph(), ontology=load_ontology()
    )
    result.violations = len(report.violations)
    result.validation_text = report.text()
    result.validation_graph = report.graph()  # type: ignore[attr-defined]


# ----- outputs ------------------------------------------------------------------------------------
def write_outputs(
    result: BuildResult,
    out: Path,
    files: StatementFiles,
    pool: Executor | None = None,
    *,
    meanwhile: Callable[[], None] | None = None,
) -> list[Path]:
    """graph.ttl, graph.trig, validation.txt/.ttl, build-report.txt; each written whole or not at all.

    Oxigraph's streaming serialisers write Turtle and TriG (forty times faster than rdflib's), side
    by side in two workers when there are, while `meanwhile` runs here; both go to temporary files
    that replace the old graph files only once both are complete."""
    out.mkdir(parents=True, exist_ok=True)
    targets = [(files.triples_path, "nt", out / "graph.ttl", "turtle"),
               (files.quads_path, "nq", out / "graph.trig", "trig")]
    temporary = [target.with_name(f".{target.name}.tmp-{os.getpid()}") for _, _, target, _ in targets]
    try:
        jobs = [(source, source_format, tmp, target_format)
                for (source, source_format, _, target_format), tmp in zip(targets, temporary, strict=True)]
        if pool is None:
            for job in jobs:
                serialise(*job)
            if meanwhile is not None:
                meanwhile()
        else:
            futures = [pool.submit(serialise, *job) for job in jobs]
            if meanwhile is not None:
                meanwhile()
            for future in futures:
                future.result()
        for tmp, (_, _, target, _) in zip(temporary, targets, strict=True):
            os.replace(tmp, target)
    finally:
        for tmp in temporary:
            tmp.unlink(missing_ok=True)
    return [target for _, _, target, _ in targets] + _write_reports(result, out)


def serialise(source: Path, source_format: str, target: Path, target_format: str) -> None:
    """An N-Triples or N-Quads file as Turtle or TriG with the project's prefixes, streamed."""
    import pyoxigraph as ox

    from kg.store.terms import SERIALISATION_PREFIXES, rdf_format

    statements: Iterator[Any] = ox.parse(path=str(source), format=rdf_format(source_format))
    if target_format in ("turtle", "ntriples"):
        statements = (quad.triple for quad in statements)
    ox.serialize(statements, str(target), rdf_format(target_format), prefixes=SERIALISATION_PREFIXES)


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
