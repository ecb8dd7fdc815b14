"""The statements of a build as they stream in, written to an N-Quads and an N-Triples file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import IO

from rdflib import URIRef

from kg.namespaces import ID

REFERENCE_GRAPH = ID["graph/reference"]


@dataclass
class MappedDocument:
    iri: str
    sha256: str
    lines: list[str]  # N-Triples, sorted: each subject's statements stand together


class StatementFiles:
    """The build's statements as they stream in: every document graph as N-Quads (for TriG) and
    the merged graph as N-Triples (for Turtle), each statement once.

    Statements about a document's own things (the document, its evidence, discussions and
    reaffirmations, whose IRIs hold its hash) occur in no other document; only the others
    (people, meetings, places) are checked against what was written before, by a 64-bit hash."""

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
        again = document.iri in self._documents
        self._write(document.iri, document.lines, own=document.sha256[:8], again=again, chunk=chunk)
        self._documents.add(document.iri)
        if self.kept is not None:
            self.kept.setdefault(URIRef(document.iri), []).extend(document.lines)

    def reference(self, lines: list[str]) -> None:
        self._write(str(REFERENCE_GRAPH), lines, own=None, again=False, chunk=None)

    def _write(
        self, graph: str, lines: list[str], *, own: str | None, again: bool, chunk: int | None
    ) -> None:
        if self._quads is not None:
            suffix = f"<{graph}> .\n"
            self._quads.write("".join(line[:-1] + suffix for line in lines))
        fresh = []
        for line in lines:
            subject = line[: line.index(" ")]
            if own and not again and own in subject:
                fresh.append(line)
                continue
            if chunk is not None and self._first_chunk.setdefault(subject, chunk) != chunk:
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
