"""Namespaces and the minting of instance IRIs.

Instance IRIs are derived only from content (names, codes, hashes), never from counters or time,
so that the same input always yields the same graph, byte for byte.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from rdflib import Namespace, URIRef

RDO = Namespace("https://w3id.org/readout-kg/ontology#")
ID = Namespace("https://w3id.org/readout-kg/id/")
ORG = Namespace("http://www.w3.org/ns/org#")
TIME = Namespace("http://www.w3.org/2006/time#")
SCHEMA = Namespace("https://schema.org/")
OA = Namespace("http://www.w3.org/ns/oa#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
WD = Namespace("http://www.wikidata.org/entity/")
SH = Namespace("http://www.w3.org/ns/shacl#")

PREFIXES: dict[str, Namespace] = {
    "rdo": RDO,
    "id": ID,
    "org": ORG,
    "time": TIME,
    "schema": SCHEMA,
    "oa": OA,
    "eli": ELI,
    "prov": PROV,
    "dcterms": DCTERMS,
    "wd": WD,
}


def slug(text: str) -> str:
    """A lower-case ASCII slug: 'Lee Jong-sup' -> 'lee-jong-sup'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def digest(*parts: str, length: int = 16) -> str:
    """A short stable hash of the parts, for IRIs of things that have no natural key."""
    h = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return h[:length]


def person_iri(key: str) -> URIRef:
    return ID[f"person/{slug(key)}"]


def country_iri(iso2: str) -> URIRef:
    return ID[f"country/{iso2.upper()}"]


def ministry_iri(key: str) -> URIRef:
    return ID[f"ministry/{slug(key)}"]


def post_iri(key: str) -> URIRef:
    return ID[f"post/{slug(key)}"]


def treaty_iri(key: str) -> URIRef:
    return ID[f"treaty/{slug(key)}"]


def article_iri(treaty_key: str, number: int) -> URIRef:
    return ID[f"treaty/{slug(treaty_key)}/article/{number}"]


def issue_iri(notation: str) -> URIRef:
    return ID[f"issue/{slug(notation)}"]


ISSUE_SCHEME = ID["issue/scheme"]


def place_iri(label: str) -> URIRef:
    return ID[f"place/{slug(label)}"]


def document_iri(sha256: str) -> URIRef:
    return ID[f"document/{sha256[:16]}"]


def evidence_iri(doc_sha256: str, start: int, end: int) -> URIRef:
    return ID[f"evidence/{doc_sha256[:16]}-{start}-{end}"]


def meeting_iri(key: str) -> URIRef:
    return ID[f"meeting/{digest(key)}"]
