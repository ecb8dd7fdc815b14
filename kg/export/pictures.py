"""Static pictures for reports, drawn with matplotlib's Agg backend: the officials' network and a
chart of meetings per year by issue. SVG output carries no date and fixed ids, so it is reproducible."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import networkx as nx
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from kg.export.network import officials_graph
from kg.export.rdf import atomic_output
from kg.export.source import GraphSource, as_store, select

TOP_ISSUES = 8
TOP_OFFICIALS = 60  # more labelled circles than this make an unreadable picture
plt.rcParams["svg.hashsalt"] = "readout-kg"


def save_figure(figure: Figure, out: str | Path) -> Path:
    """PNG or SVG by the file's suffix, written atomically, without a creation date."""
    target = Path(out)
    fmt = target.suffix.lstrip(".").lower() or "png"
    metadata = {"Date": None} if fmt == "svg" else {"Software": "readout-kg"}
    with atomic_output(target) as temporary:
        figure.savefig(temporary, format=fmt, dpi=150, bbox_inches="tight", metadata=metadata)
    plt.close(figure)
    return target


def network_picture(source: GraphSource, out: str | Path) -> Path:
    """Officials as circles sized by meetings and coloured by country; lines as thick as shared meetings."""
    graph = most_active(officials_graph(source), TOP_OFFICIALS)
    figure, axes = plt.subplots(figsize=(11, 8))
    axes.set_axis_off()
    if graph.number_of_nodes() == 0:
        axes.text(0.5, 0.5, "no meetings in the graph", ha="center", va="center")
        return save_figure(figure, out)
    positions = nx.spring_layout(graph, seed=7, weight="weight")
    countries = sorted({data["country"] or "unknown" for _, data in graph.nodes(data=True)})
    palette = plt.get_cmap("tab10")
    colour = {country: palette(i % 10) for i, country in enumerate(countries)}
    widths = [1 + data["weight"] for _, _, data in graph.edges(data=True)]
    nx.draw_networkx_edges(graph, positions, ax=axes, width=widths, edge_color="#999999", alpha=0.7)
    for country in countries:
        members = [n for n, d in graph.nodes(data=True) if (d["country"] or "unknown") == country]
        sizes = [120 + 80 * graph.nodes[n]["meetings"] for n in members]
        nx.draw_networkx_nodes(graph, positions, nodelist=members, node_size=sizes, ax=axes,
                               node_color=[colour[country]], label=country)
    labels = {n: d["label"] for n, d in graph.nodes(data=True)}
    nx.draw_networkx_labels(graph, positions, labels=labels, font_size=9, ax=axes)
    axes.legend(loc="best", fontsize=8, markerscale=0.5, title="country")
    axes.set_title("Officials linked by shared meetings" +
                   (f" (the {TOP_OFFICIALS} with most meetings)" if graph.graph.get("cut") else ""))
    return save_figure(figure, out)


def most_active(graph: nx.Graph, limit: int) -> nx.Graph:
    """The `limit` officials with most meetings (ties by IRI, so the cut is reproducible)."""
    if graph.number_of_nodes() <= limit:
        return graph
    ranked = sorted(graph.nodes, key=lambda n: (-graph.nodes[n]["meetings"], n))[:limit]
    kept = graph.subgraph(ranked).copy()
    kept.graph["cut"] = True
    return kept


def meetings_per_year(source: GraphSource) -> tuple[Counter[str], dict[str, Counter[str]], int]:
    """Meetings per year, per (year, top-level issue), and how many meetings have no known date."""
    rows = select(as_store(source), "meetings-by-year-and-issue")
    totals: Counter[str] = Counter()
    by_issue: dict[str, Counter[str]] = defaultdict(Counter)
    undated: set[str] = set()
    seen: set[tuple[str, str]] = set()
    for row in rows:
        if not row["year"]:
            undated.add(row["meeting"])
            continue
        if (row["meeting"], row["year"]) not in seen:
            seen.add((row["meeting"], row["year"]))
            totals[row["year"]] += 1
        if row["issue"]:
            by_issue[row["issueLabel"] or row["issue"]][row["year"]] += 1
    return totals, by_issue, len(undated)


def meetings_chart(source: GraphSource, out: str | Path) -> Path:
    """Grey bars: meetings per year; coloured bars beside them: meetings that discussed each main issue."""
    totals, by_issue, undated = meetings_per_year(source)
    figure, axes = plt.subplots(figsize=(11, 5))
    years = sorted(totals)
    main_issues = sorted(by_issue, key=lambda i: (-sum(by_issue[i].values()), i))[:TOP_ISSUES]
    width = 0.8 / (len(main_issues) + 1)
    positions = range(len(years))
    axes.bar([p - 0.4 + width / 2 for p in positions], [totals[y] for y in years], width,
             color="#bbbbbb", label="all meetings")
    palette = plt.get_cmap("tab10")
    for index, issue in enumerate(main_issues, start=1):
        axes.bar([p - 0.4 + width * (index + 0.5) for p in positions], [by_issue[issue][y] for y in years],
                 width, color=palette(index % 10), label=issue)
    axes.set_xticks(list(positions), years)
    axes.set_ylabel("meetings")
    title = "Meetings per year, by issue discussed"
    axes.set_title(title + (f" ({undated} meeting(s) without a known date left out)" if undated else ""))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    if years:
        axes.legend(fontsize=8, ncol=2)
    return save_figure(figure, out)
