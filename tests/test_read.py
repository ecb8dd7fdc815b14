"""The read stage: formats, metadata, bad input as failures, deterministic folder order."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from kg.errors import FormatError, InputError, KGError
from kg.model import Document
from kg.read import (
    Reader,
    ReadFailure,
    get,
    known_formats,
    known_suffixes,
    read_file,
    read_paths,
    register,
    registry,
)
from kg.read.dates import parse_published
from kg.read.text import TextReader

DATA = Path(__file__).parent / "data" / "read"


@pytest.fixture
def scratch_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Registrations made by a test vanish after it."""
    monkeypatch.setattr(registry, "_BY_NAME", dict(registry._BY_NAME))
    monkeypatch.setattr(registry, "_BY_SUFFIX", dict(registry._BY_SUFFIX))


def only_document(name: str) -> Document:
    items = list(read_file(DATA / name))
    assert len(items) == 1 and isinstance(items[0], Document), items
    return items[0]


def only_failure(name: str) -> ReadFailure:
    items = list(read_file(DATA / name))
    assert len(items) == 1 and isinstance(items[0], ReadFailure), items
    return items[0]


# --- registry ---------------------------------------------------------------------------------

def test_registry_knows_every_format_by_name_and_suffix() -> None:
    assert known_formats() == ["html", "jsonl", "markdown", "text"]
    assert set(known_suffixes()) >= {".txt", ".md", ".html", ".htm", ".jsonl"}
    assert get("text") is TextReader


def test_unknown_format_name_lists_the_known_ones() -> None:
    with pytest.raises(FormatError) as raised:
        get("pdf")
    assert isinstance(raised.value, KGError)
    assert "'pdf'" in str(raised.value) and "html, jsonl, markdown, text" in str(raised.value)


def test_unknown_suffix_given_explicitly_is_a_failure_listing_the_suffixes() -> None:
    failure = only_failure("notes.docx")
    assert failure.path.endswith("notes.docx")
    assert "'.docx'" in failure.reason and ".jsonl" in failure.reason


class _ShoutReader(Reader):
    name = "shout"
    suffixes = (".shout",)

    def read(self, path: str | Path) -> Iterator[Document]:
        yield Document(identifier=Path(path).name, text=Path(path).read_text().upper(), path=str(path))


@pytest.mark.usefixtures("scratch_registry")
def test_a_registered_reader_is_used_for_its_suffix(tmp_path: Path) -> None:
    register("shout", __name__, "_ShoutReader", (".shout",))
    (tmp_path / "x.shout").write_text("hello")
    assert [d.text for d in read_paths([tmp_path]) if isinstance(d, Document)] == ["HELLO"]


# --- plain text and front matter --------------------------------------------------------------

def test_plain_text_strips_bom_and_normalises_newlines() -> None:
    document = only_document("bom_crlf.txt")
    assert document.identifier == "bom_crlf.txt"
    assert document.text == "Readout of a fictional call.\nMinister A spoke with Minister B yesterday.\n"
    assert document.published is None and document.meta["encoding"] == "utf-8"


def test_front_matter_gives_fields_and_the_body_is_the_text() -> None:
    document = only_document("front.md")
    assert document.title == "Joint statement on a fictional defence ministers' meeting"
    assert document.source == "https://defence.example.org/joint-statement"
    assert document.published == date(2023, 6, 1)
    assert document.language == "en"
    assert document.text == ("Minister A and Minister B met in the capital today.\n"
                             "They agreed to meet again next year.\n")
    assert document.meta["tags"] == '["fictional", "test"]'


def test_body_offset_locates_the_body_in_the_file() -> None:
    document = only_document("front.md")
    raw = (DATA / "front.md").read_text(encoding="utf-8")
    offset = int(document.meta["body_offset"])
    assert raw[offset:] == document.text
    assert document.text.index("today") == raw.index("today") - offset


@pytest.mark.parametrize(("name", "expected"), [
    ("front_datetime.txt", date(2024, 2, 15)),
    ("front_wordy_date.md", date(2023, 6, 1)),
])
def test_published_may_be_a_datetime_or_a_written_date(name: str, expected: date) -> None:
    assert only_document(name).published == expected


