"""Run SPARQL on Oxigraph: graph files loaded into an in-memory store, or a store someone opened.

Parameters are bound as RDF terms: a VALUES block built from pyoxigraph term objects (escaped by
construction) is put at the start of the query's outermost group, so a value can never change the
query's shape. (Oxigraph's `substitutions=` would do, but it only binds projected variables, and
saved queries aggregate over theirs.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox
from rdflib import RDF, RDFS, SKOS, XSD, Graph
from rdflib import Literal as RDFLiteral
from rdflib.namespace import OWL
from rdflib.term import Node

from kg.errors import QueryError, QueryStopped, StoreError
from kg.graph_files import load_graph_file
from kg.namespaces import PREFIXES
from kg.query.guard import describe, find_unsafe
from kg.query.limits import QueryLimits, run_limited
from kg.query.params import guess_term, to_term
from kg.query.results import QueryResult, Row
from kg.query.saved import SavedQuery, find_saved_query
from kg.store import terms as store_terms

DEFAULT_PREFIXES: dict[str, str] = {
    **{name: str(ns) for name, ns in PREFIXES.items()},
    "rdf": str(RDF), "rdfs": str(RDFS), "skos": str(SKOS), "xsd": str(XSD), "owl": str(OWL),
}

_SYNTAX_POSITION = re.compile(r"error at (\d+):(\d+):?\s*(.*)", re.S)
# What can hold a brace that is not one: IRIs, strings, comments; and the CONSTRUCT keyword.
_SKIPPED_OR_BRACE = re.compile(
    r"""<[^<>"{}|^`\\\s]*>|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|#[^\n]*|([{}])|(\bCONSTRUCT\b)""",
    re.IGNORECASE,
)
_NAME_LIKE = re.compile(r"^[\w.\-/\\:]+$")


class SparqlStore(Protocol):
    """Anything that answers SPARQL over the union of its graphs (kg.store backends do)."""

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> Any: ...


# --- loading -----------------------------------------------------------------------------------


def load_store(graphs: Iterable[str | Path], *, keep_named_graphs: bool = False) -> ox.Store:
    """An in-memory Oxigraph store holding the files; every triple in the default graph unless asked.

    The files are parsed by kg.graph_files, which reads nothing but them and fetches nothing.
    """
    store = ox.Store()
    for graph in graphs:
        load_graph_file(store, graph)
    return store if keep_named_graphs else fold_named_graphs(store)


def fold_named_graphs(store: ox.Store) -> ox.Store:
    """Move every named graph's triples into the default graph (to_graph= does not apply to TriG)."""
    if next(iter(store.named_graphs()), None) is not None:
        store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } } ; DROP NAMED")
    return store


def store_from_graph(graph: Graph) -> ox.Store:
    """An Oxigraph store with the triples of an rdflib graph (N-Triples is the fast common ground)."""
    store = ox.Store()
    data = graph.serialize(format="nt", encoding="utf-8")
    store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    return store


# --- terms -------------------------------------------------------------------------------------


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    try:
        return store_terms.to_oxigraph(term)
    except StoreError:
        raise QueryError(f"cannot bind {term!r}: only IRIs, blank nodes and literals can be bound") from None


def to_rdflib(term: Any) -> Node | None:
    if term is None or isinstance(term, Node):
        return term
    try:
        return store_terms.to_rdflib(term)
    except StoreError:
        return RDFLiteral(str(term))


# --- parameters --------------------------------------------------------------------------------


def bind_params(query: SavedQuery, params: Mapping[str, str] | None) -> dict[str, Node]:
    """Terms for the declared parameters (defaults filled in); undeclared names are refused."""
    given = dict(params or {})
    if not query.params:
        return {name: guess_term(value) for name, value in given.items()}
    unknown = sorted(set(given) - {p.name for p in query.params})
    if unknown:
        declared = ", ".join(p.name for p in query.params)
        raise QueryError(f"{query.name}: unknown parameter(s) {', '.join(unknown)}; it takes {declared}")
    bound: dict[str, Node] = {}
    for param in query.params:
        value = given.get(param.name, param.default)
        if value is not None:
            bound[param.name] = to_term(value, param.type, name=f"{query.name}: {param.name}")
    return bound


