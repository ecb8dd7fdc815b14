"""The Python API, as a notebook uses it."""

from __future__ import annotations

import html
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph

import kg.api as kg

SAMPLE = Path(__file__).parent / "data" / "sample-graph.ttl"
ID = "https://w3id.org/readout-kg/id/"


@pytest.fixture(scope="module")
def graph() -> kg.KnowledgeGraph:
    return kg.load(SAMPLE)


def test_load_and_query_with_keyword_parameters(graph: kg.KnowledgeGraph) -> None:
    assert len(graph) == 364
    rows = graph.query("meetings-reaffirming-article", article=5, treaty=f"<{ID}treaty/north-atlantic>")
    assert [str(r["meeting"]) for r in rows.as_dicts()] == [f"{ID}meeting/4444444444444444"]
    # "from" is a Python keyword: such parameters go in the dict
    dates = graph.query("meetings-timeline", {"from": "2022-01-01"}).column("date")
    assert [str(d) for d in dates] == ["2022-02-11"]


def test_sparql_text_works_too(graph: kg.KnowledgeGraph) -> None:
    result = graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?m a rdo:TelephoneTalk }")
    assert str(result.rows[0][0]) == "2"


def test_an_rdflib_graph_in_and_out(graph: kg.KnowledgeGraph) -> None:
    rdflib_graph = Graph().parse(SAMPLE, format="turtle")
    again = kg.KnowledgeGraph.from_graph(rdflib_graph)
    assert len(again) == len(graph) == len(graph.graph)


def test_export_and_network(graph: kg.KnowledgeGraph, tmp_path: Path) -> None:
    out = graph.export("graphml", tmp_path / "net.graphml")
    assert nx.read_graphml(out).number_of_nodes() == graph.network().number_of_nodes() == 27
    assert graph.network("officials").number_of_edges() == 4


def test_the_view_shows_inline_in_a_sandboxed_iframe(graph: kg.KnowledgeGraph) -> None:
    view = graph.view()
    shown = view._repr_html_()
    assert shown.startswith("<iframe srcdoc=\"") and 'sandbox="allow-scripts"' in shown
    srcdoc = shown.split('srcdoc="', 1)[1].split('" sandbox=', 1)[0]
    assert '"' not in srcdoc and html.unescape(srcdoc) == view.html


def test_query_results_show_as_html_tables(graph: kg.KnowledgeGraph) -> None:
    table = graph.query("officials-by-meetings")._repr_html_()
    assert table.startswith("<table>") and "<td>Hana Moriyama</td>" in table


def test_saved_queries_are_listed() -> None:
    assert "meetings-reaffirming-article" in {q.name for q in kg.queries()}
