"""`extract(document, reference)`: the pure function from one document to what it says happened."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

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

    def __init__(self, reference: ReferenceData) -> None:
        self.lex: Lexicon = lexicon_for(reference)
        self.tagger = IssueTagger(reference.issues.values())
        self.treaties = TreatyFinder(self.lex)
        self.meetings = MeetingFinder(self.lex, self.tagger, self.treaties)

    def __call__(self, document: Document) -> DocExtraction:
        result = DocExtraction(document=document, sha256=document.sha256)
        text = document.text
        with _timed(result, "nlp"):
            doc = self.lex.nlp(text)
            sentences = sentences_of(doc)
        with _timed(result, "officials"):
            officials = OfficialFinder(self.lex, published=document.published).find(doc, sentences)
        with _timed(result, "dates"):
            dates = find_dates(text, published=document.published)
        with _timed(result, "meetings"):
            mentions, statements = self.meetings.mentions(text, sentences, officials, document.published)
            drafts = self.meetings.merge(text, sentences, mentions, statements)
            for draft in drafts:
                meeting = self.meetings.finish(draft, text, sentences, officials, dates, document.published,
                                               result.notes)
                if meeting is not None:
                    result.meetings.append(meeting)
        used = {k for m in result.meetings for k in m.participants}
        result.persons = [_with_mentions(p, officials.mentions) for p in officials.persons.values()
                          if p.official or p.key in used]
        result.notes = [f"{document.identifier}: {note}" for note in result.notes]
        return result


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


_EXTRACTORS: dict[str, Extractor] = {}


def extractor_for(reference: ReferenceData) -> Extractor:
    key = reference.fingerprint or str(id(reference))
    if key not in _EXTRACTORS:
        _EXTRACTORS[key] = Extractor(reference)
    return _EXTRACTORS[key]


def extract(document: Document, reference: ReferenceData) -> DocExtraction:
    """Everything one document says: officials, meetings, dates, issues, treaty stances, evidence."""
    return extractor_for(reference)(document)
