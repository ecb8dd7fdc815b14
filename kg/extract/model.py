"""What extraction finds in one document: plain, picklable objects with character offsets.

Extraction is a pure function of one document and the reference data; these objects carry its
result to the map stage, which merges documents and writes RDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kg.model import Document


@dataclass(frozen=True, slots=True)
class Span:
    """A passage of the document's text: text[start:end]."""

    start: int
    end: int


@dataclass(slots=True)
class Person:
    """An official named in the document, linked to the reference data when possible."""

    key: str  # reference IRI, or "new:<name key>" for an unlisted official
    name: str  # the fullest name seen, as written (label)
    ref_iri: str | None = None
    given: str | None = None
    family: str | None = None
    title: str | None = None
    title_strength: int = 0
    role: str | None = None  # post kind implied by the title
    country: str | None = None  # country IRI
    ministry: str | None = None  # ministry IRI
    ministry_label: str | None = None  # set when the ministry is not in the reference data
    official: bool = True  # False for journalists, photographers, analysts
    may_participate: bool = True  # False for spokespeople and the press
    mentions: list[Span] = field(default_factory=list)


@dataclass(slots=True)
class IssueMention:
    iri: str
    span: Span


@dataclass(slots=True)
class Reaffirmation:
    treaty_iri: str
    treaty_key: str
    article_iri: str
    article_number: int
    stance: str  # Reaffirmed | Reconfirmed | Affirmed | StatedApplication
    evidence: Span
    applies_to: str | None = None  # label of the territory or thing it applies to


@dataclass(slots=True)
class Meeting:
    kind: str = "Meeting"
    participants: list[str] = field(default_factory=list)  # Person keys, in order of mention
    participant_evidence: dict[str, Span] = field(default_factory=dict)
    planned: bool = False
    date: date | None = None
    date_text: str | None = None
    date_note: str | None = None
    location: str | None = None
    name: str | None = None  # a named event: "Munich Security Conference"
    issues: dict[str, Span] = field(default_factory=dict)  # issue IRI -> first evidence
    reaffirmations: list[Reaffirmation] = field(default_factory=list)
    evidence: list[Span] = field(default_factory=list)


@dataclass(slots=True)
class DocExtraction:
    document: Document
    sha256: str
    persons: list[Person] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # for the build report
    seconds: dict[str, float] = field(default_factory=dict)  # time per step, for profiling

    def person(self, key: str) -> Person:
        return next(p for p in self.persons if p.key == key)
