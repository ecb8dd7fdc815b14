"""queries/violation-*.rq: no rows on a conforming graph, rows on a graph that breaks the rule."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph

from kg.resources import queries_dir
from kg.validate import store_of

EXAMPLES = Path(__file__).parent / "shapes"
BASE = EXAMPLES / "_base.ttl"
QUERIES = sorted(queries_dir().glob("violation-*.rq"))

# Which example (added to the base graph) each query must catch.
VIOLATING_EXAMPLE = {
    "violation-meeting-without-evidence": "MeetingShape/bad-no-evidence.ttl",
    "violation-meeting-without-provenance": "MeetingShape/bad-no-provenance.ttl",
    "violation-evidence-without-quote": "EvidenceShape/bad-empty-quote.ttl",
    "violation-meeting-two-dates": "MeetingShape/bad-two-dates.ttl",
    "violation-meeting-too-few-participants": "MeetingShape/bad-one-participant.ttl",
    "violation-participant-not-official": "MeetingShape/bad-participant-not-official.ttl",
    "violation-date-not-xsd-date": "MeetingShape/bad-date-string.ttl",
    "violation-meeting-status-unknown": "MeetingShape/bad-status.ttl",
    "violation-reaffirms-not-article": "MeetingShape/bad-reaffirms-treaty.ttl",
    "violation-issue-notation": "IssueShape/bad-two-notations.ttl",
    "violation-participation-agent-not-participant": "ParticipationShape/bad-agent-not-participant.ttl",
}


def rows(query: Path, *files: Path) -> list[pyoxigraph.QuerySolution]:
    graph = Graph()
    for path in files:
        graph.parse(path, format="turtle")
    # Saved queries run on the built graph alone (graph.ttl holds no ontology): no ontology here.
    result = store_of(graph).query(query.read_text(encoding="utf-8"))
    assert isinstance(result, pyoxigraph.QuerySolutions)
    return list(result)


def test_every_violation_query_has_an_example() -> None:
    assert {q.stem for q in QUERIES} == set(VIOLATING_EXAMPLE)


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.stem)
def test_query_has_title_and_description(query: Path) -> None:
    head = query.read_text(encoding="utf-8").splitlines()
    assert head[0].startswith("# title: ") and len(head[0]) > len("# title: ")
    assert head[1].startswith("# description: ")


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.stem)
def test_no_rows_on_conforming_graph(query: Path) -> None:
    assert rows(query, BASE) == []


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.stem)
def test_rows_on_violating_graph(query: Path) -> None:
    found = rows(query, BASE, EXAMPLES / VIOLATING_EXAMPLE[query.stem])
    assert found, f"{query.name} found nothing in {VIOLATING_EXAMPLE[query.stem]}"
    first = found[0]
    assert any("/m2" in str(first[v]) or "/e2" in str(first[v]) or "/ports" in str(first[v])
               or "/1111111111111111" in str(first[v]) for v in range(len(found[0]))), found
