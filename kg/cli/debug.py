"""`--debug`: the traceback behind each failure, which is otherwise one line.

`kg --debug COMMAND` or `kg build --debug`. Failures that a build survives (a file that cannot
be read) are logged at DEBUG level with their exception by the stage that met them; this shows
those records on stderr. An error that stops the command gets its traceback printed too.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

import click

_LOGGER = "kg"
F = TypeVar("F", bound=Callable[..., Any])


class _EchoHandler(logging.Handler):
    """Writes to click's stderr at each record, so that it follows any redirection of sys.stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(self.format(record), err=True)


_handler = _EchoHandler()
_handler.setFormatter(logging.Formatter("debug: %(message)s"))


def enable() -> None:
    logger = logging.getLogger(_LOGGER)
    if _handler not in logger.handlers:
        logger.addHandler(_handler)
    logger.setLevel(logging.DEBUG)


def disable() -> None:
    logger = logging.getLogger(_LOGGER)
    logger.removeHandler(_handler)
    logger.setLevel(logging.NOTSET)


def enabled() -> bool:
    return _handler in logging.getLogger(_LOGGER).handlers


def show_traceback(error: BaseException) -> None:
    """The error's traceback on stderr, with --debug only."""
    if enabled():
        click.echo("".join(traceback.format_exception(error)).rstrip("\n"), err=True)


def _switch(_ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        enable()


def option(command: F) -> F:
    """The --debug flag, for the group and for any command that wants it in its own options."""
    return click.option("--debug", is_flag=True, expose_value=False, is_eager=True, callback=_switch,
                        help="Show the traceback behind each failure.")(command)
