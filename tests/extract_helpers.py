"""Shared helpers for the extraction unit tests (tests/test_extract_*.py).

Each test feeds a short text of its own to `extract` and checks what a careful analyst reads out of
it. Failure messages name people by their readable names and dump the whole extraction, so that a
failing expectation tells the extractor's author what came out.
"""

from __future__ import annotations

from datetime import date
from functools import cache

from kg.extract.extractor import extract
from kg.extract.model import DocExtraction, Meeting, Person
from kg.model import Document
from kg.reference.load import load_reference
from kg.reference.model import ReferenceData

ID = "https://w3id.org/readout-kg/id/"
DEFAULT_PUBLISHED = date(2024, 6, 3)   # a Monday


@cache
def reference() -> ReferenceData:
    return load_reference()


def run(text: str, published: date | None = DEFAULT_PUBLISHED, identifier: str = "t.txt") -> DocExtraction:
    return extract(Document(identifier=identifier, text=text, published=published), reference())


# --- IRIs ---------------------------------------------------------------------------------------
def person_iri(slug: str) -> str:
    return f"{ID}person/{slug}"


def country_iri(iso2: str) -> str:
    return f"{ID}country/{iso2.upper()}"


def ministry_iri(slug: str) -> str:
    return f"{ID}ministry/{slug}"


def issue_iri(notation: str) -> str:
    return f"{ID}issue/{notation}"


# --- readable names -----------------------------------------------------------------------------
def name_of(x: DocExtraction, key: str) -> str:
    """A person key as a readable name: the extracted name, else the reference label, else the key."""
    for person in x.persons:
        if person.key == key:
            return person.name
    official = reference().officials.get(key)
    if official is not None:
        return official.label
    return key.rsplit("/", 1)[-1]


def names(x: DocExtraction, keys: list[str]) -> list[str]:
    return [name_of(x, k) for k in keys]


def describe_person(p: Person) -> str:
    country = (p.country or "-").rsplit("/", 1)[-1]
    ministry = (p.ministry or "-").rsplit("/", 1)[-1]
    flags = "" if p.official and p.may_participate else (
        f" official={p.official} may_participate={p.may_participate}")
    return (f"{p.name} [{p.key.rsplit('/', 1)[-1]}] title={p.title!r} role={p.role} "
            f"country={country} ministry={ministry}{flags}")


def describe_meeting(x: DocExtraction, m: Meeting) -> str:
    parts = ", ".join(names(x, m.participants))
    reaff = [(r.treaty_key, r.article_number, r.stance, r.applies_to) for r in m.reaffirmations]
    issues = [i.rsplit("/", 1)[-1] for i in m.issues]
    return (f"{m.kind}{' (planned)' if m.planned else ''} [{parts}] date={m.date} text={m.date_text!r} "
            f"note={m.date_note!r} location={m.location!r} name={m.name!r} issues={issues} reaffirms={reaff}")


def describe(x: DocExtraction) -> str:
    lines = ["persons:"] + [f"  {describe_person(p)}" for p in x.persons]
    lines += ["meetings:"] + [f"  {describe_meeting(x, m)}" for m in x.meetings]
    lines += [f"notes: {x.notes}"]
    return "\n".join(lines)


# --- finding things -----------------------------------------------------------------------------
def person_by_key(x: DocExtraction, key: str) -> Person | None:
    return next((p for p in x.persons if p.key == key), None)


def person_named(x: DocExtraction, word: str) -> Person | None:
    """The person whose name (or key) contains `word` (case-insensitive)."""
    word = word.lower()
    for p in x.persons:
        if word in p.name.lower() or word in p.key.lower():
            return p
    return None


def meetings_with(x: DocExtraction, *keys: str) -> list[Meeting]:
    return [m for m in x.meetings if all(k in m.participants for k in keys)]


def the_meeting_with(x: DocExtraction, *keys: str) -> Meeting:
    found = meetings_with(x, *keys)
    assert len(found) == 1, (f"expected exactly one meeting with {[name_of(x, k) for k in keys]}, "
                             f"found {len(found)}\n{describe(x)}")
    return found[0]


def all_participants(x: DocExtraction) -> set[str]:
    return {k for m in x.meetings for k in m.participants}


def ministries_of(person: Person) -> set[str]:
    """The ministries the person belongs to: extracted, or (for reference officials) the ministries of
    their posts of the role the title implies (all their posts when no role was read)."""
    found = {person.ministry} if person.ministry else set()
    official = reference().officials.get(person.ref_iri or "")
    if official is not None:
        for term in official.terms:
            post = reference().posts.get(term.post)
            if post is None or not post.ministry:
                continue
            if person.role and post.kind != person.role:
                continue
            found.add(post.ministry)
    return found
