"""`kg serve`: a read-only SPARQL endpoint over a store or a graph file, with a query page."""

from __future__ import annotations

import signal
from pathlib import Path
from types import FrameType

import click

from kg.serve.app import EndpointConfig, make_server, store_for_serving
from kg.serve.protocol import Limits
from kg.store import DEFAULT_STORE_DIR


@click.command("serve")
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=f"the store built with `kg build --store` [default: {DEFAULT_STORE_DIR}]")
@click.option("--graph", "graph_file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              default=None, help="serve a graph file (graph.ttl or graph.trig) instead of a store")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="address to listen on; 0.0.0.0 exposes the endpoint to the network")
@click.option("--port", type=int, default=7878, show_default=True)
@click.option("--timeout", type=float, default=10.0, show_default=True, help="seconds a query may run")
@click.option("--max-memory", type=click.IntRange(min=1), default=1024, show_default=True, metavar="MB",
              help="memory a query worker may take beyond what it started with; more stops the query")
@click.option("--max-rows", type=int, default=10000, show_default=True,
              help="longest answer (rows or triples); longer ones are refused, never cut")
@click.option("--workers", type=int, default=2, show_default=True, help="queries answered at once")
def serve_command(store_dir: Path | None, graph_file: Path | None, host: str, port: int, timeout: float,
                  max_memory: int, max_rows: int, workers: int) -> None:
    """Serve the graph read-only over the SPARQL 1.1 Protocol at http://HOST:PORT/sparql.

    Updates and SERVICE are refused; each query runs in a worker process stopped at the time and
    memory limits.
    """
    if store_dir is not None and graph_file is not None:
        raise click.UsageError("give --store or --graph, not both")
    if graph_file is None and store_dir is None:
        store_dir = Path(DEFAULT_STORE_DIR)
    with store_for_serving(store_dir, graph_file) as location:
        limits = Limits(timeout_s=timeout, max_memory_mb=max_memory, max_rows=max_rows)
        config = EndpointConfig(location, limits, workers)
        server, endpoint = make_server(config, host, port)
        click.echo(f"SPARQL endpoint at http://{host}:{server.server_port}/sparql "
                   f"(query page at http://{host}:{server.server_port}/); Ctrl-C stops it", err=True)
        signal.signal(signal.SIGTERM, _stop_on_terminate)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
            endpoint.close()


def _stop_on_terminate(signum: int, frame: FrameType | None) -> None:
    # SIGTERM takes the same way out as Ctrl-C, so a served graph file's temporary store is removed.
    raise KeyboardInterrupt


commands: list[click.Command] = [serve_command]
