"""The query page in headless Chromium: saved queries listed, a query run, results in a table."""

from __future__ import annotations

import subprocess
import tempfile
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.export.browser import chromium_flags, find_chromium
from kg.query import saved_queries
from kg.serve.app import EndpointConfig, make_server
from kg.serve.protocol import Limits
from kg.store.synthetic import write_documents

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(find_chromium() is None,
                                 reason="headless Chromium is not installed (Debian: apt-get install "
                                        "chromium; scripts/test-deps.sh tries)")]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store_dir = tmp_path_factory.mktemp("browser") / "store"
    write_documents(store_dir, 12)
    server, endpoint = make_server(EndpointConfig(store_dir, Limits(timeout_s=10, max_rows=1000), 1),
                                   "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        endpoint.close()


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
