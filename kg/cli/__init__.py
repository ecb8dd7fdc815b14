"""The `kg` command line. Each command group lives in its own module and registers itself here."""

from __future__ import annotations

import importlib
import sys

import click

from kg import __version__
from kg.cli import debug
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
@debug.option
def cli() -> None:
    """readout-kg: build a knowledge graph of defence-diplomacy meetings from readouts and reports."""


def _register() -> None:
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"kg.cli.{name}")
        for command in getattr(module, "commands", []):
            cli.add_command(command)


_register()


# The exit status of an error that is a bug of readout-kg, not of its input.
INTERNAL_ERROR = 3


def main() -> None:
    """Every error ends in one line on stderr and an exit status; a traceback only with --debug."""
    debug.disable()   # each call starts afresh: tests call main() many times in one process
    try:
        _run()
    finally:
        debug.disable()


def _run() -> None:
    try:
        status = cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.exceptions.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except KGError as exc:
        debug.show_traceback(exc)
        click.echo(f"error: {_one_line(str(exc))}", err=True)
        sys.exit(2)
    except Exception as exc:    # a bug: still one line, unless the user asked for the traceback
        debug.show_traceback(exc)
        hint = "" if debug.enabled() else " (run `kg --debug ...` to see the traceback)"
        click.echo(f"error: unexpected {type(exc).__name__}: {_one_line(str(exc))}{hint}", err=True)
        sys.exit(INTERNAL_ERROR)
    sys.exit(status if isinstance(status, int) else 0)


def _one_line(text: str) -> str:
    return " ".join(text.split())
