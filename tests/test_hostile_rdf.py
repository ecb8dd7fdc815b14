"""Untrusted RDF files: external XML entities, entity bombs and remote JSON-LD contexts are refused
by every command that reads a graph file, which reads nothing but that file and opens no socket.

The proof works at two levels. Python's own file and network calls are seen by an audit hook
(`open`, `socket.connect`, `urllib.Request` events). Native code (Oxigraph is Rust) is watched
from outside: each URL points at a socket listening on 127.0.0.1 that must receive no connection,
and the file the entities name holds a marker that must never appear in any output.
"""

from __future__ import annotations

import json
import socket
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner, Result
from socket_helpers import connections, listening

from kg.api import load
from kg.cli import cli
from kg.errors import GraphError
from kg.graph_files import check_rdfxml, remote_contexts
from kg.serve.app import store_for_serving

MARKER = "SECRET-d41d8cd98f00b204"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"


class Watch:
    """What Python code opened or connected to while `active`; an audit hook cannot be removed,
    so the one installed for this module stays but records nothing between tests."""

    active = False
    opened: ClassVar[list[str]] = []
    network: ClassVar[list[str]] = []

    @classmethod
    def hook(cls, event: str, args: tuple[object, ...]) -> None:
        if not cls.active:
            return
        if event == "open" and args and isinstance(args[0], str | bytes | Path):
            cls.opened.append(str(args[0]))
        elif event in ("socket.connect", "socket.getaddrinfo", "urllib.Request"):
            cls.network.append(f"{event} {args[1:2] if event == 'socket.connect' else args[:1]}")


sys.addaudithook(Watch.hook)


@pytest.fixture
def watch() -> Iterator[type[Watch]]:
    Watch.opened, Watch.network = [], []
    Watch.active = True
    try:
        yield Watch
    finally:
        Watch.active = False


@pytest.fixture(scope="module")
def listener() -> Iterator[socket.socket]:
    """A socket on 127.0.0.1 that every URL in the hostile files points at."""
    with listening() as server:
        yield server