def values_clause(bindings: Mapping[str, Node]) -> str:
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(str(to_oxigraph(term)) for term in bindings.values())
    return f"VALUES ({names}) {{ ({terms}) }} "


def inject_values(sparql: str, bindings: Mapping[str, Node]) -> str:
    """The query with the bindings as a VALUES block opening its first group."""
    if not bindings:
        return sparql
    for name in bindings:
        if not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise QueryError(f"{name!r} is not a SPARQL variable name")
    at = where_group_start(sparql)
    if at is None:
        raise QueryError("the query has no group pattern to bind parameters in")
    return f"{sparql[:at]} {values_clause(bindings)}{sparql[at:]}"


def where_group_start(sparql: str) -> int | None:
    """Where the outermost WHERE group opens (just past its brace); a CONSTRUCT template is skipped."""
    depth, groups, construct, wanted = 0, 0, False, 1
    for match in _SKIPPED_OR_BRACE.finditer(sparql):
        brace, keyword = match.group(1), match.group(2)
        if keyword and depth == 0 and groups == 0:
            construct = True
        elif brace == "{":
            if depth == 0:
                groups += 1
                if groups == 1 and construct and _template_follows(sparql, match.start()):
                    wanted = 2  # CONSTRUCT { template } WHERE { pattern }
                if groups == wanted:
                    return match.end()
            depth += 1
        elif brace == "}":
            depth = max(0, depth - 1)
    return None


def _template_follows(sparql: str, brace_at: int) -> bool:
    """True when the query is CONSTRUCT { template } WHERE {...}, not the short CONSTRUCT WHERE {...}."""
    head = sparql[:brace_at].rstrip()
    return not head.upper().endswith("WHERE")


# --- running -----------------------------------------------------------------------------------


def resolve_query(query: str | SavedQuery) -> SavedQuery:
    """A SavedQuery for a saved query's name, a .rq file, or SPARQL text."""
    if isinstance(query, SavedQuery):
        return query
    text = query.strip()
    if _NAME_LIKE.match(text):
        return find_saved_query(text)
    from kg.query.saved import parse_saved_query

    return parse_saved_query(query, "query")


def check_syntax(query: SavedQuery) -> None:
    """QueryError with the line and column when the text is not SPARQL 1.1."""
    try:
        ox.Store().query(query.text, prefixes=DEFAULT_PREFIXES)
    except SyntaxError as exc:
        raise QueryError(f"{_where(query)}: {syntax_message(str(exc))}") from None
    except (OSError, RuntimeError, ValueError):
        pass  # the text parsed; this empty store just cannot evaluate it (e.g. SERVICE)


def syntax_message(message: str) -> str:
    match = _SYNTAX_POSITION.search(message)
    if not match:
        return f"SPARQL syntax error: {message}"
    line, column, rest = match.groups()
    return f"SPARQL syntax error at line {line}, column {column}: {rest.strip()}"


def _where(query: SavedQuery) -> str:
    return str(query.path) if query.path else query.name


def run_query(query: str | SavedQuery, *, graphs: Sequence[str | Path] = (), store: object | None = None,
              params: Mapping[str, str] | None = None, limits: QueryLimits | None = None) -> QueryResult:
    """Run a saved query (name, file or SavedQuery) or SPARQL text over graph files or a store.

    `store` may be a pyoxigraph.Store or any object with `query(sparql)` (a kg.store backend); it
    is asked the query with the parameters already bound, so it needs no binding of its own.
    Updates and SERVICE are refused (QueryError). With `limits` the query runs in a child process
    that is stopped when it overruns them (QueryStopped); without, in this process, unbounded.
    """
    saved = resolve_query(query)
    refuse_unsafe(saved)  # before check_syntax, which would already run a SERVICE call
    check_syntax(saved)
    sparql = inject_values(saved.text, bind_params(saved, params))
    if store is None:
        if not graphs:
            raise QueryError(f"{saved.name}: no graph to query (give graph files or a store)")
        store = load_store(graphs)
    if limits is None:
        return answer_or_fail(store, sparql, saved)
    try:
        return unpack(run_limited(lambda: pack(answer_or_fail(store, sparql, saved)), limits))
    except QueryStopped as exc:
        raise QueryStopped(f"{_where(saved)}: {exc}", exc.limit) from None


