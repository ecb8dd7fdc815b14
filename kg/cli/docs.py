"""`kg docs -o docs/ontology.md`: the Markdown reference of the ontology, generated from the Turtle."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from kg.docs import ontology_markdown


@click.command("docs")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the Markdown here (default: print it).")
def docs_command(output: Path | None) -> None:
    """Generate the ontology reference (classes, properties, individuals, shapes) as Markdown."""
    text = ontology_markdown()
    if output is None:
        click.echo(text, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    click.echo(f"wrote {output}")


commands: list[click.Command] = [docs_command]
