"""Remote triple stores: push document graphs, and query through SPARQLWrapper.

    push_store(store, "http://127.0.0.1:7878/query")        # Oxigraph: /query, /update, /store
    query_endpoint("http://127.0.0.1:8890/sparql", sparql)  # Virtuoso: one /sparql for both

Graphs are sent with the SPARQL 1.1 Graph Store HTTP Protocol (HTTP PUT replaces a graph), or with
SPARQL Update (`DROP SILENT GRAPH; INSERT DATA`) where the store has no Graph Store endpoint.
Credentials come only from the environment: KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD (HTTP basic,
or digest with KG_ENDPOINT_AUTH=digest), or KG_ENDPOINT_TOKEN (a bearer token). They never appear
in messages. Every request has a timeout and is retried with exponential backoff when the server is
unreachable or answers 5xx/429.
"""

from __future__ import annotations

import base64
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal as TypingLiteral
from typing import TypeVar

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node
from SPARQLWrapper import DIGEST, JSON, POST, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import EndPointInternalError, EndPointNotFound, QueryBadFormed

from kg.errors import EndpointError, QueryError
from kg.store.base import GraphStore, QueryResult
from kg.store.terms import STANDARD_PREFIXES

# Answers of exactly this many rows were probably cut by the server (Virtuoso's ResultSetMaxRows).
SUSPICIOUS_ROW_LIMITS = (10000,)
_RETRYABLE_STATUS = {429, 500, 502, 503, 504}
# Answers meaning "no Graph Store Protocol here": fall back to SPARQL Update.
_NO_GRAPH_STORE_STATUS = {400, 404, 405, 406, 415, 501}

T = TypeVar("T")


@dataclass(frozen=True)
class Endpoint:
    """Where to query, update and put graphs, derived from one URL the user gives."""

    query_url: str
    update_url: str
    store_url: str | None

    @classmethod
    def from_url(cls, url: str, update_url: str | None = None, store_url: str | None = None) -> Endpoint:
        """Oxigraph-style `…/query` gives `…/update` and `…/store`; any other URL serves both."""
        base = url.rstrip("/")
        if base.endswith("/query"):
            root = base[: -len("/query")]
            return cls(base, update_url or f"{root}/update", store_url or f"{root}/store")
        if base.endswith("/sparql"):
            return cls(base, update_url or base, store_url or f"{base}-graph-crud")
        return cls(base, update_url or base, store_url)


@dataclass
class RetryPolicy:
    attempts: int = 4
    base_delay: float = 0.5          # seconds before the second try; doubles each time
    timeout: float = 30.0            # seconds per request
    sleep: Callable[[float], None] = time.sleep

    def run(self, action: Callable[[], T], describe: str) -> T:
        for attempt in range(1, self.attempts + 1):
            try:
                return action()
            except _Retryable as exc:
                if attempt == self.attempts:
                    raise EndpointError(f"{describe}: {exc.reason} (tried {self.attempts} times)") from exc
                self.sleep(self.base_delay * 2 ** (attempt - 1))
        raise AssertionError("unreachable")


class _Retryable(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class PushReport:
    endpoint: str
    protocol: str = ""
    graphs: list[str] = field(default_factory=list)
    triples: int = 0


# -- credentials ------------------------------------------------------------------------------

def _credentials() -> tuple[str | None, str | None, str | None, str]:
    return (os.environ.get("KG_ENDPOINT_USER"), os.environ.get("KG_ENDPOINT_PASSWORD"),
            os.environ.get("KG_ENDPOINT_TOKEN"), os.environ.get("KG_ENDPOINT_AUTH", "basic").lower())


def _auth_headers() -> dict[str, str]:
    user, password, token, _ = _credentials()
    if token:
        return {"Authorization": f"Bearer {token}"}
    if user:
        pair = base64.b64encode(f"{user}:{password or ''}".encode()).decode("ascii")
        return {"Authorization": f"Basic {pair}"}
    return {}


def _opener(url: str) -> urllib.request.OpenerDirector:
    user, password, _, scheme = _credentials()
    if user and scheme == "digest":
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        manager.add_password(None, url, user, password or "")
        return urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(manager))
    return urllib.request.build_opener()


