"""RDF exports: the same graph comes back; JSON-LD uses the project's context and reads back offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from kg.errors import GraphError
from kg.export import export, jsonld_context

SAMPLE = Path(__file__).parent / "data" / "sample-graph.ttl"
DOC_GRAPH = "https://w3id.org/readout-kg/id/document/a0a0a0a0a0a0a0a0"


def sample() -> Graph:
    return Graph().parse(SAMPLE, format="turtle")


@pytest.mark.parametrize(("fmt", "rdflib_format"), [
    ("turtle", "turtle"), ("ntriples", "nt"), ("jsonld", "json-ld"), ("trig", "trig"), ("nquads", "nquads"),
])
def test_every_rdf_format_reads_back_to_the_same_graph(tmp_path: Path, fmt: str, rdflib_format: str) -> None:
    out = export([SAMPLE], fmt, tmp_path / f"graph.{fmt}")
    dataset = Dataset()
    dataset.parse(out, format=rdflib_format)
    merged = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        merged.add((s, p, o))
    assert isomorphic(merged, sample())


def test_jsonld_is_compacted_with_the_published_context(tmp_path: Path) -> None:
    out = export([SAMPLE], "jsonld", tmp_path / "graph.jsonld")
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["@context"] == jsonld_context()
    meeting = next(n for n in document["@graph"] if n["@id"].endswith("meeting/1111111111111111"))
    assert meeting["date"] == "2021-03-02"
    assert "https://w3id.org/readout-kg/id/person/hana-moriyama" in meeting["participant"]


def test_the_same_graph_gives_the_same_bytes(tmp_path: Path) -> None:
    for fmt in ("turtle", "jsonld"):
        first = export([SAMPLE], fmt, tmp_path / f"a.{fmt}").read_bytes()
        second = export(sample(), fmt, tmp_path / f"b.{fmt}").read_bytes()
        assert first == second, fmt


def test_trig_keeps_the_named_graphs(tmp_path: Path) -> None:
    source = tmp_path / "in.trig"
    source.write_text(f"<{DOC_GRAPH}> {{ <http://e/a> <http://e/p> \"x\" . }}\n"
                      "<http://e/a> <http://e/p> \"y\" .\n", encoding="utf-8")
    out = export([source], "trig", tmp_path / "out.trig")
    dataset = Dataset()
    dataset.parse(out, format="trig")
    assert len(dataset.graph(URIRef(DOC_GRAPH))) == 1
    merged = export([source], "turtle", tmp_path / "out.ttl")
    assert len(Graph().parse(merged)) == 2


def test_an_unknown_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(GraphError, match="unknown export format"):
        export([SAMPLE], "docx", tmp_path / "x.docx")


def test_a_failed_write_leaves_no_half_file(tmp_path: Path) -> None:
    target = tmp_path / "graph.ttl"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(GraphError):
        export([tmp_path / "missing.ttl"], "turtle", target)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]
