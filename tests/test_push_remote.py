"""Pushing to and querying remote triple stores: real servers, no mocks.

Oxigraph's server always runs (it comes with the `oxigraph` package); Virtuoso runs where Debian's
virtuoso-opensource is installed (scripts/test-deps.sh) and skips with the reason otherwise.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef

from kg.cli import cli
from kg.errors import EndpointError
from kg.store import GraphStore, open_store
from kg.store.remote import Endpoint, RemoteStore, RetryPolicy, push_store, query_endpoint
from kg.store.servers import (
    VIRTUOSO_RESULT_SET_MAX_ROWS,
    OxigraphServer,
    VirtuosoServer,
    free_port,
    oxigraph_binary,
    virtuoso_binary,
)
from kg.store.synthetic import synthetic_document

pytestmark = pytest.mark.server
NO_WAIT = RetryPolicy(attempts=3, base_delay=0.0, timeout=5)
COUNT_MEETINGS = "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a rdo:Meeting }"


class Server:
    """What the tests need of a running server."""

    def __init__(self, name: str, query_url: str, endpoint: Endpoint) -> None:
        self.name, self.query_url, self.endpoint = name, query_url, endpoint


def _oxigraph(tmp: Path) -> Iterator[Server]:
    if oxigraph_binary() is None:
        pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
    with OxigraphServer(tmp / "db") as server:
        yield Server("oxigraph", server.query_url, Endpoint.from_url(server.query_url))


def _virtuoso(tmp: Path) -> Iterator[Server]:
    if virtuoso_binary() is None:
        pytest.skip("Virtuoso is not installed (Debian: apt-get install virtuoso-opensource; "
                    "scripts/test-deps.sh tries)")
    with VirtuosoServer(tmp / "virtuoso") as server:
        yield Server("virtuoso", server.query_url, Endpoint.from_url(server.query_url))


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    starter = _oxigraph if request.param == "oxigraph" else _virtuoso
    yield from starter(tmp_path_factory.mktemp(request.param))


@pytest.fixture
def local_store(tmp_path: Path) -> GraphStore:
    store = open_store(tmp_path / "store")
    for index in range(12):
        iri, sha, _, graph = synthetic_document(index)
        store.replace_document(iri, sha, graph)
    return store


def test_push_then_query_gives_the_local_answers(server: Server, local_store: GraphStore) -> None:
    report = push_store(local_store, server.endpoint, retry=NO_WAIT)
    assert len(report.graphs) == 12
    remote = query_endpoint(server.endpoint, COUNT_MEETINGS, retry=NO_WAIT)
    local = local_store.query(COUNT_MEETINGS)
    assert int(str(remote.rows[0][0])) == int(str(local.rows[0][0]))


def test_push_replaces_graphs_instead_of_adding(server: Server, local_store: GraphStore) -> None:
    push_store(local_store, server.endpoint, retry=NO_WAIT)
    push_store(local_store, server.endpoint, retry=NO_WAIT)
    iri = next(iter(local_store.document_hashes()))
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"
    remote = query_endpoint(server.endpoint, query, retry=NO_WAIT)
    local = local_store.query(query)
    assert int(str(remote.rows[0][0])) == int(str(local.rows[0][0]))


@pytest.mark.parametrize("protocol", ["graph-store", "update"])
def test_both_protocols_work(server: Server, local_store: GraphStore, protocol: str) -> None:
    report = push_store(local_store, server.endpoint, protocol=protocol, retry=NO_WAIT)  # type: ignore[arg-type]
    assert report.protocol == protocol
    iri = sorted(local_store.document_hashes())[0]
    ask = query_endpoint(server.endpoint, f"ASK {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}", retry=NO_WAIT)
    assert ask.boolean is True


def test_remote_store_binds_parameters_and_constructs(server: Server, local_store: GraphStore) -> None:
    push_store(local_store, server.endpoint, retry=NO_WAIT)
    remote = RemoteStore(server.query_url, retry=NO_WAIT)
    iri, _, _, graph = synthetic_document(3)
    answer = remote.query("SELECT ?id WHERE { ?doc dcterms:identifier ?id }", {"doc": URIRef(iri)})
    assert [row[0] for row in answer.rows] == [Literal("synthetic_000003.txt")]
    built = remote.query(f"CONSTRUCT {{ <{iri}> ?p ?o }} WHERE {{ <{iri}> ?p ?o }}")
    assert built.graph is not None and len(built.graph) == len(set(graph.triples((URIRef(iri), None, None))))


def test_kg_push_command(server: Server, local_store: GraphStore, tmp_path: Path) -> None:
    path = local_store.path  # type: ignore[attr-defined]
    local_store.close()
    result = CliRunner().invoke(cli, ["push", "--endpoint", server.query_url, "--store", str(path)])
    assert result.exit_code == 0, result.output
    assert "pushed 12 graphs" in result.output


def test_kg_push_of_a_turtle_file(server: Server, tmp_path: Path) -> None:
    graph = Graph()
    graph.add((URIRef("https://example.org/a"), URIRef("https://example.org/p"), Literal("x")))
    path = tmp_path / "graph.ttl"
    graph.serialize(path, format="turtle")
    result = CliRunner().invoke(cli, ["push", "--endpoint", server.query_url, "--graph", str(path)])
    assert result.exit_code == 0, result.output
    ask = query_endpoint(server.endpoint, 'ASK { <https://example.org/a> ?p "x" }', retry=NO_WAIT)
    assert ask.boolean is True


def test_row_cap_is_flagged(server: Server, tmp_path: Path) -> None:
    """Virtuoso cuts answers at ResultSetMaxRows (10000) without a word; we flag such answers."""
    store = open_store(tmp_path / "big")
    graph = Graph()
    subject = URIRef("https://example.org/many")
    for number in range(VIRTUOSO_RESULT_SET_MAX_ROWS + 500):
        graph.add((subject, URIRef("https://example.org/n"), Literal(number)))
    store.replace_named_graph("https://example.org/graph/many", graph, "many")
    push_store(store, server.endpoint, retry=NO_WAIT)
    answer = query_endpoint(server.endpoint, "SELECT ?n WHERE { <https://example.org/many> "
                                             "<https://example.org/n> ?n }", retry=NO_WAIT)
    if server.name == "virtuoso":
        assert len(answer.rows) == VIRTUOSO_RESULT_SET_MAX_ROWS   # silently cut by the server
        assert any("may have cut the answer" in note for note in answer.notes)
    else:
        assert len(answer.rows) == VIRTUOSO_RESULT_SET_MAX_ROWS + 500
        assert answer.notes == []


def test_endpoint_down_is_a_clear_error_after_retries() -> None:
    waits: list[float] = []
    retry = RetryPolicy(attempts=3, base_delay=0.25, timeout=2, sleep=waits.append)
    url = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(EndpointError, match=r"cannot reach the endpoint.*tried 3 times"):
        query_endpoint(url, "ASK {}", retry=retry)
    assert waits == [0.25, 0.5]                     # exponential backoff


def test_credentials_come_from_the_environment_and_stay_out_of_messages(
        monkeypatch: pytest.MonkeyPatch, local_store: GraphStore) -> None:
    monkeypatch.setenv("KG_ENDPOINT_USER", "analyst")
    monkeypatch.setenv("KG_ENDPOINT_PASSWORD", "s3cret-pw")
    url = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(EndpointError) as failure:
        push_store(local_store, url, retry=RetryPolicy(attempts=1, base_delay=0, timeout=2))
    assert "s3cret-pw" not in str(failure.value)
    assert "analyst" not in str(failure.value)


def test_endpoint_urls_are_derived() -> None:
    oxigraph = Endpoint.from_url("http://127.0.0.1:7878/query")
    assert (oxigraph.update_url, oxigraph.store_url) == ("http://127.0.0.1:7878/update",
                                                         "http://127.0.0.1:7878/store")
    virtuoso = Endpoint.from_url("http://127.0.0.1:8890/sparql")
    assert (virtuoso.update_url, virtuoso.store_url) == ("http://127.0.0.1:8890/sparql",
                                                         "http://127.0.0.1:8890/sparql-graph-crud")


def test_push_to_a_read_only_server_is_a_clear_error(tmp_path: Path, local_store: GraphStore) -> None:
    if oxigraph_binary() is None:
        pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
    open_store(tmp_path / "ro").close()              # serve-read-only needs an existing database
    gc.collect()
    with OxigraphServer(tmp_path / "ro", read_only=True) as server, \
            pytest.raises(EndpointError, match=r"PUT graph .* refused the write \(403\): it may be"):
        push_store(local_store, server.query_url, retry=NO_WAIT)