def safe_url(url: str) -> str:
    """The URL without any user:password part, for messages."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))


# -- plain HTTP with retries ------------------------------------------------------------------

def _send(method: str, url: str, body: bytes, content_type: str, retry: RetryPolicy) -> int:
    headers = {"Content-Type": content_type, **_auth_headers()}
    if _credentials()[3] == "digest":
        headers.pop("Authorization", None)

    def attempt() -> int:
        request = urllib.request.Request(url, data=body, headers=headers, method=method)
        try:
            with _opener(url).open(request, timeout=retry.timeout) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            if exc.code in _RETRYABLE_STATUS:
                raise _Retryable(f"the server answered {exc.code} {exc.reason}") from exc
            return int(exc.code)
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            raise _Retryable(_unreachable(exc)) from exc

    return retry.run(attempt, f"{method} {safe_url(url)}")


def _status_message(status: int) -> str:
    if status in (401, 403):
        return (f"the server refused the write ({status}): it may be read-only, or need an account that "
                "may write (set KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD, or KG_ENDPOINT_TOKEN)")
    return f"the server answered {status}"


def _unreachable(exc: BaseException) -> str:
    reason = getattr(exc, "reason", exc)
    return f"cannot reach the endpoint ({reason}); is the SPARQL server running and the URL right?"


# -- push -------------------------------------------------------------------------------------

def push_store(store: GraphStore, endpoint: str | Endpoint, *,
               protocol: TypingLiteral["auto", "graph-store", "update"] = "auto",
               graphs: list[str] | None = None, retry: RetryPolicy | None = None,
               progress: Callable[[str], None] | None = None) -> PushReport:
    """Send every named graph of `store` (or just `graphs`) to a remote store, replacing each there."""
    target = endpoint if isinstance(endpoint, Endpoint) else Endpoint.from_url(endpoint)
    retry = retry or RetryPolicy()
    chosen = protocol if protocol != "auto" else ("graph-store" if target.store_url else "update")
    report = PushReport(endpoint=safe_url(target.query_url))
    for name in graphs if graphs is not None else store.graph_names():
        body = store.graph_ntriples(name)
        if chosen == "graph-store":
            status = _put_graph(target, name, body, retry)
            if status in _NO_GRAPH_STORE_STATUS and protocol == "auto":
                chosen = "update"
            elif status >= 300:
                raise EndpointError(f"PUT graph <{name}> to {safe_url(target.store_url or '')}: "
                                    f"{_status_message(status)}")
        if chosen == "update":
            _update_graph(target, name, body, retry)
        report.graphs.append(name)
        report.triples += body.count(b"\n")
        if progress is not None:
            progress(name)
    report.protocol = chosen
    return report


def _put_graph(target: Endpoint, name: str, body: bytes, retry: RetryPolicy) -> int:
    url = f"{target.store_url}?{urllib.parse.urlencode({'graph': name})}"
    # N-Triples is Turtle; `text/turtle` is the type every Graph Store implementation accepts.
    return _send("PUT", url, body, "text/turtle", retry)


def _update_graph(target: Endpoint, name: str, body: bytes, retry: RetryPolicy) -> None:
    update = (f"DROP SILENT GRAPH <{name}> ;\nINSERT DATA {{ GRAPH <{name}> {{\n"
              f"{body.decode('utf-8')}}} }}")
    form = urllib.parse.urlencode({"update": update}).encode("utf-8")
    status = _send("POST", target.update_url, form, "application/x-www-form-urlencoded", retry)
    if status >= 300:
        raise EndpointError(f"SPARQL Update of graph <{name}> at {safe_url(target.update_url)}: "
                            f"{_status_message(status)}")


# -- query ------------------------------------------------------------------------------------

def query_endpoint(endpoint: str | Endpoint, sparql: str, bindings: Mapping[str, Node] | None = None, *,
                   retry: RetryPolicy | None = None) -> QueryResult:
    """Run one SPARQL query at a remote endpoint through SPARQLWrapper; the answer as from a store.

    `result.notes` says when the answer may have been cut by the server's row limit.
    """
    target = endpoint if isinstance(endpoint, Endpoint) else Endpoint.from_url(endpoint)
    retry = retry or RetryPolicy()
    text = _with_prefixes(_with_bindings(sparql, bindings))
    wrapper = _wrapper(target.query_url, retry.timeout)
    wrapper.setQuery(text)
    kind = (wrapper.queryType or "SELECT").upper()
    wrapper.setReturnFormat(TURTLE if kind in ("CONSTRUCT", "DESCRIBE") else JSON)

    def attempt() -> object:
        try:
            return wrapper.query()
        except QueryBadFormed as exc:
            raise QueryError(f"{safe_url(target.query_url)} refused the query: {_short(exc)}") from exc
        except EndPointNotFound as exc:
            raise EndpointError(f"{safe_url(target.query_url)}: no SPARQL endpoint at this URL") from exc
        except EndPointInternalError as exc:
            raise _Retryable(f"the server failed: {_short(exc)}") from exc
        except urllib.error.HTTPError as exc:
            if exc.code in _RETRYABLE_STATUS:
                raise _Retryable(f"the server answered {exc.code}") from exc
            raise EndpointError(f"{safe_url(target.query_url)} answered {exc.code} {exc.reason}") from exc
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            raise _Retryable(_unreachable(exc)) from exc

    raw = retry.run(attempt, f"query at {safe_url(target.query_url)}")
    return _to_result(kind, raw)


class RemoteStore:
    """A remote endpoint with the store's `query` method, for code written against kg.store."""

    def __init__(self, endpoint: str | Endpoint, retry: RetryPolicy | None = None) -> None:
        self.endpoint = endpoint if isinstance(endpoint, Endpoint) else Endpoint.from_url(endpoint)
        self.retry = retry or RetryPolicy()

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        return query_endpoint(self.endpoint, sparql, bindings, retry=self.retry)


