"""Crash safety: a build killed with SIGKILL midway leaves the store readable, and a rerun ends
with the same store as an uninterrupted build.

The writer is `python -m kg.store.synthetic` (one transaction per document, like `kg build
--store`); swap `writer_command` for `kg build ... --store DIR` once the build writes to stores.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kg.store import open_store
from kg.store.synthetic import synthetic_document

DOCUMENTS = 300
KILL_AFTER = 60


def writer_command(store_dir: Path) -> list[str]:
    return [sys.executable, "-m", "kg.store.synthetic", str(store_dir), str(DOCUMENTS)]


def run_to_completion(store_dir: Path) -> None:
    done = subprocess.run(writer_command(store_dir), capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr


def kill_midway(store_dir: Path) -> int:
    """Start the writer, SIGKILL it once it has reported KILL_AFTER documents; how many it reported."""
    process = subprocess.Popen(writer_command(store_dir), stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    reported = 0
    try:
        for line in process.stdout:  # ends when the writer exits, so the loop is bounded
            if line.startswith("wrote"):
                reported += 1
                if reported >= KILL_AFTER:
                    process.send_signal(signal.SIGKILL)
                    break
    finally:
        process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, "the writer finished before it could be killed"
    return reported


def canonical_quads(store_dir: Path, out: Path) -> list[str]:
    with open_store(store_dir, read_only=True) as store:
        return sorted(store.export(out, "nquads").read_text(encoding="utf-8").splitlines())


@pytest.mark.slow
def test_kill_and_rerun_ends_like_an_uninterrupted_build(tmp_path: Path) -> None:
    killed, clean = tmp_path / "killed", tmp_path / "clean"
    reported = kill_midway(killed)

    with open_store(killed, read_only=True) as store:      # readable after the kill
        hashes = store.document_hashes()
        assert reported <= len(hashes) < DOCUMENTS
        for index in range(len(hashes)):                  # every stored document is whole
            iri, _, _, graph = synthetic_document(index)
            if iri in hashes:
                count = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}")
                assert int(str(count.rows[0][0])) == len(graph)

    run_to_completion(killed)
    run_to_completion(clean)
    assert canonical_quads(killed, tmp_path / "killed.nq") == canonical_quads(clean, tmp_path / "clean.nq")


def test_rerun_of_a_complete_store_writes_nothing(tmp_path: Path) -> None:
    from kg.store.synthetic import write_documents

    assert write_documents(tmp_path / "s", 20) == 20
    assert write_documents(tmp_path / "s", 20) == 0
