"""The network projection through networkx: GraphML, GEXF (Gephi, Cytoscape) and Cytoscape.js JSON.

Nodes: officials, meetings, issues, ministries, countries, treaty articles, each with `type`,
`label`, `country` and `date` ("" when unknown). Edges: participation, discussion, membership,
reaffirmation and country, each with `type`. The officials view links two officials with a
`weight`: the number of meetings they shared.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx

from kg.errors import GraphError
from kg.export.rdf import atomic_output
from kg.export.source import GraphSource, as_store, select

NETWORK_FORMATS = ("graphml", "gexf", "cytoscape")
VIEWS = ("network", "officials")


def network_graph(source: GraphSource) -> nx.MultiDiGraph:
    """Officials, meetings, issues, ministries, countries and articles, and the relations between them."""
    store = as_store(source)
    graph = nx.MultiDiGraph(name="readout-kg network")
    for row in select(store, "network-nodes"):
        graph.add_node(row["node"], iri=row["node"], type=row["type"], label=row["label"] or row["node"],
                       country=row["country"], date=row["date"])
    for row in select(store, "network-edges"):
        if row["source"] in graph and row["target"] in graph:
            graph.add_edge(row["source"], row["target"], key=row["type"], type=row["type"])
    return graph


def officials_graph(source: GraphSource) -> nx.Graph:
    """Officials linked by the meetings they shared (`weight` = number of shared meetings)."""
    store = as_store(source)
    graph = nx.Graph(name="readout-kg officials")
    for row in select(store, "official-meeting-counts"):
        graph.add_node(row["official"], iri=row["official"], type="official",
                       label=row["label"] or row["official"], country=row["country"],
                       meetings=int(row["meetings"]))
    for row in select(store, "official-pairs"):
        graph.add_edge(row["a"], row["b"], weight=int(row["meetings"]), type="met")
    return graph


def projection(source: GraphSource, view: str = "network") -> nx.Graph:
    if view not in VIEWS:
        raise GraphError(f"unknown network view {view!r}; known: {', '.join(VIEWS)}")
    return network_graph(source) if view == "network" else officials_graph(source)


def cytoscape_json(graph: nx.Graph) -> str:
    """Cytoscape.js elements JSON (what cy.add / cy.json read)."""
    data: dict[str, Any] = nx.cytoscape_data(graph, name="label", ident="id")
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def write_network(graph: nx.Graph, fmt: str, out: str | Path) -> Path:
    """Write the projection as GraphML, GEXF or Cytoscape.js JSON."""
    target = Path(out)
    if fmt not in NETWORK_FORMATS:
        raise GraphError(f"{target}: unknown network format {fmt!r}; known: {', '.join(NETWORK_FORMATS)}")
    with atomic_output(target) as temporary:
        if fmt == "graphml":
            nx.write_graphml(graph, temporary, encoding="utf-8")
        elif fmt == "gexf":
            nx.write_gexf(graph, temporary, encoding="utf-8")
        else:
            temporary.write_text(cytoscape_json(graph), encoding="utf-8")
    return target


def export_network(source: GraphSource, fmt: str, out: str | Path, view: str = "network") -> Path:
    return write_network(projection(source, view), fmt, out)


