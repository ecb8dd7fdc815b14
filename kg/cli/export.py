"""`kg` commands of this group (filled in by the stage that owns them)."""

from __future__ import annotations

import click

commands: list[click.Command] = []
