"""The `kg` command line. Each command group lives in its own module and registers itself here."""

from __future__ import annotations

import importlib
import sys

import click

from kg import __version__
from kg.errors import KGError

# Modules under kg.cli that each define `commands: list[click.Command]`.
COMMAND_MODULES = (
    "build",
    "run",
    "validate",
    "docs",
    "reference",
    "query",
    "export",
    "store",
    "serve",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def cli() -> None:
    """readout-kg: build a knowledge graph of defence-diplomacy meetings from readouts and reports."""


def _register() -> None:
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"kg.cli.{name}")
        for command in getattr(module, "commands", []):
            cli.add_command(command)


_register()


def main() -> None:
    try:
        status = cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.exceptions.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except KGError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    sys.exit(status if isinstance(status, int) else 0)
