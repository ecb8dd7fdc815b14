"""Property-based tests (hypothesis) of the readers, the extractor and the graph a build writes:
any Unicode text, any bytes, never crash them; every evidence's offsets slice the document exactly
to its quote; every graph written parses back and validates.

Texts are random Unicode, or readout fragments (tests/data/properties/fragments.yaml) strung
together with random Unicode, so that generated texts also reach the extractor's deeper rules.
Examples are few and unrecorded (no example database): the module takes seconds, not minutes.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import date
from pathlib import Path

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF

from kg.extract.extractor import extract
from kg.extract.model import DocExtraction, Span
from kg.model import Document
from kg.namespaces import OA, RDO
from kg.pipeline import build
from kg.read import ReadFailure, read_paths
from kg.read.decode import normalise_newlines
from kg.reference.load import load_reference
from kg.validate import load_ontology, validate_graph

REFERENCE = load_reference()
ONTOLOGY = load_ontology()
FRAGMENTS: list[str] = yaml.safe_load(
    (Path(__file__).parent / "data" / "properties" / "fragments.yaml").read_text(encoding="utf-8"))
SUFFIXES = [".txt", ".md", ".html", ".jsonl"]
KISHI_AUSTIN = "Defense Minister Kishi met Secretary Austin on 3 March 2021. They reaffirmed Article V."

quick = settings(max_examples=60, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
joints = st.sampled_from([" ", ". ", ", ", "\n", "\n\n"])
fragment_texts = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8), joints),
                          max_size=30).map("".join)
texts = st.one_of(st.text(), fragment_texts)
published = st.one_of(st.none(), st.dates(min_value=date(1990, 1, 1), max_value=date(2035, 12, 31)))


# --- readers --------------------------------------------------------------------------------------
def read_folder(folder: Path) -> list[Document | ReadFailure]:
    items = list(read_paths([folder]))
    for item in items:
        assert isinstance(item, Document | ReadFailure), item
        if isinstance(item, ReadFailure):
            assert item.reason and "\n" not in str(item), item
        else:
            item.text.encode("utf-8")            # text a graph can hold: no lone surrogate
            assert item.text.strip() and "\r" not in item.text
            f"{item.identifier}{item.path}".encode()
    return items


@quick
@given(content=st.one_of(texts.map(str.encode), st.binary(max_size=4096)), suffix=st.sampled_from(SUFFIXES))
@example(content=b"%PDF-1.7\n", suffix=".txt")
@example(content=b"\xff\xfe\x00\xd8", suffix=".md")            # a UTF-16 mark before a lone surrogate
@example(content=b"<div>" * 20_000, suffix=".html")
@example(content=b"[" * 100_000, suffix=".jsonl")
@example(content=b"---\ntitle: [[[[[[\n---\nbody\n", suffix=".md")
def test_any_file_reads_to_documents_or_failures(content: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / f"doc{suffix}").write_bytes(content)
        assert read_folder(Path(folder)), "a file gives a document or a failure, never nothing"


@quick
@given(text=texts)
@example(text="\ufeffReadout\r\nof a call\rtoday")
def test_a_text_file_reads_back_as_its_text(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "doc.txt").write_text(text, encoding="utf-8", newline="")
        (item,) = read_folder(Path(folder))
    if isinstance(item, Document) and "body_offset" not in item.meta:     # no front matter
        assert item.text == normalise_newlines(text.removeprefix("\ufeff"))


@quick
@given(text=st.text(st.characters(codec=None, exclude_categories=())))   # lone surrogates too
@example(text="Kishi \ud800 Austin")
def test_a_json_line_reads_back_as_its_text_or_fails_alone(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        lines = [json.dumps({"text": text}), json.dumps({"text": KISHI_AUSTIN})]
        (Path(folder) / "doc.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        first, second = read_folder(Path(folder))
    assert isinstance(second, Document) and second.identifier == "doc.jsonl#2"
    if isinstance(first, Document):
        assert first.text == normalise_newlines(text)
    else:
        assert first.path.endswith("doc.jsonl#1")


@quick
@given(name=st.binary(min_size=1, max_size=40).filter(lambda b: b"/" not in b and b"\x00" not in b))
@example(name=b"caf\xe9")
def test_any_file_name_gives_a_printable_identifier(name: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        with open(os.path.join(os.fsencode(folder), name + b".txt"), "wb") as handle:
            handle.write(KISHI_AUSTIN.encode())
        items = read_folder(Path(folder))
    if not name.startswith(b"."):     # hidden files are skipped in folders
        (document,) = items
        assert isinstance(document, Document) and document.identifier.endswith(".txt")


# --- the extractor ----------------------------------------------------------------------------------
def spans(x: DocExtraction) -> tuple[list[Span], list[Span]]:
    """(mentions of people, evidence spans) of an extraction."""
    mentions = [span for person in x.persons for span in person.mentions]
    evidence = [span for m in x.meetings
                for span in (*m.evidence, *m.participant_evidence.values(), *m.issues.values(),
                             *(r.evidence for r in m.reaffirmations))]
    return mentions, evidence


@quick
@given(text=texts, day=published)
@example(text="", day=None)
@example(text=KISHI_AUSTIN, day=date(2021, 3, 4))
@example(text="Defense Minister Kishi met Secretary Austin\x00 on 3 March.\u2028They met again.", day=None)
def test_the_extractor_never_raises_and_its_spans_lie_in_the_text(text: str, day: date | None) -> None:
    x = extract(Document(identifier="p.txt", text=text, published=day), REFERENCE)
    mentions, evidence = spans(x)
    for span in mentions + evidence:
        assert 0 <= span.start <= span.end <= len(text), span
    for span in evidence:
        assert text[span.start:span.end].strip(), (span, text[span.start:span.end])


# --- the graph a build writes -----------------------------------------------------------------------
def built_from_a_json_line(text: str, folder: Path) -> tuple[Document | None, int, Path]:
    """The document as read, the build's violations, and where its graph went."""
    corpus, out = folder / "in", folder / "out"
    corpus.mkdir()
    (corpus / "doc.jsonl").write_text(json.dumps({"text": text}) + "\n", encoding="utf-8")
    (item,) = read_paths([corpus])
    result = build([corpus], out, jobs=1)
    return (item if isinstance(item, Document) else None), result.violations, out


