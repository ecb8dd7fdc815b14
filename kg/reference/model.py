"""The reference data as plain, picklable Python objects: what extraction links against."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Country:
    iri: str
    iso2: str
    label: str
    names: tuple[str, ...]        # "Japan", "Nippon", "the United States", "U.S.", "US", "America"
    adjectives: tuple[str, ...]   # "Japanese", "American", "U.S.", "Philippine", "Filipino"


@dataclass(frozen=True)
class Ministry:
    iri: str
    label: str
    names: tuple[str, ...]        # every variant: "Ministry of Defense", "MOD", "the Pentagon"
    country: str                  # country IRI
    kind: str                     # "defence" | "foreign" | "head-of-government" | other


@dataclass(frozen=True)
class Post:
    iri: str
    label: str                    # "Minister of Defense of Japan"
    kind: str                     # "defence-minister", "foreign-minister", "head-of-government", ...
    country: str                  # country IRI
    ministry: str | None          # ministry IRI the post sits in
    titles: tuple[str, ...]       # how texts name the post: "Defense Minister", "Minister of Defense"


@dataclass(frozen=True)
class Term:
    post: str                     # post IRI
    title: str                    # the title during this term, e.g. "Acting Secretary of Defense"
    start: date | None
    end: date | None              # None: still in office
    acting: bool = False
    membership: str = ""          # IRI of the org:Membership node

    def covers(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Official:
    iri: str
    label: str                    # "Nobuo Kishi"
    given: str
    family: str                   # may hold several words: "von der Leyen"
    names: tuple[str, ...]        # every full-name variant, both orders, short forms
    country: str                  # country IRI
    terms: tuple[Term, ...] = ()


@dataclass(frozen=True)
class TreatyArticle:
    iri: str
    number: int
    label: str


@dataclass(frozen=True)
class Treaty:
    iri: str
    key: str
    label: str
    names: tuple[str, ...]        # "U.S.-Japan Security Treaty", "Mutual Security Treaty"
    parties: tuple[str, ...]      # country IRIs
    articles: tuple[TreatyArticle, ...] = ()

    def article(self, number: int) -> TreatyArticle | None:
        return next((a for a in self.articles if a.number == number), None)


@dataclass(frozen=True)
class IssueConcept:
    iri: str
    notation: str
    label: str
    alt_labels: tuple[str, ...]
    broader: tuple[str, ...] = ()  # IRIs
    implied_by: tuple[str, ...] = ()  # country IRIs: a meeting of officials of all of them discusses it


@dataclass
class ReferenceData:
    countries: dict[str, Country] = field(default_factory=dict)       # by IRI
    ministries: dict[str, Ministry] = field(default_factory=dict)
    posts: dict[str, Post] = field(default_factory=dict)
    officials: dict[str, Official] = field(default_factory=dict)
    treaties: dict[str, Treaty] = field(default_factory=dict)
    issues: dict[str, IssueConcept] = field(default_factory=dict)
    fingerprint: str = ""                                             # hash of the source files
