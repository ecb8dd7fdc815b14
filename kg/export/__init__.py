"""The export stage: RDF formats, the networkx projection (GraphML, GEXF, Cytoscape.js JSON), the
self-contained HTML view, and matplotlib pictures. Every writer takes graph files, a pyoxigraph
Store or an rdflib Graph, and writes atomically."""

from __future__ import annotations

from pathlib import Path

from kg.errors import GraphError
from kg.export.browser import find_chromium, screenshot_html
from kg.export.network import NETWORK_FORMATS, export_network, network_graph, officials_graph
from kg.export.pictures import meetings_chart, network_picture
from kg.export.rdf import RDF_EXPORT_FORMATS, export_rdf, jsonld_context
from kg.export.source import GraphSource, as_store
from kg.export.view import export_html, render_html, view_data

PICTURE_FORMATS = ("png", "svg", "chart")
EXPORT_FORMATS = (*RDF_EXPORT_FORMATS, *NETWORK_FORMATS, "html", *PICTURE_FORMATS)

# What `export_all` writes, by file name: (format, network view).
ALL_OUTPUTS: tuple[tuple[str, str, str], ...] = (
    ("graph.jsonld", "jsonld", "network"),
    ("network.graphml", "graphml", "network"),
    ("network.gexf", "gexf", "network"),
    ("network.cyjs.json", "cytoscape", "network"),
    ("officials.graphml", "graphml", "officials"),
    ("officials.gexf", "gexf", "officials"),
    ("network.html", "html", "network"),
    ("network.png", "png", "officials"),
    ("network.svg", "svg", "officials"),
    ("meetings-per-year.png", "chart", "network"),
)


def export(source: GraphSource, fmt: str, out: str | Path, *, view: str = "network") -> Path:
    """Write one export. `fmt`: one of EXPORT_FORMATS; `view` ("network" or "officials") picks the
    projection for GraphML, GEXF and Cytoscape; "chart" writes meetings per year (PNG or SVG by suffix)."""
    if fmt in RDF_EXPORT_FORMATS:
        return export_rdf(source, fmt, out)
    store = as_store(source)
    if fmt in NETWORK_FORMATS:
        return export_network(store, fmt, out, view)
    if fmt == "html":
        return export_html(store, out)
    if fmt in ("png", "svg"):
        target = Path(out)
        return network_picture(store, target if target.suffix else target.with_suffix(f".{fmt}"))
    if fmt == "chart":
        return meetings_chart(store, out)
    raise GraphError(f"{out}: unknown export format {fmt!r}; known: {', '.join(EXPORT_FORMATS)}")


def export_all(source: GraphSource, out_dir: str | Path, *, screenshot: bool = True) -> list[Path]:
    """Every export into `out_dir` (see ALL_OUTPUTS), plus network-view.png (a screenshot of
    network.html) when headless Chromium is there."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    store = as_store(source)
    written = [export(store, fmt, folder / name, view=view) for name, fmt, view in ALL_OUTPUTS]
    if screenshot and screenshot_html(folder / "network.html", folder / "network-view.png"):
        written.append(folder / "network-view.png")
    return written


__all__ = [
    "ALL_OUTPUTS",
    "EXPORT_FORMATS",
    "export",
    "export_all",
    "export_html",
    "export_network",
    "export_rdf",
    "find_chromium",
    "jsonld_context",
    "meetings_chart",
    "network_graph",
    "network_picture",
    "officials_graph",
    "render_html",
    "screenshot_html",
    "view_data",
]
