"""Files and folders in, documents and failures out: the batch never stops for one bad file."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.errors import InputError
from kg.model import Document
from kg.read import registry
from kg.read.base import DEFAULT_MAX_BYTES, ReadFailure, failure_of, log, path_text


def read_paths(paths: Iterable[str | Path], *, max_bytes: int = DEFAULT_MAX_BYTES
               ) -> Iterator[Document | ReadFailure]:
    """Every document in `paths`, in a deterministic order, with a ReadFailure for each bad input.

    Folders are searched recursively in sorted order, through symbolic links to folders but never
    into the same folder twice (a link back up the tree is a failure, not an endless walk); hidden
    files and folders and files of an unknown type are skipped there, but a file named explicitly
    must be readable.
    """
    seen: set[str] = set()
    for given in paths:
        for found, explicit in _expand(Path(given)):
            if isinstance(found, ReadFailure):
                yield found
                continue
            key = _identity(found)
            if key in seen:
                continue
            seen.add(key)
            yield from read_file(found, max_bytes=max_bytes) if explicit or registry.handles(found) else ()


def count_documents(paths: Iterable[str | Path]) -> int:
    """About how many documents `paths` hold (a file each, a line each of a JSON Lines file),
    found without reading them: for a progress bar's estimate of the time left."""
    count = 0
    seen: set[str] = set()
    for given in paths:
        for found, explicit in _expand(Path(given)):
            if isinstance(found, ReadFailure) or not (explicit or registry.handles(found)):
                continue
            key = _identity(found)
            if key in seen:
                continue
            seen.add(key)
            count += _lines(found) if found.suffix.lower() == ".jsonl" else 1
    return count


def _lines(path: Path) -> int:
    try:
        with path.open("rb") as fh:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
    except OSError:
        return 1


def read_file(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Document | ReadFailure]:
    """The documents of one file by its suffix; never raises for bad input."""
    try:
        reader = registry.for_path(path)(max_bytes=max_bytes)
        for item in reader.read_each(path):
            yield _printable(item) if isinstance(item, Document) else item
    except InputError as error:
        yield failure_of(error)
    except Exception as error:    # a reader's bug must not stop a batch of thousands of files
        log.debug("%s: unexpected error while reading", path_text(path), exc_info=error)
        yield ReadFailure(str(path), f"unexpected error while reading: {type(error).__name__}: {error}")


def _printable(document: Document) -> Document:
    """The document with a name that can be printed and written to the graph (see path_text)."""
    identifier, path = path_text(document.identifier), path_text(document.path)
    if (identifier, path) == (document.identifier, document.path):
        return document
    return dataclasses.replace(document, identifier=identifier, path=path)


def _identity(path: Path) -> str:
    """The real path a file name leads to, so that a file named twice is read once."""
    try:
        return str(path.resolve())
    except (OSError, RuntimeError):    # a symbolic link loop: reading it fails, with the reason
        return os.path.abspath(path)


def _expand(path: Path) -> Iterator[tuple[Path | ReadFailure, bool]]:
    """(file or failure, named explicitly?) pairs for a path that is a file, a folder, or missing."""
    if path.is_dir():
        for found in _walk(path):
            yield found, False
    else:
        yield path, True     # a missing path fails when read, with the OS's reason


def _walk(folder: Path) -> Iterator[Path | ReadFailure]:
    found: list[tuple[tuple[str, ...], Path | ReadFailure]] = []
    # A folder is read under its own name; a link to it, or a second link elsewhere, is skipped.
    entered = _real_folders(folder)

    def unlisted(error: OSError) -> None:
        where = Path(error.filename or folder)
        found.append((_parts(where, folder), ReadFailure(str(where), f"cannot be listed: {error.strerror}")))

    for root, folders, names in os.walk(folder, onerror=unlisted, followlinks=True):
        root_path = Path(root)
        kept = []
        for name in sorted(folders):
            sub = root_path / name
            if name.startswith("."):
                continue
            if not sub.is_symlink():
                kept.append(name)
            elif _leads_back(sub, root_path):
                found.append((_parts(sub, folder), ReadFailure(
                    str(sub), f"symbolic link loop: it leads back to {os.path.realpath(sub)}; not followed")))
            elif (inode := _inode(sub)) is not None and inode not in entered:
                entered.add(inode)
                kept.append(name)
        folders[:] = kept
        for name in names:
            if not name.startswith("."):
                file = root_path / name
                found.append((_parts(file, folder), file))
    return (item for _, item in sorted(found, key=lambda entry: entry[0]))


def _real_folders(folder: Path) -> set[tuple[int, int]]:
    """(device, inode) of every folder under `folder` reached without a symbolic link."""
    inodes: set[tuple[int, int]] = set()
    for root, folders, _ in os.walk(folder):
        folders[:] = [name for name in folders if not name.startswith(".")]
        inode = _inode(Path(root))
        if inode is not None:
            inodes.add(inode)
    return inodes


def _parts(path: Path, folder: Path) -> tuple[str, ...]:
    return path.relative_to(folder).parts if path.is_relative_to(folder) else path.parts


def _inode(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _leads_back(link: Path, parent: Path) -> bool:
    """Whether the folder `link` leads to holds `parent`: entering it would never end."""
    target, here = Path(os.path.realpath(link)), Path(os.path.realpath(parent))
    return here == target or here.is_relative_to(target)
