"""The statements of a build as they stream in, written to an N-Quads and an N-Triples file.

Workers prepare each document's statements for writing (`MappedDocument.of`): its graph as one
N-Quads block, the statements about its own things as one N-Triples block, and the rest, which
other documents may state too, as lines. The main process (`StatementFiles`) then only writes
blocks and checks those few lines against what was written before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from rdflib import URIRef

from kg.namespaces import ID

REFERENCE_GRAPH = ID["graph/reference"]


@dataclass
class MappedDocument:
    """One document's statements, ready to write."""

    iri: str  # its named graph
    quads: str  # every statement, as N-Quads in its graph
    own: str  # N-Triples about its own things (the document, its evidence, discussions, reaffirmations)
    shared: list[str]  # N-Triples about people, meetings and places, which other documents may state too
    lines: list[str] = field(default_factory=list)  # every statement, sorted, when the build keeps them

    @classmethod
    def of(cls, iri: str, sha256: str, lines: list[str], *, keep: bool = False) -> MappedDocument:
        """Split sorted N-Triples lines. Its own things' IRIs hold the document's hash (sha256[:8]:
        evidence and the document carry 16 characters of it, discussions and reaffirmations 8)."""
        mark = sha256[:8]
        own: list[str] = []
        shared: list[str] = []
        for line in lines:
            (own if mark and mark in line[: line.index(" ")] else shared).append(line)
        suffix = f"<{iri}> .\n"
        return cls(
            iri,
            "".join(line[:-1] + suffix for line in lines),
            "".join(line + "\n" for line in own),
            shared,
            lines if keep else [],
        )


class StatementFiles:
    """The build's statements as they stream in: every document graph as N-Quads (for TriG) and
    the merged graph as N-Triples (for Turtle), each statement once.

    Statements about a document's own things occur in no other document; only the others are
    checked against what was written before, by a 64-bit hash. Subjects that documents of several
    chunks speak of are noted (`crossing`): chunk by chunk validation checks them again."""

    def __init__(self, folder: Path, *, keep: bool, quads: bool = True) -> None:
        self.quads_path = folder / "graph.nq"
        self.triples_path = folder / "graph.nt"
        self._quads: IO[str] | None = self.quads_path.open("w", encoding="utf-8") if quads else None
        self._triples: IO[str] = self.triples_path.open("w", encoding="utf-8")
        self._seen: set[int] = set()
        self._documents: set[str] = set()
        self._first_chunk: dict[str, int] = {}  # subject of a shared statement -> first chunk stating it
        self.crossing: set[str] = set()  # subjects that documents of several chunks make statements about
        self.kept: dict[URIRef, list[str]] | None = {} if keep else None

    def document(self, document: MappedDocument, chunk: int = 0) -> None:
        if self._quads is not None:
            self._quads.write(document.quads)
        if document.iri in self._documents:  # the same text twice: its own statements again
            self._write_new([line for line in document.own.split("\n") if line], None)
        else:
            self._triples.write(document.own)
        self._write_new(document.shared, chunk)
        self._documents.add(document.iri)
        if self.kept is not None:
            self.kept.setdefault(URIRef(document.iri), []).extend(document.lines)

    def reference(self, lines: list[str]) -> None:
        if self._quads is not None:
            suffix = f"<{REFERENCE_GRAPH}> .\n"
            self._quads.write("".join(line[:-1] + suffix for line in lines))
        self._write_new(lines, None)

    def _write_new(self, lines: list[str], chunk: int | None) -> None:
        fresh = []
        for line in lines:
            if chunk is not None:
                subject = line[: line.index(" ")]
                if self._first_chunk.setdefault(subject, chunk) != chunk:
                    self.crossing.add(subject)
            key = hash(line)
            if key not in self._seen:
                self._seen.add(key)
                fresh.append(line)
        if fresh:
            self._triples.write("\n".join(fresh) + "\n")

    def close(self) -> None:
        if self._quads is not None:
            self._quads.close()
        self._triples.close()
