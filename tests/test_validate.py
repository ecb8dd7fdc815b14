"""kg.validate: the typed report, the SPARQL rules run standalone, per-document validation, and
the `kg validate` and `kg docs` commands."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import RDF, BNode, Dataset, Graph, URIRef

from kg.cli import cli
from kg.docs import ontology_markdown
from kg.namespaces import ID, RDO, SH
from kg.validate import (
    load_ontology,
    load_shapes,
    run_sparql_rules,
    sparql_rules,
    store_of,
    validate_documents,
    validate_graph,
)
from kg.validate.pyshacl_engine import PyshaclEngine
from kg.validate.report import ValidationReport, ValidationResult

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = Path(__file__).parent / "shapes"
BASE = EXAMPLES / "_base.ttl"
ONE_PARTICIPANT = EXAMPLES / "MeetingShape" / "bad-one-participant.ttl"
LATE_MEETING = EXAMPLES / "HeldMeetingNotAfterPublicationShape" / "bad.ttl"
OUT_OF_TERM = EXAMPLES / "MeetingDateWithinTermsShape" / "bad.ttl"
M2 = ID["meeting/m2"]


def graph_of(*paths: Path) -> Graph:
    graph = Graph()
    for path in paths:
        # The examples all call their extra meeting m2; the late one is renamed so they stay apart.
        text = path.read_text(encoding="utf-8")
        graph.parse(data=text.replace("meeting:m2", "meeting:m3") if path == LATE_MEETING else text,
                    format="turtle")
    return graph


def test_load_ontology_holds_no_shapes_and_load_shapes_holds_no_classes() -> None:
    ontology, shapes = load_ontology(), load_shapes()
    assert (RDO.Meeting, RDF.type, None) in ontology
    assert not list(ontology.subjects(RDF.type, SH.NodeShape))
    assert list(shapes.subjects(RDF.type, SH.NodeShape))
    shapes.add((ID.x, RDF.type, SH.NodeShape))          # a caller's change must not leak
    assert (ID.x, RDF.type, SH.NodeShape) not in load_shapes()


def test_report_groups_by_severity_with_counts() -> None:
    report = validate_graph(graph_of(BASE, ONE_PARTICIPANT, LATE_MEETING))
    assert not report.conforms
    assert [r.focus_node for r in report.violations] == [M2]
    assert {r.source_shape for r in report.warnings} == {
        URIRef("https://w3id.org/readout-kg/shapes#HeldMeetingNotAfterPublicationShape")}
    text = report.text()
    assert text.startswith("Conforms: no (1 violation(s), 1 warning(s))")
    assert text.index("Violations (1):") < text.index("Warnings (1):")
    assert "fewer than two participants" in text


def test_warnings_alone_conform_and_name_the_official_and_term() -> None:
    report = validate_graph(graph_of(BASE, OUT_OF_TERM))
    assert report.conforms and len(report.warnings) == 1
    message = report.warnings[0].message
    assert "Jane Carter" in message and "Minister for Defence" in message and "2030-01-10" in message


def test_report_graph_is_deterministic_and_has_no_blank_nodes() -> None:
    data = graph_of(BASE, ONE_PARTICIPANT, LATE_MEETING)
    first, second = validate_graph(data).graph(), validate_graph(data).graph()
    assert first.serialize(format="nt") == second.serialize(format="nt")
    assert not any(isinstance(term, BNode) for triple in first for term in triple)
    assert (ID["validation/report"], SH.conforms, None) in first
    assert len(list(first.objects(ID["validation/report"], SH.result))) == 2


def test_extend_skips_repeated_results() -> None:
    result = ValidationResult(SH.Violation, M2, RDO.date, None, "m", None)
    report = ValidationReport([result])
    report.extend([result, result])
    assert report.results == [result]


def test_sparql_rules_run_standalone_on_oxigraph_like_pyshacl() -> None:
    data = graph_of(BASE, ONE_PARTICIPANT, LATE_MEETING, OUT_OF_TERM)
    rules = sparql_rules(load_shapes())
    assert len(rules) >= 3
    assert all(rule.standalone_query().startswith("PREFIX ") for rule in rules)
    fast = run_sparql_rules(store_of(data, load_ontology()), rules)
    by_pyshacl = PyshaclEngine(sparql_on_oxigraph=False).validate(data, load_shapes(), load_ontology())
    slow = [r for r in by_pyshacl.results if r.constraint == SH.SPARQLConstraintComponent]
    # The default engine runs the rules on Oxigraph; it must report exactly what pyshacl does.
    assert sorted(by_pyshacl.results, key=str) == sorted(validate_graph(data).results, key=str)
    def key(r: ValidationResult) -> tuple[str, ...]:
        return (str(r.focus_node), str(r.path), str(r.severity), str(r.source_shape))
    assert sorted(map(key, fast)) == sorted(map(key, slow))
    assert any("Jane Carter" in r.message for r in fast)


def test_validate_documents_matches_whole_graph_validation() -> None:
    reference = graph_of(BASE)
    documents = [graph_of(ONE_PARTICIPANT), graph_of(LATE_MEETING)]
    per_document = validate_documents(documents, reference)
    whole = validate_graph(graph_of(BASE, ONE_PARTICIPANT, LATE_MEETING))
    def key(r: ValidationResult) -> tuple[str, ...]:
        return (str(r.focus_node), str(r.path), str(r.severity), r.message)
    assert sorted(map(key, per_document.results)) == sorted(map(key, whole.results))


def test_cli_validate_exit_codes_and_report_file(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(cli, ["validate", str(BASE)], standalone_mode=False)
    assert ok.return_value == 0 and "Conforms: yes" in ok.output
    out = tmp_path / "report" / "validation.ttl"
    bad = runner.invoke(cli, ["validate", str(BASE), str(ONE_PARTICIPANT), "-o", str(out)],
                        standalone_mode=False)
    assert bad.return_value == 1 and "Violations (1):" in bad.output
    assert (None, SH.conforms, None) in Graph().parse(out)
    warned = runner.invoke(cli, ["validate", str(BASE), str(OUT_OF_TERM)], standalone_mode=False)
    assert warned.return_value == 0 and "Warnings (1):" in warned.output
    strict = runner.invoke(cli, ["validate", "--strict", str(BASE), str(OUT_OF_TERM)], standalone_mode=False)
    assert strict.return_value == 1


def test_cli_validate_names_a_malformed_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("<a> <b> .\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(BASE), str(broken)], standalone_mode=False)
    assert result.exception is not None and "broken.ttl" in str(result.exception)
    assert type(result.exception).__name__ == "GraphError"


def test_docs_markdown_is_up_to_date() -> None:
    assert (ROOT / "docs" / "ontology.md").read_text(encoding="utf-8") == ontology_markdown(), \
        "docs/ontology.md is stale: run `kg docs -o docs/ontology.md`"


def test_docs_cover_classes_properties_individuals_and_shapes(tmp_path: Path) -> None:
    out = tmp_path / "ontology.md"
    result = CliRunner().invoke(cli, ["docs", "-o", str(out)], standalone_mode=False)
    assert result.exception is None
    text = out.read_text(encoding="utf-8")
    for expected in ("### rdo:Meeting", "`rdo:participant`", "`rdo:Held`", "`schema:Event`",
                     "min 1; class rdo:Evidence", "## SPARQL rules"):
        assert expected in text, expected


def test_cli_validate_reads_named_graphs(tmp_path: Path) -> None:
    dataset = Dataset()
    dataset.graph(ID["graph/reference"]).parse(BASE, format="turtle")
    dataset.graph(ID["graph/doc"]).parse(ONE_PARTICIPANT, format="turtle")
    trig = tmp_path / "graph.trig"
    dataset.serialize(trig, format="trig")
    result = CliRunner().invoke(cli, ["validate", str(trig)], standalone_mode=False)
    assert result.return_value == 1 and "fewer than two participants" in result.output


def test_reference_data_conforms() -> None:
    files = sorted((ROOT / "reference").glob("*.ttl"))
    if not files:
        pytest.skip("no reference data yet")
    report = validate_graph(graph_of(*files))
    assert report.conforms, report.text()


@pytest.mark.parametrize("files", [("BASE",), ("BASE", "ONE_PARTICIPANT"), ("BASE", "OUT_OF_TERM"),
                                   ("BASE", "ONE_PARTICIPANT", "LATE_MEETING")])
def test_cli_validate_gives_the_same_report_with_either_engine(files: tuple[str, ...]) -> None:
    paths = [str(globals()[name]) for name in files]
    runner = CliRunner()
    fast = runner.invoke(cli, ["validate", *paths], standalone_mode=False)
    reference = runner.invoke(cli, ["validate", "--engine", "pyshacl", *paths], standalone_mode=False)
    assert fast.output == reference.output and fast.return_value == reference.return_value
