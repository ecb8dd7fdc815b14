"""The read-only SPARQL endpoint: protocol, formats, refusals, limits, the query page, and the same
answers for every saved query from graph.ttl, the store and the endpoint."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from SPARQLWrapper import CSV, JSON, TSV, TURTLE, XML, SPARQLWrapper

from kg.namespaces import RDO
from kg.query import run_query, saved_queries
from kg.serve.app import EndpointConfig, make_server
from kg.serve.protocol import Limits
from kg.store import GraphStore, open_store
from kg.store.remote import RemoteStore, RetryPolicy
from kg.store.servers import free_port, port_open, wait_for_port
from kg.store.synthetic import write_documents

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@dataclass
class Running:
    url: str          # http://127.0.0.1:PORT
    store_dir: Path

    @property
    def sparql(self) -> str:
        return f"{self.url}/sparql"


def serve(store_dir: Path, limits: Limits) -> Iterator[Running]:
    server, endpoint = make_server(EndpointConfig(store_dir, limits, workers=1), "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Running(f"http://127.0.0.1:{server.server_port}", store_dir)
    finally:
        server.shutdown()
        server.server_close()
        endpoint.close()


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    store_dir = tmp_path_factory.mktemp("serve") / "store"
    write_documents(store_dir, 40)
    yield from serve(store_dir, Limits(timeout_s=2, max_rows=200))


def get(url: str, **params: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(f"{url}?{urllib.parse.urlencode(params)}", timeout=30) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def post(url: str, body: str, content_type: str) -> int:
    request = urllib.request.Request(url, data=body.encode(), headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


DATED = "SELECT ?m ?d WHERE { ?m rdo:date ?d } ORDER BY ?m LIMIT 3"


@pytest.mark.parametrize(("form", "check"), [
    (JSON, lambda r: len(r["results"]["bindings"]) == 3),
    (XML, lambda r: len(r.getElementsByTagName("result")) == 3),
    (CSV, lambda r: len(r.decode().strip().splitlines()) == 4),
    (TSV, lambda r: r.decode().startswith("?m\t?d")),
])
def test_sparqlwrapper_select_in_every_results_format(synthetic: Running, form: str, check: object) -> None:
    for method in ("GET", "POST"):
        client = SPARQLWrapper(synthetic.sparql)
        client.setMethod(method)
        client.setQuery("PREFIX rdo: <https://w3id.org/readout-kg/ontology#>\n" + DATED)
        client.setReturnFormat(form)
        assert check(client.query().convert())  # type: ignore[operator]


def test_construct_as_turtle_and_json_ld(synthetic: Running) -> None:
    query = "CONSTRUCT { ?m rdo:date ?d } WHERE { ?m rdo:date ?d }"
    client = SPARQLWrapper(synthetic.sparql)
    client.setQuery("PREFIX rdo: <https://w3id.org/readout-kg/ontology#>\n" + query)
    client.setReturnFormat(TURTLE)
    graph = Graph().parse(data=client.query().convert(), format="turtle")  # type: ignore[arg-type]
    assert len(graph) > 0 and set(graph.predicates()) == {RDO.date}
    status, media, body = get(synthetic.sparql, query=query, format="jsonld")
    assert status == 200 and media == "application/ld+json"
    assert len(Graph().parse(data=body.decode(), format="json-ld")) == len(graph)


def test_ask(synthetic: Running) -> None:
    status, _, body = get(synthetic.sparql, query="ASK { ?m a rdo:Meeting }")
    assert status == 200 and json.loads(body)["boolean"] is True


@pytest.mark.parametrize("update", [
    "INSERT DATA { <https://example.org/a> <https://example.org/b> 1 }",
    "LOAD <https://example.org/data.ttl>",
    "DELETE WHERE { ?s ?p ?o }",
    "DROP ALL",
])
def test_updates_are_refused_every_way(synthetic: Running, update: str) -> None:
    assert get(synthetic.sparql, query=update)[0] == 403
    assert post(synthetic.sparql, update, "application/sparql-update") == 403
    assert post(synthetic.sparql, urllib.parse.urlencode({"update": update}),
                "application/x-www-form-urlencoded") == 403
    assert get(synthetic.sparql, query="ASK { ?m a rdo:Meeting }")[2] == b'{"head": {}, "boolean": true}'


def test_service_is_refused(synthetic: Running) -> None:
    status, _, body = get(synthetic.sparql, query="SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> "
                                                  "{ ?s ?p ?o } }")
    assert status == 403 and b"SERVICE" in body
    # The word inside a string is not the keyword.
    assert get(synthetic.sparql, query='SELECT ("SERVICE" AS ?x) WHERE {}')[0] == 200


def test_result_size_limit(synthetic: Running) -> None:
    status, _, body = get(synthetic.sparql, query="SELECT * WHERE { ?s ?p ?o }")
    assert status == 413 and b"more than 200 rows" in body


def test_time_limit_stops_a_runaway_query_and_the_endpoint_recovers(synthetic: Running) -> None:
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?x ?y ?z }"
    status, _, body = get(synthetic.sparql, query=runaway)
    assert status == 503 and b"time limit" in body
    assert get(synthetic.sparql, query="ASK { ?m a rdo:Meeting }")[0] == 200


def test_malformed_query_is_400(synthetic: Running) -> None:
    assert get(synthetic.sparql, query="SELECT WHERE {")[0] == 400


def test_query_page_lists_the_saved_queries(synthetic: Running) -> None:
    status, media, body = get(f"{synthetic.url}/")
    assert status == 200 and media.startswith("text/html")
    page = body.decode()
    assert "<textarea" in page and "https://cdn" not in page
    for query in saved_queries():
        assert json.dumps(query.title)[1:-1] in page
    listed = json.loads(get(f"{synthetic.url}/queries.json")[2])
    assert {q["name"] for q in listed} == {q.name for q in saved_queries()}


def test_network_view(synthetic: Running) -> None:
    status, media, body = get(f"{synthetic.url}/network")
    assert status == 200 and media.startswith("text/html") and b"<html" in body.lower()


# -- the same answers everywhere -------------------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds built by the pipeline into graph.ttl and graph.trig."""
    from kg.pipeline import build

    out = tmp_path_factory.mktemp("built")
    build([SEEDS], out, validate=False)
    return out


