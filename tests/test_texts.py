"""The test corpus (tests/texts/): each text built alone must yield what its .expected.yaml lists.

A failure lists every wrong fact of the text at once ("scm-55: date 2023-11-12, expected
2023-11-13"), so the extractor can be iterated against it. See tests/texts_check.py for the format.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
import texts_check as tc
import yaml
from rdflib import Graph

from kg.model import Document
from kg.read import read_file
from kg.resources import ontology_dir

EXPECTED = tc.expectation_files()
SHARED_ISSUES = Path(__file__).resolve().parents[2] / "shared" / "gold" / "issues.yaml"


def read_text(path: Path) -> Document:
    items = list(read_file(path))
    assert len(items) == 1 and isinstance(items[0], Document), f"{path.name} does not read: {items}"
    return items[0]


def documents_and_expectations(expected_path: Path) -> list[tuple[Document, dict[str, Any]]]:
    """Each document of the text file with its expectation (several for a JSON Lines file)."""
    text_path = tc.text_file_for(expected_path)
    items = list(read_file(text_path))
    assert items and all(isinstance(i, Document) for i in items), f"{text_path.name} does not read: {items}"
    documents = [i for i in items if isinstance(i, Document)]
    expected = tc.expectation_per_document(tc.load_expectation(expected_path), text_path.name)
    assert sorted(d.identifier for d in documents) == sorted(expected), (
        f"{expected_path.name} lists {sorted(expected)}, the file holds {[d.identifier for d in documents]}")
    return [(d, expected[d.identifier]) for d in documents]


def labelled(document: Document, problems: list[str], several: bool) -> list[str]:
    return [f"{document.identifier}: {p}" for p in problems] if several else problems


@cache
def known_notations() -> frozenset[str] | None:
    """The issue notations of the answer key's scheme, where the shared folder is present."""
    if not SHARED_ISSUES.exists():
        return None
    with SHARED_ISSUES.open(encoding="utf-8") as handle:
        return frozenset(str(entry["notation"]) for entry in yaml.safe_load(handle))


@cache
def ontology() -> Graph:
    graph = Graph()
    for path in sorted(ontology_dir().glob("*.ttl")):
        graph.parse(path)
    return graph


def build_graph(paths: list[Path]) -> Graph:
    """The merged graph of a build of `paths`, with the ontology for the subclass closure of kinds."""
    from kg.pipeline import build

    try:
        result = build(paths, validate=False)
    except NotImplementedError:
        pytest.skip("kg.pipeline.build is not implemented yet")
    return result.graph + ontology()


def test_corpus_is_large_enough_and_paired() -> None:
    assert len(EXPECTED) >= 24
    texts = sorted(p for p in tc.TEXTS_DIR.iterdir()
                   if p.suffix in tc.TEXT_SUFFIXES)
    assert sorted(tc.text_file_for(e) for e in EXPECTED) == texts


@pytest.mark.parametrize("expected_path", EXPECTED, ids=lambda p: p.name.removesuffix(".expected.yaml"))
def test_expectation_file_is_consistent(expected_path: Path) -> None:
    text_path = tc.text_file_for(expected_path)
    units = documents_and_expectations(expected_path)
    notations = known_notations()
    problems: list[str] = []
    for document, expected in units:
        raw = text_path.read_text(encoding="utf-8") if len(units) == 1 else document.text
        problems += labelled(document, tc.corpus_problems(
            expected, document.text, set(notations) if notations is not None else None, raw=raw),
            len(units) > 1)
    if problems:
        pytest.fail(f"{expected_path.name}:\n  " + "\n  ".join(problems), pytrace=False)


@pytest.mark.parametrize("expected_path", EXPECTED, ids=lambda p: p.name.removesuffix(".expected.yaml"))
def test_build_yields_the_expected_facts(expected_path: Path) -> None:
    text_path = tc.text_file_for(expected_path)
    units = documents_and_expectations(expected_path)
    graph = build_graph([text_path])
    problems: list[str] = []
    notes: list[str] = []
    for document, expected in units:
        result = tc.check_document(graph, expected, document.identifier, document.text)
        problems += labelled(document, result.problems, len(units) > 1)
        notes += labelled(document, ["(not failing) " + note for note in result.notes], len(units) > 1)
    if problems:
        pytest.fail(f"{text_path.name}:\n  " + "\n  ".join(problems + notes), pytrace=False)


@pytest.mark.parametrize("pair", tc.same_event_pairs(), ids="+".join)
def test_two_reports_of_one_meeting_are_one_node(pair: tuple[str, str]) -> None:
    ends = [end.split("#", 1) for end in pair]
    paths = [tc.TEXTS_DIR / name for name, _ in ends]
    graph = build_graph(paths)
    nodes = []
    for (name, meeting_id), path in zip(ends, paths, strict=True):
        expected = tc.load_expectation(tc.TEXTS_DIR / name.replace(path.suffix, ".expected.yaml"))
        node = tc.meeting_node(graph, expected, read_text(path).identifier, meeting_id)
        assert node is not None, f"{name}: meeting {meeting_id} not found when built together with the other"
        nodes.append(node)
    assert nodes[0] == nodes[1], f"{pair[0]} and {pair[1]} are two nodes: {nodes[0]} and {nodes[1]}"
