"""The network projection and its files: GraphML and GEXF read back with the same counts."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

from kg.export import export, network_graph, officials_graph

SAMPLE = Path(__file__).parent / "data" / "sample-graph.ttl"
ID = "https://w3id.org/readout-kg/id/"


def test_nodes_carry_type_label_country_and_date() -> None:
    graph = network_graph([SAMPLE])
    types = Counter(data["type"] for _, data in graph.nodes(data=True))
    assert types == {"official": 4, "meeting": 6, "issue": 6, "ministry": 4, "country": 4, "article": 3}
    moriyama = graph.nodes[f"{ID}person/hana-moriyama"]
    assert (moriyama["label"], moriyama["country"]) == ("Hana Moriyama", "Japan")
    assert graph.nodes[f"{ID}meeting/1111111111111111"]["date"] == "2021-03-02"
    assert graph.nodes[f"{ID}meeting/3333333333333333"]["date"] == ""


def test_edges_are_participation_discussion_membership_reaffirmation() -> None:
    graph = network_graph([SAMPLE])
    kinds = Counter(data["type"] for _, _, data in graph.edges(data=True))
    assert kinds == {"participation": 13, "discussion": 8, "membership": 4, "reaffirmation": 3, "country": 8}
    assert graph.has_edge(f"{ID}meeting/4444444444444444", f"{ID}treaty/north-atlantic/article/5")


def test_officials_are_weighted_by_shared_meetings() -> None:
    graph = officials_graph([SAMPLE])
    assert graph[f"{ID}person/daniel-okafor"][f"{ID}person/hana-moriyama"]["weight"] == 3
    assert graph[f"{ID}person/au-tolland"][f"{ID}person/hana-moriyama"]["weight"] == 1
    assert graph.nodes[f"{ID}person/hana-moriyama"]["meetings"] == 5


@pytest.mark.parametrize("view", ["network", "officials"])
@pytest.mark.parametrize(("fmt", "reader"), [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_graphml_and_gexf_read_back_with_the_same_counts(tmp_path: Path, view: str, fmt: str, reader) -> None:  # type: ignore[no-untyped-def]
    expected = network_graph([SAMPLE]) if view == "network" else officials_graph([SAMPLE])
    loaded = reader(export([SAMPLE], fmt, tmp_path / f"{view}.{fmt}", view=view))
    assert (loaded.number_of_nodes(), loaded.number_of_edges()) == (
        expected.number_of_nodes(), expected.number_of_edges())
    some_node = f"{ID}person/liesl-brandt"
    assert loaded.nodes[some_node]["label"] == "Liesl Brandt"


def test_cytoscape_json_has_elements_with_data(tmp_path: Path) -> None:
    document = json.loads(export([SAMPLE], "cytoscape", tmp_path / "net.json").read_text(encoding="utf-8"))
    nodes, edges = document["elements"]["nodes"], document["elements"]["edges"]
    assert len(nodes) == 27 and len(edges) == 36
    assert {"id", "type", "label"} <= set(nodes[0]["data"])
    assert {"source", "target", "type"} <= set(edges[0]["data"])
