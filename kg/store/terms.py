"""Conversions between rdflib terms and pyoxigraph terms, and the RDF formats by name."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from kg.errors import StoreError
from kg.namespaces import PREFIXES

XSD_STRING = str(XSD.string)
RDF_LANG_STRING = str(RDF.langString)

# Prefixes for serialisations and for queries that leave out their own PREFIX lines.
STANDARD_PREFIXES: dict[str, str] = {
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "owl": str(OWL),
    "skos": str(SKOS),
    **{name: str(namespace) for name, namespace in PREFIXES.items()},
}

# `id:` is left out of files: its local names hold slashes, which Turtle would have to escape.
SERIALISATION_PREFIXES = {name: iri for name, iri in STANDARD_PREFIXES.items() if name != "id"}

# Format names and file suffixes users may give, to pyoxigraph's formats.
RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ttl": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
    "nq": ox.RdfFormat.N_QUADS,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nt": ox.RdfFormat.N_TRIPLES,
    "json-ld": ox.RdfFormat.JSON_LD,
    "jsonld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
    "rdf": ox.RdfFormat.RDF_XML,
}


def rdf_format(format_name: str | None, path: str | Path | None = None) -> ox.RdfFormat:
    """The pyoxigraph format for a name ('turtle', 'trig', ...) or, failing that, a file suffix."""
    key = (format_name or (Path(path).suffix.lstrip(".") if path else "")).lower()
    try:
        return RDF_FORMATS[key]
    except KeyError:
        known = ", ".join(sorted(RDF_FORMATS))
        raise StoreError(f"unknown RDF format {key or format_name!r} for {path}; known: {known}") from None


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise StoreError(f"cannot store the RDF term {term!r}")


def to_rdflib(term: object) -> Node | None:
    """An rdflib term; plain xsd:string literals stay untyped, as rdflib's parsers read them."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise StoreError(f"unexpected term from the store: {term!r}")


def ntriples_of(triples: Graph | Iterable[tuple[Node, Node, Node]]) -> str:
    """N-Triples text (also valid inside SPARQL `INSERT DATA`), one line per triple."""
    if isinstance(triples, Graph):
        return triples.serialize(format="nt", encoding="utf-8").decode("utf-8")
    return "".join(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in triples)