@pytest.mark.parametrize(("name", "why"), [
    ("front_bad_date.md", "not a full date"),
    ("front_ambiguous_date.md", "ambiguous"),
])
def test_an_unreadable_published_is_absent_and_explained(name: str, why: str) -> None:
    document = only_document(name)
    assert document.published is None
    assert why in document.meta["published_error"]


@pytest.mark.parametrize(("name", "why"), [
    ("front_malformed.md", "malformed front matter"),
    ("front_unclosed.md", "never closed"),
    ("front_list.md", "expected 'key: value' lines"),
    ("front_only.md", "nothing after the front matter"),
])
def test_bad_front_matter_is_a_failure(name: str, why: str) -> None:
    assert why in only_failure(name).reason


@pytest.mark.parametrize(("value", "expected"), [
    ("2023-06-01", date(2023, 6, 1)),
    ("June 1, 2023", date(2023, 6, 1)),
    ("1 June 2023", date(2023, 6, 1)),
    ("2023-06-01T23:30:00-04:00", date(2023, 6, 1)),   # the publisher's date, not UTC's
    (date(2020, 2, 29), date(2020, 2, 29)),
])
def test_parse_published(value: object, expected: date) -> None:
    assert parse_published(value) == expected


@pytest.mark.parametrize("value", ["June 2023", "2023", 2023, "", "13/13/2023"])
def test_parse_published_refuses_partial_dates(value: object) -> None:
    with pytest.raises(ValueError):
        parse_published(value)


# --- bad input --------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "why"), [
    ("empty.txt", "empty file"),
    ("whitespace.txt", "only whitespace"),
    ("binary.txt", "not text: the file is a PNG image"),
    ("controls.txt", "binary file"),
    ("bad_encoding.txt", "not UTF-8"),
    ("empty.jsonl", "empty"),
])
def test_bad_input_is_a_failure_naming_the_problem(name: str, why: str) -> None:
    failure = only_failure(name)
    assert failure.path.endswith(name) and why in failure.reason
    assert str(failure) == f"{failure.path}: {failure.reason}"


def test_utf16_with_a_byte_order_mark_is_decoded() -> None:
    document = only_document("utf16.txt")
    assert document.text == "Hi"
    assert document.meta["encoding"] == "utf-16-le" and "byte order mark" in document.meta["encoding_note"]


def test_latin1_falls_back_to_cp1252_and_says_so() -> None:
    document = only_document("latin1.txt")
    assert "Café" in document.text and "Montréal" in document.text
    assert document.meta["encoding"] == "cp1252"
    assert "0xe9" in document.meta["encoding_note"]


def test_too_large_is_refused_before_reading() -> None:
    items = list(read_file(DATA / "front.md", max_bytes=100))
    assert len(items) == 1 and isinstance(items[0], ReadFailure)
    assert "too large" in items[0].reason and "100" in items[0].reason


def test_strict_read_raises_input_error() -> None:
    with pytest.raises(InputError) as raised:
        list(TextReader().read(DATA / "empty.txt"))
    assert raised.value.path.endswith("empty.txt")


def test_missing_file_is_a_failure(tmp_path: Path) -> None:
    items = list(read_paths([tmp_path / "absent.txt"]))
    assert len(items) == 1 and isinstance(items[0], ReadFailure) and "cannot be read" in items[0].reason


@pytest.mark.usefixtures("scratch_registry")
def test_a_crashing_reader_does_not_stop_the_batch(tmp_path: Path) -> None:
    register("boom", __name__, "_BoomReader", (".boom",))
    (tmp_path / "a.boom").write_text("x")
    (tmp_path / "b.txt").write_text("still read")
    items = list(read_paths([tmp_path]))
    assert isinstance(items[0], ReadFailure) and "RuntimeError" in items[0].reason
    assert isinstance(items[1], Document) and items[1].text == "still read"


class _BoomReader(Reader):
    name = "boom"
    suffixes = (".boom",)

    def read(self, path: str | Path) -> Iterator[Document]:
        raise RuntimeError("reader bug")


# --- JSON Lines -------------------------------------------------------------------------------

