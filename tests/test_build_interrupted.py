"""A `kg build` killed with SIGKILL part-way never leaves a truncated output: the previous graph.ttl
and graph.trig stay until the new ones are complete, and every output file there is whole.

Two ways to kill it. At the worst moment, exactly: the build runs in a child process whose
`os.replace` (through which every output must arrive, since outputs are written to a temporary
file and renamed) first truncates the temporary file to half, the state a kill in the middle of
writing leaves, then tells the test and waits to be killed. And from outside, with no seam: the
test kills a plain `kg build` as soon as it sees the build at work in the output folder. Both wait
for their moment by bounded polling, never by sleeping.
"""

from __future__ import annotations

import json
import select
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Dataset, Graph

ROOT = Path(__file__).resolve().parent.parent
PREVIOUS = ROOT / "tests" / "golden" / "au-ph-call.md"   # what the folder held before
CORPUS = ROOT / "seeds"                                    # what the killed build was making
LIMIT_S = 300

# The child: `kg ARGS` whose renaming of TARGET is stopped half-written, for the test to kill it.
PAUSE_AT_RENAME = """
import os, sys
from pathlib import Path

target = sys.argv[1]
real_replace = os.replace

def replace(source, destination, *args, **kwargs):
    if Path(destination).name == target:
        os.truncate(source, os.path.getsize(source) // 2)   # what a kill while writing leaves
        print("paused", source, flush=True)
        sys.stdin.read()                                    # until the test kills this process
    return real_replace(source, destination, *args, **kwargs)

os.replace = replace
sys.argv = ["kg", *sys.argv[2:]]
from kg.cli import main
main()
"""


def kg(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "kg.cli", *map(str, args)]


def complete_build(out: Path, *extra: str | Path) -> dict[str, bytes]:
    subprocess.run(kg("build", PREVIOUS, "-o", out, "-q", "-j", "1", *extra), cwd=ROOT, check=True,
                   capture_output=True, timeout=LIMIT_S)
    return {name: (out / name).read_bytes() for name in ("graph.ttl", "graph.trig")}


def kill_when(process: subprocess.Popen[str], ready: Callable[[], bool]) -> None:
    """SIGKILL the process once `ready()` is true, polling at most LIMIT_S; fail if it ends first."""
    try:
        for _ in range(LIMIT_S * 200):
            if ready():
                break
            try:
                process.wait(timeout=0.005)     # returns at once if the build has ended
            except subprocess.TimeoutExpired:
                continue
            break
    finally:
        process.kill()
        process.wait(timeout=LIMIT_S)
    assert process.returncode == -signal.SIGKILL, "the build ended before it could be killed"


def kill_at_rename(target: str, out: Path, *extra: str | Path) -> Path:
    """Build CORPUS into `out`, killed when it renames its half-written TARGET; that temporary file."""
    process = subprocess.Popen(
        [sys.executable, "-c", PAUSE_AT_RENAME, target, "build", str(CORPUS), "-o", str(out), "-q", "-j", "1",
         *map(str, extra)],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    stdout = process.stdout
    said: list[str] = []

    def paused() -> bool:
        if select.select([stdout], [], [], 0)[0]:
            said.append(stdout.readline())   # "" once the child has ended without pausing
        return bool(said and said[-1].startswith("paused "))

    kill_when(process, paused)
    return Path(said[-1].removeprefix("paused ").strip())


def assert_every_output_is_whole(out: Path) -> None:
    """Each visible file parses: nothing there is cut short. Temporary files are hidden (dot) files."""
    for path in out.iterdir():
        if path.name.startswith("."):
            continue
        if path.suffix == ".ttl":
            Graph().parse(path, format="turtle")
        elif path.suffix == ".trig":
            Dataset().parse(path, format="trig")
        elif path.suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))
        elif path.suffix == ".txt":
            assert path.read_text(encoding="utf-8").endswith("\n"), path.name


@pytest.mark.slow
@pytest.mark.parametrize(("target", "store"),
                         [("graph.ttl", False), ("graph.trig", False), ("graph.ttl", True)],
                         ids=["graph.ttl", "graph.trig", "graph.ttl-from-a-store"])
def test_killed_while_writing_an_output_leaves_the_previous_one(tmp_path: Path, target: str,
                                                                store: bool) -> None:
    out = tmp_path / "out"
    store_args = ("--store", tmp_path / "store") if store else ()
    before = complete_build(out, *store_args)
    half_written = kill_at_rename(target, out, *store_args)
    assert (out / target).read_bytes() == before[target], f"{target} is not the previous one"
    assert half_written.parent == out and half_written.name.startswith(".")   # hidden, beside it
    assert_every_output_is_whole(out)
    if target == "graph.ttl":    # graph.trig is renamed after it: it must not have moved either
        assert (out / "graph.trig").read_bytes() == before["graph.trig"]


@pytest.mark.slow
def test_killed_mid_build_from_outside_leaves_the_previous_graph(tmp_path: Path) -> None:
    out = tmp_path / "out"
    before = complete_build(out)
    existing = set(out.iterdir())
    process = subprocess.Popen(kg("build", CORPUS, "-o", out, "-q", "-j", "1"), cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
    # The build's first trace in the folder (its scratch space or a temporary file) says it is at work.
    kill_when(process, lambda: any(path.name.startswith(".") for path in set(out.iterdir()) - existing))
    assert {name: (out / name).read_bytes() for name in before} == before
    assert_every_output_is_whole(out)


@pytest.mark.slow
def test_a_build_after_a_kill_gives_what_a_clean_build_gives(tmp_path: Path) -> None:
    out, clean = tmp_path / "out", tmp_path / "clean"
    complete_build(out)
    kill_at_rename("graph.ttl", out)
    for folder in (out, clean):
        subprocess.run(kg("build", CORPUS, "-o", folder, "-q", "-j", "1"), cwd=ROOT, check=True,
                       capture_output=True, timeout=LIMIT_S)
    for name in ("graph.ttl", "graph.trig", "build-report.txt"):
        assert (out / name).read_bytes() == (clean / name).read_bytes(), name
    assert_every_output_is_whole(out)


@pytest.mark.slow
def test_a_build_after_a_kill_leaves_no_temporary_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    complete_build(out)
    kill_at_rename("graph.ttl", out)
    complete_build(out)
    assert sorted(path.name for path in out.iterdir() if path.name.startswith(".")) == []
