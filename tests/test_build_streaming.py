"""The streaming build: bounded batches, spills, chunked mapping and validation give the same graph."""

from __future__ import annotations

import itertools
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

import kg.pipeline as pipeline
from kg.errors import GraphError
from kg.map.ntriples import Statements, integer, literal
from kg.parallel import Spill, SpillReader, batched, ordered_map

ROOT = Path(__file__).resolve().parent.parent
TEXTS = Path(__file__).resolve().parent / "texts"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seeds and a dozen test texts: several meetings reported by two documents each."""
    folder = tmp_path_factory.mktemp("corpus")
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        shutil.copy(path, folder / path.name)
    texts = [p for p in sorted(TEXTS.iterdir()) if p.suffix in (".txt", ".md")][:12]
    for path in texts:
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(scope="module")
def reference_build(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("one")
    pipeline.build([corpus], out, jobs=1)
    return out


def test_tiny_batches_and_two_processes_write_the_same_bytes(
    corpus: Path, reference_build: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "EXTRACT_BATCH", 1)
    monkeypatch.setattr(pipeline, "MAP_BATCH", 2)  # meetings merged across chunks, validated per chunk
    result = pipeline.build([corpus], tmp_path, jobs=2)
    for name in ("graph.ttl", "graph.trig", "validation.txt", "build-report.txt"):
        assert (tmp_path / name).read_bytes() == (reference_build / name).read_bytes(), name
    assert result.documents_read == len(list(corpus.iterdir()))


def test_a_build_that_keeps_nothing_writes_the_same_graph(
    corpus: Path, reference_build: Path, tmp_path: Path
) -> None:
    result = pipeline.build([corpus], tmp_path, keep=False)
    assert (tmp_path / "graph.ttl").read_bytes() == (reference_build / "graph.ttl").read_bytes()
    with pytest.raises(GraphError, match=r"graph\.ttl"):
        result.graph  # noqa: B018
    assert not list(tmp_path.glob(".kg-build-*")), "the scratch folder is removed"


def test_the_kept_statements_are_the_written_graph(corpus: Path, reference_build: Path) -> None:
    result = pipeline.build([corpus], keep=True)
    written = Graph().parse(reference_build / "graph.ttl")
    assert isomorphic(result.graph, written)
    assert len(result.document_graphs) == len(list(corpus.iterdir())) - _duplicate_texts(corpus)


def _duplicate_texts(folder: Path) -> int:
    texts = [p.read_bytes() for p in folder.iterdir()]
    return len(texts) - len(set(texts))


def test_ordered_map_keeps_order_and_reads_ahead_only_a_window() -> None:
    consumed = itertools.count()
    drawn: list[int] = []

    def items() -> itertools.chain[int]:
        for i in range(100):
            drawn.append(next(consumed))
            yield i

    def double(batch: list[int]) -> list[int]:
        return [2 * i for i in batch]

    with ThreadPoolExecutor(2) as pool:
        results = ordered_map(pool, double, items(), batch=5, window=3)
        first = next(results)
        assert first == 0 and len(drawn) <= 5 * 3  # not the whole input
        assert [first, *results] == [2 * i for i in range(100)]
    assert list(ordered_map(None, double, range(7), batch=3, window=1)) == [2 * i for i in range(7)]
    assert list(batched(range(5), 2)) == [[0, 1], [2, 3], [4]]


def test_spilled_objects_come_back(tmp_path: Path) -> None:
    spill = Spill(tmp_path)
    places = [spill.write({"n": n, "text": "x" * n}) for n in range(50)]
    spill.close()
    reader = SpillReader()
    assert [reader.load(p)["n"] for p in reversed(places)] == list(reversed(range(50)))
    reader.close()
    assert places[3].load() == {"n": 3, "text": "xxx"}


@pytest.mark.parametrize(
    "value",
    ['plain', 'with "quotes"', "back\\slash", "two\nlines\r\n", "tab\tand ünïcödé ✓", "", "<img src=x>"],
)
def test_literals_parse_back_to_the_same_string(value: str) -> None:
    statements = Statements()
    statements.add("<urn:s>", "<urn:p>", literal(value))
    statements.add("<urn:s>", "<urn:p>", literal(value))
    statements.add("<urn:s>", "<urn:n>", integer(-3))
    assert len(statements) == 2
    graph = Graph().parse(data="\n".join(statements.lines()), format="nt")
    assert {str(o) for o in graph.objects()} == {value, "-3"}


def _kg_build(args: list[str], *, terminal: bool) -> str:
    """`kg build ARGS`'s stderr, run on a pseudo-terminal or on a pipe."""
    import os
    import pty
    import subprocess
    import sys

    command = [sys.executable, "-m", "kg.cli", "build", *args]
    if not terminal:
        return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300).stderr
    controller, terminal_fd = pty.openpty()
    process = subprocess.Popen(command, stdin=terminal_fd, stdout=terminal_fd, stderr=terminal_fd, cwd=ROOT)
    os.close(terminal_fd)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the other side closed: the build ended
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=300)
    os.close(controller)
    return b"".join(chunks).decode("utf-8", "replace")


def test_a_terminal_gets_a_progress_bar_with_rate_and_total(corpus: Path, tmp_path: Path) -> None:
    shown = _kg_build([str(corpus), "-o", str(tmp_path / "a"), "--jobs", "1"], terminal=True)
    documents = len(list(corpus.iterdir()))
    assert "docs/s" in shown and f"{documents}/{documents}" in shown and "extracting" in shown
    quiet = _kg_build([str(corpus), "-o", str(tmp_path / "b"), "--jobs", "1", "--quiet"], terminal=True)
    piped = _kg_build([str(corpus), "-o", str(tmp_path / "c"), "--jobs", "1"], terminal=False)
    assert "docs/s" not in quiet and "docs/s" not in piped


def test_chunked_validation_reports_what_the_whole_graph_validation_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unlisted officials and meetings that documents of several chunks speak of are checked with
    everything the merged graph says about them (a country only one report gives, say)."""
    from bench.generate import generate_corpus
    from kg.cli.validate import validate_on_oxigraph

    generate_corpus(tmp_path / "in", 240, 11)
    monkeypatch.setattr(pipeline, "MAP_BATCH", 15)
    result = pipeline.build([tmp_path / "in"], tmp_path / "out", keep=False)
    whole = validate_on_oxigraph((tmp_path / "out" / "graph.ttl",))
    assert result.validation_text.splitlines()[2:] == whole.text().splitlines()[2:]
    assert result.violations == len(whole.violations) and result.validation_text.count("\n  - ") > 10
    from kg.validate.statements import validate_dataset

    again = validate_dataset(tmp_path / "out" / "graph.trig", chunk=15)
    assert again.text().splitlines()[2:] == whole.text().splitlines()[2:]
