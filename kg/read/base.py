"""What every reader is: a class that turns one file into documents, and the failure record."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from kg.errors import InputError
from kg.model import Document

DEFAULT_MAX_BYTES = 20_000_000


@dataclass(frozen=True)
class ReadFailure:
    """A file (or one line of a JSON Lines file) that could not be read; callers print `path: reason`."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


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
            yield ReadFailure(error.path, error.reason)
