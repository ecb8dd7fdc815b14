"""RDF exports: Turtle, TriG and N-Quads through Oxigraph; JSON-LD through rdflib with the project's context.

The JSON-LD context the project publishes is `kg/export/context.jsonld`; it is embedded in every
JSON-LD file, so the file reads back offline to the same graph.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from kg.errors import GraphError
from kg.query.engine import DEFAULT_PREFIXES, fold_named_graphs, load_store, store_from_graph

CONTEXT_FILE = Path(__file__).with_name("context.jsonld")
OXIGRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
    "ntriples": ox.RdfFormat.N_TRIPLES,
}
DATASET_FORMATS = ("trig", "nquads")
RDF_EXPORT_FORMATS = (*OXIGRAPH_FORMATS, "jsonld")


def jsonld_context() -> dict[str, Any]:
    """The project's JSON-LD context (the value of "@context")."""
    context: dict[str, Any] = json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))["@context"]
    return context


@contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """A temporary path beside `path`, renamed onto it only when writing succeeded."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    try:
        yield Path(temporary)
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes it private; the output is not
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def export_rdf(source: Sequence[str | Path] | ox.Store | Graph, fmt: str, out: str | Path) -> Path:
    """Write graph files, a store or a graph in an RDF format; TriG and N-Quads keep named graphs."""
    target = Path(out)
    if fmt not in RDF_EXPORT_FORMATS:
        raise GraphError(f"{target}: unknown RDF format {fmt!r}; known: {', '.join(RDF_EXPORT_FORMATS)}")
    keep_graphs = fmt in DATASET_FORMATS
    if isinstance(source, Graph):
        store = store_from_graph(source)
    elif isinstance(source, ox.Store):
        store = source if keep_graphs else merged(source)
    else:
        store = load_store(source, keep_named_graphs=keep_graphs)
    if fmt == "jsonld":
        return write_jsonld(rdflib_graph(store), target)
    return write_store(store, fmt, target)


def merged(store: ox.Store) -> ox.Store:
    """The store with every named graph folded into the default graph (graph formats have no names)."""
    if next(iter(store.named_graphs()), None) is None:
        return store
    union = ox.Store()
    union.load(store.dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
    return fold_named_graphs(union)


def canonical(store: ox.Store, dataset: bool) -> ox.Store:
    """A copy filled in sorted N-Quads order: Oxigraph writes in insertion order, and the same graph
    must give the same bytes however it was loaded."""
    fmt = ox.RdfFormat.N_QUADS if dataset else ox.RdfFormat.N_TRIPLES
    data = store.dump(format=fmt, from_graph=None if dataset else ox.DefaultGraph()) or b""
    lines = data.splitlines(keepends=True)
    copy = ox.Store()
    copy.load(b"".join(sorted(lines)), format=fmt)
    return copy


def write_store(store: ox.Store, fmt: str, target: Path) -> Path:
    from_graph = None if fmt in DATASET_FORMATS else ox.DefaultGraph()
    store = canonical(store, dataset=fmt in DATASET_FORMATS)
    with atomic_output(target) as temporary:
        try:
            store.dump(str(temporary), OXIGRAPH_FORMATS[fmt], from_graph=from_graph,
                       prefixes=DEFAULT_PREFIXES)
        except (OSError, ValueError) as exc:
            raise GraphError(f"{target}: cannot write {fmt} ({exc})") from None
    return target


def rdflib_graph(store: ox.Store) -> Graph:
    """The store's default graph as an rdflib Graph (N-Triples is the fast common ground)."""
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    return Graph().parse(data=data or b"", format="nt")


def jsonld_text(graph: Graph) -> str:
    """Compacted JSON-LD with nodes and values in a fixed order, so the same graph gives the same bytes."""
    document = json.loads(graph.serialize(format="json-ld", context=jsonld_context()))
    nodes = document.get("@graph")
    if isinstance(nodes, list):
        document["@graph"] = sorted((_sorted_values(node) for node in nodes), key=lambda n: str(n.get("@id")))
    return json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _sorted_values(node: dict[str, Any]) -> dict[str, Any]:
    return {
        key: sorted(value, key=lambda v: json.dumps(v, sort_keys=True)) if isinstance(value, list) else value
        for key, value in node.items()
    }


def write_jsonld(graph: Graph, target: Path) -> Path:
    with atomic_output(target) as temporary:
        temporary.write_text(jsonld_text(graph), encoding="utf-8")
    return target
