"""`kg reference update` against a local Oxigraph server holding a Wikidata-shaped fixture."""

from __future__ import annotations

import gc
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, XSD

from kg.cli import cli
from kg.errors import ReferenceDataError
from kg.namespaces import DCTERMS, ID, ORG, RDO, SCHEMA
from kg.reference.wikidata import update_reference
from kg.store.servers import OxigraphServer, oxigraph_binary

DATA = Path(__file__).parent / "data" / "wikidata"
pytestmark = [pytest.mark.server,
              pytest.mark.skipif(oxigraph_binary() is None, reason="the oxigraph server is not installed")]


@pytest.fixture(scope="module")
def wikidata_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    location = tmp_path_factory.mktemp("wikidata") / "db"
    store = ox.Store(str(location))
    store.bulk_load(path=str(DATA / "wikidata-fixture.ttl"), format=ox.RdfFormat.TURTLE)
    del store
    gc.collect()  # RocksDB is released when the last reference goes; the server needs the lock
    with OxigraphServer(location, read_only=True) as server:
        yield server.query_url


@pytest.fixture
def reference_dir(tmp_path: Path) -> Path:
    target = tmp_path / "reference"
    shutil.copytree(DATA / "reference", target)
    return target


def membership(person: str, post: str, start: str) -> URIRef:
    return ID[f"membership/{person}/{post}/{start}"]


def test_update_writes_officials_and_day_precise_terms(wikidata_endpoint: str, reference_dir: Path) -> None:
    report = update_reference(reference_dir, wikidata_endpoint)
    graph = Graph().parse(report.output, format="turtle")
    amara = ID["person/amara-okonkwo-reyes"]
    assert (amara, RDF.type, RDO.Official) in graph
    assert (amara, SCHEMA.familyName, Literal("Okonkwo-Reyes")) in graph
    assert (amara, SCHEMA.givenName, Literal("Amara")) in graph
    assert (amara, OWL.sameAs, URIRef("http://www.wikidata.org/entity/Q9100001")) in graph
    term = membership("amara-okonkwo-reyes", "zz-defence-minister", "2019-03-04")
    assert (term, ORG.member, amara) in graph
    assert (term, RDO.endDate, Literal("2021-06-30", datatype=XSD.date)) in graph
    assert (term, DCTERMS.source, URIRef("http://www.wikidata.org/entity/statement/Q9100001-a")) in graph


def test_mapping_file_ties_posts_and_open_terms_have_no_end(wikidata_endpoint: str,
                                                            reference_dir: Path) -> None:
    graph = Graph().parse(update_reference(reference_dir, wikidata_endpoint).output, format="turtle")
    term = membership("tomas-lindqvist-oyelaran", "zz-foreign-minister", "2021-07-01")
    assert (term, RDO.post, ID["post/zz-foreign-minister"]) in graph
    assert graph.value(term, RDO.endDate) is None


def test_year_only_deprecated_curated_and_unasked_are_left_out(wikidata_endpoint: str,
                                                               reference_dir: Path) -> None:
    report = update_reference(reference_dir, wikidata_endpoint)
    graph = Graph().parse(report.output, format="turtle")
    starts = {str(o) for o in graph.objects(None, RDO.startDate)}
    assert "2015-01-01" not in starts          # known only to the year
    assert "1999-05-05" not in starts          # deprecated statement
    assert (ID["person/ilse-varga-moreau"], RDF.type, RDO.Official) not in graph   # curated already
    assert (ID["person/pell-aranda"], RDF.type, RDO.Official) not in graph          # other position
    assert "http://www.wikidata.org/entity/statement/Q9100002-b" in report.skipped
    assert (report.officials, report.terms) == (2, 2)


def test_update_is_deterministic(wikidata_endpoint: str, reference_dir: Path) -> None:
    first = update_reference(reference_dir, wikidata_endpoint).output.read_text(encoding="utf-8")
    second = update_reference(reference_dir, wikidata_endpoint).output.read_text(encoding="utf-8")
    assert first == second


def test_command_line_update(wikidata_endpoint: str, reference_dir: Path) -> None:
    out = reference_dir / "fresh.ttl"
    result = CliRunner().invoke(cli, ["reference", "update", "--endpoint", wikidata_endpoint,
                                      "--reference-dir", str(reference_dir), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 officials, 2 terms" in result.output
    assert len(Graph().parse(out, format="turtle")) > 0


def test_no_mapped_post_is_a_clear_error(wikidata_endpoint: str, tmp_path: Path) -> None:
    (tmp_path / "posts.ttl").write_text("", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="no post is tied to a Wikidata position"):
        update_reference(tmp_path, wikidata_endpoint)