def test_jsonl_reads_good_lines_and_reports_bad_ones() -> None:
    items = list(read_file(DATA / "corpus.jsonl"))
    documents = [i for i in items if isinstance(i, Document)]
    failures = {Path(i.path).name: i.reason for i in items if isinstance(i, ReadFailure)}
    assert [d.identifier for d in documents] == ["corpus.jsonl#1", "corpus.jsonl#4", "corpus.jsonl#8"]
    assert set(failures) == {"corpus.jsonl#3", "corpus.jsonl#5", "corpus.jsonl#6", "corpus.jsonl#7"}
    assert "malformed JSON line" in failures["corpus.jsonl#3"]
    assert "expected an object" in failures["corpus.jsonl#5"]
    assert "no \"text\"" in failures["corpus.jsonl#6"]
    first, second, eighth = documents
    assert (first.title, first.source, first.published, first.language) == (
        "First", "https://example.org/1", date(2024, 1, 10), "en")
    assert first.meta["id"] == "a-1"
    assert second.published == date(2024, 1, 12)
    assert eighth.text == "Line eight: Minister E spoke with Minister F.\nSecond line."


# --- HTML -------------------------------------------------------------------------------------

def test_html_main_text_without_boilerplate() -> None:
    document = only_document("page.html")
    text = document.text
    assert "spoke by telephone yesterday with Deputy Minister Ines Korrapati" in text
    assert "meet in person later this year" in text
    for boilerplate in ("Careers", "Share on Facebook", "ADVERTISEMENT", "tactical boots",
                        "Reader123", "worst decision", "Privacy policy"):
        assert boilerplate not in text, boilerplate
    assert text.count("Photo: Example Defence Portal photo desk") == 1   # the repeat is dropped


def test_html_metadata_prefers_meta_tags() -> None:
    document = only_document("page.html")
    assert document.title == "Readout of Minister Aldo Verhoeven's Call With Deputy Minister Ines Korrapati"
    assert document.published == date(2024, 3, 5)      # article:published_time, its own time zone
    assert document.meta["published_from"] == "meta"
    assert document.source == "https://defence.example.org/news/readout-verhoeven-korrapati"
    assert document.language == "en-US"


def test_html_date_from_json_ld_graph_and_title_from_title_element() -> None:
    document = only_document("page_jsonld.htm")
    assert document.published == date(2023, 11, 14)
    assert document.meta["published_from"] == "json-ld"
    assert document.title == "Defence ministers meet in a fictional capital"


def test_html_date_from_time_element() -> None:
    document = only_document("page_time.html")
    assert document.published == date(2024, 2, 9) and document.meta["published_from"] == "time"
    assert document.language == "fr"


def test_html_reading_never_opens_a_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the HTML reader tried to use the network")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    for name in ("page.html", "page_jsonld.htm", "page_time.html"):
        assert only_document(name).text


# --- folders ----------------------------------------------------------------------------------

def test_folders_are_read_recursively_sorted_skipping_hidden_and_unknown() -> None:
    items = list(read_paths([DATA / "folder"]))
    assert all(isinstance(i, Document) for i in items)
    assert [Path(i.path).relative_to(DATA / "folder").as_posix() for i in items] == [
        "a.md", "b.txt", "sub/a.txt"]


def test_the_same_file_given_twice_is_read_once() -> None:
    items = list(read_paths([DATA / "folder" / "b.txt", DATA / "folder"]))
    assert [Path(i.path).name for i in items] == ["b.txt", "a.md", "a.txt"]


def test_identifier_is_the_file_name_not_the_path() -> None:
    assert only_document("folder/sub/a.txt").identifier == "a.txt"


def test_html_without_main_text_is_a_failure() -> None:
    assert "no main text" in only_failure("page_no_text.html").reason


def test_unreadable_file_is_a_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests run as root, whom chmod 000 does not stop: the refusal is the OS's, simulated.
    real_open = os.open

    def refuse(path: str | Path, flags: int, *args: Any, **kwargs: Any) -> int:
        if Path(path).name == "front.md":
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    failure = only_failure("front.md")
    assert failure.reason == "cannot be read: Permission denied"


def test_strict_jsonl_read_stops_at_the_first_bad_line() -> None:
    from kg.read.jsonl import JsonLinesReader

    reader = JsonLinesReader().read(DATA / "corpus.jsonl")
    assert next(reader).identifier == "corpus.jsonl#1"
    with pytest.raises(InputError) as raised:
        next(reader)
    assert raised.value.path.endswith("corpus.jsonl#3")


