"""A read-only SPARQL endpoint over a store or a graph file.

    GET  /sparql?query=…[&format=json|xml|csv|tsv|turtle|jsonld]   (also /query)
    POST /sparql  (application/x-www-form-urlencoded `query=…`, or application/sparql-query)
    GET  /        a query page with the saved queries;  /queries.json  the saved queries
    GET  /network the HTML network view (when kg.export provides one)

Updates, LOAD and SERVICE are refused; each query has a time, a memory and a result-size limit;
a server bound to a loopback address answers only requests that name a loopback host.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import ipaddress
import json
import re
import shutil
import tempfile
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from kg.errors import StoreError
from kg.resources import package_data, queries_dir
from kg.serve.protocol import Answer, Limits, Refused, check_read_only, choose_format
from kg.serve.workers import WorkerPool

MAX_REQUEST_BYTES = 1_000_000
QUERY_PAGE = "serve/static/index.html"
LOOPBACK_NAMES = frozenset({"localhost", "localhost.", "::1"})
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)  # code, not <script type="application/json">


@dataclass
class EndpointConfig:
    store_path: Path
    limits: Limits = field(default_factory=Limits)
    workers: int = 2


def saved_queries_json() -> list[dict[str, str]]:
    """The saved queries for the query page: name, title, description, text."""
    try:
        from kg.query import saved_queries

        return [{"name": q.name, "title": q.title or q.name, "description": q.description, "text": q.text}
                for q in saved_queries()]
    except Exception:  # the query page still works without the saved list
        try:
            folder = queries_dir()
        except FileNotFoundError:
            return []
        return [{"name": p.stem, "title": p.stem, "description": "", "text": p.read_text(encoding="utf-8")}
                for p in sorted(folder.glob("*.rq"))]


def network_view_renderer() -> Callable[..., str] | None:
    """kg.export's HTML network view, `render_html(store) -> str`, where this version has it."""
    try:
        from kg.export import render_html
    except ImportError:
        return None
    return render_html


def content_security_policy(page: str) -> str:
    """A policy under which the page runs exactly its own inline scripts and talks only to this server.

    Scripts are allowed by hash, so markup that a label might smuggle in (an onerror handler, a
    script element) would not run even if it reached the page; nothing loads from elsewhere.
    """
    scripts = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()}'"
                       for code in _INLINE_SCRIPT.findall(page)) or "'none'"
    return (f"default-src 'none'; script-src {scripts}; "
            "style-src 'unsafe-inline'; img-src data:; connect-src 'self'; base-uri 'none'; "
            "form-action 'none'; frame-ancestors 'none'")


def html_answer(page: str) -> Answer:
    return Answer(200, "text/html; charset=utf-8", page.encode("utf-8"),
                  {"Content-Security-Policy": content_security_policy(page)})


class SparqlEndpoint:
    def __init__(self, config: EndpointConfig) -> None:
        self.config = config
        self.pool = WorkerPool(config.store_path, config.workers)
        self._page: Answer | None = None
        self._network: Answer | None = None
        self._lock = threading.Lock()

    def answer(self, sparql: str | None, format_name: str | None) -> Answer:
        if not sparql or not sparql.strip():
            raise Refused(400, "no query: give ?query=… (SPARQL 1.1 Protocol)")
        return self.pool.run(sparql, format_name, self.config.limits)

    def page(self) -> Answer:
        if self._page is None:
            template = package_data(QUERY_PAGE).read_text(encoding="utf-8")
            queries = json.dumps(saved_queries_json()).replace("</", "<\\/")
            network = "true" if network_view_renderer() else "false"
            self._page = html_answer(template.replace("/*SAVED_QUERIES*/[]", queries)
                                     .replace("/*NETWORK_VIEW*/false", network))
        return self._page

    def network(self) -> Answer:
        renderer = network_view_renderer()
        if renderer is None:
            raise Refused(404, "no network view: kg.export does not provide one in this version")
        with self._lock:
            if self._network is None:
                import pyoxigraph as ox

                self._network = html_answer(renderer(ox.Store.read_only(str(self.config.store_path))))
        return self._network

    def close(self) -> None:
        self.pool.close()


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_allowed(host_header: str | None, bound_host: str) -> bool:
    """Whether a request may be answered: one to a loopback-bound endpoint must name a loopback host.

    Otherwise a web page could rebind its own domain name to 127.0.0.1 and read the answers
    (DNS rebinding): the browser would then send that domain name as Host.
    """
    if not host_header or not is_loopback(bound_host):
        return True
    name = urllib.parse.urlsplit(f"//{host_header.strip()}").hostname or ""
    return is_loopback(name)