def load_trig_into_store(trig: Path, store: GraphStore) -> None:
    dataset = Dataset()
    dataset.parse(trig, format="trig")
    for graph in dataset.graphs():
        if not len(graph) or not isinstance(graph.identifier, URIRef):
            continue
        sha = graph.value(graph.identifier, RDO.sha256)
        if sha is not None:
            store.replace_document(str(graph.identifier), str(sha), graph)
        else:
            store.replace_named_graph(str(graph.identifier), graph, "test")


def cell(term: object) -> str:
    """A term's N3 form; GROUP_CONCAT lists compared as sets, since SPARQL leaves their order open."""
    if term is None:
        return ""
    if isinstance(term, Literal) and term.datatype is None:
        parts = re.split(r"; | \| ", str(term))
        return "|".join(sorted(parts))
    return term.n3()  # type: ignore[attr-defined]


def rows(result: object) -> Counter[tuple[str, ...]]:
    return Counter(tuple(cell(t) for t in row) for row in result.rows)  # type: ignore[attr-defined]


@pytest.mark.slow
def test_every_saved_query_answers_the_same_from_graph_store_and_endpoint(built: Path,
                                                                         tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    with open_store(store_dir) as store:
        load_trig_into_store(built / "graph.trig", store)
    compared = 0
    with open_store(store_dir, read_only=True) as store:
        for running in serve(store_dir, Limits(timeout_s=30, max_rows=100000)):
            remote = RemoteStore(running.sparql, RetryPolicy(attempts=1, timeout=30))
            for query in saved_queries():
                from_file = run_query(query, graphs=[built / "graph.ttl"])
                from_store = run_query(query, store=store)
                from_endpoint = run_query(query, store=remote)
                assert rows(from_store) == rows(from_file), query.name
                assert rows(from_endpoint) == rows(from_file), query.name
                compared += 1
    assert compared == len(saved_queries()) > 0


def test_kg_serve_command_serves_a_graph_file_on_localhost(built: Path) -> None:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", "from kg.cli import main; main()", "serve",
                                "--graph", str(built / "graph.ttl"), "--port", str(port)],
                               stderr=subprocess.PIPE)
    try:
        wait_for_port(process, port, 60, "kg serve")  # type: ignore[arg-type]
        status, _, body = get(f"http://127.0.0.1:{port}/sparql", query="ASK { ?m a rdo:Meeting }")
        assert status == 200 and json.loads(body)["boolean"] is True
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert not port_open(port)
