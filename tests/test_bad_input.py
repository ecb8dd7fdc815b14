"""Bad documents end to end through `kg build`: each fails alone, with one line naming it (and the
line, for JSON Lines) and the reason; the good documents beside it are built; the exit status says
that some failed; no traceback is printed unless `--debug` asks for one.

The corpus is made at test time in a temporary folder: big and odd files (50 MB, a 1 MB line, a
named pipe, a symbolic link loop) are not committed. Most checks share one `kg build` run in a
subprocess (a real process: its exit status and whatever Python itself would print); the cases
that need a seam (a file deleted between listing and reading, an open refused by the OS) run
`kg.cli.main` in this process with a monkeypatch.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

import kg.cli.build as build_cli
import kg.read.paths as reading
from kg.cli import INTERNAL_ERROR, main
from kg.model import Document
from kg.namespaces import RDO
from kg.read import ReadFailure
from kg.read.text import TextReader

ROOT = Path(__file__).resolve().parent.parent
GOOD_SEED = ROOT / "seeds" / "001_b5aeec6da2fcbcb7.txt"   # the Onodera–Mattis meeting of 2018
PERSON = "https://w3id.org/readout-kg/id/person/"
ONODERA = URIRef(PERSON + "itsunori-onodera")
SUBPROCESS_LIMIT_S = 300     # generous bounds: a hang fails the test instead of stalling the suite

# Readouts of meetings that really happened, so that the good documents give meetings to find; each
# file's on a day of its own (two days apart at least: a day apart, two reports are one meeting).
KISHI_AUSTIN = ("Defense Minister Kishi met Secretary Austin in {place} on {day} March 2021. "
                "They reaffirmed Article V of the Japan-U.S. Security Treaty.\n")
MOTEGI_BLINKEN = ("Foreign Minister Motegi spoke with Secretary of State Blinken by telephone "
                  "on 28 January 2021.")
SCRIPTED_MEETING = "Defense Minister Onodera met Secretary Mattis in Paris on 5 May 2018."
ONE_MB = 1 << 20
DEPTH = 10_000


# --- the corpus -----------------------------------------------------------------------------------
def _text(content: str, encoding: str = "utf-8") -> Callable[[Path], None]:
    return lambda path: path.write_bytes(content.encode(encoding))


def _zip(path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readout.txt", KISHI_AUSTIN.format(place="Tokyo", day=28))
    path.write_bytes(buffer.getvalue())


def _fifty_megabytes(path: Path) -> None:
    with path.open("wb") as handle:   # sparse: 50 MB on paper, nothing on disk, made at once
        handle.truncate(50_000_000)


def _deeply_nested(article: str, junk: str = "") -> str:
    return f"<html><body>{article}{'<div>' * DEPTH}{junk}{'</div>' * DEPTH}</body></html>"


def _page_with_scripts(path: Path) -> None:
    article = ("<article><h1>Readout</h1><p>"
               + KISHI_AUSTIN.format(place="Tokyo", day=16) * 2
               + "They discussed the regional security environment.</p></article>")
    scripts = (f'<script>document.write("{SCRIPTED_MEETING}")</script>'
               '<iframe src="https://ads.example.org/frame"></iframe><noscript>Enable scripts</noscript>')
    path.write_text(_deeply_nested(scripts + article, junk="deep junk"), encoding="utf-8")


def _long_line(path: Path) -> None:
    line = KISHI_AUSTIN.format(place="Tokyo", day=20).replace("\n", " ")
    filler = "The weather was fine and nothing else happened that day. "
    path.write_text((line + filler * (ONE_MB // len(filler) + 1))[:ONE_MB], encoding="utf-8")


def _jsonl(path: Path) -> None:
    path.write_text(f'{{"text": "{MOTEGI_BLINKEN}"}}\nthis is not JSON\n{{"title": "no text here"}}\n',
                    encoding="utf-8")


GOOD: dict[str, Callable[[Path], None]] = {
    "good.txt": lambda path: shutil.copy(GOOD_SEED, path),
    "latin1.txt": _text(KISHI_AUSTIN.format(place="Montréal", day=3), "latin-1"),
    "utf16.txt": _text("\ufeff" + KISHI_AUSTIN.format(place="Tokyo", day=12), "utf-16-le"),
    "scripts.html": _page_with_scripts,
    "bad-date.md": _text("---\ntitle: A readout\npublished: the day after the summit\n---\n"
                         + KISHI_AUSTIN.format(place="Tokyo", day=8)),
    "long-line.txt": _long_line,
    "lines.jsonl": _jsonl,     # line 1 is good, lines 2 and 3 are bad
}


@dataclass(frozen=True)
class Bad:
    """A bad input: where its error line points (relative to the corpus) and what it must say."""

    name: str
    says: str
    make: Callable[[Path], None] | None = None   # None: made by another entry (a line of a file)


BAD = [
    Bad("empty.txt", "empty file", _text("")),
    Bad("whitespace.txt", "only whitespace", _text(" \n\t\r\n   \n")),
    Bad("binary.txt", "binary file", lambda path: path.write_bytes(bytes(range(256)) * 16)),
    # Only ASCII in it, no NUL byte: it takes the signature to see that it is no text.
    Bad("renamed-pdf.txt", "PDF document",
        _text("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")),
    Bad("renamed-zip.txt", "ZIP archive", _zip),
    Bad("shift-jis.txt", "save it as UTF-8",
        _text("防衛大臣は国防長官と東京で会談した。日米同盟を確認した。\n", "shift_jis")),
    Bad("huge.txt", "too large: 50,000,000 bytes", _fifty_megabytes),
    Bad("deep-only.html", "nests elements more than 255 deep", lambda path: path.write_text(
        _deeply_nested("", junk=f"<p>{KISHI_AUSTIN.format(place='Tokyo', day=24)}</p>"), encoding="utf-8")),
    Bad("not-yaml.md", "malformed front matter", _text("---\ntitle: [never closed\n---\nThe body.\n")),
    Bad("lines.jsonl#2", "malformed JSON line"),
    Bad("lines.jsonl#3", 'no "text" string'),
    Bad("loop", "symbolic link loop", lambda path: os.symlink(path.parent, path)),
    Bad("dangling.txt", "cannot be read: No such file or directory",
        lambda path: os.symlink(path.parent / "gone.txt", path)),
    Bad("pipe.txt", "not a regular file (a named pipe)", lambda path: os.mkfifo(path)),
]


def make_corpus(folder: Path) -> Path:
    folder.mkdir()
    for name, make in GOOD.items():
        make(folder / name)
    for bad in BAD:
        if bad.make is not None:
            bad.make(folder / bad.name)
    return folder


@dataclass(frozen=True)
class Run:
    status: int
    stdout: str
    stderr: str

    def lines_naming(self, path: Path | str, kind: str = "") -> list[str]:
        """The lines of stderr that name `path`, of one `kind` ("error", "debug") or of any."""
        return [line for line in self.stderr.splitlines()
                if f"{path}:" in line and line.startswith(f"{kind}: " if kind else "")]


def kg_build(*args: str | Path) -> Run:
    done = subprocess.run([sys.executable, "-m", "kg.cli", "build", *map(str, args)], capture_output=True,
                          text=True, cwd=ROOT, timeout=SUBPROCESS_LIMIT_S, check=False)
    return Run(done.returncode, done.stdout, done.stderr)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_corpus(tmp_path_factory.mktemp("bad-input") / "in")


@pytest.fixture(scope="module")
def built(corpus: Path) -> Run:
    return kg_build(corpus, "-o", corpus.parent / "out", "-j", "1")


@pytest.fixture(scope="module")
def graph(built: Run, corpus: Path) -> Graph:
    return Graph().parse(corpus.parent / "out" / "graph.ttl")


# --- the shared run -------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", BAD, ids=lambda bad: bad.name)
def test_each_bad_input_gets_one_line_naming_it_and_why(built: Run, corpus: Path, bad: Bad) -> None:
    lines = built.lines_naming(corpus / bad.name)
    assert len(lines) == 1, f"{bad.name}: {lines}\n{built.stderr}"
    assert lines[0].startswith(f"error: {corpus / bad.name}: "), lines[0]
    assert bad.says in lines[0], lines[0]


def test_no_other_failures_and_no_traceback(built: Run, corpus: Path) -> None:
    named = {line.split(": ", 2)[1] for line in built.stderr.splitlines() if line.startswith("error: ")}
    assert named == {str(corpus / bad.name) for bad in BAD}
    assert "Traceback" not in built.stderr + built.stdout


def test_the_exit_status_says_that_some_failed(built: Run) -> None:
    assert built.status == 1, built.stderr
    assert f"{len(BAD)} failed" in built.stdout or f"{len(BAD) + 1} failed" in built.stdout, built.stdout


def test_the_good_documents_are_built(graph: Graph) -> None:
    identifiers = {str(o) for o in graph.objects(None, DCTERMS.identifier)}
    good = {"good.txt", "latin1.txt", "utf16.txt", "scripts.html", "bad-date.md", "lines.jsonl#1"}
    assert good <= identifiers, identifiers
    assert (None, RDO.participant, ONODERA) in graph
    dates = {o.toPython() for o in graph.objects(None, RDO.date)}
    assert {date(2021, 3, 3), date(2021, 3, 12), date(2021, 3, 16), date(2021, 1, 28)} <= dates, dates


def test_latin1_and_utf16_are_decoded_right(graph: Graph) -> None:
    quotes = {str(o) for o in graph.objects(None, RDO.quote)}
    assert any("in Montréal on 3 March 2021" in quote for quote in quotes), quotes
    assert any("in Tokyo on 12 March 2021" in quote for quote in quotes), quotes


def test_scripts_iframes_and_deep_nesting_leave_only_the_article(graph: Graph, corpus: Path) -> None:
    text = (corpus.parent / "out" / "graph.ttl").read_text(encoding="utf-8")
    assert "Paris" not in text and "Enable scripts" not in text and "deep junk" not in text
    assert date(2018, 5, 5) not in {o.toPython() for o in graph.objects(None, RDO.date)}


def test_a_published_that_is_not_a_date_leaves_the_document_undated(graph: Graph) -> None:
    (document,) = graph.subjects(DCTERMS.identifier, Literal("bad-date.md"))
    assert graph.value(document, DCTERMS.issued) is None


def test_a_published_that_is_not_a_date_gets_a_line(built: Run, corpus: Path) -> None:
    lines = [line for line in built.stderr.splitlines() if "bad-date.md" in line]
    assert len(lines) == 1 and "published" in lines[0] and "the day after the summit" in lines[0], lines


def test_a_one_megabyte_line_is_built(built: Run, graph: Graph) -> None:
    assert (None, DCTERMS.identifier, Literal("long-line.txt")) in graph, built.stderr


def test_a_one_megabyte_line_fails_at_most_with_one_line(built: Run, corpus: Path) -> None:
    assert len(built.lines_naming(corpus / "long-line.txt")) <= 1


# --- --debug ----------------------------------------------------------------------------------------
@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(GOOD_SEED, folder / "good.txt")
    (folder / "binary.txt").write_bytes(bytes(range(256)))
    (folder / "vanishing.txt").write_text(KISHI_AUSTIN.format(place="Tokyo", day=3), encoding="utf-8")
    return folder


def test_debug_shows_the_traceback_behind_a_failure(small_corpus: Path) -> None:
    run = kg_build(small_corpus, "-o", small_corpus.parent / "out", "-j", "1", "--debug")
    assert run.status == 1
    assert len(run.lines_naming(small_corpus / "binary.txt", "error")) == 1
    assert "Traceback" in run.stderr and "kg.errors.InputError" in run.stderr, run.stderr
    assert (None, RDO.participant, ONODERA) in Graph().parse(small_corpus.parent / "out" / "graph.ttl")


# --- in this process, with a seam -----------------------------------------------------------------
def kg_in_process(capsys: pytest.CaptureFixture[str], *args: str | Path) -> Run:
    """`kg ARGS` through the console entry point, in this process."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "argv", ["kg", *map(str, args)])
        with pytest.raises(SystemExit) as exited:
            main()
    out, err = capsys.readouterr()
    return Run(int(exited.value.code or 0), out, err)


