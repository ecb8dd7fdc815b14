"""Saved queries: their headers, and every one of them running on the sample graph."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import QueryError
from kg.query import QueryParam, parse_saved_query, run_query, saved_queries
from kg.query.saved import find_saved_query

SAMPLE = Path(__file__).parent / "data" / "sample-graph.ttl"
REQUIRED = {
    "meetings-reaffirming-article", "meetings-of-official", "officials-by-meetings", "who-met-whom",
    "issues-per-year", "meetings-timeline", "meetings-per-country-pair", "official-posts", "meeting-evidence",
}


def test_header_gives_title_description_and_typed_params() -> None:
    text = (
        "# title: Things of a year\n"
        "# description: Every thing,\n"
        "#   over two lines.\n"
        "# param: year = 2020 (xsd:integer) — the year\n"
        "# param: who (iri) — optional person\n"
        "SELECT * WHERE { ?s ?p ?o }\n"
    )
    query = parse_saved_query(text, "things")
    assert query.title == "Things of a year"
    assert query.description == "Every thing, over two lines."
    assert query.params == (
        QueryParam("year", "xsd:integer", "2020", "the year"),
        QueryParam("who", "iri", None, "optional person"),
    )


def test_a_query_without_header_is_named_after_itself() -> None:
    query = parse_saved_query("SELECT * WHERE { ?s ?p ?o }", "plain")
    assert (query.title, query.params) == ("plain", ())


def test_a_malformed_param_line_names_the_query() -> None:
    with pytest.raises(QueryError, match="broken"):
        parse_saved_query("# param: nothing useful here\nASK {}", "broken")


def test_the_required_saved_queries_exist_with_headers() -> None:
    queries = {q.name: q for q in saved_queries()}
    assert set(queries) >= REQUIRED
    for name in REQUIRED:
        assert queries[name].title != name and queries[name].description, name


def test_the_article_query_declares_its_defaults() -> None:
    query = find_saved_query("meetings-reaffirming-article")
    article, treaty = query.param("article"), query.param("treaty")
    assert article is not None and (article.type, article.default) == ("xsd:integer", "5")
    assert treaty is not None and treaty.type == "iri"
    assert treaty.default == "<https://w3id.org/readout-kg/id/treaty/japan-us-security>"


def test_an_unknown_query_name_lists_the_known_ones() -> None:
    with pytest.raises(QueryError, match="meetings-timeline"):
        find_saved_query("no-such-query")


@pytest.mark.parametrize("name", sorted(q.name for q in saved_queries()))
def test_every_saved_query_runs_on_the_sample_graph(name: str) -> None:
    result = run_query(name, graphs=[SAMPLE])
    assert result.kind == "select"
    if name in REQUIRED:
        assert len(result) > 0, f"{name} found nothing in the sample graph"