def refuse_unsafe(query: SavedQuery) -> None:
    unsafe = find_unsafe(query.text)
    if unsafe is not None:
        raise QueryError(f"{_where(query)}: {describe(unsafe)}")


def answer_or_fail(store: object, sparql: str, saved: SavedQuery) -> QueryResult:
    try:
        return answer(store, sparql)
    except (OSError, RuntimeError, ValueError) as exc:
        raise QueryError(f"{_where(saved)}: the query failed ({exc})") from None


# What crosses the pipe from a query process: a graph as N-Triples with its prefixes.
Packed = QueryResult | tuple[bytes, list[tuple[str, str]]]


def pack(result: QueryResult) -> Packed:
    if result.kind == "construct" and result.graph is not None:
        prefixes = [(name, str(namespace)) for name, namespace in result.graph.namespaces()]
        return result.graph.serialize(format="nt", encoding="utf-8"), prefixes
    return result


def unpack(packed: Packed) -> QueryResult:
    if isinstance(packed, QueryResult):
        return packed
    data, prefixes = packed
    graph = Graph(bind_namespaces="none")
    for name, namespace in prefixes:
        graph.bind(name, namespace, override=True, replace=True)
    return QueryResult(kind="construct", graph=graph.parse(data=data, format="nt"))


def answer(store: object, sparql: str) -> QueryResult:
    if isinstance(store, ox.Store):
        union = next(iter(store.named_graphs()), None) is not None
        raw = store.query(sparql, prefixes=DEFAULT_PREFIXES, use_default_graph_as_union=union)
        return from_oxigraph(raw)
    if not hasattr(store, "query"):
        raise QueryError(f"{type(store).__name__} cannot answer SPARQL (it has no query method)")
    return normalise(store.query(prefix_block() + sparql))


def prefix_block() -> str:
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in DEFAULT_PREFIXES.items())


def from_oxigraph(raw: Any) -> QueryResult:
    if isinstance(raw, ox.QueryBoolean):
        return QueryResult(kind="ask", boolean=bool(raw))
    if isinstance(raw, ox.QuerySolutions):
        variables = [v.value for v in raw.variables]
        rows: list[Row] = [tuple(to_rdflib(t) for t in solution) for solution in raw]
        return QueryResult(kind="select", variables=variables, rows=rows)
    graph = Graph()
    for triple in raw:
        terms = (to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object))
        if None not in terms:
            graph.add(terms)  # type: ignore[arg-type]  # None is ruled out just above
    return QueryResult(kind="construct", graph=graph)


def normalise(raw: Any) -> QueryResult:
    """A QueryResult from whatever a store returned: ours, kg.store's, pyoxigraph's or rdflib's."""
    if isinstance(raw, QueryResult):
        return raw
    if isinstance(raw, ox.QueryBoolean | ox.QuerySolutions | ox.QueryTriples):
        return from_oxigraph(raw)
    kind = getattr(raw, "kind", None) or getattr(raw, "type", "").lower()
    if kind == "ask":
        answer_value = getattr(raw, "boolean", getattr(raw, "askAnswer", False))
        return QueryResult(kind="ask", boolean=bool(answer_value))
    if kind == "construct" or getattr(raw, "graph", None) is not None:
        return QueryResult(kind="construct", graph=raw.graph)
    variables = [str(v) for v in (getattr(raw, "variables", None) or getattr(raw, "vars", None) or [])]
    rows = [tuple(to_rdflib(t) for t in row) for row in getattr(raw, "rows", raw)]
    return QueryResult(kind="select", variables=variables, rows=rows)
