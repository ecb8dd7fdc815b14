"""Hostile SPARQL: updates and SERVICE are refused, runaway queries are stopped, by `kg query` (graph
files and stores), the kg.query engine and `kg serve`.

SERVICE and LOAD point at a socket listening on 127.0.0.1 that must receive no connection: Oxigraph
does make the HTTP request when it runs a SERVICE, so only refusing it beforehand keeps it quiet.
The runaway queries run on a ring of 2,000 nodes, where every node reaches every other one.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib.compare import isomorphic
from socket_helpers import connections, listening

from kg.cli import cli
from kg.errors import QueryError, QueryStopped
from kg.query import QueryLimits, run_query
from kg.query.guard import find_unsafe
from kg.serve.app import EndpointConfig, make_server
from kg.serve.protocol import Limits

SAMPLE = Path(__file__).parent / "data" / "sample-graph.ttl"
RING_SIZE = 2000
CROSS_PRODUCT = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
COUNTED_CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
PATHOLOGICAL_PATH = "SELECT * WHERE { ?s (!rdf:type)*/(!rdf:type)* ?o }"
RUNAWAYS = [CROSS_PRODUCT, COUNTED_CROSS_PRODUCT, PATHOLOGICAL_PATH]


@pytest.fixture(scope="module")
def listener() -> Iterator[socket.socket]:
    with listening() as server:
        yield server


def refused_queries(port: int) -> list[str]:
    url = f"http://127.0.0.1:{port}"
    return [
        "INSERT DATA { <https://example.org/a> <https://example.org/b> 1 }",
        "DELETE WHERE { ?s ?p ?o }",
        "PREFIX ex: <https://example.org/> delete { ?s ex:p ?o } insert { ?s ex:q ?o } WHERE { ?s ex:p ?o }",
        "WITH <https://example.org/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        f"LOAD <{url}/data.ttl>",
        f"LOAD SILENT <{url}/data.ttl> INTO GRAPH <https://example.org/g>",
        "CLEAR ALL", "DROP ALL", "DROP GRAPH <https://example.org/g>", "CREATE GRAPH <https://example.org/g>",
        "ADD DEFAULT TO <https://example.org/g>", "MOVE DEFAULT TO <https://example.org/g>",
        "COPY <https://example.org/g> TO DEFAULT",
        f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        f"select * where {{ service silent <{url}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o.SERVICE<{url}/sparql>{{?a ?b ?c}} }}",
        # An IRI with an escape, then a '#' that a careless reader takes for a comment to the line's end.
        f"SELECT * WHERE {{ ?s ?p <https://example.org/\\u0041#> . SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
    ]


REFUSAL_COUNT = len(refused_queries(1))
ALLOWED = [
    'SELECT ?service ?load ?insert WHERE { ?service ?load ?insert } LIMIT 1',
    'SELECT ("SERVICE" AS ?x) ("DROP ALL" AS ?y) WHERE {} # LOAD <http://127.0.0.1:9/>',
    "PREFIX ex: <https://example.org/> SELECT ?s WHERE { ?s ex:delete|ex:service ?o }",
    'SELECT ?s WHERE { ?s ?p """a "" SERVICE <x> { } """ }',
]


@pytest.fixture(scope="module")
def ring(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2,000 triples in a ring: every node reaches every node, so closures and joins explode."""
    path = tmp_path_factory.mktemp("ring") / "ring.ttl"
    lines = ["@prefix ex: <https://example.org/> ."]
    lines += [f"ex:n{i} ex:p{i % 3} ex:n{(i + 1) % RING_SIZE} ." for i in range(RING_SIZE)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def ring_store(ring: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ring-store") / "store"
    store = ox.Store(str(folder))
    store.bulk_load(path=str(ring), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("https://example.org/ring"))
    store.flush()
    del store  # RocksDB closes with its last reference
    return folder


def kg_query(*args: str) -> tuple[int, str, BaseException | None]:
    result = CliRunner().invoke(cli, ["query", *args])
    return result.exit_code, result.output, result.exception


# -- refusals ------------------------------------------------------------------------------------

@pytest.mark.parametrize("index", range(REFUSAL_COUNT))
def test_the_engine_refuses_updates_and_service(index: int, listener: socket.socket) -> None:
    query = refused_queries(listener.getsockname()[1])[index]
    with pytest.raises(QueryError, match=r"^query: (updates|SERVICE) (are|is) refused: ") as refused:
        run_query(query, graphs=[SAMPLE])
    assert "\n" not in str(refused.value)
    assert connections(listener) == 0


@pytest.mark.parametrize("source", ["graph", "store"])
@pytest.mark.parametrize("index", range(REFUSAL_COUNT))
def test_kg_query_refuses_with_one_line_and_a_non_zero_exit(index: int, source: str, listener: socket.socket,
                                                            ring: Path, ring_store: Path) -> None:
    query = refused_queries(listener.getsockname()[1])[index]
    where = ["--graph", str(ring)] if source == "graph" else ["--store", str(ring_store)]
    code, output, exception = kg_query("-e", query, *where)
    assert code != 0 and output == ""
    assert isinstance(exception, QueryError)
    message = str(exception)
    assert message.startswith("-e: ") and "refused" in message and "\n" not in message
    assert connections(listener) == 0


@pytest.mark.parametrize("query", ALLOWED)
def test_words_that_only_look_like_keywords_are_not_refused(query: str) -> None:
    assert find_unsafe(query) is None
    run_query(query, graphs=[SAMPLE])  # no error


def test_kg_serve_refuses_the_same_queries(endpoint: str, listener: socket.socket) -> None:
    for query in refused_queries(listener.getsockname()[1]):
        status, body = get(endpoint, query)
        assert status == 403 and b"refused" in body, (query, body)
    for query in ALLOWED:
        assert get(endpoint, query)[0] == 200, query
    assert connections(listener) == 0


# -- time and memory limits ---------------------------------------------------------------------

@pytest.mark.parametrize("query", RUNAWAYS)
def test_the_engine_stops_a_runaway_query_at_the_time_limit(query: str, ring: Path) -> None:
    started = time.monotonic()
    with pytest.raises(QueryStopped, match=r"^query: the query ran past the time limit of 1 s") as stopped:
        run_query(query, graphs=[ring], limits=QueryLimits(timeout_s=1))
    assert stopped.value.limit == "time"
    assert time.monotonic() - started < 20  # loading and the stop, not the query's own hours


def test_the_engine_stops_a_query_that_takes_too_much_memory(ring: Path) -> None:
    with pytest.raises(QueryStopped, match="more than 64 MB of memory") as stopped:
        run_query(CROSS_PRODUCT, graphs=[ring], limits=QueryLimits(timeout_s=60, max_memory_mb=64))
    assert stopped.value.limit == "memory"


@pytest.mark.parametrize("source", ["graph", "store"])
@pytest.mark.parametrize("query", [CROSS_PRODUCT, PATHOLOGICAL_PATH])
def test_kg_query_timeout_names_the_limit(query: str, source: str, ring: Path, ring_store: Path) -> None:
    where = ["--graph", str(ring)] if source == "graph" else ["--store", str(ring_store)]
    code, output, exception = kg_query("-e", query, *where, "--timeout", "1")
    assert code != 0 and output == ""
    assert isinstance(exception, QueryStopped)
    assert str(exception) == ("-e: the query ran past the time limit of 1 s and was stopped "
                              "(raise the limit with --timeout)")


def test_answers_under_limits_are_the_answers_without(ring: Path) -> None:
    limits = QueryLimits(timeout_s=30)
    free = run_query("meetings-reaffirming-article", graphs=[SAMPLE])
    limited = run_query("meetings-reaffirming-article", graphs=[SAMPLE], limits=limits)
    assert limited.variables == free.variables and limited.rows == free.rows and len(free) == 2
    construct = "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s rdfs:label ?l }"
    free_graph = run_query(construct, graphs=[SAMPLE]).graph
    limited_graph = run_query(construct, graphs=[SAMPLE], limits=limits).graph
    assert free_graph is not None and limited_graph is not None and len(free_graph) > 5
    assert isomorphic(free_graph, limited_graph)
    assert dict(free_graph.namespaces()) == dict(limited_graph.namespaces())
    assert run_query("ASK { ?s ?p ?o }", graphs=[ring], limits=limits).boolean is True


def test_a_default_timeout_is_there_and_can_be_raised(ring: Path) -> None:
    help_text = CliRunner().invoke(cli, ["query", "--help"]).output
    assert "--timeout SECONDS" in help_text and "30" in help_text
    code, output, _ = kg_query("-e", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--graph", str(ring),
                               "--timeout", "120", "--format", "csv")
    assert code == 0 and output.split() == ["n", str(RING_SIZE)]


# -- the endpoint --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def endpoint(ring_store: Path) -> Iterator[str]:
    server, served = make_server(EndpointConfig(ring_store, Limits(timeout_s=1, max_rows=1000), workers=1),
                                 "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/sparql"
    finally:
        server.shutdown()
        server.server_close()
        served.close()


def get(url: str, query: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    address = f"{url}?{urllib.parse.urlencode({'query': query})}"
    request = urllib.request.Request(address, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as error:
        return int(error.code), error.read()


def test_kg_serve_stops_runaway_queries_and_recovers(endpoint: str) -> None:
    assert get(endpoint, CROSS_PRODUCT) == (413, b"the answer has more than 1000 rows: add a LIMIT or page "
                                                 b"with LIMIT/OFFSET\n")
    for query in (COUNTED_CROSS_PRODUCT, PATHOLOGICAL_PATH):
        status, body = get(endpoint, query)
        assert status == 503 and b"time limit of 1 s" in body, body
        recovered = get(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert recovered[0] == 200
        assert json.loads(recovered[1])["results"]["bindings"][0]["n"]["value"] == str(RING_SIZE)


def test_kg_serve_stops_a_worker_that_takes_too_much_memory(ring_store: Path) -> None:
    limits = Limits(timeout_s=60, max_memory_mb=64, max_rows=1000)
    server, served = make_server(EndpointConfig(ring_store, limits, workers=1), "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/sparql"
    try:
        started = time.monotonic()
        status, body = get(url, PATHOLOGICAL_PATH)
        assert status == 503 and b"more than 64 MB of memory" in body, body
        assert time.monotonic() - started < 45
        assert get(url, "ASK { ?s ?p ?o }") == (200, b'{"head": {}, "boolean": true}')
    finally:
        server.shutdown()
        server.server_close()
        served.close()


def test_kg_serve_answers_only_requests_that_name_a_loopback_host(endpoint: str) -> None:
    # A page whose domain was rebound to 127.0.0.1 sends its own name as Host: it must get nothing.
    status, body = get(endpoint, "ASK { ?s ?p ?o }", {"Host": "attacker.example:7878"})
    assert status == 403 and b"answers only at 127.0.0.1" in body
    assert get(endpoint, "ASK { ?s ?p ?o }", {"Host": "localhost"})[0] == 200
