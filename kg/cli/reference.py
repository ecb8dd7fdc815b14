"""`kg reference`: compile the reference data from its YAML sources; refresh it from Wikidata."""

from __future__ import annotations

from pathlib import Path

import click

from kg.resources import reference_dir


@click.group("reference")
def reference_group() -> None:
    """Reference data: officials, posts and terms, ministries, countries, treaties."""


@reference_group.command("compile")
@click.option("--src", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of YAML sources (default: reference/src).")
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to write the Turtle to (default: reference/).")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if the Turtle is out of date.")
def compile_command(src: Path | None, out: Path | None, check: bool) -> None:
    """Compile reference/src/*.yaml into reference/{countries,ministries,posts,officials,treaties}.ttl."""
    from kg.reference.compile import compile_reference, compile_to_strings

    out = out or reference_dir()
    src = src or out / "src"
    if check:
        stale = [name for name, text in compile_to_strings(src).items()
                 if not (out / f"{name}.ttl").is_file()
                 or (out / f"{name}.ttl").read_text(encoding="utf-8") != text]
        if stale:
            raise click.ClickException(f"out of date: {', '.join(stale)} (run `kg reference compile`)")
        click.echo("reference Turtle is up to date")
        return
    for path in compile_reference(src, out).values():
        click.echo(f"wrote {path}")


@reference_group.command("update")
@click.option("--endpoint", default=None,
              help="SPARQL endpoint with Wikidata's data [default: https://query.wikidata.org/sparql]")
@click.option("--reference-dir", "folder", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of the reference Turtle and wikidata-posts.yaml (default: reference/).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default: reference/wikidata-officials.ttl).")
@click.option("--timeout", type=float, default=60.0, show_default=True, help="seconds per request")
def update_command(endpoint: str | None, folder: Path | None, output: Path | None, timeout: float) -> None:
    """Refresh officials and their terms (P39 with P580/P582) from Wikidata for the mapped posts."""
    from kg.reference.wikidata import WIKIDATA_ENDPOINT, update_reference
    from kg.store.remote import RetryPolicy

    report = update_reference(folder or reference_dir(), endpoint or WIKIDATA_ENDPOINT, output,
                              RetryPolicy(timeout=timeout))
    click.echo(f"wrote {report.output}: {report.officials} officials, {report.terms} terms "
               f"for {report.posts} posts")
    if report.skipped:
        click.echo(f"left out {len(report.skipped)} terms without a day-precise start date", err=True)


commands: list[click.Command] = [reference_group]
