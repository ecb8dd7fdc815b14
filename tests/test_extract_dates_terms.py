"""Dates: absolute dates, dates relative to the publication date, dates without a year that only
the participants' terms of office fix, and dates that nothing fixes (no date, and a note why).
Dates are right or absent, never guessed, never the current year by default.

All texts are written for these tests. The term-based answers are computed from
reference/src/officials/*.yaml (see each case). EXPECT: lines state what a careful analyst reads out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from extract_helpers import describe, names, person_iri, run


@dataclass(frozen=True)
class DateCase:
    id: str
    text: str
    published: date | None
    participants: list[str]      # slugs, or words of unlisted names prefixed "~"
    expected: date | None


def meeting_of(case: DateCase):  # type: ignore[no-untyped-def]
    x = run(case.text, case.published)
    wanted = [person_iri(s) for s in case.participants if not s.startswith("~")]
    words = [s[1:].lower() for s in case.participants if s.startswith("~")]
    found = [m for m in x.meetings
             if all(k in m.participants for k in wanted)
             and all(any(w in n.lower() for n in names(x, m.participants)) for w in words)]
    assert len(found) == 1, f"expected one meeting of {case.participants}\n{describe(x)}"
    return x, found[0]


RELATIVE_AND_ABSOLUTE = [
    DateCase("absolute-day-month-year",
             "On 4 May 2022, Japanese Defense Minister Nobuo Kishi met U.S. Secretary of Defense Lloyd "
             "Austin at the Pentagon. They discussed Russia's invasion of Ukraine.",
             date(2022, 5, 6), ["nobuo-kishi", "lloyd-austin"], date(2022, 5, 4)),
    DateCase("absolute-month-day-year-no-publication",
             "Defense Minister Nobuo Kishi and Secretary of Defense Lloyd Austin held talks at the "
             "Pentagon on May 4, 2022.",
             None, ["nobuo-kishi", "lloyd-austin"], date(2022, 5, 4)),
    DateCase("absolute-beats-publication-year",
             "On 10 November 2023, Indian Defence Minister Rajnath Singh hosted U.S. Secretary of "
             "Defense Lloyd Austin in New Delhi.",
             date(2024, 1, 15), ["rajnath-singh", "lloyd-austin"], date(2023, 11, 10)),
    DateCase("yesterday",
             "Australian Defence Minister Richard Marles met Philippine Defense Secretary Gilberto "
             "Teodoro in Manila yesterday. The two agreed to expand joint patrols.",
             date(2024, 6, 5), ["richard-marles", "gilberto-teodoro"], date(2024, 6, 4)),
    DateCase("today",
             "Canadian Defence Minister Bill Blair held talks with Philippine Defense Secretary Gilberto "
             "Teodoro in Manila today.",
             date(2024, 9, 12), ["bill-blair", "gilberto-teodoro"], date(2024, 9, 12)),
    DateCase("on-monday",
             "Canada's Minister of National Defence Bill Blair met Japanese Defense Minister Minoru "
             "Kihara in Tokyo on Monday.",
             date(2024, 6, 5), ["bill-blair", "minoru-kihara"], date(2024, 6, 3)),
    DateCase("last-friday",
             "French Armed Forces Minister Sébastien Lecornu met Indian Defence Minister Rajnath Singh "
             "in Paris last Friday.",
             date(2024, 6, 5), ["sebastien-lecornu", "rajnath-singh"], date(2024, 5, 31)),
    DateCase("on-the-3rd",
             "German Defence Minister Boris Pistorius held a telephone call with UK Defence Secretary "
             "Grant Shapps on the 3rd.",
             date(2024, 6, 5), ["boris-pistorius", "grant-shapps"], date(2024, 6, 3)),
    DateCase("on-the-28th-previous-month",
             "Secretary of Defense Lloyd Austin met South Korean Defense Minister Shin Won-sik in "
             "Washington on the 28th.",
             date(2024, 7, 2), ["lloyd-austin", "shin-won-sik"], date(2024, 6, 28)),
    DateCase("day-month-no-year-from-publication",
             "Deputy Prime Minister Richard Marles met Japanese Defense Minister Minoru Kihara in "
             "Canberra on March 3.",
             date(2024, 6, 5), ["richard-marles", "minoru-kihara"], date(2024, 3, 3)),
    DateCase("day-month-no-year-previous-year",
             "Secretary of Defense Lloyd Austin spoke by telephone with Philippine Defense Secretary "
             "Gilberto Teodoro on December 28.",
             date(2024, 1, 5), ["lloyd-austin", "gilberto-teodoro"], date(2023, 12, 28)),
    DateCase("the-following-day",
             "Philippine Defense Secretary Gilberto Teodoro arrived in Tokyo on Monday. The following "
             "day Teodoro met Japanese Defense Minister Minoru Kihara at the Ministry of Defense.",
             date(2024, 6, 7), ["gilberto-teodoro", "minoru-kihara"], date(2024, 6, 4)),
]


@pytest.mark.parametrize("case", RELATIVE_AND_ABSOLUTE, ids=lambda c: c.id)
def test_date_absolute_and_relative(case: DateCase) -> None:
    x, meeting = meeting_of(case)
    # EXPECT: the date of the meeting
    assert meeting.date == case.expected, describe(x)
    # EXPECT: the words that gave it are kept
    assert meeting.date_text, describe(x)


# Published unknown: only the participants' terms (reference/src/officials/*.yaml) fix the year.
TERMS = [
    # Kishi 2020-09-16..2022-08-10, Austin 2021-01-22..2025-01-20: 1 September only in 2021.
    DateCase("kishi-austin-september-1",
             "Defense Minister Kishi Nobuo held a telephone talk with Secretary of Defense Lloyd Austin "
             "on September 1. They discussed the situation in Afghanistan.",
             None, ["nobuo-kishi", "lloyd-austin"], date(2021, 9, 1)),
    # Lee Jong-sup 2022-05-10..2023-10-06, Marles 2022-06-01..: 5 December only in 2022.
    DateCase("lee-marles-december-5",
             "South Korean Defense Minister Lee Jong-sup met Australian Deputy Prime Minister Richard "
             "Marles in Seoul on 5 December.",
             None, ["lee-jong-sup", "richard-marles"], date(2022, 12, 5)),
    # Shin 2023-10-07..2024-09-05, Kihara 2023-09-13..2024-10-01: 2 June only in 2024.
    DateCase("shin-kihara-june-2",
             "On the sidelines of the Shangri-La Dialogue on 2 June, Japanese Defense Minister Minoru "
             "Kihara held talks with South Korean Defense Minister Shin Won-sik.",
             None, ["minoru-kihara", "shin-won-sik"], date(2024, 6, 2)),
    # Kishi and Austin overlap in 2021 and 2022; 16 March was a Tuesday only in 2021.
    DateCase("weekday-picks-the-year",
             "Defense Minister Nobuo Kishi met Secretary of Defense Lloyd Austin in Tokyo on Tuesday, "
             "March 16.",
             None, ["nobuo-kishi", "lloyd-austin"], date(2021, 3, 16)),
]


@pytest.mark.parametrize("case", TERMS, ids=lambda c: c.id)
def test_date_fixed_by_terms_of_office(case: DateCase) -> None:
    x, meeting = meeting_of(case)
    # EXPECT: the only date the participants' terms allow
    assert meeting.date == case.expected, describe(x)
    # EXPECT: a note saying how the year was inferred
    assert meeting.date_note, describe(x)


UNFIXABLE = [
    # Kishi left office 2022-08-10; Hegseth took office 2025-01-25: no common year.
    (DateCase("no-common-term",
              "Japanese Defense Minister Nobuo Kishi met U.S. Secretary of Defense Pete Hegseth in Tokyo "
              "on 12 March.",
              None, ["nobuo-kishi", "pete-hegseth"], None), ("kishi", "hegseth", "march", "term")),
    # Kishi and Austin were both in office on 16 March 2021 and 16 March 2022.
    (DateCase("two-possible-years",
              "Defense Minister Nobuo Kishi met Secretary of Defense Lloyd Austin in Tokyo on March 16.",
              None, ["nobuo-kishi", "lloyd-austin"], None), ("kishi", "austin", "march", "term", "ambig")),
    # Unlisted officials and no publication date: nothing fixes the year.
    (DateCase("unlisted-officials-no-publication",
              "Indonesian Defence Minister Budi Santoso-Wirawan met Malaysian Defence Minister Ahmad "
              "Rahim-Kamal in Jakarta on 10 April.",
              None, ["~Santoso-Wirawan", "~Rahim-Kamal"], None), ("april", "year")),
    # A relative date with no publication date to count from.
    (DateCase("yesterday-without-publication",
              "Australian Defence Minister Richard Marles met Philippine Defense Secretary Gilberto "
              "Teodoro in Manila yesterday.",
              None, ["richard-marles", "gilberto-teodoro"], None), ("yesterday", "publi")),
]


@pytest.mark.parametrize(("case", "note_words"), UNFIXABLE, ids=[c[0].id for c in UNFIXABLE])
def test_date_nothing_fixes_gives_no_date_and_a_note(case: DateCase, note_words: tuple[str, ...]) -> None:
    x, meeting = meeting_of(case)
    # EXPECT: no date (never guessed, never the current year by default)
    assert meeting.date is None, describe(x)
    assert meeting.date is None or meeting.date.year != date.today().year, describe(x)
    # EXPECT: a note in x.notes explaining why (naming the date words or the reason)
    notes = " ".join(x.notes).lower()
    assert x.notes, f"no note\n{describe(x)}"
    assert any(w in notes for w in note_words), f"note does not say why: {x.notes}\n{describe(x)}"
    # EXPECT: the date words are still kept for the analyst
    assert meeting.date_text, describe(x)
