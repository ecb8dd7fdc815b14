"""`kg build --store`: incremental builds, crash safety, and one node per meeting as documents come and go."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bench.generate import generate_corpus
from kg.pipeline import build
from kg.store import open_store

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = 120
KILL_AFTER = 25

CALL_BY_ONE_SIDE = """---
title: Readout of the Defence Minister's call
published: 2024-03-05
---
Australian Defence Minister Richard Marles spoke by phone on Monday with Philippine Secretary of
National Defense Gilberto Teodoro about maritime security in the South China Sea.
"""
CALL_BY_THE_OTHER_SIDE = """---
title: Secretary Teodoro holds call with Australian counterpart
published: 2024-03-05
---
Secretary of National Defense Gilberto Teodoro held a telephone conversation on Tuesday with
Deputy Prime Minister Richard Marles of Australia on the situation in the South China Sea.
"""


def kg_build(corpus: Path, store: Path, out: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "kg.cli",
        "build",
        str(corpus),
        "-o",
        str(out),
        "--store",
        str(store),
        "--jobs",
        "1",
        "--no-validate",
        "--quiet",
        "--log-stored",
    ]


def canonical_quads(store_dir: Path, out: Path) -> tuple[list[str], int]:
    """The store's quads, sorted; those with blank nodes (the ontology's OWL lists) only counted,
    since blank node labels differ from one load to the next."""
    with open_store(store_dir, read_only=True) as store:
        lines = store.export(out, "nquads").read_text(encoding="utf-8").splitlines()
    named = sorted(line for line in lines if " _:" not in line and not line.startswith("_:"))
    return named, len(lines) - len(named)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    generate_corpus(folder, DOCUMENTS, seed=11)
    return folder


@pytest.mark.slow
def test_kill_midway_then_rerun_gives_the_uninterrupted_store(corpus: Path, tmp_path: Path) -> None:
    killed, clean = tmp_path / "killed", tmp_path / "clean"
    process = subprocess.Popen(
        kg_build(corpus, killed, tmp_path / "out1"), stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    assert process.stdout is not None
    stored = 0
    try:
        for line in process.stdout:  # ends when the build exits, so the loop is bounded
            if line.startswith("stored "):
                stored += 1
                if stored >= KILL_AFTER:
                    process.send_signal(signal.SIGKILL)
                    break
    finally:
        process.wait(timeout=120)
    assert process.returncode == -signal.SIGKILL, "the build finished before it could be killed"

    with open_store(killed, read_only=True) as store:  # readable, and holds only whole documents
        hashes = store.document_hashes()
        assert KILL_AFTER <= len(hashes) < DOCUMENTS

    for store_dir, out in ((killed, tmp_path / "out2"), (clean, tmp_path / "out3")):
        done = subprocess.run(
            kg_build(corpus, store_dir, out),
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    assert canonical_quads(killed, tmp_path / "k.nq") == canonical_quads(clean, tmp_path / "c.nq")


def test_unchanged_documents_are_skipped_and_a_changed_one_replaced(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "a.md").write_text(CALL_BY_ONE_SIDE, encoding="utf-8")
    store = tmp_path / "store"
    first = build([corpus], tmp_path / "out", store_dir=store, validate=False)
    assert first.documents_read == 1 and not first.skipped
    again = build([corpus], tmp_path / "out", store_dir=store, validate=False)
    assert again.skipped == ["a.md"]

    (corpus / "a.md").write_text(
        CALL_BY_ONE_SIDE.replace("maritime security", "cyber security"), encoding="utf-8"
    )
    changed = build([corpus], tmp_path / "out", store_dir=store, validate=False)
    assert not changed.skipped
    with open_store(store, read_only=True) as opened:
        assert len(opened.documents()) == 1  # the old version of a.md is gone


def test_the_same_call_built_in_two_runs_is_one_meeting(tmp_path: Path) -> None:
    """Two governments' reports a day apart (time zones), built one after the other."""
    store = tmp_path / "store"
    for name, text in (("au.md", CALL_BY_ONE_SIDE), ("ph.md", CALL_BY_THE_OTHER_SIDE)):
        folder = tmp_path / name.removesuffix(".md")
        folder.mkdir()
        (folder / name).write_text(text, encoding="utf-8")
        build([folder], None, store_dir=store, validate=False)
    with open_store(store, read_only=True) as opened:
        rows = opened.query("""PREFIX rdo: <https://w3id.org/readout-kg/ontology#>
            SELECT DISTINCT ?m WHERE { ?m rdo:participant ?p }""")
        assert len(rows) == 1


def test_kg_remove_drops_one_document(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "a.md").write_text(CALL_BY_ONE_SIDE, encoding="utf-8")
    (corpus / "b.md").write_text(CALL_BY_THE_OTHER_SIDE, encoding="utf-8")
    store = tmp_path / "store"
    build([corpus], None, store_dir=store, validate=False)
    done = subprocess.run(
        [sys.executable, "-m", "kg.cli", "remove", "a.md", "--store", str(store)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    with open_store(store, read_only=True) as opened:
        assert [d.identifier for d in opened.documents()] == ["b.md"]


@pytest.mark.server
def test_push_then_kg_query_endpoint_answers_like_the_store(tmp_path: Path) -> None:
    """The seeds built into a store, pushed to a real Oxigraph server, queried with --endpoint."""
    from kg.store.servers import OxigraphServer, oxigraph_binary

    if oxigraph_binary() is None:
        pytest.skip("the oxigraph server binary (PyPI package oxigraph) is not installed")
    store = tmp_path / "store"
    build([ROOT / "seeds"], None, store_dir=store, validate=False)
    with OxigraphServer(location=tmp_path / "server", union_default_graph=True) as server:
        push = subprocess.run(
            [sys.executable, "-m", "kg.cli", "push", "--endpoint", server.query_url, "--store", str(store)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )
        assert push.returncode == 0, push.stderr
        answers = []
        for source in (["--endpoint", server.query_url], ["--store", str(store)]):
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "kg.cli",
                    "query",
                    "meetings-reaffirming-article",
                    "--format",
                    "csv",
                    *source,
                ],
                capture_output=True,
                text=True,
                cwd=ROOT,
                check=False,
            )
            assert done.returncode == 0, done.stderr
            answers.append(sorted(line.split(",")[0] for line in done.stdout.splitlines()[1:]))
    assert answers[0] == answers[1] and len(answers[0]) == 3
