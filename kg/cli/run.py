"""`kg run`: the whole flow on a folder of documents, as `make run` shows it.

Validates the ontology and reference data, builds the graph, validates it, runs every saved query
(answers in OUT/queries/), writes every export, prints the Article 5 answer and lists OUT.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from kg.cli.build import printable, run_build
from kg.export import export_all
from kg.query import QueryResult, run_query, saved_queries
from kg.reference.load import reference_graph
from kg.validate import load_ontology, validate_graph

HEADLINE_QUERY = "meetings-reaffirming-article"


def _check_reference() -> None:
    report = validate_graph(reference_graph(), ontology=load_ontology())
    click.echo(
        f"reference data and ontology: {'conforms' if report.conforms else 'does NOT conform'} "
        f"({len(report.violations)} violations, {len(report.warnings)} warnings)"
    )


def _run_saved_queries(graph: Path, out: Path) -> None:
    folder = out / "queries"
    folder.mkdir(parents=True, exist_ok=True)
    failing = []
    for saved in saved_queries():
        result = run_query(saved, graphs=[graph])
        (folder / f"{saved.name}.csv").write_text(result.to_csv(), encoding="utf-8")
        if saved.name.startswith("violation-") and len(result):
            failing.append(f"{saved.name} ({len(result)} rows)")
    click.echo(f"saved queries: {len(saved_queries())} answered -> {folder}")
    click.echo("violation queries: " + (", ".join(failing) if failing else "no rows (as they should)"))


def _print_headline(result: QueryResult) -> None:
    """The Article 5 answer, one line of evidence per meeting (the full rows are in queries/)."""
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title="Meetings reaffirming Article 5 of the Japan-U.S. Security Treaty", title_justify="left"
    )
    for column in ("meeting", "date", "participants", "evidence"):
        table.add_column(column, overflow="fold")
    for row in result.as_dicts():
        evidence = str(row.get("evidence") or "")
        table.add_row(
            str(row.get("label") or ""),
            str(row.get("date") or "(no date)"),
            str(row.get("participants") or ""),
            evidence[:110] + ("…" if len(evidence) > 110 else ""),
        )
    console = Console(width=max(Console().width, 140))
    console.print(table, markup=False)


def _list_outputs(out: Path) -> None:
    click.echo(f"\nfiles in {out}/:")
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        click.echo(f"  {path.relative_to(out)}  ({path.stat().st_size:,} bytes)")


@click.command("run")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("-o", "--out", type=click.Path(path_type=Path), default=Path("out"), show_default=True)
@click.option("-j", "--jobs", type=int, default=None, help="Worker processes (default: the CPU count).")
def run_command(paths: tuple[str, ...], out: Path, jobs: int | None) -> int:
    """Build PATHS (default: seeds/), validate, answer the saved queries and write every export to OUT."""
    _check_reference()
    result = run_build(paths or ("seeds",), out, jobs or os.cpu_count() or 1, quiet=False, validate=True)
    click.echo(result.summary())
    for path, reason in result.documents_failed:
        click.echo(f"error: {printable(path)}: {printable(reason)}", err=True)
    if result.warnings:
        click.echo("build report (also in build-report.txt):")
        for warning in result.warnings:
            click.echo(f"  {printable(warning)}")
    click.echo("\nvalidation (also in validation.txt):\n" + result.validation_text.strip())
    graph = out / "graph.ttl"
    _run_saved_queries(graph, out)
    export_all([graph], out)
    _print_headline(run_query(HEADLINE_QUERY, graphs=[graph]))
    _list_outputs(out)
    return 1 if result.documents_failed else 0


commands: list[click.Command] = [run_command]
