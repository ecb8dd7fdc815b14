"""The SPARQL 1.1 Protocol, read-only: what is refused, result formats, and running one query.

`run_limited` runs in a worker process (see kg.serve.workers) so that a query over its time or
memory limit can be stopped by ending the process; a query is refused when it holds SERVICE (no
outgoing calls) or is an update (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, ADD, MOVE, COPY), as
kg.query.guard reads it.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from kg.query.guard import find_unsafe
from kg.query.limits import QueryLimits
from kg.store.terms import SERIALISATION_PREFIXES, STANDARD_PREFIXES

RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
}
GRAPH_TYPES = {
    "turtle": ("text/turtle; charset=utf-8", ox.RdfFormat.TURTLE),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
    "ntriples": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    "xml": ("application/rdf+xml", ox.RdfFormat.RDF_XML),
}
_ACCEPT = [
    ("application/sparql-results+json", "json"), ("application/json", "json"),
    ("application/sparql-results+xml", "xml"), ("text/csv", "csv"), ("text/tab-separated-values", "tsv"),
    ("text/turtle", "turtle"), ("application/ld+json", "jsonld"), ("application/n-triples", "ntriples"),
    ("application/rdf+xml", "xml"), ("application/xml", "xml"),
]


class Refused(Exception):
    """A request the endpoint will not run; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Limits(QueryLimits):
    """The endpoint's limits per query: time, memory (each worker) and answer length."""

    timeout_s: float = 10.0
    max_memory_mb: int = 1024
    max_rows: int = 10000


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


UPDATE_REFUSED = "updates are refused: this endpoint is read-only"
SERVICE_REFUSED = "SERVICE is refused: this endpoint does not call other endpoints"


def check_read_only(sparql: str) -> None:
    """Refuse updates and SERVICE (the endpoint changes nothing and makes no outgoing calls)."""
    unsafe = find_unsafe(sparql)
    if unsafe is not None:
        raise Refused(403, SERVICE_REFUSED if unsafe.kind == "service" else UPDATE_REFUSED)


def choose_format(requested: str | None, accept: str | None) -> str | None:
    """A short format name from `format=` or the Accept header; None lets the query kind decide."""
    if requested:
        return requested.lower().replace("-", "").replace("application/", "")
    for media, name in _ACCEPT:
        if accept and media in accept:
            return name
    return None


def run_limited(store: ox.Store, sparql: str, format_name: str | None, limits: Limits) -> Answer:
    """Run one query and serialise its answer, refusing answers longer than `limits.max_rows`."""
    check_read_only(sparql)
    deadline = time.monotonic() + limits.timeout_s
    try:
        result = store.query(sparql, use_default_graph_as_union=True, prefixes=STANDARD_PREFIXES)
    except SyntaxError as exc:
        raise Refused(400, f"malformed query: {exc}") from exc
    if isinstance(result, ox.QueryBoolean):
        return _boolean_answer(bool(result), format_name or "json")
    if isinstance(result, ox.QueryTriples):
        triples = _bounded(result, limits, deadline, "triples")
        name = format_name if format_name in GRAPH_TYPES else "turtle"
        media, fmt = GRAPH_TYPES[name]
        prefixes = SERIALISATION_PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
        return Answer(200, media, ox.serialize(triples, format=fmt, prefixes=prefixes) or b"")
    variables = [variable.value for variable in result.variables]
    rows = _bounded(result, limits, deadline, "rows")
    name = format_name if format_name in RESULT_TYPES else "json"
    return Answer(200, RESULT_TYPES[name], _SELECT_WRITERS[name](variables, rows))


_T = TypeVar("_T")


def _bounded(items: Iterable[_T], limits: Limits, deadline: float, what: str) -> list[_T]:
    collected: list[_T] = []
    for item in items:
        collected.append(item)
        if len(collected) > limits.max_rows:
            raise Refused(413, f"the answer has more than {limits.max_rows} {what}: add a LIMIT "
                               "or page with LIMIT/OFFSET")
        if len(collected) % 1000 == 0 and time.monotonic() > deadline:
            raise Refused(503, f"the query ran past the time limit of {limits.timeout_s:g} s")
    return collected


# -- serialisers for SELECT and ASK (rows are collected first to enforce the size limit) ---------

def _json_term(term: object) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        cell = {"type": "literal", "value": term.value}
        if term.language:
            cell["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            cell["datatype"] = term.datatype.value
        return cell
    return {"type": "literal", "value": str(term)}


def _select_json(variables: list[str], rows: list[ox.QuerySolution]) -> bytes:
    bindings = [{name: _json_term(row[name]) for name in variables if row[name] is not None} for row in rows]
    return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}},
                      ensure_ascii=False).encode("utf-8")


def _xml_term(term: object) -> str:
    cell = _json_term(term)
    value = escape(cell["value"])
    if cell["type"] == "uri":
        return f"<uri>{value}</uri>"
    if cell["type"] == "bnode":
        return f"<bnode>{value}</bnode>"
    if "xml:lang" in cell:
        return f"<literal xml:lang={quoteattr(cell['xml:lang'])}>{value}</literal>"
    if "datatype" in cell:
        return f"<literal datatype={quoteattr(cell['datatype'])}>{value}</literal>"
    return f"<literal>{value}</literal>"


_XML_HEAD = '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'


def _select_xml(variables: list[str], rows: list[ox.QuerySolution]) -> bytes:
    heads = [f"<variable name={quoteattr(v)}/>" for v in variables]
    parts = [_XML_HEAD, "<head>", *heads, "</head><results>"]
    for row in rows:
        parts.append("<result>")
        parts.extend(f"<binding name={quoteattr(v)}>{_xml_term(row[v])}</binding>"
                     for v in variables if row[v] is not None)
        parts.append("</result>")
    parts.append("</results></sparql>\n")
    return "".join(parts).encode("utf-8")


def _select_csv(variables: list[str], rows: list[ox.QuerySolution]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(variables)
    for row in rows:
        writer.writerow(["" if row[v] is None else getattr(row[v], "value", str(row[v])) for v in variables])
    return out.getvalue().encode("utf-8")


def _select_tsv(variables: list[str], rows: list[ox.QuerySolution]) -> bytes:
    lines = ["\t".join(f"?{v}" for v in variables)]
    # str() of a pyoxigraph term is its N-Triples form, which is what TSV results carry.
    lines.extend("\t".join("" if row[v] is None else str(row[v]) for v in variables) for row in rows)
    return ("\n".join(lines) + "\n").encode("utf-8")


_SELECT_WRITERS = {"json": _select_json, "xml": _select_xml, "csv": _select_csv, "tsv": _select_tsv}


def _boolean_answer(value: bool, format_name: str) -> Answer:
    if format_name == "xml":
        body = f"{_XML_HEAD}<head/><boolean>{str(value).lower()}</boolean></sparql>\n"
        return Answer(200, RESULT_TYPES["xml"], body.encode("utf-8"))
    return Answer(200, RESULT_TYPES["json"], json.dumps({"head": {}, "boolean": value}).encode("utf-8"))