def _wrapper(url: str, timeout: float) -> SPARQLWrapper:
    wrapper = SPARQLWrapper(url, agent="readout-kg")
    wrapper.setMethod(POST)
    wrapper.setTimeout(int(max(1, timeout)))
    user, password, token, scheme = _credentials()
    if token:
        wrapper.addCustomHttpHeader("Authorization", f"Bearer {token}")
    elif user:
        if scheme == "digest":
            wrapper.setHTTPAuth(DIGEST)
        wrapper.setCredentials(user, password or "")
    return wrapper


def _to_result(kind: str, raw: object) -> QueryResult:
    converted = raw.convert()  # type: ignore[attr-defined]
    if kind in ("CONSTRUCT", "DESCRIBE"):
        graph = converted if isinstance(converted, Graph) else Graph().parse(data=converted, format="turtle")
        return QueryResult(kind="construct", graph=graph)
    if kind == "ASK":
        return QueryResult(kind="ask", boolean=bool(converted.get("boolean")))
    variables = list(converted.get("head", {}).get("vars", []))
    rows = [tuple(_json_term(binding.get(name)) for name in variables)
            for binding in converted.get("results", {}).get("bindings", [])]
    result = QueryResult(kind="select", variables=variables, rows=rows)
    if len(rows) in SUSPICIOUS_ROW_LIMITS:
        result.notes.append(
            f"exactly {len(rows)} rows: the endpoint may have cut the answer at its row limit "
            "(Virtuoso's ResultSetMaxRows defaults to 10000 and truncates silently); "
            "page with LIMIT/OFFSET or raise the limit on the server")
    return result


def _json_term(cell: Mapping[str, str] | None) -> Node | None:
    if cell is None:
        return None
    kind, value = cell.get("type"), cell.get("value", "")
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    datatype = cell.get("datatype")
    if datatype and datatype != "http://www.w3.org/2001/XMLSchema#string":
        return Literal(value, datatype=URIRef(datatype))
    return Literal(value, lang=cell.get("xml:lang"))


def _with_bindings(sparql: str, bindings: Mapping[str, Node] | None) -> str:
    """Bind variables with a VALUES block opening the query's first group (as kg.query does)."""
    if not bindings:
        return sparql
    from kg.query.engine import inject_values

    return inject_values(sparql, bindings)


def _with_prefixes(sparql: str) -> str:
    """Declare the project's prefixes that the query uses but does not declare itself."""
    declared = {line.split(":", 1)[0].split()[-1].lower()
                for line in sparql.splitlines() if line.strip().upper().startswith("PREFIX") and ":" in line}
    missing = [f"PREFIX {name}: <{iri}>" for name, iri in STANDARD_PREFIXES.items()
               if name not in declared and f"{name}:" in sparql]
    return "\n".join([*missing, sparql]) if missing else sparql


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:400] if text else type(exc).__name__
