"""The reference data: the compiled Turtle matches its YAML, and its content holds together."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF

from kg.namespaces import DCTERMS, ID, ORG, RDO, TIME
from kg.reference.compile import OUTPUT_FILES, compile_to_strings
from kg.reference.load import load_reference, reference_graph
from kg.reference.model import Official, ReferenceData
from kg.resources import reference_dir

REFERENCE = reference_dir()
OUR_FILES = [REFERENCE / f"{name}.ttl" for name in OUTPUT_FILES]


@pytest.fixture(scope="module")
def ref() -> ReferenceData:
    return load_reference(OUR_FILES)


def person(ref: ReferenceData, slug: str) -> Official:
    return ref.officials[str(ID[f"person/{slug}"])]


def test_committed_turtle_equals_a_fresh_compile() -> None:
    fresh = compile_to_strings(REFERENCE / "src")
    for name, text in fresh.items():
        committed = (REFERENCE / f"{name}.ttl").read_text(encoding="utf-8")
        assert committed == text, f"reference/{name}.ttl is stale: run `kg reference compile`"


def test_compiling_twice_gives_the_same_bytes() -> None:
    assert compile_to_strings(REFERENCE / "src") == compile_to_strings(REFERENCE / "src")


def test_counts(ref: ReferenceData) -> None:
    assert len(ref.countries) >= 60
    assert len(ref.ministries) >= 36
    assert len(ref.posts) >= 36
    assert len(ref.officials) >= 250
    assert sum(len(o.terms) for o in ref.officials.values()) >= 300
    assert len(ref.treaties) == 5


def test_every_term_starts_before_it_ends(ref: ReferenceData) -> None:
    for official in ref.officials.values():
        assert official.terms, official.label
        for term in official.terms:
            assert term.start is not None, official.label
            assert term.end is None or term.start <= term.end, (official.label, term)


def test_no_two_full_terms_of_one_post_overlap(ref: ReferenceData) -> None:
    by_post: dict[str, list[tuple[date, date, str]]] = defaultdict(list)
    for official in ref.officials.values():
        for term in official.terms:
            if not term.acting and term.start is not None:
                by_post[term.post].append((term.start, term.end or date.max, official.label))
    for post, terms in by_post.items():
        terms.sort()
        for earlier, later in pairwise(terms):
            # A handover day is shared: one term ends the day the next begins.
            assert later[0] >= earlier[1], f"{post}: {earlier} overlaps {later}"


def test_each_post_has_at_most_one_open_full_term(ref: ReferenceData) -> None:
    open_terms: dict[str, list[str]] = defaultdict(list)
    for official in ref.officials.values():
        for term in official.terms:
            if term.end is None and not term.acting:
                open_terms[term.post].append(official.label)
    assert all(len(holders) == 1 for holders in open_terms.values()), open_terms


def test_terms_point_to_known_posts_and_ministries(ref: ReferenceData) -> None:
    for official in ref.officials.values():
        assert official.country in ref.countries
        for term in official.terms:
            assert term.post in ref.posts
    for post in ref.posts.values():
        assert post.ministry in ref.ministries
        assert post.country in ref.countries
        assert post.titles


def test_known_terms(ref: ReferenceData) -> None:
    kishi = person(ref, "nobuo-kishi")
    assert [(t.start, t.end) for t in kishi.terms] == [(date(2020, 9, 16), date(2022, 8, 10))]
    miller = person(ref, "christopher-c-miller")
    (term,) = miller.terms
    assert term.acting and term.title == "Acting Secretary of Defense"
    assert term.covers(date(2020, 11, 14)) and not term.covers(date(2021, 3, 14))
    esper = person(ref, "mark-esper")
    assert [t.acting for t in esper.terms] == [True, False]
    onodera = person(ref, "itsunori-onodera")
    assert len(onodera.terms) == 2
    kono = person(ref, "taro-kono")
    assert {ref.posts[t.post].kind for t in kono.terms} == {"foreign-minister", "defence-minister"}
    # A week as acting foreign minister does not rename the prime minister.
    kishida_title = reference_graph(OUR_FILES).value(ID["person/fumio-kishida"], RDO.title)
    assert kishida_title == Literal("Prime Minister")
    trump = person(ref, "donald-trump")
    assert [t.end for t in trump.terms] == [date(2021, 1, 20), None]


def test_name_variants(ref: ReferenceData) -> None:
    kihara = person(ref, "minoru-kihara")
    assert {"Minoru Kihara", "Kihara Minoru", "KIHARA Minoru"} <= set(kihara.names)
    lee = person(ref, "lee-jong-sup")
    assert (lee.family, lee.given) == ("Lee", "Jong-sup")
    assert {"Lee Jong-sup", "Lee Jong Sup", "LEE Jong-sup", "Jong-sup Lee"} <= set(lee.names)
    xi = person(ref, "xi-jinping")
    assert (xi.family, xi.given, xi.label) == ("Xi", "Jinping", "Xi Jinping")
    austin = person(ref, "lloyd-austin")
    assert {"Lloyd Austin", "Lloyd J. Austin III"} <= set(austin.names)
    uvdl = person(ref, "ursula-von-der-leyen")
    assert (uvdl.given, uvdl.family) == ("Ursula", "von der Leyen")
    assert person(ref, "ash-carter").given == "Ashton"
    assert person(ref, "benigno-aquino").family == "Aquino"


def test_names_lead_with_the_label(ref: ReferenceData) -> None:
    for official in ref.officials.values():
        assert official.names[0] == official.label
        assert official.family and official.family in official.label.replace(" III", "")


def test_country_names_and_adjectives(ref: ReferenceData) -> None:
    by_iso = {c.iso2: c for c in ref.countries.values()}
    assert {"U.S.", "US", "USA", "America"} <= set(by_iso["US"].names)
    assert {"ROK", "Republic of Korea"} <= set(by_iso["KR"].names)
    assert "DPRK" in by_iso["KP"].names
    assert {"Philippine", "Filipino"} <= set(by_iso["PH"].adjectives)
    assert "Korean" not in by_iso["KR"].adjectives + by_iso["KP"].adjectives
    assert all(re.fullmatch(r"[A-Z]{2}", c.iso2) for c in by_iso.values())


def test_ministries_and_posts(ref: ReferenceData) -> None:
    dod = ref.ministries[str(ID["ministry/us-defence"])]
    assert {"DoD", "the Pentagon", "Department of War"} <= set(dod.names)
    assert dod.kind == "defence"
    secdef = ref.posts[str(ID["post/us-defence-minister"])]
    assert {"Secretary of Defense", "SecDef", "Secretary of War"} <= set(secdef.titles)
    assert "Chancellor" in ref.posts[str(ID["post/de-head-of-government"])].titles
    kinds = {(m.country.rsplit("/", 1)[-1], m.kind) for m in ref.ministries.values()}
    for iso2 in ("JP", "US", "KR", "AU", "PH", "IN", "CN", "KP", "GB", "FR", "DE", "CA"):
        assert (iso2, "defence") in kinds and (iso2, "foreign") in kinds


def test_treaty_articles_are_numbered_one_to_n(ref: ReferenceData) -> None:
    expected = {"japan-us-security": 10, "north-atlantic": 14, "us-philippines-mdt": 8,
                "us-rok-mdt": 6, "anzus": 11}
    by_key = {t.key: t for t in ref.treaties.values()}
    assert set(by_key) == set(expected)
    for key, count in expected.items():
        assert [a.number for a in by_key[key].articles] == list(range(1, count + 1))
    japan_us = by_key["japan-us-security"]
    assert all(word in japan_us.label for word in ("Japan", "Security", "United States"))
    assert japan_us.article(5) is not None and japan_us.article(11) is None
    assert "U.S.-Japan Security Treaty" in japan_us.names


def test_every_fact_has_a_source_and_no_blank_nodes() -> None:
    graph = reference_graph(OUR_FILES)
    for cls in (RDO.Official, ORG.Membership, RDO.Ministry, RDO.Country, RDO.Post, RDO.Treaty):
        nodes = list(graph.subjects(RDF.type, cls))
        assert nodes, cls
        for node in nodes:
            sources = list(graph.objects(node, DCTERMS.source))
            assert sources and all(isinstance(s, URIRef) for s in sources), node
            assert str(sources[0]).startswith("http"), node
    for triple in graph:
        assert not any(isinstance(term, BNode) for term in triple)
        if isinstance(triple[2], Literal):
            assert triple[2].language is None, triple


def test_memberships_have_owl_time_intervals() -> None:
    graph = reference_graph(OUR_FILES)
    for membership in graph.subjects(RDF.type, ORG.Membership):
        interval = graph.value(membership, ORG.memberDuring)
        assert interval == URIRef(f"{membership}#interval")
        start = graph.value(interval, TIME.hasBeginning)
        assert start == URIRef(f"{membership}#start")
        assert graph.value(start, TIME.inXSDDate) == graph.value(membership, RDO.startDate)
        end = graph.value(membership, RDO.endDate)
        assert end == graph.value(graph.value(interval, TIME.hasEnd), TIME.inXSDDate)


def test_loader_is_cached_and_fingerprinted() -> None:
    first = load_reference(OUR_FILES)
    assert load_reference(OUR_FILES) is first
    assert re.fullmatch(r"[0-9a-f]{64}", first.fingerprint)
    assert load_reference(OUR_FILES[:1]).fingerprint != first.fingerprint


def test_default_load_reads_every_reference_file() -> None:
    everything = load_reference()
    assert len(everything.officials) == len(load_reference(OUR_FILES).officials)
    if (REFERENCE / "issues.ttl").is_file():
        assert everything.issues


def test_loading_an_issue_scheme(tmp_path: Path) -> None:
    scheme = tmp_path / "issues.ttl"
    scheme.write_text(
        """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdo: <https://w3id.org/readout-kg/ontology#> .
<https://w3id.org/readout-kg/id/issue/sea> a rdo:Issue, skos:Concept ; skos:notation "sea" ;
    skos:prefLabel "The sea" ; skos:altLabel "maritime", "ocean" .
<https://w3id.org/readout-kg/id/issue/east-sea> a rdo:Issue, skos:Concept ; skos:notation "east-sea" ;
    skos:prefLabel "The east sea" ; skos:broader <https://w3id.org/readout-kg/id/issue/sea> .
""",
        encoding="utf-8",
    )
    issues = load_reference([scheme]).issues
    east = issues["https://w3id.org/readout-kg/id/issue/east-sea"]
    assert east.label == "The east sea"
    assert east.broader == ("https://w3id.org/readout-kg/id/issue/sea",)
    assert issues["https://w3id.org/readout-kg/id/issue/sea"].alt_labels == ("maritime", "ocean")
