"""RDF terms and statements as N-Triples text.

The map stage writes statements as N-Triples lines rather than rdflib objects: a large build maps
millions of statements, and building rdflib terms and graphs for them cost more than extracting
the documents. The lines load straight into Oxigraph (or rdflib, for small graphs) unchanged.
"""

from __future__ import annotations

from datetime import date

XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER = f"^^<{XSD}integer>"
_DATE = f"^^<{XSD}date>"
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def iri(value: str) -> str:
    """An IRI term; minted IRIs are slugs and hashes, reference IRIs are checked when compiled."""
    return f"<{value}>"


def literal(value: str) -> str:
    """A plain (xsd:string) literal."""
    if "\\" in value or '"' in value or "\n" in value or "\r" in value:
        value = value.translate(_ESCAPES)
    return f'"{value}"'


def integer(value: int) -> str:
    return f'"{value}"{_INTEGER}'


def xsd_date(value: date) -> str:
    return f'"{value.isoformat()}"{_DATE}'


class Statements:
    """One graph's N-Triples lines, each once, in the order first stated (so output is stable)."""

    __slots__ = ("_lines",)

    def __init__(self) -> None:
        self._lines: dict[str, None] = {}

    def add(self, subject: str, predicate: str, obj: str) -> None:
        self._lines[f"{subject} {predicate} {obj} ."] = None

    def __contains__(self, line: str) -> bool:
        return line in self._lines

    def __len__(self) -> int:
        return len(self._lines)

    def lines(self) -> list[str]:
        return list(self._lines)
