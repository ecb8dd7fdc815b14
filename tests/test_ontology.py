"""ontology/rdo.ttl: parses, declares every contract and architecture term, carries its header."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef

from kg.namespaces import DCTERMS, ELI, OA, ORG, PROV, RDO, SCHEMA
from kg.resources import ontology_dir
from kg.validate import load_ontology

ROOT = Path(__file__).resolve().parents[1]
CONTRACT_CANDIDATES = (ROOT.parent / "shared" / "CONTRACT.md", ROOT / "docs" / "CONTRACT.md")
ARCHITECTURE = ROOT / "docs" / "ARCHITECTURE.md"
VANN = "http://purl.org/vocab/vann/"
SKOS_CONCEPT = URIRef("http://www.w3.org/2004/02/skos/core#Concept")
PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
ONTOLOGY = load_ontology()


def rdo_terms(text: str) -> set[URIRef]:
    return {RDO[name] for name in re.findall(r"\brdo:([A-Za-z][A-Za-z0-9]*)", text)}


def contract_terms() -> set[URIRef]:
    for path in CONTRACT_CANDIDATES:
        if path.exists():
            return rdo_terms(path.read_text(encoding="utf-8"))
    pytest.skip("CONTRACT.md not found beside the checkout")


def is_property(term: URIRef) -> bool:
    return any((term, RDF.type, kind) in ONTOLOGY for kind in PROPERTY_TYPES)


def test_every_ontology_file_parses() -> None:
    for path in sorted(ontology_dir().rglob("*.ttl")):
        assert len(Graph().parse(path, format="turtle")) > 0, path


def test_header_has_version_licence_creator_and_prefix() -> None:
    ontology = ONTOLOGY.value(None, RDF.type, OWL.Ontology)
    assert ontology == URIRef("https://w3id.org/readout-kg/ontology")
    assert ONTOLOGY.value(ontology, OWL.versionIRI) == URIRef("https://w3id.org/readout-kg/ontology/0.1.0")
    assert ONTOLOGY.value(ontology, OWL.versionInfo) is not None
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.license, DCTERMS.creator):
        assert ONTOLOGY.value(ontology, prop) is not None, prop
    assert str(ONTOLOGY.value(ontology, URIRef(VANN + "preferredNamespacePrefix"))) == "rdo"
    assert str(ONTOLOGY.value(ontology, URIRef(VANN + "preferredNamespaceUri"))) == str(RDO)


@pytest.mark.parametrize("source", ["contract", "architecture"])
def test_every_named_term_is_declared_with_label_and_comment(source: str) -> None:
    terms = contract_terms() if source == "contract" else rdo_terms(ARCHITECTURE.read_text(encoding="utf-8"))
    assert len(terms) > 10
    for term in sorted(terms):
        assert (term, RDF.type, None) in ONTOLOGY, f"{term} is not declared"
        assert ONTOLOGY.value(term, RDFS.label) is not None, f"{term} has no rdfs:label"
        assert ONTOLOGY.value(term, RDFS.comment) is not None, f"{term} has no rdfs:comment"


def test_every_property_has_domain_and_range() -> None:
    properties = [s for kind in PROPERTY_TYPES for s in ONTOLOGY.subjects(RDF.type, kind)
                  if str(s).startswith(str(RDO))]
    assert len(properties) >= 30
    for prop in properties:
        assert ONTOLOGY.value(prop, RDFS.domain) is not None, f"{prop} has no domain"
        assert ONTOLOGY.value(prop, RDFS.range) is not None, f"{prop} has no range"


def test_every_declared_term_has_label_and_comment() -> None:
    terms = {s for s in ONTOLOGY.subjects(RDF.type, None)
             if isinstance(s, URIRef) and str(s).startswith(str(RDO))}
    for term in terms:
        assert ONTOLOGY.value(term, RDFS.label) and ONTOLOGY.value(term, RDFS.comment), term


@pytest.mark.parametrize(("child", "parent"), [
    (RDO.Post, ORG.Post), (RDO.Ministry, ORG.Organization), (RDO.Ministry, SCHEMA.GovernmentOrganization),
    (RDO.Meeting, SCHEMA.Event), (RDO.Official, SCHEMA.Person), (RDO.Official, PROV.Agent),
    (RDO.Document, SCHEMA.NewsArticle), (RDO.Document, PROV.Entity), (RDO.Place, SCHEMA.Place),
    (RDO.Evidence, OA.SpecificResource), (RDO.Issue, SKOS_CONCEPT), (RDO.Treaty, ELI.LegalResource),
    (RDO.TreatyArticle, ELI.LegalResourceSubdivision),
])
def test_class_alignment(child: URIRef, parent: URIRef) -> None:
    assert (child, RDFS.subClassOf, parent) in ONTOLOGY


@pytest.mark.parametrize(("child", "parent"), [
    (RDO.memberOf, ORG.memberOf), (RDO.location, SCHEMA.location), (RDO.participant, SCHEMA.attendee),
    (RDO.ofTreaty, ELI.is_part_of),
])
def test_property_alignment(child: URIRef, parent: URIRef) -> None:
    assert (child, RDFS.subPropertyOf, parent) in ONTOLOGY


def test_meeting_kinds_are_direct_subclasses_of_meeting() -> None:
    # The evaluator takes the first kind it finds among a meeting's superclasses, so no kind may
    # be a subclass of another.
    kinds = [RDO.TelephoneTalk, RDO.VideoConference, RDO.Conference, RDO.TwoPlusTwo]
    for kind in kinds:
        assert set(ONTOLOGY.objects(kind, RDFS.subClassOf)) == {RDO.Meeting}


def test_no_subclass_cycles() -> None:
    for cls in set(ONTOLOGY.subjects(RDFS.subClassOf, None)):
        ancestors = set(ONTOLOGY.transitive_objects(cls, RDFS.subClassOf)) - {cls}
        assert not any((a, RDFS.subClassOf, cls) in ONTOLOGY for a in ancestors), cls
        assert (cls, RDFS.subClassOf, cls) not in ONTOLOGY


def test_meeting_and_document_classes_do_not_overlap() -> None:
    # Reading types through rdfs:subClassOf*, nothing typed as one may count as the other.
    meeting_up = set(ONTOLOGY.transitive_objects(RDO.Meeting, RDFS.subClassOf))
    document_up = set(ONTOLOGY.transitive_objects(RDO.Document, RDFS.subClassOf))
    assert RDO.Meeting not in document_up and RDO.Document not in meeting_up
    assert not (RDO.Evidence in meeting_up or RDO.Meeting in set(
        ONTOLOGY.transitive_objects(RDO.Evidence, RDFS.subClassOf)))


@pytest.mark.parametrize(("cls", "members"), [
    (RDO.MeetingStatus, {"Held", "Planned"}),
    (RDO.Stance, {"Reaffirmed", "Reconfirmed", "Affirmed", "StatedApplication"}),
    (RDO.MinistryKind, {"DefenceMinistry", "ForeignMinistry", "HeadOfGovernmentOffice", "HeadOfStateOffice"}),
    (RDO.PostKind, {"DefenceMinisterPost", "ForeignMinisterPost", "HeadOfGovernmentPost", "HeadOfStatePost",
                    "DeputyHeadOfStatePost", "DeputyHeadOfGovernmentPost", "StateMinisterOfDefencePost",
                    "DeputyDefenceMinisterPost", "DeputyForeignMinisterPost"}),
])
def test_individuals(cls: URIRef, members: set[str]) -> None:
    assert {str(s).removeprefix(str(RDO)) for s in ONTOLOGY.subjects(RDF.type, cls)} == members
