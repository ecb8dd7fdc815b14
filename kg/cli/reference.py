"""`kg reference`: compile the reference data from its YAML sources; refresh it from Wikidata."""

from __future__ import annotations

import click


@click.group("reference")
def reference_group() -> None:
    """Reference data: officials, posts and terms, ministries, countries, treaties."""


commands: list[click.Command] = [reference_group]
