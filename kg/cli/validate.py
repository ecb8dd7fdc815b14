"""`kg validate GRAPH_FILES... [-o REPORT.ttl] [--strict]`: check graphs against the SHACL shapes."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click
import pyoxigraph as ox
from rdflib import Graph
from rich.console import Console

from kg.query import load_store
from kg.validate import ValidationReport, validate_graph

_STYLES = {"Violation": "bold red", "Warning": "yellow", "Info": "cyan"}


@click.command("validate")
@click.argument("graph_files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the SHACL validation report graph (Turtle) here.")
@click.option("--strict", is_flag=True, help="Treat warnings as failures too.")
@click.option("--engine", type=click.Choice(["oxigraph", "pyshacl"]), default="oxigraph", show_default=True,
              help="oxigraph: the shapes compiled to SPARQL (fast on large graphs); pyshacl: the reference "
                   "SHACL engine. Both report the same results.")
def validate_command(graph_files: tuple[Path, ...], output: Path | None, strict: bool, engine: str) -> int:
    """Validate RDF graph files (Turtle, TriG, N-Triples ...) against the shapes and ontology.

    Exits 1 when there are violations (with --strict, warnings too), 2 when a file cannot be read.
    """
    if engine == "oxigraph":
        report = validate_on_oxigraph(graph_files)
    else:
        report = validate_graph(read_graphs(graph_files))
    print_report(report, Console(highlight=False, soft_wrap=True))
    if output is not None:
        write_turtle(report.graph(), output)
    return 0 if report.conforms and not (strict and report.results) else 1


def validate_on_oxigraph(paths: tuple[Path, ...]) -> ValidationReport:
    """The files and the ontology (for the class hierarchy) in one Oxigraph store, every shape run
    there; nothing goes through rdflib but the shapes themselves."""
    from kg.validate import load_ontology, validate_store

    store = load_store(paths, keep_named_graphs=True)
    ontology = load_ontology().serialize(format="nt", encoding="utf-8")
    store.load(ontology, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(ONTOLOGY_GRAPH))
    return validate_store(store)


ONTOLOGY_GRAPH = "https://w3id.org/readout-kg/id/graph/ontology"


def read_graphs(paths: tuple[Path, ...]) -> Graph:
    """All files in one graph (named graphs merged); a file that cannot be parsed is an error naming it.

    Oxigraph parses them (kg.graph_files: no external entity, no remote context, nothing fetched);
    pyshacl then gets them as one rdflib graph.
    """
    store = load_store(paths)
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b""
    return Graph().parse(data=data, format="nt")


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


commands: list[click.Command] = [validate_command]