@pytest.fixture(scope="module")
def secret(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A file the hostile documents name; valid as XML and as a JSON-LD context, holding MARKER."""
    path = tmp_path_factory.mktemp("secret") / "secret.json"
    path.write_text(json.dumps({"@context": {"label": f"https://example.org/{MARKER}"}, "x": MARKER}),
                    encoding="utf-8")
    return path


def rdfxml(doctype: str, body: str = "&x;") -> str:
    return (f'<?xml version="1.0"?>\n{doctype}\n'
            f'<rdf:RDF xmlns:rdf="{RDF}" xmlns:rdfs="{RDFS}">\n'
            f'  <rdf:Description rdf:about="https://example.org/minister">\n'
            f'    <rdfs:label>{body}</rdfs:label>\n  </rdf:Description>\n</rdf:RDF>\n')


def laughs() -> str:
    entities = ['<!ENTITY l0 "lollollollollollollollollollol">']
    entities += [f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)]
    return rdfxml("<!DOCTYPE r [\n" + "\n".join(entities) + "\n]>", "&l9;")


def hostile_documents(secret: Path, port: int) -> dict[str, str]:
    url = f"http://127.0.0.1:{port}"
    return {
        "file-entity.rdf": rdfxml(f'<!DOCTYPE r [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'),
        "http-entity.rdf": rdfxml(f'<!DOCTYPE r [<!ENTITY x SYSTEM "{url}/entity.xml">]>'),
        "public-entity.rdf": rdfxml(f'<!DOCTYPE r [<!ENTITY x PUBLIC "-//x//y" "{url}/public.xml">]>'),
        "parameter-entity.rdf": rdfxml(f'<!DOCTYPE r [<!ENTITY % p SYSTEM "{url}/p.dtd"> %p;]>', "x"),
        "external-dtd.rdf": rdfxml(f'<!DOCTYPE rdf:RDF SYSTEM "{secret.as_uri()}">', "x"),
        "laughs.rdf": laughs(),
        "http-context.jsonld": json.dumps({"@context": f"{url}/ctx.jsonld", "@id": "https://example.org/m",
                                           "label": "x"}),
        "file-context.jsonld": json.dumps({"@context": secret.as_uri(), "@id": "https://example.org/m",
                                           "label": "x"}),
        "relative-context.jsonld": json.dumps({"@context": secret.name, "@id": "https://example.org/m",
                                               "label": "x"}),
        "import-context.jsonld": json.dumps({"@context": [{"@import": f"{url}/imported.jsonld"}],
                                             "@id": "https://example.org/m", "label": "x"}),
        "nested-context.jsonld": json.dumps({"@context": {"label": f"{RDFS}label"}, "@id": "https://example.org/m",
                                             "https://example.org/knows": {"@context": f"{url}/inner.jsonld",
                                                                           "label": "y"}}),
    }


@pytest.fixture(scope="module")
def hostile(secret: Path, listener: socket.socket) -> dict[str, Path]:
    folder = secret.parent  # next to the secret, so a relative reference would find it
    written = {}
    for name, text in hostile_documents(secret, listener.getsockname()[1]).items():
        written[name] = folder / name
        written[name].write_text(text, encoding="utf-8")
    return written


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def serve(path: Path, port: int) -> tuple[BaseException | None, str]:
    # What `kg serve --graph` does before it listens (called directly: a regression must not serve forever).
    try:
        with store_for_serving(None, path):
            return None, "served"
    except GraphError as exc:
        return exc, ""


def cli_run(*args: str) -> tuple[BaseException | None, str]:
    result = invoke(*args)
    return result.exception, result.output


COMMANDS: dict[str, Callable[[Path, int], tuple[BaseException | None, str]]] = {
    "validate": lambda path, port: cli_run("validate", str(path)),
    "query": lambda path, port: cli_run("query", "-e", "SELECT * WHERE { ?s ?p ?o }", "--graph", str(path),
                                        "--format", "csv"),
    "export": lambda path, port: cli_run("export", "--format", "ntriples", "--graph", str(path), "-o",
                                         str(path.with_suffix(".out.nt"))),
    "serve": serve,
    "push": lambda path, port: cli_run("push", "--graph", str(path), "--endpoint", f"http://127.0.0.1:{port}/query",
                                       "--retries", "1", "--timeout", "1"),
    "api": lambda path, port: _api_load(path),
}


def _api_load(path: Path) -> tuple[BaseException | None, str]:
    try:
        return None, str(len(load(path)))
    except GraphError as exc:
        return exc, ""


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("name", sorted(hostile_documents(Path("/x"), 1)))
def test_every_command_refuses_the_document_and_reaches_for_nothing(
        command: str, name: str, hostile: dict[str, Path], secret: Path, listener: socket.socket,
        watch: type[Watch]) -> None:
    path = hostile[name]
    exception, output = COMMANDS[command](path, listener.getsockname()[1])
    assert isinstance(exception, GraphError), (exception, output)
    message = str(exception)
    assert message.startswith(f"{path}: refused: ") and "\n" not in message, message
    assert MARKER not in message and MARKER not in output
    assert watch.network == []
    assert str(secret) not in watch.opened
    assert connections(listener) == 0
    assert not path.with_suffix(".out.nt").exists()


@pytest.mark.parametrize(("name", "reason"), [
    ("file-entity.rdf", "the external entity x (file:"),
    ("http-entity.rdf", "the external entity x (http://127.0.0.1:"),
    ("public-entity.rdf", "the external entity x (http://127.0.0.1:"),
    ("parameter-entity.rdf", "the external parameter entity %p (http://127.0.0.1:"),
    ("external-dtd.rdf", "an external DTD (file:"),
    ("laughs.rdf", "entities expand too far"),
])
def test_rdfxml_refusals_say_what_was_declared(name: str, reason: str, hostile: dict[str, Path]) -> None:
    with pytest.raises(GraphError, match="refused") as refused:
        check_rdfxml(hostile[name])
    assert reason in str(refused.value) and name in str(refused.value)


def test_json_ld_refusals_name_the_contexts(hostile: dict[str, Path], listener: socket.socket) -> None:
    port = listener.getsockname()[1]
    with pytest.raises(GraphError, match=rf"refused: the JSON-LD loads http://127.0.0.1:{port}/ctx.jsonld "):
        load(hostile["http-context.jsonld"])
    assert remote_contexts(hostile["import-context.jsonld"]) == [f"http://127.0.0.1:{port}/imported.jsonld"]
    assert remote_contexts(hostile["nested-context.jsonld"]) == [f"http://127.0.0.1:{port}/inner.jsonld"]


# -- what stays possible -------------------------------------------------------------------------

def test_internal_entities_and_inline_contexts_still_work(tmp_path: Path, watch: type[Watch]) -> None:
    owl_style = tmp_path / "internal.rdf"
    owl_style.write_text(rdfxml('<!DOCTYPE r [<!ENTITY x "Nobuo Kishi">]>'), encoding="utf-8")
    inline = tmp_path / "inline.jsonld"
    inline.write_text(json.dumps({"@context": {"label": f"{RDFS}label"}, "@id": "https://example.org/minister",
                                  "label": "Nobuo Kishi"}), encoding="utf-8")
    for path in (owl_style, inline):
        result = invoke("query", "-e", "SELECT ?label WHERE { ?s rdfs:label ?label }", "--graph", str(path),
                        "--format", "csv")
        assert result.exit_code == 0, result.output
        assert result.output.splitlines() == ["label", "Nobuo Kishi"]
    assert watch.network == []


def test_validate_reads_rdfxml_and_json_ld_through_the_same_loader(tmp_path: Path) -> None:
    inline = tmp_path / "meeting.jsonld"
    inline.write_text(json.dumps({
        "@context": {"rdo": "https://w3id.org/readout-kg/ontology#", "label": f"{RDFS}label"},
        "@id": "https://w3id.org/readout-kg/id/meeting/0000000000000001", "@type": "rdo:Meeting",
        "label": "A meeting"}), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(inline)], standalone_mode=False)
    assert result.exception is None, result.output
    assert "Violations" in result.output  # parsed: the shapes see a meeting without participants
