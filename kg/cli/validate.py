"""`kg validate GRAPH_FILES... [-o REPORT.ttl] [--strict]`: check graphs against the SHACL shapes."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click
from rdflib import Dataset, Graph
from rich.console import Console

from kg.errors import GraphError
from kg.validate import ValidationReport, validate_graph

_QUAD_SUFFIXES = {".trig", ".nq", ".nquads"}
_STYLES = {"Violation": "bold red", "Warning": "yellow", "Info": "cyan"}


@click.command("validate")
@click.argument("graph_files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the SHACL validation report graph (Turtle) here.")
@click.option("--strict", is_flag=True, help="Treat warnings as failures too.")
def validate_command(graph_files: tuple[Path, ...], output: Path | None, strict: bool) -> int:
    """Validate RDF graph files (Turtle, TriG, N-Triples ...) against the shapes and ontology.

    Exits 1 when there are violations (with --strict, warnings too), 2 when a file cannot be read.
    """
    report = validate_graph(read_graphs(graph_files))
    print_report(report, Console(highlight=False, soft_wrap=True))
    if output is not None:
        write_turtle(report.graph(), output)
    return 0 if report.conforms and not (strict and report.results) else 1


def read_graphs(paths: tuple[Path, ...]) -> Graph:
    """All files in one graph; a file that cannot be parsed is an error naming it."""
    graph = Graph()
    for path in paths:
        if not path.is_file():
            raise GraphError(f"{path}: no such file")
        try:
            _parse_into(graph, path)
        except Exception as exc:  # rdflib's parsers raise many unrelated exception types
            raise GraphError(f"{path}: cannot parse as RDF: {_one_line(exc)}") from exc
    return graph


def _parse_into(graph: Graph, path: Path) -> None:
    if path.suffix.lower() in _QUAD_SUFFIXES:
        # Named graphs (one per document) are validated together, as one merged graph.
        dataset = Dataset()
        dataset.parse(path)
        for s, p, o, _g in dataset.quads():
            graph.add((s, p, o))
    else:
        graph.parse(path)


def print_report(report: ValidationReport, console: Console) -> None:
    lines = report.text().splitlines()
    console.print(lines[0], style="bold green" if report.conforms else "bold red", markup=False)
    for line in lines[1:]:
        style = next((_STYLES[n] for n in _STYLES if line.startswith(n)), None)
        console.print(line, style=style, markup=False)
    if not report.results:
        console.print("No violations, no warnings.", markup=False)


def write_turtle(graph: Graph, path: Path) -> None:
    """Write atomically, so that a reader never sees a half-written report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            graph.serialize(handle, format="turtle")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _one_line(exc: Exception) -> str:
    # rdflib's messages span several lines (with a quoted excerpt); one line reads better.
    text = " ".join(str(exc).split())
    return text[:300] if text else type(exc).__name__


commands: list[click.Command] = [validate_command]
