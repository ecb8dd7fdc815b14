"""`kg remove`: drop a document's graph from a store. `kg push`: send a store's graphs to a remote store."""

from __future__ import annotations

from pathlib import Path

import click

from kg.errors import StoreError
from kg.store import DEFAULT_STORE_DIR, GraphStore, open_store
from kg.store.remote import Endpoint, RetryPolicy, push_store

STORE_OPTION_HELP = "the on-disk store (Oxigraph) built with `kg build --store DIR`"


@click.command("remove")
@click.argument("documents", nargs=-1, required=True)
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path),
              default=DEFAULT_STORE_DIR, show_default=True, help=STORE_OPTION_HELP)
def remove_command(documents: tuple[str, ...], store_dir: Path) -> None:
    """Drop DOCUMENTS (file names or document IRIs) from the store; the other documents stay."""
    if not store_dir.is_dir():
        raise StoreError(f"{store_dir}: no store here")
    missing = []
    with open_store(store_dir) as store:
        for name in documents:
            if store.remove_document(name):
                click.echo(f"removed {name}")
            else:
                missing.append(name)
    if missing:
        raise StoreError(f"{store_dir}: no document named {', '.join(missing)}")


@click.command("push")
@click.option("--endpoint", required=True,
              help="the remote store's SPARQL URL: Oxigraph http://host:7878/query, Virtuoso http://host:8890/sparql")
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=f"{STORE_OPTION_HELP} [default: {DEFAULT_STORE_DIR}]")
@click.option("--graph", "graph_file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              default=None, help="push a graph file instead (TriG keeps its named graphs)")
@click.option("--protocol", type=click.Choice(["auto", "graph-store", "update"]), default="auto",
              show_default=True, help="Graph Store HTTP Protocol, SPARQL Update, or the first that works")
@click.option("--update-endpoint", default=None, help="SPARQL Update URL, if not derived from --endpoint")
@click.option("--store-endpoint", default=None, help="Graph Store URL when it is not derived from --endpoint")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="seconds per request")
@click.option("--retries", type=int, default=4, show_default=True, help="tries per request")
def push_command(endpoint: str, store_dir: Path | None, graph_file: Path | None, protocol: str,
                 update_endpoint: str | None, store_endpoint: str | None, timeout: float,
                 retries: int) -> None:
    """Send every graph of the store to a remote triple store, replacing each graph there.

    Credentials come from the environment only: KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD (and
    KG_ENDPOINT_AUTH=digest for Virtuoso's authenticated endpoints), or KG_ENDPOINT_TOKEN.
    """
    target = Endpoint.from_url(endpoint, update_endpoint, store_endpoint)
    with _source_store(store_dir, graph_file) as store:
        report = push_store(store, target, protocol=protocol,  # type: ignore[arg-type]
                            retry=RetryPolicy(attempts=max(1, retries), timeout=timeout))
    click.echo(f"pushed {len(report.graphs)} graphs ({report.triples} triples) to {report.endpoint} "
               f"with {report.protocol}")


def _source_store(store_dir: Path | None, graph_file: Path | None) -> GraphStore:
    if graph_file is not None:
        if store_dir is not None:
            raise click.UsageError("give --store or --graph, not both")
        return load_graph_file(graph_file)
    directory = store_dir or Path(DEFAULT_STORE_DIR)
    return open_store(directory, read_only=True)


def load_graph_file(path: Path) -> GraphStore:
    """An in-memory Oxigraph store holding a graph file: TriG keeps its graphs, Turtle gets one graph."""
    import pyoxigraph as ox

    from kg.graph_files import load_graph_file as parse_graph_file
    from kg.graph_files import rdf_format
    from kg.namespaces import ID, slug
    from kg.store.oxigraph import OxigraphStore

    store = OxigraphStore(None)
    # A triples-only file goes to a named graph of its own, since only named graphs are pushed.
    fmt = rdf_format(path)
    target = None if fmt.supports_datasets else ox.NamedNode(str(ID[f"graph/{slug(path.stem)}"]))
    parse_graph_file(store.store, path, to_graph=target, bulk=True)
    return store


commands: list[click.Command] = [remove_command, push_command]
