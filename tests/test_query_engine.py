"""run_query: results, parameters bound as terms (hostile values stay data), errors, the store seam."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from kg.errors import GraphError, QueryError
from kg.query import inject_values, load_store, run_query
from kg.query.saved import load_query_file

SAMPLE = Path(__file__).parent / "data" / "sample-graph.ttl"
ID = "https://w3id.org/readout-kg/id/"
MEETING_1, MEETING_2, MEETING_4 = (f"{ID}meeting/{d * 16}" for d in "124")
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def article_rows(**params: str) -> list[dict[str, Any]]:
    result = run_query("meetings-reaffirming-article", graphs=[SAMPLE], params=params)
    return result.as_dicts()


def test_article_5_of_the_japan_us_treaty_by_default() -> None:
    rows = article_rows()
    assert [str(r["meeting"]) for r in rows] == [MEETING_1, MEETING_2]
    assert [r["date"] for r in rows] == [Literal("2021-03-02", datatype=XSD_DATE),
                                         Literal("2021-07-15", datatype=XSD_DATE)]
    assert "Article V of the Treaty applies to the Senkaku Islands" in str(rows[0]["evidence"])
    assert "Hana Moriyama" in str(rows[0]["participants"]) and "Daniel Okafor" in str(rows[0]["participants"])


def test_parameters_pick_another_treaty_and_article() -> None:
    rows = article_rows(treaty=f"<{ID}treaty/north-atlantic>")
    assert [str(r["meeting"]) for r in rows] == [MEETING_4]
    assert article_rows(article="6") == []
    rows = article_rows(treaty="id:treaty/north-atlantic", article="05")
    assert [str(r["meeting"]) for r in rows] == [MEETING_4]


@pytest.mark.parametrize("value", [
    '5 } UNION { ?meeting ?p ?o }',
    "5) } #",
    "DROP ALL",
    "5.0",
])
def test_a_hostile_integer_is_refused(value: str) -> None:
    with pytest.raises(QueryError, match="not a valid xsd:integer"):
        article_rows(article=value)


@pytest.mark.parametrize("value", [
    "<http://x> } UNION { ?articleNode ?p ?o }",
    'http://x/"quoted"',
    "http://x/ SELECT",
    "not an iri",
])
def test_a_hostile_iri_is_refused(value: str) -> None:
    with pytest.raises(QueryError, match="not a valid iri"):
        article_rows(treaty=value)


HOSTILE_STRINGS = [
    'x" } UNION { ?thing ?p ?name } #',
    "x' } UNION { ?thing ?p ?name }",
    "}} ; DELETE WHERE { ?s ?p ?o }",
    'Hana Moriyama" || true || "',
    "\\\" } { ?thing ?p ?name",
]


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
def test_a_hostile_string_stays_a_string(tmp_path: Path, value: str) -> None:
    query_file = tmp_path / "by-label.rq"
    query_file.write_text(
        "# title: Things by label\n# param: name = nobody (xsd:string) — the label\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?thing WHERE { ?thing rdfs:label ?name }\n", encoding="utf-8")
    query = load_query_file(query_file)
    assert [str(r[0]) for r in run_query(query, graphs=[SAMPLE], params={"name": "Hana Moriyama"})] == [
        f"{ID}person/hana-moriyama"]
    assert len(run_query(query, graphs=[SAMPLE], params={"name": value})) == 0


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
def test_an_undeclared_parameter_of_inline_sparql_is_a_term_too(value: str) -> None:
    sparql = "SELECT ?thing WHERE { ?thing rdfs:label ?name }"
    assert len(run_query(sparql, graphs=[SAMPLE], params={"name": value})) == 0


def test_values_go_into_the_first_group_not_into_comments_or_strings() -> None:
    sparql = '# a comment with { a brace\nSELECT ("{" AS ?b) ?x WHERE { ?x ?p ?o }'
    bound = inject_values(sparql, {"x": URIRef("http://e/a")})
    assert bound.startswith('# a comment with { a brace\nSELECT ("{" AS ?b) ?x WHERE { VALUES (?x)')
    assert '{ (<http://e/a>) }' in bound


def test_unknown_parameters_of_a_saved_query_are_refused() -> None:
    with pytest.raises(QueryError, match="unknown parameter"):
        article_rows(articel="5")


def test_a_syntax_error_names_line_and_column() -> None:
    with pytest.raises(QueryError, match=r"line 3, column \d+"):
        run_query("SELECT ?x\nWHERE {\n  ?x ?p }", graphs=[SAMPLE])


def test_a_bad_graph_file_is_named(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("<a> <b> .", encoding="utf-8")
    with pytest.raises(GraphError, match=r"broken\.ttl"):
        load_store([broken])


def test_results_formats() -> None:
    result = run_query("officials-by-meetings", graphs=[SAMPLE])
    parsed = json.loads(result.to_json())
    assert parsed["head"]["vars"] == result.variables
    first = parsed["results"]["bindings"][0]
    assert first["official"] == {"type": "uri", "value": f"{ID}person/hana-moriyama"}
    assert first["meetings"]["datatype"] == XSD_INTEGER and first["meetings"]["value"] == "5"
    rows = list(csv.reader(io.StringIO(result.to_csv())))
    assert rows[0] == result.variables and rows[1][0] == f"{ID}person/hana-moriyama"
    tsv = result.to_tsv().splitlines()
    assert tsv[0].split("\t")[0] == "?official" and tsv[1].startswith(f"<{ID}person/hana-moriyama>")


def test_ask_and_construct() -> None:
    assert run_query("ASK { ?m a rdo:TelephoneTalk }", graphs=[SAMPLE]).boolean is True
    graph = run_query("CONSTRUCT { ?m rdo:date ?d } WHERE { ?m rdo:date ?d }", graphs=[SAMPLE]).graph
    assert graph is not None and len(graph) == 4


def test_a_pyoxigraph_store_answers_instead_of_files() -> None:
    store = ox.Store()
    store.load(path=str(SAMPLE), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(f"{ID}graph/sample"))
    rows = run_query("meetings-reaffirming-article", store=store).as_dicts()
    assert [str(r["meeting"]) for r in rows] == [MEETING_1, MEETING_2]


class RecordingStore:
    """A stand-in for a kg.store backend: answers with pyoxigraph, remembers what it was asked."""

    def __init__(self) -> None:
        self.store = load_store([SAMPLE])
        self.asked: list[str] = []

    def query(self, sparql: str, bindings: Any = None) -> Any:
        self.asked.append(sparql)
        return self.store.query(sparql)


def test_any_store_with_a_query_method_answers_with_parameters_bound() -> None:
    store = RecordingStore()
    rows = run_query("meetings-reaffirming-article", store=store,
                     params={"treaty": "id:treaty/north-atlantic"}).as_dicts()
    assert [str(r["meeting"]) for r in rows] == [MEETING_4]
    expected = f'VALUES (?article ?treaty) {{ ("5"^^<{XSD_INTEGER}> <{ID}treaty/north-atlantic>) }}'
    assert expected in store.asked[0]


def test_to_dataframe_says_pandas_is_needed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # makes `import pandas` fail
    with pytest.raises(QueryError, match="pip install pandas"):
        run_query("officials-by-meetings", graphs=[SAMPLE]).to_dataframe()


def test_to_dataframe_when_pandas_is_there() -> None:
    pd = pytest.importorskip("pandas")
    frame = run_query("officials-by-meetings", graphs=[SAMPLE]).to_dataframe()
    assert isinstance(frame, pd.DataFrame)
    assert frame.loc[0, "label"] == "Hana Moriyama" and frame.loc[0, "meetings"] == 5


@pytest.mark.parametrize("backend", ["memory", "oxigraph"])
def test_the_project_stores_answer_saved_queries(backend: str) -> None:
    from rdflib import Graph

    from kg.store import open_store

    with open_store(None, backend=backend) as store:
        store.replace_named_graph(f"{ID}graph/sample", Graph().parse(SAMPLE, format="turtle"), "sample")
        rows = run_query("meetings-reaffirming-article", store=store,
                         params={"treaty": "id:treaty/north-atlantic"}).as_dicts()
    assert [str(r["meeting"]) for r in rows] == [MEETING_4]


def test_a_construct_template_is_not_where_values_go() -> None:
    sparql = "CONSTRUCT { ?m rdo:date ?d } WHERE { ?m rdo:date ?d }"
    assert inject_values(sparql, {"m": URIRef("http://e/m")}).startswith(
        "CONSTRUCT { ?m rdo:date ?d } WHERE { VALUES (?m)")
    graph = run_query(sparql, graphs=[SAMPLE], params={"m": f"<{MEETING_1}>"}).graph
    assert graph is not None and len(graph) == 1
