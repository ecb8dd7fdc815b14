"""Query answers: rows of rdflib terms, written as a table or in the SPARQL 1.1 results formats."""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from rdflib import XSD, BNode, Graph, URIRef
from rdflib import Literal as RDFLiteral
from rdflib.term import Node

from kg.errors import QueryError

ResultKind = Literal["select", "ask", "construct"]
Row = tuple[Node | None, ...]


@dataclass
class QueryResult:
    """The answer to one query: `variables` and `rows` (SELECT), `boolean` (ASK) or `graph` (CONSTRUCT)."""

    kind: ResultKind
    variables: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None

    def __len__(self) -> int:
        if self.kind == "construct":
            return len(self.graph) if self.graph is not None else 0
        return len(self.rows)

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def __bool__(self) -> bool:
        return bool(self.boolean) if self.kind == "ask" else len(self) > 0

    def as_dicts(self) -> list[dict[str, Node]]:
        """Rows as {variable: term}, unbound variables left out."""
        return [
            {v: t for v, t in zip(self.variables, row, strict=True) if t is not None} for row in self.rows
        ]

    def column(self, variable: str) -> list[Node | None]:
        index = self.variables.index(variable)
        return [row[index] for row in self.rows]

    # --- SPARQL 1.1 Query Results formats -------------------------------------------------------

    def to_json(self, indent: int | None = None) -> str:
        """SPARQL 1.1 Query Results JSON (a CONSTRUCT answer comes as JSON-LD)."""
        if self.kind == "ask":
            return json.dumps({"head": {}, "boolean": bool(self.boolean)}, indent=indent)
        if self.kind == "construct":
            return self._graph().serialize(format="json-ld", indent=indent)
        bindings = [
            {v: _json_term(t) for v, t in zip(self.variables, row, strict=True) if t is not None}
            for row in self.rows
        ]
        document = {"head": {"vars": self.variables}, "results": {"bindings": bindings}}
        return json.dumps(document, indent=indent, ensure_ascii=False)

    def to_csv(self) -> str:
        """SPARQL 1.1 Query Results CSV: plain values, CRLF line ends (a CONSTRUCT answer: N-Triples)."""
        return self._delimited(",", _csv_value)

    def to_tsv(self) -> str:
        """SPARQL 1.1 Query Results TSV: terms written as in Turtle."""
        if self.kind != "select":
            return self.to_csv()
        lines = ["\t".join(f"?{v}" for v in self.variables)]
        lines += ["\t".join("" if t is None else t.n3() for t in row) for row in self.rows]
        return "\n".join(lines) + "\n"

    def to_turtle(self) -> str:
        return self._graph().serialize(format="turtle")

    def _delimited(self, delimiter: str, value: Any) -> str:
        if self.kind == "ask":
            return f"_askResult\r\n{'true' if self.boolean else 'false'}\r\n"
        if self.kind == "construct":
            return self._graph().serialize(format="nt")
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(self.variables)
        writer.writerows([[value(t) for t in row] for row in self.rows])
        return buffer.getvalue()

    def _graph(self) -> Graph:
        if self.graph is None:
            raise QueryError("this answer holds no graph (it is not a CONSTRUCT or DESCRIBE answer)")
        return self.graph

    # --- for people and notebooks ----------------------------------------------------------------

    def to_dataframe(self) -> Any:
        """A pandas DataFrame (pandas is optional: install it to use this); literals become Python values."""
        try:
            import pandas as pd
        except ImportError:
            raise QueryError("to_dataframe needs pandas: pip install pandas") from None
        records = [[python_value(t) for t in row] for row in self.rows]
        return pd.DataFrame.from_records(records, columns=self.variables)

    def to_text_rows(self) -> list[list[str]]:
        """Rows as short display strings (what the terminal table shows)."""
        return [[display_value(t) for t in row] for row in self.rows]

    def _repr_html_(self) -> str:
        if self.kind == "ask":
            return f"<p>{'true' if self.boolean else 'false'}</p>"
        if self.kind == "construct":
            return f"<pre>{html.escape(self.to_turtle())}</pre>"
        head = "".join(f"<th>{html.escape(v)}</th>" for v in self.variables)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>"
            for row in self.to_text_rows()
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, RDFLiteral):
        out = {"type": "literal", "value": str(term)}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype is not None and term.datatype != XSD.string:
            out["datatype"] = str(term.datatype)
        return out
    return {"type": "literal", "value": str(term)}


def _csv_value(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def display_value(term: Node | None) -> str:
    """How a term reads in a table: IRIs shortened with the project's prefixes, literals bare."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return shorten_iri(str(term))
    return _csv_value(term)


def shorten_iri(iri: str) -> str:
    from kg.namespaces import PREFIXES

    for prefix, namespace in PREFIXES.items():
        if iri.startswith(str(namespace)) and len(iri) > len(str(namespace)):
            return f"{prefix}:{iri[len(str(namespace)):]}"
    return iri


def python_value(term: Node | None) -> Any:
    if term is None:
        return None
    if isinstance(term, RDFLiteral):
        value = term.toPython()
        return str(term) if isinstance(value, RDFLiteral) else value
    return str(term)
