"""Files and folders in, documents and failures out: the batch never stops for one bad file."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.errors import InputError
from kg.model import Document
from kg.read import registry
from kg.read.base import DEFAULT_MAX_BYTES, ReadFailure


def read_paths(paths: Iterable[str | Path], *, max_bytes: int = DEFAULT_MAX_BYTES
               ) -> Iterator[Document | ReadFailure]:
    """Every document in `paths`, in a deterministic order, with a ReadFailure for each bad input.

    Folders are searched recursively in sorted order; hidden files and folders and files of an
    unknown type are skipped there, but a file named explicitly must be readable.
    """
    seen: set[Path] = set()
    for given in paths:
        for path, explicit in _expand(Path(given)):
            key = path.resolve()
            if key in seen:
                continue
            seen.add(key)
            yield from read_file(path, max_bytes=max_bytes) if explicit or registry.handles(path) else ()


def read_file(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Document | ReadFailure]:
    """The documents of one file by its suffix; never raises for bad input."""
    try:
        reader = registry.for_path(path)(max_bytes=max_bytes)
        yield from reader.read_each(path)
    except InputError as error:
        yield ReadFailure(error.path, error.reason)
    except Exception as error:    # a reader's bug must not stop a batch of thousands of files
        yield ReadFailure(str(path), f"unexpected error while reading: {type(error).__name__}: {error}")


def _expand(path: Path) -> Iterator[tuple[Path, bool]]:
    """(file, named explicitly?) pairs for a path that is a file, a folder, or missing."""
    if path.is_dir():
        for found in _walk(path):
            yield found, False
    else:
        yield path, True     # a missing path fails when read, with the OS's reason


def _walk(folder: Path) -> Iterator[Path]:
    files: list[tuple[tuple[str, ...], Path]] = []
    for root, folders, names in os.walk(folder, followlinks=False):
        folders[:] = [name for name in folders if not name.startswith(".")]
        root_path = Path(root)
        for name in names:
            if not name.startswith("."):
                file = root_path / name
                files.append((file.relative_to(folder).parts, file))
    return (file for _, file in sorted(files))