def test_html_declared_charset_is_used_when_not_utf8() -> None:
    document = only_document("page_shift_jis.html")
    assert document.text.startswith("防衛大臣は国防長官と電話会談を行い")
    assert document.meta["encoding"] == "shift_jis"


def test_text_repeated_across_pages_is_kept_on_each(tmp_path: Path) -> None:
    for name in ("one.html", "two.html"):
        (tmp_path / name).write_bytes((DATA / "page.html").read_bytes())
    texts = [d.text for d in read_paths([tmp_path]) if isinstance(d, Document)]
    assert len(texts) == 2 and texts[0] == texts[1]
    assert "Photo: Example Defence Portal photo desk" in texts[1]


# --- what a file really is ----------------------------------------------------------------------
SIGNATURES = yaml.safe_load((Path(__file__).parent.parent / "kg" / "read" / "data" / "signatures.yaml")
                            .read_text(encoding="utf-8"))


@pytest.mark.parametrize("signature", SIGNATURES, ids=lambda entry: entry["name"])
def test_a_known_binary_format_renamed_txt_is_refused_by_name(signature: dict[str, str],
                                                              tmp_path: Path) -> None:
    path = tmp_path / "renamed.txt"
    path.write_bytes(bytes.fromhex(signature["hex"]) + b" and then some ASCII text, as a PDF may hold\n")
    (failure,) = read_file(path)
    assert isinstance(failure, ReadFailure) and failure.reason == f"not text: the file is {signature['name']}"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_with_a_byte_order_mark_are_decoded(codec: str, tmp_path: Path) -> None:
    path = tmp_path / "marked.txt"
    path.write_bytes(("\ufeffMinister A met Minister B in Montréal.\r\n").encode(codec))
    (document,) = read_file(path)
    assert isinstance(document, Document) and document.text == "Minister A met Minister B in Montréal.\n"
    assert document.meta["encoding"] == codec


@pytest.mark.parametrize(("text", "codec"), [
    ("Министр обороны встретился с коллегой в Москве.", "cp1251"),   # all of it decodes as cp1252
    ("東京で会談", "shift_jis"),                                         # so does this
])
def test_a_legacy_encoding_is_refused_not_turned_into_mojibake(text: str, codec: str, tmp_path: Path) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes(text.encode(codec))
    path.read_bytes().decode("cp1252")     # the trap: cp1252 takes these bytes without complaint
    (failure,) = read_file(path)
    assert isinstance(failure, ReadFailure) and "legacy encoding" in failure.reason


def test_a_named_pipe_is_refused_at_once_instead_of_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")     # nothing ever writes to it: opening it to read would block
    (failure,) = read_paths([tmp_path])
    assert isinstance(failure, ReadFailure) and failure.reason.startswith("not a regular file (a named pipe)")


def test_a_folder_named_like_a_file_is_refused_when_named(tmp_path: Path) -> None:
    (tmp_path / "x.txt").mkdir()
    (failure,) = read_file(tmp_path / "x.txt")
    assert isinstance(failure, ReadFailure) and failure.reason.startswith("not a regular file (a folder)")


