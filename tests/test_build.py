"""`kg build` end to end: the seeds' scores, determinism, parallel builds, bad input, golden graphs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kg.namespaces import RDO
from kg.pipeline import build

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"
GOLDEN = Path(__file__).resolve().parent / "golden"
KISHI_MILLER_NOTE = "cannot be right"

# The figures the foundation issue asks of the seeds (../shared/eval/evaluate.py).
THRESHOLDS = {
    "meetings found (required)": 1.0,
    "meetings precision": 0.90,
    "date right": 0.90,
    "issues recall": 0.85,
    "issues precision": 0.85,
    "reaffirms recall": 1.0,
    "reaffirms precision": 1.0,
    "evidence verbatim": 1.0,
    "officials found": 0.95,
    "official country right": 0.95,
    "official ministry right": 0.95,
    "officials unduplicated": 1.0,
}


@pytest.fixture(scope="module")
def seeds_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seeds-out")
    result = build([SEEDS], out, jobs=1)
    assert not result.documents_failed
    return out


def test_seeds_meet_the_issue_thresholds(seeds_out: Path) -> None:
    evaluator = SHARED / "eval" / "evaluate.py"
    gold = SHARED / "gold" / "seeds.yaml"
    if not evaluator.exists():
        pytest.skip(f"the evaluator is not at {evaluator}")
    run = subprocess.run(
        [
            sys.executable,
            str(evaluator),
            "--project",
            str(ROOT),
            "--graph",
            str(seeds_out / "graph.ttl"),
            "--gold",
            str(gold),
            "--docs",
            str(SEEDS),
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    scores = json.loads(run.stdout)
    figures = scores["figures"]
    low = {name: figures.get(name) for name, floor in THRESHOLDS.items() if (figures.get(name) or 0) < floor}
    assert not low, f"below the thresholds: {low}; notes: {scores['notes']}"
    assert scores["article5"]["exact"], scores["article5"]


def test_kishi_miller_call_has_no_date_and_the_report_says_why(seeds_out: Path) -> None:
    graph = Graph().parse(seeds_out / "graph.ttl")
    calls = list(graph.subjects(RDO.reaffirms, None))
    telephone = [m for m in calls if (m, None, RDO.TelephoneTalk) in graph]
    assert len(telephone) == 1
    assert graph.value(telephone[0], RDO.date) is None
    note = str(graph.value(telephone[0], RDO.dateNote))
    assert KISHI_MILLER_NOTE in note and "Miller" in note and "Kishi" in note
    report = (seeds_out / "build-report.txt").read_text()
    assert "14 March" in report and KISHI_MILLER_NOTE in report


def test_the_same_input_gives_byte_identical_files(seeds_out: Path, tmp_path: Path) -> None:
    build([SEEDS], tmp_path, jobs=1)
    for name in ("graph.ttl", "graph.trig"):
        assert (tmp_path / name).read_bytes() == (seeds_out / name).read_bytes(), name


def test_two_processes_give_the_same_graph_as_one(seeds_out: Path, tmp_path: Path) -> None:
    build([SEEDS], tmp_path, jobs=2)
    assert (tmp_path / "graph.ttl").read_bytes() == (seeds_out / "graph.ttl").read_bytes()


def test_trig_holds_one_graph_per_document_and_the_reference_data(seeds_out: Path) -> None:
    dataset = Dataset()
    dataset.parse(seeds_out / "graph.trig", format="trig")
    names = {str(g.identifier) for g in dataset.graphs() if len(g)}
    documents = [n for n in names if "/document/" in n]
    assert len(documents) == len(list(SEEDS.glob("*.txt")))
    assert "https://w3id.org/readout-kg/id/graph/reference" in names


@pytest.mark.parametrize("text", sorted(GOLDEN.glob("*.md")), ids=lambda p: p.stem)
def test_golden_document_graph(text: Path, tmp_path: Path) -> None:
    result = build([text], tmp_path, validate=False)
    (graph,) = result.document_graphs.values()
    expected = Graph().parse(text.with_suffix(".ttl"))
    assert isomorphic(graph, expected), graph.serialize(format="turtle")


def test_bad_input_fails_alone_and_the_batch_goes_on(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "empty.txt").write_text("")
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02 not text")
    (corpus / "lines.jsonl").write_text('{"text": "Nothing happened here."}\nnot json\n')
    shutil.copy(SEEDS / "001_b5aeec6da2fcbcb7.txt", corpus / "good.txt")
    out = tmp_path / "out"
    run = subprocess.run(
        [sys.executable, "-m", "kg.cli", "build", str(corpus), "-o", str(out), "-q"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert run.returncode == 1, run.stderr
    for name in ("empty.txt", "binary.txt", "lines.jsonl#2"):
        assert name in run.stderr
    graph = Graph().parse(out / "graph.ttl")
    assert (None, RDO.participant, URIRef("https://w3id.org/readout-kg/id/person/itsunori-onodera")) in graph
    assert (None, None, Literal("lines.jsonl#1")) in graph


def test_an_interrupted_write_leaves_no_half_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pyoxigraph

    build([GOLDEN / "au-ph-call.md"], tmp_path, validate=False)
    before = (tmp_path / "graph.ttl").read_bytes()
    serialise = pyoxigraph.serialize

    def half_then_fail(statements: object, output: str, *args: object, **kwargs: object) -> None:
        serialise(statements, output, *args, **kwargs)
        with open(output, "r+b") as fh:
            fh.truncate(100)
        raise OSError("disk full")

    monkeypatch.setattr(pyoxigraph, "serialize", half_then_fail)
    with pytest.raises(OSError, match="disk full"):
        build([SEEDS], tmp_path, validate=False)
    assert (tmp_path / "graph.ttl").read_bytes() == before
    assert not list(tmp_path.glob(".*.tmp-*"))
    assert not list(tmp_path.glob(".kg-build-*"))


def test_every_chunk_is_validated_and_planted_faults_are_found() -> None:
    import kg.pipeline as pipeline

    result = build([GOLDEN / "au-ph-call.md"], validate=True)
    assert result.violations == 0
    (iri,) = result.statements
    evidence = f"> <{RDO.evidence}> "
    meeting = next(line.split(" ")[0] for line in result.statements[iri] if f"> <{RDO.participant}> " in line)
    result.statements[iri] = [
        line for line in result.statements[iri] if not (line.startswith(meeting) and evidence in line)
    ]  # a meeting without evidence
    pipeline.validate_result(result)
    assert result.violations >= 1 and meeting.strip("<>") in result.validation_text


# Reports of the same calls by both sides (01/02, 03/04, 33/34) and several meetings in one text
# (35, 42): where the order in which documents come could change what is merged or how it is named.
ORDER_SENSITIVE = ["01_dod_austin_teodoro_call.md", "02_dnd_teodoro_austin_call.txt",
                   "03_mod_nakatani_hegseth_meeting.txt", "04_dod_hegseth_nakatani_call.md",
                   "33_dod_austin_marles_call.md", "34_defence_au_marles_austin_call.md",
                   "35_wire_marles_three_capitals.md", "42_wire_corpus_three_reports.jsonl"]
TEXTS = Path(__file__).resolve().parent / "texts"


def test_another_process_and_hash_seed_give_byte_identical_files(seeds_out: Path, tmp_path: Path) -> None:
    # A fresh process with another PYTHONHASHSEED: set and dict orders that leaked into the output
    # would show here, and not within one process.
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    command = [sys.executable, "-m", "kg.cli", "build", str(SEEDS), "-o", str(tmp_path), "-q", "-j", "2"]
    subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=600)
    for name in ("graph.ttl", "graph.trig", "build-report.txt", "validation.txt"):
        assert (tmp_path / name).read_bytes() == (seeds_out / name).read_bytes(), name


def test_the_same_documents_in_another_order_give_isomorphic_graphs(tmp_path: Path) -> None:
    documents = [*sorted(SEEDS.glob("*.txt")), *(TEXTS / name for name in ORDER_SENSITIVE)]
    forward, backward = tmp_path / "forward", tmp_path / "backward"
    read = build(documents, forward, jobs=1, validate=False).documents_read
    build(documents[::-1], backward, jobs=1, validate=False)
    one, other = Graph().parse(forward / "graph.ttl"), Graph().parse(backward / "graph.ttl")
    assert len(one) > 1000 and isomorphic(one, other)
    named = [_named_graphs(folder / "graph.trig") for folder in (forward, backward)]
    assert named[0].keys() == named[1].keys() and len(named[0]) == read + 1   # and the reference data
    for name, graph in named[0].items():
        assert isomorphic(graph, named[1][name]), name


def _named_graphs(path: Path) -> dict[str, Graph]:
    dataset = Dataset()
    dataset.parse(path, format="trig")
    return {str(g.identifier): g for g in dataset.graphs() if len(g)}
