"""`kg query`: run a saved query, a query file or SPARQL text over graph files or a store."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.errors import QueryError, QueryStopped
from kg.query import QueryLimits, QueryResult, SavedQuery, run_query, saved_queries
from kg.query.limits import DEFAULT_MAX_MEMORY_MB, DEFAULT_TIMEOUT_S
from kg.query.saved import find_saved_query, parse_saved_query

FORMATS = ("table", "csv", "tsv", "json")
DEFAULT_GRAPH = Path("out/graph.ttl")


@click.command("query")
@click.argument("query", required=False)
@click.option("-e", "--expression", "expression", help="SPARQL text to run instead of a saved query.")
@click.option("--graph", "graphs", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A graph file (Turtle, TriG, N-Triples, N-Quads, JSON-LD); repeatable. "
                   "Default: out/graph.ttl.")
@click.option("--store", "store_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Query a persistent store (kg store) instead of graph files.")
@click.option("--endpoint", "endpoint", metavar="URL",
              help="Query a remote SPARQL endpoint (credentials from KG_ENDPOINT_USER/KG_ENDPOINT_PASSWORD "
                   "or KG_ENDPOINT_TOKEN).")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE",
              help="A parameter of the query, bound as an RDF term; repeatable.")
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="Output format. Default: a table on a terminal, CSV otherwise.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=DEFAULT_TIMEOUT_S,
              show_default=True, metavar="SECONDS", help="Stop a query that runs longer than this.")
@click.option("--max-memory", type=click.IntRange(min=1), default=DEFAULT_MAX_MEMORY_MB, show_default=True,
              metavar="MB", help="Stop a query that takes more memory than this.")
@click.option("--list", "list_queries", is_flag=True, help="List the saved queries and their parameters.")
def query_command(query: str | None, expression: str | None, graphs: tuple[Path, ...], store_dir: Path | None,
                  endpoint: str | None, params: tuple[str, ...], fmt: str | None, timeout: float,
                  max_memory: int, list_queries: bool) -> None:
    """Run QUERY (a saved query's name or a .rq file) or -e 'SPARQL'.

    Queries only read: updates (INSERT, DELETE, LOAD, DROP ...) and SERVICE are refused, and a
    query is stopped at the time and memory limits.
    """
    if list_queries:
        click.echo(describe_saved_queries(saved_queries()))
        return
    chosen = choose_query(query, expression)
    if store_dir and endpoint:
        raise click.UsageError("give either --store or --endpoint, not both")
    store = open_read_only_store(store_dir) if store_dir else None
    if endpoint:
        from kg.store.remote import RemoteStore

        store = RemoteStore(endpoint)
    files = list(graphs) or ([] if store is not None else [default_graph()])
    limits = QueryLimits(timeout_s=timeout, max_memory_mb=max_memory)
    try:
        result = run_query(chosen, graphs=files, store=store, params=parse_params(params), limits=limits)
    except QueryStopped as exc:
        option = "--timeout" if exc.limit == "time" else "--max-memory"
        raise QueryStopped(f"{exc} (raise the limit with {option})", exc.limit) from None
    write_result(result, fmt or ("table" if sys.stdout.isatty() else "csv"))


def choose_query(query: str | None, expression: str | None) -> SavedQuery:
    if expression and query:
        raise click.UsageError("give either a query name/file or -e 'SPARQL', not both")
    if expression:
        return parse_saved_query(expression, "-e")
    if not query:
        raise click.UsageError("name a saved query (see kg query --list), a .rq file, or give -e 'SPARQL'")
    return find_saved_query(query)


def default_graph() -> Path:
    if DEFAULT_GRAPH.is_file():
        return DEFAULT_GRAPH
    raise QueryError(f"no --graph given and {DEFAULT_GRAPH} does not exist (run kg build first)")


def open_read_only_store(path: Path) -> object:
    """The persistent store of `kg store`, opened read-only; it answers SPARQL itself."""
    try:
        from kg.store import open_store
    except ImportError as exc:  # the store stage is optional to this command
        raise QueryError(f"{path}: stores are not available ({exc})") from None
    return open_store(path, read_only=True)


def parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{pair!r}: expected KEY=VALUE", param_hint="--param")
        params[key.strip()] = value
    return params


def describe_saved_queries(queries: list[SavedQuery]) -> str:
    blocks = []
    for saved in queries:
        lines = [f"{saved.name}: {saved.title}"]
        if saved.description:
            lines.append(f"    {saved.description}")
        lines += [f"    --param {p.describe()}" for p in saved.params]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def write_result(result: QueryResult, fmt: str) -> None:
    if fmt == "table":
        print_table(result)
    elif fmt == "json":
        click.echo(result.to_json(indent=2))
    elif fmt == "tsv":
        click.echo(result.to_tsv(), nl=False)
    else:
        click.echo(result.to_csv(), nl=False)


def print_table(result: QueryResult) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if result.kind == "ask":
        console.print("true" if result.boolean else "false")
        return
    if result.kind == "construct":
        click.echo(result.to_turtle())
        return
    table = Table(show_lines=False, highlight=False)
    for variable in result.variables:
        table.add_column(variable, overflow="fold")
    for row in result.to_text_rows():
        table.add_row(*row, style=None)
    console.print(table, markup=False)
    console.print(f"{len(result)} row(s)", style="dim", markup=False)


commands: list[click.Command] = [query_command]