# --- folders with symbolic links --------------------------------------------------------------------
def test_a_symbolic_link_loop_is_one_failure_and_every_file_is_read_once(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("A text.")
    os.symlink(tmp_path, tmp_path / "sub" / "up")         # back to the top: a loop
    os.symlink(tmp_path / "sub", tmp_path / "again")      # the same folder by a second name
    os.symlink("self.txt", tmp_path / "self.txt")         # a link to itself
    items = list(read_paths([tmp_path]))
    assert [i.identifier for i in items if isinstance(i, Document)] == ["a.txt"]
    failures = {Path(i.path).relative_to(tmp_path).as_posix(): i.reason
                for i in items if isinstance(i, ReadFailure)}
    assert failures.keys() == {"sub/up", "self.txt"}
    assert failures["sub/up"].startswith("symbolic link loop: it leads back to ")
    assert failures["self.txt"] == "cannot be read: Too many levels of symbolic links"


def test_a_linked_folder_is_followed(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "b.txt").write_text("B text.")
    (tmp_path / "in").mkdir()
    os.symlink(tmp_path / "elsewhere", tmp_path / "in" / "linked")
    assert [i.identifier for i in read_paths([tmp_path / "in"]) if isinstance(i, Document)] == ["b.txt"]


def test_a_file_name_that_is_not_utf8_becomes_printable(tmp_path: Path) -> None:
    with open(os.path.join(os.fsencode(tmp_path), b"caf\xe9.txt"), "wb") as handle:
        handle.write(b"A text.")
    (document,) = read_paths([tmp_path])
    assert isinstance(document, Document) and document.identifier == "caf\\xe9.txt"
    assert document.path.endswith("caf\\xe9.txt")


# --- JSON Lines, line by line -----------------------------------------------------------------------
def test_a_jsonl_line_over_the_limit_is_skipped_and_the_count_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    path.write_text('{"text": "First."}\n{"text": "' + "x" * 5000 + '"}\n{"text": "Third."}\n')
    items = list(read_file(path, max_bytes=1000))
    assert [getattr(i, "identifier", None) or i.path.rsplit("/", 1)[1] for i in items] == [
        "big.jsonl#1", "big.jsonl#2", "big.jsonl#3"]
    assert isinstance(items[1], ReadFailure)
    assert items[1].reason == "too large: 5,013 bytes (the limit is 1,000)"   # the whole line, newline too


@pytest.mark.parametrize(("line", "why"), [
    ('{"text": "x", "deep": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
    ('{"text": "Minister A \\ud800 met Minister B."}', "lone surrogate"),
    ('{"text": "A.", "title": "\\udfff"}', "'title' holds U+DFFF"),
])
def test_a_bad_jsonl_line_fails_alone(line: str, why: str, tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(line + '\n{"text": "The next line."}\n')
    first, second = read_file(path)
    assert isinstance(first, ReadFailure) and first.path.endswith("c.jsonl#1") and why in first.reason
    assert isinstance(second, Document) and second.identifier == "c.jsonl#2"


def test_a_utf16_jsonl_file_is_refused_whole(tmp_path: Path) -> None:
    path = tmp_path / "u.jsonl"
    path.write_bytes('\ufeff{"text": "One."}\n{"text": "Two."}\n'.encode("utf-16-le"))
    (failure,) = read_file(path)
    assert isinstance(failure, ReadFailure)
    assert failure.reason.startswith("UTF-16 text: JSON Lines must be UTF-8")


# --- HTML nested past the parser's depth ------------------------------------------------------------
ARTICLE = ("<article><p>" + "Fictional Minister A met Fictional Minister B in the capital to discuss "
           "maritime security and the coming exercises, according to the ministry. " * 3 + "</p></article>")


def test_html_deeper_than_the_parser_reads_keeps_what_lies_above(tmp_path: Path) -> None:
    path = tmp_path / "deep.html"
    path.write_text(f"<html><body>{ARTICLE}{'<div>' * 10_000}lost{'</div>' * 10_000}</body></html>")
    document = only_document_at(path)
    assert "maritime security" in document.text and "lost" not in document.text
    assert "more than 255 deep" in document.meta["html_note"]


def test_html_with_nothing_above_the_depth_limit_says_why_it_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "deep.html"
    path.write_text(f"<html><body>{'<div>' * 10_000}{ARTICLE}{'</div>' * 10_000}</body></html>")
    (failure,) = read_file(path)
    assert isinstance(failure, ReadFailure) and "no main text" in failure.reason
    assert "more than 255 deep" in failure.reason


def test_absurdly_nested_json_ld_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "ld.html"
    ld = '{"datePublished": "2024-01-02", "x": ' + "[" * 50_000 + "]" * 50_000 + "}"
    path.write_text(f'<html><head><script type="application/ld+json">{ld}</script></head>'
                    f"<body>{ARTICLE}</body></html>")
    assert "maritime security" in only_document_at(path).text


def only_document_at(path: Path) -> Document:
    items = list(read_file(path))
    assert len(items) == 1 and isinstance(items[0], Document), items
    return items[0]


def test_a_front_matter_error_names_the_line_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "f.md"
    path.write_text("---\ntitle: fine\nbad: @x\n---\nBody.\n")
    (failure,) = read_file(path)
    assert isinstance(failure, ReadFailure) and failure.reason.endswith("(line 3)")
