"""The SKOS issue scheme in reference/issues.ttl: the contract's notations, labels and hierarchy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from rdflib import RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from kg.errors import ReferenceDataError
from kg.extract.issues import load_issue_concepts

ROOT = Path(__file__).resolve().parent.parent
SCHEME_FILE = ROOT / "reference" / "issues.ttl"
GOLD_FILE = ROOT.parent / "shared" / "gold" / "issues.yaml"
RDO = Namespace("https://w3id.org/readout-kg/ontology#")
ISSUE = Namespace("https://w3id.org/readout-kg/id/issue/")
SCHEME = ISSUE["scheme"]


@pytest.fixture(scope="module")
def graph() -> Graph:
    return Graph().parse(SCHEME_FILE, format="turtle")


def _gold() -> list[dict[str, Any]]:
    if not GOLD_FILE.exists():
        pytest.skip(f"{GOLD_FILE} is not present")
    return list(yaml.safe_load(GOLD_FILE.read_text(encoding="utf-8")))


def _concepts(graph: Graph) -> list[URIRef]:
    return sorted(c for c in graph.subjects(RDF.type, SKOS.Concept) if isinstance(c, URIRef))


def test_every_gold_notation_is_a_concept_with_that_notation_and_label(graph: Graph) -> None:
    for entry in _gold():
        concept = ISSUE[entry["notation"]]
        assert (concept, SKOS.notation, Literal(entry["notation"])) in graph, entry["notation"]
        assert (concept, SKOS.prefLabel, Literal(entry["label"])) in graph, entry["notation"]
        assert (concept, RDF.type, RDO.Issue) in graph


def test_gold_broader_links_are_in_the_scheme(graph: Graph) -> None:
    for entry in _gold():
        broader = set(graph.objects(ISSUE[entry["notation"]], SKOS.broader))
        if "broader" in entry:
            assert ISSUE[entry["broader"]] in broader, entry["notation"]
        else:
            assert (ISSUE[entry["notation"]], SKOS.topConceptOf, SCHEME) in graph or broader


def test_every_concept_is_complete(graph: Graph) -> None:
    concepts = _concepts(graph)
    assert len(concepts) >= 60
    for concept in concepts:
        notation = graph.value(concept, SKOS.notation)
        assert str(concept) == str(ISSUE[str(notation)])
        assert (concept, RDF.type, RDO.Issue) in graph
        assert (concept, SKOS.inScheme, SCHEME) in graph
        assert graph.value(concept, SKOS.prefLabel) == graph.value(concept, RDFS.label)
        assert graph.value(concept, SKOS.definition) is not None, concept
        assert list(graph.objects(concept, SKOS.altLabel)), concept


def test_top_concepts_are_exactly_the_concepts_without_broader(graph: Graph) -> None:
    roots = {c for c in _concepts(graph) if graph.value(c, SKOS.broader) is None}
    assert set(graph.objects(SCHEME, SKOS.hasTopConcept)) == roots
    assert set(graph.subjects(SKOS.topConceptOf, SCHEME)) == roots


def test_hierarchy_points_inside_the_scheme_and_has_no_cycle(graph: Graph) -> None:
    concepts = set(_concepts(graph))
    for concept in concepts:
        seen: set[Node] = set()
        frontier: set[Node] = {concept}
        while frontier:
            current = frontier.pop()
            for parent in graph.objects(current, SKOS.broader):
                assert parent in concepts, f"{current} -> {parent}"
                assert parent != concept, f"cycle through {concept}"
                if parent not in seen:
                    seen.add(parent)
                    frontier.add(parent)


def test_scheme_is_described(graph: Graph) -> None:
    assert (SCHEME, RDF.type, SKOS.ConceptScheme) in graph
    for predicate in (RDFS.label, SKOS.prefLabel, DCTERMS.title, DCTERMS.source):
        assert graph.value(SCHEME, predicate) is not None, predicate


def test_literals_are_plain_strings(graph: Graph) -> None:
    literals = [o for o in graph.objects() if isinstance(o, Literal)]
    assert literals
    assert all(lit.language is None and lit.datatype is None for lit in literals)


def test_loader_reads_concepts_with_broader_iris() -> None:
    concepts = {c.notation: c for c in load_issue_concepts(SCHEME_FILE)}
    senkaku = concepts["senkaku-islands"]
    assert senkaku.label == "Senkaku Islands"
    assert "Diaoyu Islands" in senkaku.alt_labels
    assert senkaku.broader == (str(ISSUE["east-china-sea"]),)


def test_loader_names_the_file_on_bad_turtle(tmp_path: Path) -> None:
    bad = tmp_path / "broken.ttl"
    bad.write_text("@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\nthis is not turtle", "utf-8")
    with pytest.raises(ReferenceDataError, match=r"broken\.ttl"):
        load_issue_concepts(bad)


def test_loader_rejects_a_concept_without_notation(tmp_path: Path) -> None:
    bare = tmp_path / "bare.ttl"
    bare.write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<https://example.org/x> a skos:Concept ; skos:prefLabel "X" .\n', "utf-8")
    with pytest.raises(ReferenceDataError, match=r"bare\.ttl"):
        load_issue_concepts(bare)