def test_a_file_that_vanishes_between_listing_and_reading(
    small_corpus: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    vanishing = small_corpus / "vanishing.txt"
    real_read_file = reading.read_file

    def delete_then_read(path: str | Path, **kwargs: Any) -> Iterator[Document | ReadFailure]:
        if Path(path) == vanishing:
            vanishing.unlink()      # the folder was listed with it; now it is gone
        return real_read_file(path, **kwargs)

    monkeypatch.setattr(reading, "read_file", delete_then_read)
    run = kg_in_process(capsys, "build", small_corpus, "-o", small_corpus.parent / "out", "-j", "1", "-q")
    assert run.status == 1
    (line,) = run.lines_naming(vanishing)
    assert line == f"error: {vanishing}: cannot be read: No such file or directory"
    assert (None, RDO.participant, ONODERA) in Graph().parse(small_corpus.parent / "out" / "graph.ttl")


def test_a_file_the_os_refuses_to_open(
    small_corpus: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # chmod 000 does not stop root, who runs these tests: the refusal is the OS's answer, simulated.
    refused = small_corpus / "vanishing.txt"
    real_open = os.open

    def refuse(path: str | Path, flags: int, *args: Any, **kwargs: Any) -> int:
        if Path(path) == refused:
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    run = kg_in_process(capsys, "build", small_corpus, "-o", small_corpus.parent / "out", "-j", "1", "-q")
    assert run.status == 1
    assert run.lines_naming(refused) == [f"error: {refused}: cannot be read: Permission denied"]
    assert (None, RDO.participant, ONODERA) in Graph().parse(small_corpus.parent / "out" / "graph.ttl")


def test_a_reader_bug_is_one_line_and_its_traceback_only_with_debug(
    small_corpus: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(self: TextReader, path: str | Path) -> None:
        raise ZeroDivisionError("a reader's bug\nover two lines")

    monkeypatch.setattr(TextReader, "read", broken)
    out = small_corpus.parent / "out"
    quiet = kg_in_process(capsys, "build", small_corpus, "-o", out, "-j", "1", "-q")
    loud = kg_in_process(capsys, "build", small_corpus, "-o", out, "-j", "1", "-q", "--debug")
    for run in (quiet, loud):
        assert run.status == 1
        assert run.lines_naming(small_corpus / "good.txt", "error") == [
            f"error: {small_corpus / 'good.txt'}: unexpected error while reading: ZeroDivisionError: "
            "a reader's bug over two lines"]
    assert "Traceback" not in quiet.stderr
    assert "Traceback" in loud.stderr and "in broken" in loud.stderr


def test_a_crash_of_the_build_is_one_line_and_exit_status_3(
    small_corpus: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def crash(*args: object, **kwargs: object) -> None:
        raise MemoryError("out of memory in the merge")

    monkeypatch.setattr(build_cli, "build", crash)
    out = small_corpus.parent / "out"
    quiet = kg_in_process(capsys, "build", small_corpus, "-o", out)
    assert quiet.status == INTERNAL_ERROR
    assert quiet.stderr.splitlines() == ["error: unexpected MemoryError: out of memory in the merge "
                                         "(run `kg --debug ...` to see the traceback)"]
    for flags in (["--debug", "build"], ["build", "--debug"]):
        loud = kg_in_process(capsys, *flags, small_corpus, "-o", out)
        assert loud.status == INTERNAL_ERROR
        assert "Traceback" in loud.stderr and "in crash" in loud.stderr
        assert loud.stderr.splitlines()[-1] == "error: unexpected MemoryError: out of memory in the merge"
