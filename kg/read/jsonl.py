"""JSON Lines: one document per line, `{"text": ..., "title": ..., "published": ...}`.

The file is streamed line by line, so a corpus of tens of thousands of documents in one file
needs no more memory than the size limit, which applies to each line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from kg.errors import InputError
from kg.model import Document
from kg.read.base import Reader, ReadFailure, failure_of
from kg.read.decode import decode, open_regular, unicode_mark
from kg.read.metadata import build_document

_SKIP_CHUNK = 1 << 20


class JsonLinesReader(Reader):
    """`.jsonl`: the document of line 7 of `corpus.jsonl` is identified as `corpus.jsonl#7`."""

    name = "jsonl"
    suffixes = (".jsonl",)

    def read(self, path: str | Path) -> Iterator[Document]:
        for item in self.read_each(path):
            if isinstance(item, ReadFailure):
                raise InputError(item.path, item.reason)
            yield item

    def read_each(self, path: str | Path) -> Iterator[Document | ReadFailure]:
        try:
            with open_regular(path) as handle:
                yield from self._records(handle, path)
        except InputError as error:
            yield failure_of(error)
        except OSError as error:
            yield ReadFailure(str(path), f"cannot be read: {error.strerror or error}")

    def _records(self, handle: BinaryIO, path: str | Path) -> Iterator[Document | ReadFailure]:
        records = 0
        for number, raw, size in self._lines(handle):
            if number == 1 and raw is not None and (mark := unicode_mark(raw)):
                # Lines cannot even be told apart: in UTF-16 a newline is two bytes.
                yield ReadFailure(str(path), f"{mark} text: JSON Lines must be UTF-8 (save it as UTF-8)")
                return
            if raw is None:
                records += 1
                yield ReadFailure(f"{path}#{number}", f"too large: {size:,} bytes (the limit is "
                                                      f"{self.max_bytes:,})")
            elif raw.strip():
                records += 1
                yield self._read_line(raw, number, path)
        if records == 0:
            yield ReadFailure(str(path), "empty: no JSON lines")

    def _lines(self, handle: BinaryIO) -> Iterator[tuple[int, bytes | None, int]]:
        """(line number, bytes or None when over the limit, size) for each line, reading at most
        the limit at a time: a line of gigabytes is skipped, never held in memory."""
        number = 0
        while raw := handle.readline(self.max_bytes + 1):
            number += 1
            if len(raw) <= self.max_bytes:
                yield number, raw, len(raw)
                continue
            size = len(raw)
            while not raw.endswith(b"\n") and (raw := handle.readline(_SKIP_CHUNK)):
                size += len(raw)
            yield number, None, size

    def _read_line(self, raw: bytes, number: int, path: str | Path) -> Document | ReadFailure:
        where = f"{path}#{number}"
        try:
            return self._document(raw, number, path, where)
        except InputError as error:
            return failure_of(error, where)
        except RecursionError:
            return ReadFailure(where, "malformed JSON line: nested too deeply")

    def _document(self, raw: bytes, number: int, path: str | Path, where: str) -> Document:
        decoded = decode(raw, where)
        line = decoded.text
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(where, f"malformed JSON line: {error.msg} (column {error.colno})") from error
        if not isinstance(record, dict):
            raise InputError(where, f"malformed JSON line: expected an object, got {type(record).__name__}")
        text = record.get("text")
        if not isinstance(text, str):
            raise InputError(where, "malformed JSON line: no \"text\" string")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if not text.strip():
            raise InputError(where, "empty: the \"text\" holds only whitespace")
        identifier = f"{Path(path).name}#{number}"
        meta = {"format": self.name, "line": str(number), **decoded.meta}
        return build_document(identifier, text, str(path), record, meta)
