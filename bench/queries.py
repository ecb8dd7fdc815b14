"""The saved queries as the benchmark sends them: prefixes declared, default parameters bound.

Every engine gets the same text, built the way `kg query` builds it (kg.query.engine), so the
figures compare engines and not query shapes.
"""

from __future__ import annotations

import re
from pathlib import Path

ARTICLE_QUERY_HINTS = ("article", "reaffirm")


def bench_queries(folder: Path | None = None) -> list[tuple[str, str]]:
    """(name, SPARQL text) for every saved query, sorted by name."""
    from kg.query.engine import bind_params, inject_values, prefix_block
    from kg.query.saved import saved_queries

    queries = []
    for query in saved_queries(folder):
        text = inject_values(query.text, bind_params(query, None))
        queries.append((query.name, prefix_block() + text))
    return queries


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
