"""`kg export`: RDF formats, network files, the HTML view and pictures."""

from __future__ import annotations

from pathlib import Path

import click

from kg.errors import GraphError
from kg.export import EXPORT_FORMATS, export, export_all
from kg.export.network import VIEWS

DEFAULT_GRAPH = Path("out/graph.ttl")


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), help="What to write (not with --all).")
@click.option("--graph", "graphs", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A graph file (Turtle, TriG, N-Triples, N-Quads, JSON-LD); repeatable. "
                   "Default: out/graph.ttl.")
@click.option("--store", "store_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Export a persistent store (kg build --store) instead of graph files.")
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=Path),
              help="The file to write (with --all: the folder).")
@click.option("--view", type=click.Choice(VIEWS), default="network", show_default=True,
              help="For graphml, gexf, cytoscape: the whole network or officials linked by shared meetings.")
@click.option("--all", "everything", is_flag=True, help="Write every export into the folder -o.")
def export_command(fmt: str | None, graphs: tuple[Path, ...], store_dir: Path | None, out: Path, view: str,
                   everything: bool) -> None:
    """Write the graph as RDF, GraphML/GEXF/Cytoscape.js, a self-contained HTML view, or pictures.

    Formats: turtle, trig, nquads, jsonld; graphml, gexf, cytoscape; html; png, svg (officials'
    network); chart (meetings per year by issue, PNG or SVG by the file's suffix)."""
    if store_dir is not None:
        from kg.store import open_store

        with open_store(store_dir, read_only=True) as store:
            _export(store.store, fmt, out, view, everything)  # type: ignore[attr-defined]
        return
    _export(list(graphs) or [default_graph()], fmt, out, view, everything)


def _export(files: object, fmt: str | None, out: Path, view: str, everything: bool) -> None:
    if everything:
        for path in export_all(files, out):  # type: ignore[arg-type]
            click.echo(str(path))
        return
    if not fmt:
        raise click.UsageError("give --format (or --all)")
    click.echo(str(export(files, fmt, out, view=view)))  # type: ignore[arg-type]


def default_graph() -> Path:
    if DEFAULT_GRAPH.is_file():
        return DEFAULT_GRAPH
    raise GraphError(f"no --graph given and {DEFAULT_GRAPH} does not exist (run kg build first)")


commands: list[click.Command] = [export_command]
