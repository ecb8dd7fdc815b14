"""Plain text files; a `.txt` file that opens with a `---` line carries YAML front matter."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from kg.model import Document
from kg.read.base import Reader
from kg.read.decode import decode, read_bytes
from kg.read.frontmatter import document_from_text


class TextReader(Reader):
    """`.txt`: the text is the file's text, UTF-8 BOM stripped and newlines normalised to \\n."""

    name = "text"
    suffixes = (".txt",)

    def read(self, path: str | Path) -> Iterator[Document]:
        decoded = decode(read_bytes(path, self.max_bytes), path)
        yield document_from_text(decoded.text, {"format": self.name, **decoded.meta}, path)