class EndpointServer(ThreadingHTTPServer):
    daemon_threads = True
    # Hundreds of clients connecting at once must not overflow the listen backlog (socketserver: 5).
    request_queue_size = 1024


def make_handler(endpoint: SparqlEndpoint, bound_host: str = "127.0.0.1") -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "readout-kg"
        timeout = 60  # seconds a connection may sit idle: a silent client does not hold a thread forever

        def do_GET(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            params = urllib.parse.parse_qs(url.query)
            self._route(url.path, params)

        def do_POST(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            params = urllib.parse.parse_qs(url.query)
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_REQUEST_BYTES:
                return self._send(Answer(413, "text/plain", b"request too large\n"))
            body = self.rfile.read(length).decode("utf-8", errors="replace")
            content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if content_type == "application/sparql-update" or "update" in params:
                return self._refuse(403, "updates are refused: this endpoint is read-only")
            if content_type == "application/sparql-query":
                params["query"] = [body]
            elif content_type == "application/x-www-form-urlencoded":
                form = urllib.parse.parse_qs(body)
                if "update" in form:
                    return self._refuse(403, "updates are refused: this endpoint is read-only")
                params.update(form)
            return self._route(url.path, params)

        do_HEAD = do_GET

        def do_PUT(self) -> None:
            self._refuse(405, "this endpoint is read-only")

        do_DELETE = do_PATCH = do_PUT

        def _route(self, path: str, params: dict[str, list[str]]) -> None:
            try:
                if not host_allowed(self.headers.get("Host"), bound_host):
                    raise Refused(403, f"this endpoint answers only at {bound_host}, not at the Host "
                                       "this request names")
                if path in ("/sparql", "/query"):
                    if "query" not in params and self.command == "GET":
                        return self._send(endpoint.page())
                    sparql = params.get("query", [""])[0]
                    check_read_only(sparql)  # here too, so a refused query never waits for a worker
                    fmt = choose_format(params.get("format", [None])[0], self.headers.get("Accept"))
                    return self._send(endpoint.answer(sparql, fmt))
                if path in ("/", "/index.html"):
                    return self._send(endpoint.page())
                if path == "/queries.json":
                    body = json.dumps(saved_queries_json(), indent=1).encode("utf-8")
                    return self._send(Answer(200, "application/json", body))
                if path == "/network":
                    return self._send(endpoint.network())
                raise Refused(404, f"nothing at {path}; the SPARQL endpoint is /sparql")
            except Refused as exc:
                self._refuse(exc.status, exc.message)

        def _refuse(self, status: int, message: str) -> None:
            self._send(Answer(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8")))

        def _send(self, answer: Answer) -> None:
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(answer.body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # queries may be long; the command line reports its own start and stop

    return Handler


@contextlib.contextmanager
def store_for_serving(store_dir: Path | None, graph_file: Path | None) -> Iterator[Path]:
    """The store folder the workers open read-only; a graph file is loaded into a temporary one."""
    if graph_file is None:
        if store_dir is None or not store_dir.is_dir():
            raise StoreError(f"{store_dir}: no store here (build one with `kg build ... --store`)")
        yield store_dir
        return
    from kg.cli.store import load_graph_file  # the same loading rules as `kg push --graph`
    from kg.store.oxigraph import OxigraphStore

    temporary = Path(tempfile.mkdtemp(prefix="kg-serve-"))
    try:
        loaded = load_graph_file(graph_file)
        on_disk = OxigraphStore(temporary / "store")
        on_disk.store.bulk_extend(loaded.store)  # type: ignore[attr-defined]
        on_disk.close()
        yield temporary / "store"
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def make_server(config: EndpointConfig, host: str = "127.0.0.1", port: int = 7878
                ) -> tuple[ThreadingHTTPServer, SparqlEndpoint]:
    endpoint = SparqlEndpoint(config)
    server = EndpointServer((host, port), make_handler(endpoint, host))
    return server, endpoint
