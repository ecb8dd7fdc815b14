"""`kg query` as a user types it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner

from kg.cli import cli

SAMPLE = str(Path(__file__).parent / "data" / "sample-graph.ttl")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["query", *args])
    return result.exit_code, result.output


def test_list_shows_every_saved_query_with_description_and_parameters() -> None:
    code, out = run("--list")
    assert code == 0
    assert "meetings-reaffirming-article: Meetings reaffirming a treaty article" in out
    assert "--param article (xsd:integer, default 5)" in out
    names = {p.stem for p in (Path(__file__).parents[1] / "queries").glob("*.rq")}
    assert all(f"{name}:" in out for name in names)  # violation-*.rq too


def test_a_saved_query_with_params_as_json() -> None:
    code, out = run("meetings-reaffirming-article", "--graph", SAMPLE, "--param", "article=5",
                    "--param", "treaty=id:treaty/north-atlantic", "--format", "json")
    assert code == 0
    bindings = json.loads(out)["results"]["bindings"]
    labels = [b["label"]["value"] for b in bindings]
    assert labels == ["Defence ministers' conference in Brussels, 2021-10-21"]


def test_csv_is_the_default_off_a_terminal() -> None:
    code, out = run("officials-by-meetings", "--graph", SAMPLE)
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:2] == ["official", "label"] and len(rows) == 5


def test_table_format() -> None:
    code, out = run("who-met-whom", "--graph", SAMPLE, "--format", "table")
    assert code == 0 and "Okafor" in out and "Brandt" in out and "4 row(s)" in out


def test_inline_sparql_and_a_query_file(tmp_path: Path) -> None:
    sparql = "SELECT ?c WHERE { ?c a rdo:Country } ORDER BY ?c"
    code, out = run("-e", sparql, "--graph", SAMPLE, "--format", "tsv")
    assert code == 0 and out.splitlines()[1] == "<https://w3id.org/readout-kg/id/country/AU>"
    query_file = tmp_path / "count.rq"
    query_file.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?m rdo:participant ?p }", encoding="utf-8")
    code, out = run(str(query_file), "--graph", SAMPLE)
    assert code == 0 and out.splitlines()[1] == "13"


def test_a_syntax_error_is_reported_with_line_and_column() -> None:
    result = CliRunner().invoke(cli, ["query", "-e", "SELECT ?x WHERE {\n ?x }", "--graph", SAMPLE])
    assert result.exit_code != 0
    assert "line 2, column" in str(result.exception)
