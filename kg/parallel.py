"""Work spread over processes in bounded, ordered batches, and results spilled to disk.

`ordered_map` is `Executor.map` that does not read its whole input first: the standard one submits
every item at once, which for 100,000 documents means every text in memory before the first is
extracted. Here at most `window` batches are in flight; results come back in input order, so a
build with several processes gives exactly what one process gives.

`Spill` writes pickled objects to a file of its own process and hands back where each one lies,
so that workers keep large results on disk and send the main process only what it must see.
"""

from __future__ import annotations

import itertools
import os
import pickle
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def ordered_map(
    pool: Executor | None,
    fn: Callable[..., list[R]],
    items: Iterable[T],
    *,
    batch: int,
    window: int,
    args: tuple[Any, ...] = (),
) -> Iterator[R]:
    """fn(batch, *args) over batches of items, in `pool` (or here when None), results in input order."""
    if pool is None:
        for chunk in batched(items, batch):
            yield from fn(chunk, *args)
        return
    pending: deque[Future[list[R]]] = deque()
    for chunk in batched(items, batch):
        pending.append(pool.submit(fn, chunk, *args))
        if len(pending) >= window:
            yield from pending.popleft().result()
    while pending:
        yield from pending.popleft().result()


@dataclass(frozen=True)
class Spilled:
    """Where one pickled object lies."""

    path: str
    offset: int
    length: int

    def load(self) -> Any:
        with open(self.path, "rb") as fh:
            fh.seek(self.offset)
            return pickle.loads(fh.read(self.length))


class Spill:
    """Appends pickled objects to `folder/name-{pid}.pkl` (one file per process, no locking)."""

    def __init__(self, folder: str | Path, name: str = "spill") -> None:
        self.folder = Path(folder)
        self.name = name
        self._file: IO[bytes] | None = None

    def write(self, obj: object) -> Spilled:
        if self._file is None:
            self._file = open(self.folder / f"{self.name}-{os.getpid()}.pkl", "ab")  # noqa: SIM115
        data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        offset = self._file.tell()
        self._file.write(data)
        self._file.flush()  # the main process hands the location to another worker
        return Spilled(self._file.name, offset, len(data))

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class SpillReader:
    """Reads spilled objects, keeping each spill file open (thousands of reads per file)."""

    def __init__(self) -> None:
        self._files: dict[str, IO[bytes]] = {}

    def load(self, where: Spilled) -> Any:
        fh = self._files.get(where.path)
        if fh is None:
            fh = self._files[where.path] = open(where.path, "rb")  # noqa: SIM115
        fh.seek(where.offset)
        return pickle.loads(fh.read(where.length))

    def close(self) -> None:
        for fh in self._files.values():
            fh.close()
        self._files.clear()
