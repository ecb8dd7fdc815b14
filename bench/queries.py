"""The saved queries as the benchmark sends them: prefixes declared, default parameters bound.

Every engine gets the same text, built the way `kg query` builds it (kg.query.engine), so the
figures compare engines and not query shapes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

ARTICLE_QUERY_HINTS = ("article", "reaffirm")


PARAMS_FILE = Path(__file__).resolve().parent / "data" / "query-params.yaml"
Picker = Callable[[str], dict[str, str]]  # a pick query -> its first row, as parameter values


def bench_queries(
    folder: Path | None = None, picker: Picker | None = None, *, listings: bool = True
) -> list[tuple[str, str]]:
    """(name, SPARQL text) for every saved query, sorted by name; with `picker`, also each query of
    bench/data/query-params.yaml with typical parameters, named "NAME?param=value". Without
    `listings`, a query with typical parameters is timed only with them: on a large graph its
    whole listing (every meeting with every passage...) takes minutes and tells nothing new."""
    from kg.query.engine import bind_params, inject_values, prefix_block
    from kg.query.saved import saved_queries

    typical = typical_params(picker) if picker is not None else {}
    queries = []
    for query in saved_queries(folder):
        text = inject_values(query.text, bind_params(query, None))
        params = typical.get(query.name)
        if listings or not params:
            queries.append((query.name, prefix_block() + text))
        if params:
            label = "&".join(f"{name}={short(value)}" for name, value in sorted(params.items()))
            bound = inject_values(query.text, bind_params(query, params))
            queries.append((f"{query.name}?{label}", prefix_block() + bound))
    return queries


def typical_params(picker: Picker) -> dict[str, dict[str, str]]:
    import yaml

    from kg.query.engine import prefix_block

    spec = yaml.safe_load(PARAMS_FILE.read_text(encoding="utf-8")) or {}
    chosen: dict[str, dict[str, str]] = {}
    for name, entry in spec.items():
        if "params" in entry:
            chosen[name] = {key: str(value) for key, value in entry["params"].items()}
        elif "pick" in entry:
            row = picker(prefix_block() + entry["pick"])
            if row:
                chosen[name] = row
    return chosen


def short(value: str) -> str:
    return value.rsplit("/", 1)[-1].rstrip(">")


def article_query_name(names: list[str]) -> str | None:
    """The saved query that lists meetings reaffirming a treaty article (the issue's Article 5 query)."""
    for hint in ARTICLE_QUERY_HINTS:
        for name in sorted(names):
            if re.search(hint, name, re.IGNORECASE):
                return name
    return None


def article_query_first(queries: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The Article 5 query first: where time runs short, the figure the issue asks for is there."""
    first = article_query_name([name for name, _ in queries])
    return sorted(queries, key=lambda q: (q[0] != first, q[0]))
