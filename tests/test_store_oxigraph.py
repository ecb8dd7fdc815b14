"""The persistent store: per-document graphs, skips, replacement, removal, merging, exports."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, XSD

from kg.cli import cli
from kg.errors import QueryError, StoreError
from kg.namespaces import DCTERMS, ID, PROV, RDO, document_iri, meeting_iri, person_iri
from kg.store import REFERENCE_GRAPH, GraphStore, backend_names, open_store
from kg.store.synthetic import synthetic_document

MEETINGS = "SELECT DISTINCT ?m WHERE { ?m a rdo:Meeting } ORDER BY ?m"


def report(identifier: str, text: str, meeting_key: str, people: list[str],
           day: str) -> tuple[str, str, Graph]:
    """A small document graph: one meeting of `people` on `day`, read from document `identifier`."""
    import hashlib

    sha = hashlib.sha256(text.encode()).hexdigest()
    doc = document_iri(sha)
    meeting = meeting_iri(meeting_key)
    graph = Graph()
    graph.add((doc, RDF.type, RDO.Document))
    graph.add((doc, DCTERMS.identifier, Literal(identifier)))
    graph.add((meeting, RDF.type, RDO.Meeting))
    graph.add((meeting, RDO.date, Literal(day, datatype=XSD.date)))
    graph.add((meeting, PROV.wasDerivedFrom, doc))
    for name in people:
        graph.add((meeting, RDO.participant, person_iri(name)))
        graph.add((person_iri(name), RDFS.label, Literal(name)))
    return str(doc), sha, graph


@pytest.fixture(params=["oxigraph", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> GraphStore:
    path = tmp_path / "store" if request.param == "oxigraph" else None
    return open_store(path, backend=request.param)


def meetings(store: GraphStore) -> list[str]:
    return [str(row[0]) for row in store.query(MEETINGS).rows]


def test_unknown_backend_lists_the_known_ones() -> None:
    with pytest.raises(StoreError, match="known backends: memory, oxigraph"):
        open_store(None, backend="fuseki")
    assert {"memory", "oxigraph"} <= set(backend_names())


def test_documents_are_named_graphs_with_their_hash(store: GraphStore) -> None:
    iri, sha, graph = report("a.txt", "Report A", "m1", ["Ana Ortiz", "Ben Kato"], "2021-04-05")
    store.replace_document(iri, sha, graph)
    assert store.document_hashes() == {iri: sha}
    assert store.find_document("a.txt")[0].iri == iri
    assert iri in store.graph_names()


def test_one_meeting_reported_by_two_documents_stays_one_node_as_documents_come_and_go(
        store: GraphStore) -> None:
    first = report("a.txt", "Report A", "shared", ["Ana Ortiz", "Ben Kato"], "2021-04-05")
    second = report("b.md", "Report B", "shared", ["Ana Ortiz", "Ben Kato"], "2021-04-05")
    store.replace_document(*first)
    store.replace_document(*second)
    assert len(meetings(store)) == 1
    sources = store.query("SELECT ?d WHERE { ?m prov:wasDerivedFrom ?d }").rows
    assert len(sources) == 2
    assert store.remove_document("a.txt")
    assert len(meetings(store)) == 1               # still reported by b.md
    assert store.remove_document(second[0])        # by IRI
    assert meetings(store) == []
    assert not store.remove_document("a.txt")


def test_a_changed_document_replaces_its_older_version(store: GraphStore) -> None:
    old = report("same-name.txt", "first version", "old", ["Ana Ortiz", "Ben Kato"], "2020-01-02")
    new = report("same-name.txt", "second version", "new", ["Ana Ortiz", "Cy Dube"], "2020-01-03")
    store.replace_document(*old)
    store.replace_document(*new)
    assert store.document_hashes() == {new[0]: new[1]}
    assert meetings(store) == [str(meeting_iri("new"))]


def test_find_meetings_needs_exactly_the_participants_and_a_date_in_range(store: GraphStore) -> None:
    store.replace_document(*report("a.txt", "A", "two", ["Ana Ortiz", "Ben Kato"], "2022-05-10"))
    store.replace_document(*report("b.txt", "B", "three", ["Ana Ortiz", "Ben Kato", "Cy Dube"], "2022-05-10"))
    pair = [str(person_iri("Ana Ortiz")), str(person_iri("Ben Kato"))]
    assert store.find_meetings(pair, date(2022, 5, 9), date(2022, 5, 11)) == [str(meeting_iri("two"))]
    assert store.find_meetings(pair, date(2022, 5, 11), date(2022, 5, 30)) == []
    assert store.find_meetings(list(reversed(pair)), date(2022, 5, 10), date(2022, 5, 10)) == \
        [str(meeting_iri("two"))]


def test_reference_graph_and_fingerprint(store: GraphStore, tmp_path: Path) -> None:
    reference = tmp_path / "reference.ttl"
    reference.write_text('<https://w3id.org/readout-kg/id/country/ZZ> '
                         '<http://www.w3.org/2000/01/rdf-schema#label> "Zembla" .\n', encoding="utf-8")
    assert store.fingerprint(REFERENCE_GRAPH) is None
    store.replace_named_graph(REFERENCE_GRAPH, reference, "v1")
    store.replace_named_graph(REFERENCE_GRAPH, reference, "v2")
    assert store.fingerprint(REFERENCE_GRAPH) == "v2"
    rows = store.query(f"SELECT ?label WHERE {{ <{ID['country/ZZ']}> rdfs:label ?label }}")
    assert rows.rows == [(Literal("Zembla"),)]
    assert store.document_hashes() == {}           # reference graphs are not documents


def test_bindings_are_rdf_terms(store: GraphStore) -> None:
    store.replace_document(*report("a.txt", "A", "m", ["Ana Ortiz", "Ben Kato"], "2022-05-10"))
    query = "SELECT (COUNT(?m) AS ?n) WHERE { ?m rdo:participant ?who }"
    answer = store.query(query, {"who": person_iri("Ben Kato")})
    assert int(str(answer.rows[0][0])) == 1


def test_bad_query_is_a_query_error(store: GraphStore) -> None:
    with pytest.raises(QueryError):
        store.query("SELECT WHERE {")


def test_store_survives_reopening_and_skips_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "store"
    iri, sha, _, graph = synthetic_document(1)
    with open_store(path) as store:
        store.replace_document(iri, sha, graph)
        store.replace_named_graph(REFERENCE_GRAPH, Graph(), "fp-1")
    with open_store(path, read_only=True) as store:
        assert store.document_hashes() == {iri: sha}
        assert store.fingerprint(REFERENCE_GRAPH) == "fp-1"
        with pytest.raises(StoreError, match="read-only"):
            store.remove_document(iri)


def test_read_only_open_of_a_missing_store_names_it(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store here"):
        open_store(tmp_path / "nowhere", read_only=True)


def test_exports_match_between_backends(tmp_path: Path) -> None:
    oxigraph, memory = open_store(tmp_path / "store"), open_store(None, backend="memory")
    for index in range(6):
        iri, sha, _, graph = synthetic_document(index)
        oxigraph.replace_document(iri, sha, graph)
        memory.replace_document(iri, sha, graph)
    for name in ("merged.ttl", "merged.nt"):
        ox_graph = Graph().parse(oxigraph.export(tmp_path / f"ox-{name}"))
        mem_graph = Graph().parse(memory.export(tmp_path / f"mem-{name}"))
        assert isomorphic(ox_graph, mem_graph)
    dataset = Dataset()
    dataset.parse(oxigraph.export(tmp_path / "graphs.trig"), format="trig")
    names = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert set(oxigraph.document_hashes()) <= names


def test_turtle_export_is_byte_identical_for_the_same_content(tmp_path: Path) -> None:
    texts = []
    for order, name in ((range(5), "a"), (reversed(range(5)), "b")):
        with open_store(tmp_path / name) as store:
            for index in order:
                iri, sha, _, graph = synthetic_document(index)
                store.replace_document(iri, sha, graph)
            texts.append(store.export(tmp_path / f"{name}.ttl").read_bytes())
    assert texts[0] == texts[1]


def test_replace_documents_in_batches(tmp_path: Path) -> None:
    with open_store(tmp_path / "store") as store:
        batch = [(iri, sha, graph) for iri, sha, _, graph in map(synthetic_document, range(30))]
        assert store.replace_documents(batch) == 30
        assert len(store.document_hashes()) == 30
        assert store.find_document("synthetic_000007.txt")


def test_kg_remove_command(tmp_path: Path) -> None:
    path = tmp_path / "store"
    with open_store(path) as store:
        for index in range(3):
            iri, sha, _, graph = synthetic_document(index)
            store.replace_document(iri, sha, graph)
    runner = CliRunner()
    result = runner.invoke(cli, ["remove", "synthetic_000001.txt", "--store", str(path)])
    assert result.exit_code == 0, result.output
    assert "removed synthetic_000001.txt" in result.output
    with open_store(path, read_only=True) as store:
        assert not store.find_document("synthetic_000001.txt")
        assert len(store.document_hashes()) == 2
    missing = runner.invoke(cli, ["remove", "nothing.txt", "--store", str(path)])
    assert missing.exit_code != 0
    assert isinstance(missing.exception, StoreError)


def test_reference_graph_iri_is_under_the_id_namespace() -> None:
    assert URIRef(REFERENCE_GRAPH) == ID["graph/reference"]


def test_sync_dataset_writes_changed_documents_and_skips_the_rest(tmp_path: Path) -> None:
    from kg.store.sync import sync_dataset

    dataset = Dataset()
    for index in range(4):
        iri, _, _, graph = synthetic_document(index)
        named = dataset.graph(URIRef(iri))
        for triple in graph:
            named.add(triple)
    reference = dataset.graph(ID["graph/reference"])
    reference.add((ID["country/ZZ"], RDFS.label, Literal("Zembla")))
    with open_store(tmp_path / "store") as store:
        first = sync_dataset(store, dataset, reference_fingerprint="r1")
        assert (len(first.written), first.graphs) == (4, [str(ID["graph/reference"])])
        again = sync_dataset(store, dataset, reference_fingerprint="r1")
        assert (again.written, len(again.skipped), again.graphs) == ([], 4, [])
        changed = sync_dataset(store, dataset, reference_fingerprint="r2")
        assert changed.graphs == [str(ID["graph/reference"])]


def test_sync_files_loads_the_ontology_only_when_a_file_changes(store: GraphStore, tmp_path: Path) -> None:
    from kg.store import ONTOLOGY_GRAPH
    from kg.store.sync import sync_files

    first, second = tmp_path / "a.ttl", tmp_path / "b.ttl"
    first.write_text("<https://example.org/A> a <http://www.w3.org/2002/07/owl#Class> .\n", encoding="utf-8")
    second.write_text("<https://example.org/B> a <http://www.w3.org/2002/07/owl#Class> .\n", encoding="utf-8")
    assert sync_files(store, ONTOLOGY_GRAPH, [first, second])
    assert not sync_files(store, ONTOLOGY_GRAPH, [first, second])
    second.write_text("<https://example.org/C> a <http://www.w3.org/2002/07/owl#Class> .\n", encoding="utf-8")
    assert sync_files(store, ONTOLOGY_GRAPH, [first, second])
    classes = {str(row[0]) for row in store.query("SELECT ?c WHERE { ?c a owl:Class }").rows}
    assert classes == {"https://example.org/A", "https://example.org/C"}
