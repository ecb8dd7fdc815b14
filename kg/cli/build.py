"""`kg build` and `kg run`: documents in, knowledge graph out."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from kg.cli import debug
from kg.pipeline import BuildResult, build
from kg.read.paths import count_documents


def _progress_bar(enabled: bool) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]} docs/s"),
        TimeRemainingColumn(),
        disable=not enabled,
        transient=True,
    )


def run_build(
    paths: tuple[str, ...],
    out: Path,
    jobs: int,
    quiet: bool,
    validate: bool,
    store: Path | None = None,
    log_stored: bool = False,
    model: str | None = None,
) -> BuildResult:
    interactive = sys.stderr.isatty() and not quiet

    def stored(identifier: str) -> None:
        if log_stored:
            click.echo(f"stored {identifier}", err=False)
            sys.stdout.flush()

    with _progress_bar(interactive) as bar:
        total = count_documents(paths) if interactive else None
        tasks: dict[str, TaskID] = {}

        def advance(n: int, stage: str = "extracting") -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total, rate="-")
            task = tasks[stage]
            bar.advance(task, n)
            elapsed = bar.tasks[task].elapsed or 0.0
            done = bar.tasks[task].completed
            bar.update(task, rate=f"{done / elapsed:.0f}" if elapsed else "-")

        return build(
            paths,
            out,
            jobs=jobs,
            validate=validate,
            progress=advance if interactive else None,
            store_dir=store,
            stored=stored,
            model=model,
        )


def _report(result: BuildResult, out: Path, quiet: bool) -> None:
    for path, reason in result.documents_failed:
        click.echo(f"error: {printable(path)}: {printable(reason)}", err=True)
    if not quiet:
        for warning in result.warnings:
            click.echo(f"note: {printable(warning)}", err=True)
    click.echo(f"{result.summary()} -> {out}")


@click.command("build")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option(
    "-o",
    "--out",
    "out",
    type=click.Path(path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Folder for graph.ttl, graph.trig and the validation report.",
)
@click.option("-j", "--jobs", type=int, default=None, help="Worker processes (default: the CPU count).")
@click.option("--strict", is_flag=True, help="Exit 1 when the graph violates the shapes.")
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no notes.")
@click.option(
    "--store",
    "store",
    type=click.Path(path_type=Path),
    default=None,
    is_flag=False,
    flag_value=Path("kg-store"),
    help="Keep the graph in a persistent Oxigraph store (default folder: ./kg-store); "
    "unchanged documents are skipped.",
)
@click.option(
    "--log-stored", is_flag=True, help="Print 'stored NAME' as each document is committed to the store."
)
@click.option(
    "--model",
    "model",
    default=None,
    metavar="NAME",
    help="An installed spaCy pipeline (name or path) whose entity recogniser adds person names.",
)
@debug.option
@click.option(
    "--profile",
    "profile",
    type=click.Path(path_type=Path),
    default=None,
    help="Write the seconds spent per stage as JSON to this file.",
)
def build_command(
    paths: tuple[str, ...],
    out: Path,
    jobs: int | None,
    strict: bool,
    no_validate: bool,
    quiet: bool,
    store: Path | None,
    log_stored: bool,
    model: str | None,
    profile: Path | None,
) -> int:
    """Read documents (files or folders), extract meetings, write OUT/graph.ttl and OUT/graph.trig."""
    result = run_build(
        paths, out, jobs or os.cpu_count() or 1, quiet, not no_validate, store, log_stored, model
    )
    if profile is not None:
        profile.write_text(json.dumps(result.seconds, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    _report(result, out, quiet)
    if result.documents_failed:
        return 1
    return 1 if strict and result.violations else 0


def printable(text: str) -> str:
    """One line, whatever a library's message holds (newlines; file names that are not UTF-8)."""
    return " ".join(text.split()).encode("utf-8", "backslashreplace").decode("utf-8")


commands: list[click.Command] = [build_command]
