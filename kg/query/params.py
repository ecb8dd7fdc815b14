"""Query parameters: their declared types, and turning a user's text into an RDF term.

A value becomes an RDF term before it comes near the query, so quotes, braces or SPARQL keywords in
it stay data: an ill-formed value is refused here, a well-formed one is serialised by the term's
own escaping.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from rdflib import XSD, Literal, URIRef
from rdflib.term import Node

from kg.errors import QueryError
from kg.namespaces import PREFIXES

PARAM_TYPES = ("iri", "xsd:string", "xsd:integer", "xsd:date", "xsd:boolean")

# RFC 3987 leaves these out of an IRI; SPARQL's IRIREF refuses them too.
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]*$")
_PREFIXED = re.compile(r"^([A-Za-z][\w-]*):([\w./-]*)$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_BOOLEAN = {"true": True, "false": False}


@dataclass(frozen=True)
class QueryParam:
    """One parameter a saved query declares in its header."""

    name: str
    type: str = "xsd:string"
    default: str | None = None     # None: optional, the variable stays free (the query returns all)
    description: str = ""

    def describe(self) -> str:
        default = "optional" if self.default is None else f"default {self.default}"
        text = f"{self.name} ({self.type}, {default})"
        return f"{text}: {self.description}" if self.description else text


def to_term(value: str, type_name: str, *, name: str = "value") -> Node:
    """The RDF term for `value` read as `type_name`; QueryError when the text does not fit."""
    parse = _PARSERS.get(type_name)
    if parse is None:
        raise QueryError(f"parameter {name}: unknown type {type_name!r}; known: {', '.join(PARAM_TYPES)}")
    try:
        # surrounding blanks are noise in an IRI, a number or a date; in a string they are data
        return parse(value if type_name == "xsd:string" else value.strip())
    except ValueError as exc:
        raise QueryError(f"parameter {name}: {value!r} is not a valid {type_name} ({exc})") from None


def guess_term(value: str) -> Node:
    """A term for a parameter no header declares: <iri> or prefix:name, integer, date, else string."""
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        return parse_iri(text)
    if _PREFIXED.match(text) and text.split(":", 1)[0] in PREFIXES:
        return parse_iri(text)
    if _INTEGER.match(text):
        return parse_integer(text)
    if _DATE.match(text):
        return parse_date(text)
    return Literal(value)


def parse_iri(text: str) -> URIRef:
    inner = text[1:-1] if text.startswith("<") and text.endswith(">") else text
    prefixed = _PREFIXED.match(inner)
    if prefixed and prefixed.group(1) in PREFIXES:
        inner = str(PREFIXES[prefixed.group(1)]) + prefixed.group(2)
    if not _IRI.match(inner):
        raise ValueError("an absolute IRI without spaces, quotes, braces or angle brackets is expected")
    return URIRef(inner)


def parse_integer(text: str) -> Literal:
    if not _INTEGER.match(text):
        raise ValueError("digits expected")
    return Literal(str(int(text)), datatype=XSD.integer)


def parse_date(text: str) -> Literal:
    if not _DATE.match(text):
        raise ValueError("YYYY-MM-DD expected")
    return Literal(date.fromisoformat(text).isoformat(), datatype=XSD.date)


def parse_boolean(text: str) -> Literal:
    if text.lower() not in _BOOLEAN:
        raise ValueError("true or false expected")
    return Literal(text.lower(), datatype=XSD.boolean)


def parse_string(text: str) -> Literal:
    return Literal(text)


_PARSERS = {
    "iri": parse_iri,
    "xsd:anyURI": parse_iri,
    "xsd:string": parse_string,
    "xsd:integer": parse_integer,
    "xsd:date": parse_date,
    "xsd:boolean": parse_boolean,
}