def assert_evidence_slices_the_text(graph: Graph, text: str) -> None:
    for evidence in graph.subjects(RDF.type, RDO.Evidence):
        assert isinstance(evidence, URIRef)
        position, quote_selector = URIRef(f"{evidence}#position"), URIRef(f"{evidence}#quote")
        start, end = (int(_literal(graph, position, OA[p])) for p in ("start", "end"))
        quote = str(_literal(graph, evidence, RDO.quote))
        assert text[start:end] == quote == str(_literal(graph, quote_selector, OA.exact))
        prefix, suffix = (str(_literal(graph, quote_selector, OA[p])) for p in ("prefix", "suffix"))
        assert text[start - len(prefix):start] == prefix and text[end:end + len(suffix)] == suffix


def _literal(graph: Graph, subject: URIRef, predicate: URIRef) -> Literal:
    value = graph.value(subject, predicate)
    assert isinstance(value, Literal), (subject, predicate, value)
    return value


@settings(quick, max_examples=40)
@given(text=texts)
@example(text=KISHI_AUSTIN)
@example(text="Defense Minister Kishi met Secretary Austin\x00\x1b on 3 March 2021 \U0001f600.\n\n"
              "He reaffirmed Article V of the Japan-U.S. Security Treaty.")
def test_every_written_graph_parses_back_validates_and_quotes_its_text(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        document, violations, out = built_from_a_json_line(text, Path(folder))
        graph = Graph().parse(out / "graph.ttl", format="turtle")
        Dataset().parse(out / "graph.trig", format="trig")
        assert violations == 0, (out / "validation.txt").read_text(encoding="utf-8")
        assert not validate_graph(graph, ontology=ONTOLOGY).violations
        if document is not None:
            assert (None, RDO.sha256, Literal(document.sha256)) in graph
            assert_evidence_slices_the_text(graph, document.text)

