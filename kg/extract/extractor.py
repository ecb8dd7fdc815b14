"""`extract(document, reference)`: the pure function from one document to what it says happened."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import spacy
from spacy.language import Language

from kg.errors import ReferenceDataError
from kg.extract.dates import find_dates
from kg.extract.issues import IssueTagger
from kg.extract.lexicon import Lexicon, lexicon_for, sentences_of
from kg.extract.meetings import MeetingFinder
from kg.extract.model import DocExtraction, Person, Span
from kg.extract.officials import Mention, OfficialFinder
from kg.extract.treaties import TreatyFinder
from kg.model import Document
from kg.reference.model import ReferenceData


class Extractor:
    """Holds the compiled lexicon and matchers; `__call__` extracts one document."""

    def __init__(self, reference: ReferenceData, *, model: str | None = None) -> None:
        self.lex: Lexicon = lexicon_for(reference)
        self.ner = _load_model(model) if model else None
        self.tagger = IssueTagger(reference.issues.values())
        self.treaties = TreatyFinder(self.lex)
        self.meetings = MeetingFinder(self.lex, self.tagger, self.treaties)

    def __call__(self, document: Document) -> DocExtraction:
        result = DocExtraction(document=document, sha256=document.sha256)
        text = document.text
        with _timed(result, "nlp"):
            doc = self.lex.nlp.make_doc(text)
            sentences = sentences_of(doc, text, self.lex.sentence_final)
        with _timed(result, "officials"):
            names = self._model_names(text) if self.ner is not None else []
            home_country, home_ministry = self._home(document)
            finder = OfficialFinder(
                self.lex, published=document.published, home_country=home_country, home_ministry=home_ministry
            )
            officials = finder.find(doc, sentences, names)
        with _timed(result, "dates"):
            dates = find_dates(text, published=document.published)
        with _timed(result, "meetings"):
            scan = self.meetings.scan(text)
            mentions, statements = self.meetings.mentions(text, sentences, officials, dates, scan)
            speakers = [
                [m.key for m in named if self.meetings.eligible(m, officials)]
                for named in officials.by_sentence(len(sentences))
            ]
            drafts = self.meetings.merge(text, sentences, mentions, statements, speakers, scan)
            for draft in drafts:
                meeting = self.meetings.finish(
                    draft, text, sentences, officials, dates, document.published, result.notes, scan
                )
                if meeting is not None:
                    result.meetings.append(meeting)
        used = {k for m in result.meetings for k in m.participants}
        result.persons = [
            _with_mentions(p, officials.mentions)
            for p in officials.persons.values()
            if p.official or p.key in used
        ]
        result.notes = [f"{document.identifier}: {note}" for note in result.notes]
        return result

    def _home(self, document: Document) -> tuple[str | None, str | None]:
        """The country, and the ministry of it, named in the document's source ("Press Information
        Bureau, Ministry of Defence, India"), when exactly one country is."""
        if not document.source:
            return None, None
        capitals = self.lex.country_capitals
        if capitals is not None and not capitals.search(document.source):
            return None, None  # no country's name can match (and tokenising a URL costs)
        source = self.lex.nlp.make_doc(document.source)
        found = {
            self.lex.country_labels[int(source.vocab.strings[m])]
            for m, _, _ in self.lex.country_matcher(source)
        }
        if len(found) != 1:
            return None, None
        country = found.pop()
        ministries = sorted(
            {
                iri
                for _, _, iri in self.lex.ministry_matcher(source)
                if self.lex.reference.ministries[iri].country == country
            }
        )
        return country, ministries[0] if len(ministries) == 1 else None

    def _model_names(self, text: str) -> list[tuple[int, int]]:
        """Person names found by the user's statistical model: one more source of names."""
        assert self.ner is not None
        return [
            (ent.start_char, ent.end_char) for ent in self.ner(text).ents if ent.label_ in ("PERSON", "PER")
        ]


def _load_model(name: str) -> Language:
    try:
        return spacy.load(name)
    except (OSError, ValueError) as exc:
        raise ReferenceDataError(f"cannot load the spaCy model {name!r}: {exc}") from None


def _with_mentions(person: Person, mentions: list[Mention]) -> Person:
    person.mentions = [Span(m.start, m.end) for m in mentions if m.key == person.key]
    return person


@contextmanager
def _timed(result: DocExtraction, stage: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        result.seconds[stage] = result.seconds.get(stage, 0.0) + time.perf_counter() - start


_EXTRACTORS: dict[tuple[str, str | None], Extractor] = {}


def extractor_for(reference: ReferenceData, model: str | None = None) -> Extractor:
    key = (reference.fingerprint or str(id(reference)), model)
    if key not in _EXTRACTORS:
        _EXTRACTORS[key] = Extractor(reference, model=model)
    return _EXTRACTORS[key]


def extract(document: Document, reference: ReferenceData, *, model: str | None = None) -> DocExtraction:
    """Everything one document says: officials, meetings, dates, issues, treaty stances, evidence.

    `model`: the name or path of an installed spaCy pipeline whose entity recogniser adds person
    names; nothing depends on it."""
    return extractor_for(reference, model)(document)
