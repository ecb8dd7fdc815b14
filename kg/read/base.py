"""What every reader is: a class that turns one file into documents, and the failure record."""

from __future__ import annotations

import logging
import os
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from kg.errors import InputError
from kg.model import Document

DEFAULT_MAX_BYTES = 20_000_000

# Failures are logged at DEBUG with their traceback: `kg build --debug` shows them.
log = logging.getLogger("kg.read")


@dataclass(frozen=True)
class ReadFailure:
    """A file (or one line of a JSON Lines file) that could not be read; callers print `path: reason`.

    Both are kept printable on one line: a reason from a library may span lines, and a file name
    may hold bytes that are not UTF-8."""

    path: str
    reason: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", path_text(self.path))
        object.__setattr__(self, "reason", one_line(self.reason))

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def path_text(path: str | Path) -> str:
    """The path as text that can be printed and written to a graph: the bytes of a file name that
    are not UTF-8 (which Python keeps as lone surrogates) become `\\xNN` escapes."""
    text = str(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", "backslashreplace")
    return text


def one_line(text: str) -> str:
    return " ".join(text.split())


def failure_of(error: InputError, where: str | None = None) -> ReadFailure:
    """The failure record of an InputError (at `where`, a line of the file, when given), logged with
    its traceback for --debug."""
    failure = ReadFailure(where or error.path, error.reason)
    log.debug("%s", failure, exc_info=error)
    return failure


class Reader(ABC):
    """Reads one file format. Subclasses set `name` and `suffixes` and implement `read`."""

    name: ClassVar[str] = ""
    suffixes: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.max_bytes = max_bytes

    @abstractmethod
    def read(self, path: str | Path) -> Iterator[Document]:
        """The documents in the file; raises `kg.errors.InputError` at the first bad one."""

    def read_each(self, path: str | Path) -> Iterator[Document | ReadFailure]:
        """Like `read`, but a bad file becomes a `ReadFailure` instead of an exception.

        Formats holding many documents per file override this so that one bad record does not
        hide the good ones after it.
        """
        try:
            yield from self.read(path)
        except InputError as error:
            yield failure_of(error)
