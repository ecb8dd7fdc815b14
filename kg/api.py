"""The Python API: build or load a graph, run saved queries with parameters, export, look at it.

    >>> import kg.api as kg
    >>> graph = kg.load("out/graph.ttl")                 # or kg.build(["seeds/"])
    >>> rows = graph.query("meetings-reaffirming-article", article=5)
    >>> rows.to_dataframe()                              # with pandas installed
    >>> graph.export("graphml", "out/network.graphml")
    >>> graph.view()                                     # the network, inline in Jupyter

Queries run on Oxigraph; the rdflib graph is made only when asked for (`.graph`).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
from rdflib import Graph

from kg.export import export, export_all, network_graph, officials_graph, render_html
from kg.export.rdf import rdflib_graph
from kg.query import QueryResult, SavedQuery, load_store, run_query, saved_queries, store_from_graph

__all__ = ["HtmlView", "KnowledgeGraph", "build", "load", "queries"]


class HtmlView:
    """The self-contained HTML view; Jupyter shows it inline in a sandboxed iframe."""

    def __init__(self, page: str, height: int = 640) -> None:
        self.html = page
        self.height = height

    def _repr_html_(self) -> str:
        # srcdoc keeps the page in its own document; the sandbox lets its scripts run, nothing more
        return (f'<iframe srcdoc="{html.escape(self.html, quote=True)}" sandbox="allow-scripts" '
                f'style="width:100%;height:{self.height}px;border:1px solid #ddd"></iframe>')

    def save(self, path: str | Path) -> Path:
        target = Path(path)
        target.write_text(self.html, encoding="utf-8")
        return target


class KnowledgeGraph:
    """A graph to query and export, held in an in-memory Oxigraph store."""

    def __init__(self, store: ox.Store, graph: Graph | None = None) -> None:
        self.store = store
        self._graph = graph

    @classmethod
    def from_graph(cls, graph: Graph) -> KnowledgeGraph:
        return cls(store_from_graph(graph), graph)

    @classmethod
    def from_files(cls, *paths: str | Path) -> KnowledgeGraph:
        return cls(load_store(paths))

    @property
    def graph(self) -> Graph:
        """The whole graph as an rdflib Graph (made on first use)."""
        if self._graph is None:
            self._graph = rdflib_graph(self.store)
        return self._graph

    def __len__(self) -> int:
        return len(self.store)

    def query(self, query: str | SavedQuery, params: Mapping[str, object] | None = None,
              **kwargs: object) -> QueryResult:
        """Run a saved query (by name or file) or SPARQL text; parameters as a dict or keywords."""
        values = {name: str(value) for name, value in {**(params or {}), **kwargs}.items()}
        return run_query(query, store=self.store, params=values)

    def export(self, fmt: str, out: str | Path, *, view: str = "network") -> Path:
        """Write one export: turtle, trig, nquads, jsonld, graphml, gexf, cytoscape, html, png, svg, chart."""
        return export(self.store, fmt, out, view=view)

    def export_all(self, out_dir: str | Path, *, screenshot: bool = True) -> list[Path]:
        return export_all(self.store, out_dir, screenshot=screenshot)

    def network(self, view: str = "network") -> nx.Graph:
        """The networkx projection: the whole network, or officials linked by shared meetings."""
        return network_graph(self.store) if view == "network" else officials_graph(self.store)

    def view(self, height: int = 640) -> HtmlView:
        return HtmlView(render_html(self.store), height)


def load(*paths: str | Path) -> KnowledgeGraph:
    """A graph from files (Turtle, TriG, N-Triples, N-Quads, JSON-LD, RDF/XML)."""
    return KnowledgeGraph.from_files(*paths)


def build(paths: Iterable[str | Path], out_dir: str | Path | None = None, *, jobs: int = 1) -> KnowledgeGraph:
    """Read and extract the documents under `paths` (writing the build outputs when `out_dir`).

    A large build with `out_dir` is queried from the graph.ttl it wrote, not held twice in memory."""
    from kg.pipeline import build as build_graph

    result = build_graph(paths, out_dir, jobs=jobs, keep=True if out_dir is None else None)
    if result.kept:
        return KnowledgeGraph.from_graph(result.graph)
    assert out_dir is not None
    return KnowledgeGraph.from_files(Path(out_dir) / "graph.ttl")


def queries() -> list[SavedQuery]:
    """The saved queries, with their titles, descriptions and parameters."""
    return saved_queries()
