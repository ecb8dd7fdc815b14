"""The query page in headless Chromium: saved queries listed, a query run, results in a table; labels
and values holding markup shown as text, on the query page and the served network view."""

from __future__ import annotations

import subprocess
import tempfile
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import (
    HOSTILE_NAME,
    assert_ran_no_markup_from_data,
    missing_browser,
    start_browser,
    wait_for,
)

from kg.export.browser import chromium_flags, find_chromium
from kg.query import saved_queries
from kg.serve.app import EndpointConfig, make_server
from kg.serve.protocol import Limits
from kg.store.synthetic import write_documents

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(find_chromium() is None,
                                 reason="headless Chromium is not installed (Debian: apt-get install "
                                        "chromium; scripts/test-deps.sh tries)")]


@contextmanager
def serving(location: Path) -> Iterator[str]:
    """The endpoint over a store, on a free port of 127.0.0.1, for as long as the block runs."""
    server, endpoint = make_server(EndpointConfig(location, Limits(timeout_s=10, max_rows=1000), 1),
                                   "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        endpoint.close()


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store_dir = tmp_path_factory.mktemp("browser") / "store"
    write_documents(store_dir, 12)
    with serving(store_dir) as url:
        yield url


def rendered_dom(url: str) -> str:
    chromium = find_chromium()
    assert chromium is not None
    with tempfile.TemporaryDirectory(prefix="kg-serve-chromium-") as profile:
        done = subprocess.run([chromium, *chromium_flags(Path(profile)), "--dump-dom",
                               "--virtual-time-budget=15000", url],
                              capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_query_page_runs_a_query_and_shows_a_table(base_url: str) -> None:
    query = "SELECT ?person ?name WHERE { ?person a rdo:Official ; rdfs:label ?name } ORDER BY ?name LIMIT 5"
    dom = rendered_dom(f"{base_url}/?{urllib.parse.urlencode({'query': query, 'run': '1'})}")
    assert "<table>" in dom
    assert "<th>person</th><th>name</th>" in dom
    assert dom.count("<tr>") == 6                  # the header and five rows
    assert "5 rows" in dom


def test_query_page_lists_saved_queries(base_url: str) -> None:
    dom = rendered_dom(f"{base_url}/")
    titles = [query.title for query in saved_queries() if "&" not in query.title and "<" not in query.title]
    assert titles and all(f">{title}</option>" in dom for title in titles)


# -- an official whose name is markup, served by `kg serve` ---------------------------------------

SAMPLE = Path(__file__).parent / "data" / "sample-graph.ttl"
ID = "https://w3id.org/readout-kg/id/"
CELLS = "return [...document.querySelectorAll('#results td')].map(c => c.textContent)"


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`kg serve --graph` of the sample graph with an official named HOSTILE_NAME (a graph, not extracted)."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import RDFS

    from kg.serve.app import store_for_serving

    graph_file = tmp_path_factory.mktemp("hostile-serve") / "graph.ttl"
    graph = Graph().parse(SAMPLE, format="turtle")
    graph.set((URIRef(f"{ID}person/daniel-okafor"), RDFS.label, Literal(HOSTILE_NAME)))
    graph.serialize(graph_file, format="turtle")
    with store_for_serving(None, graph_file) as location, serving(location) as url:
        yield url


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    reason = missing_browser()
    if reason:
        pytest.skip(reason)
    browser = start_browser(tmp_path_factory.mktemp("profile-serve"))
    try:
        yield browser
    finally:
        browser.quit()


def run_on_page(driver: Any, base: str, query: str) -> None:
    driver.get(f"{base}/?{urllib.parse.urlencode({'query': query, 'run': '1'})}")
    wait_for(driver, "return /rows/.test(document.getElementById('status').textContent)")


def test_a_result_holding_markup_shows_as_text_in_the_query_page(driver: Any, hostile_url: str) -> None:
    run_on_page(driver, hostile_url, 'SELECT ?person ?name WHERE { ?person a rdo:Official ; rdfs:label ?name '
                                     'FILTER(CONTAINS(?name, "onerror")) }')
    cells = driver.execute_script(CELLS)
    assert cells == [f"{ID}person/daniel-okafor", HOSTILE_NAME]
    assert_ran_no_markup_from_data(driver)


def test_a_computed_value_holding_markup_shows_as_text(driver: Any, hostile_url: str) -> None:
    script = "</script><script>alert(2)</script>"
    values = f'VALUES (?x ?y) {{ ("{HOSTILE_NAME}" "{script}") }}'
    run_on_page(driver, hostile_url, f"SELECT ?x ?y WHERE {{ {values} }}")
    cells = driver.execute_script(CELLS)
    assert cells == [HOSTILE_NAME, script]
    assert driver.execute_script("return document.querySelectorAll('#results script').length") == 0
    assert_ran_no_markup_from_data(driver)


def test_the_served_network_view_shows_the_name_as_text(driver: Any, hostile_url: str) -> None:
    driver.get(f"{hostile_url}/network")
    wait_for(driver, "return window.kgView && window.kgView.ready")
    assert driver.execute_script("return window.kgView.search('onerror')") == f"{ID}person/daniel-okafor"
    assert driver.find_element("css selector", "#panel h2").text == HOSTILE_NAME
    assert_ran_no_markup_from_data(driver)


def test_served_pages_run_only_their_own_scripts(hostile_url: str) -> None:
    import urllib.request

    for path in ("/", "/network"):
        with urllib.request.urlopen(f"{hostile_url}{path}", timeout=60) as response:
            policy = response.headers["Content-Security-Policy"]
        assert "script-src 'sha256-" in policy and "unsafe-inline" not in policy.split("style-src")[0]
        assert "connect-src 'self'" in policy and "default-src 'none'" in policy
