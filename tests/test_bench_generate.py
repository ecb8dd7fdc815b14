"""The benchmark's corpus generator: deterministic, prefix-stable, and yielding valid documents."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from bench.generate import MAX_WORDS, MIN_WORDS, generate_corpus, iter_documents

N = 40


def split_front_matter(text: str) -> tuple[dict[str, object], str]:
    assert text.startswith("---\n")
    front, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(front), body


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return generate_corpus(tmp_path_factory.mktemp("corpus"), N, seed=11)


def test_same_seed_gives_the_same_bytes(corpus: list[Path], tmp_path: Path) -> None:
    again = generate_corpus(tmp_path, N, seed=11)
    assert [p.name for p in again] == [p.name for p in corpus]
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in corpus]


def test_a_smaller_corpus_is_a_prefix_of_a_larger_one() -> None:
    assert list(iter_documents(5, seed=11)) == list(iter_documents(12, seed=11))[:5]


def test_another_seed_gives_other_documents() -> None:
    assert set(iter_documents(10, seed=1)).isdisjoint(iter_documents(10, seed=2))


def test_every_document_has_front_matter_and_400_to_600_words(corpus: list[Path]) -> None:
    for path in corpus:
        front, body = split_front_matter(path.read_text(encoding="utf-8"))
        assert isinstance(front["title"], str) and front["title"]
        assert str(front["source"]).startswith("https://")
        assert isinstance(front["published"], dt.date)
        assert MIN_WORDS <= len(body.split()) <= MAX_WORDS, path.name


def test_documents_are_distinct_and_varied(corpus: list[Path]) -> None:
    texts = [p.read_text(encoding="utf-8") for p in corpus]
    assert len(set(texts)) == len(texts)
    meeting_sentences = {line for t in texts for line in t.splitlines()
                         if " met " in line or "telephone" in line or "video" in line}
    assert len(meeting_sentences) > N // 4


def test_some_documents_reaffirm_a_treaty_article() -> None:
    texts = list(iter_documents(200, seed=3))
    assert any("Security Treaty" in t and "Senkaku" in t for t in texts)
    assert any("North Atlantic Treaty" in t or "Washington Treaty" in t for t in texts)


def test_the_project_reader_accepts_the_documents(corpus: list[Path]) -> None:
    read = pytest.importorskip("kg.read")
    documents = [item for path in corpus[:10] for item in read.read_file(path)]
    assert len(documents) == 10
    for document in documents:
        assert not isinstance(document, read.ReadFailure), document
        assert document.published is not None
        assert document.title
        assert document.source.startswith("https://")
        assert not document.text.startswith("---")
