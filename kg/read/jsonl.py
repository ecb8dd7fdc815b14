"""JSON Lines: one document per line, `{"text": ..., "title": ..., "published": ...}`.

The file is streamed line by line, so a corpus of tens of thousands of documents in one file
needs no more memory than its longest line; the size limit applies to each line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from kg.errors import InputError
from kg.model import Document
from kg.read.base import Reader, ReadFailure
from kg.read.decode import decode
from kg.read.metadata import build_document


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
            yield from self._records(path)
        except OSError as error:
            yield ReadFailure(str(path), f"cannot be read: {error.strerror or error}")

    def _records(self, path: str | Path) -> Iterator[Document | ReadFailure]:
        records = 0
        with Path(path).open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                if raw.strip():
                    records += 1
                    yield self._read_line(raw, number, path)
        if records == 0:
            yield ReadFailure(str(path), "empty: no JSON lines")

    def _read_line(self, raw: bytes, number: int, path: str | Path) -> Document | ReadFailure:
        where = f"{path}#{number}"
        if len(raw) > self.max_bytes:
            return ReadFailure(where, f"too large: {len(raw):,} bytes (the limit is {self.max_bytes:,})")
        try:
            return self._document(raw, number, path, where)
        except InputError as error:
            return ReadFailure(where, error.reason)

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

