"""Meetings: the kind of each meeting, its participants, several meetings kept apart, planned
meetings, and texts that hold no meeting at all.

All texts are written for these tests. EXPECT: lines state what a careful analyst reads out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest
from extract_helpers import describe, name_of, names, person_iri, run


def keys(*slugs: str) -> list[str]:
    return [person_iri(s) for s in slugs]


@dataclass(frozen=True)
class KindCase:
    id: str
    text: str
    published: date
    kind: str
    participants: list[str]                       # slugs; all must take part in one meeting
    not_participants: list[str] = field(default_factory=list)


KINDS = [
    KindCase(
        "phone-spoke-by-telephone",
        "Australian Defence Minister Richard Marles spoke by telephone with Philippine Secretary of "
        "National Defense Gilberto Teodoro on Tuesday. The ministers discussed maritime cooperation.",
        date(2024, 6, 5), "TelephoneTalk", ["richard-marles", "gilberto-teodoro"]),
    KindCase(
        "phone-call-noun",
        "German Defence Minister Boris Pistorius and his Canadian counterpart Bill Blair held a phone "
        "call on Wednesday to coordinate their support for Ukraine.",
        date(2024, 2, 9), "TelephoneTalk", ["boris-pistorius", "bill-blair"]),
    KindCase(
        "phone-spoke-with-on-day",
        "Canada's Minister of National Defence Bill Blair spoke with Philippine Defense Secretary "
        "Gilberto Teodoro on Tuesday about regional security.",
        date(2024, 9, 12), "TelephoneTalk", ["bill-blair", "gilberto-teodoro"]),
    KindCase(
        "video-conference",
        "Canadian Minister of National Defence Bill Blair held a video conference with Japanese Defense "
        "Minister Minoru Kihara on Friday. They agreed to expand exercises in the Indo-Pacific.",
        date(2024, 2, 12), "VideoConference", ["bill-blair", "minoru-kihara"]),
    KindCase(
        "virtual-meeting",
        "UK Defence Secretary Grant Shapps and Indian Defence Minister Rajnath Singh met virtually on "
        "Thursday to review progress on the defence industrial roadmap.",
        date(2024, 1, 13), "VideoConference", ["grant-shapps", "rajnath-singh"]),
    KindCase(
        "two-plus-two-india-us",
        "External Affairs Minister S. Jaishankar and Defence Minister Rajnath Singh hosted U.S. "
        "Secretary of State Antony Blinken and Secretary of Defense Lloyd Austin for the 2+2 "
        "Ministerial Dialogue in New Delhi on Friday.",
        date(2023, 11, 12), "TwoPlusTwo",
        ["s-jaishankar", "rajnath-singh", "antony-blinken", "lloyd-austin"]),
    KindCase(
        "ausmin-style",
        "Foreign Minister Penny Wong and Deputy Prime Minister Richard Marles welcomed Secretary of "
        "State Antony Blinken and Secretary of Defense Lloyd Austin to Brisbane for the annual "
        "Australia-United States Ministerial Consultations (AUSMIN) on Saturday.",
        date(2023, 7, 31), "TwoPlusTwo",
        ["penny-wong", "richard-marles", "antony-blinken", "lloyd-austin"]),
    KindCase(
        "japan-two-plus-two-spelled-out",
        "Foreign Minister Yoko Kamikawa and Defense Minister Minoru Kihara met Secretary Blinken and "
        "Secretary Austin in Tokyo for the Japan-U.S. Security Consultative Committee, the "
        "two-plus-two, on Sunday.",
        date(2024, 7, 30), "TwoPlusTwo",
        ["yoko-kamikawa", "minoru-kihara", "antony-blinken", "lloyd-austin"]),
    KindCase(
        "pronoun-subject-following-day",
        "Philippine Defense Secretary Gilberto Teodoro arrived in Tokyo on Monday. The following day "
        "he met Japanese Defense Minister Minoru Kihara at the Ministry of Defense.",
        date(2024, 6, 7), "Meeting", ["gilberto-teodoro", "minoru-kihara"]),
    KindCase(
        "received-courtesy-call",
        "Japanese Defense Minister Gen Nakatani received a courtesy call from UK Defence Secretary John "
        "Healey at the Ministry of Defense on Thursday.",
        date(2025, 3, 22), "Meeting", ["gen-nakatani", "john-healey"]),
    KindCase(
        "attended-conference",
        "UK Defence Secretary John Healey attended the NATO Defence Ministers' Meeting in Brussels on "
        "Thursday, alongside German Defence Minister Boris Pistorius and U.S. Secretary of Defense Pete "
        "Hegseth.",
        date(2025, 6, 7), "Conference", ["john-healey", "boris-pistorius", "pete-hegseth"]),
    KindCase(
        "ministers-met-in-brussels",
        "NATO defence ministers met in Brussels on Wednesday. Canadian Defence Minister Bill Blair and "
        "French Armed Forces Minister Sébastien Lecornu pressed allies to raise spending.",
        date(2024, 6, 14), "Conference", ["bill-blair", "sebastien-lecornu"]),
    KindCase(
        "attended-dialogue",
        "Philippine Defense Secretary Gilberto Teodoro attended the Shangri-La Dialogue in Singapore on "
        "Saturday together with Australian Defence Minister Richard Marles.",
        date(2024, 6, 3), "Conference", ["gilberto-teodoro", "richard-marles"]),
]


@pytest.mark.parametrize("case", KINDS, ids=lambda c: c.id)
def test_meeting_kind_and_participants(case: KindCase) -> None:
    x = run(case.text, case.published)
    wanted = keys(*case.participants)
    found = [m for m in x.meetings if all(k in m.participants for k in wanted)]
    # EXPECT: one meeting with all of these participants
    assert found, f"no meeting with {names(x, wanted)}\n{describe(x)}"
    # EXPECT: of this kind
    kinds = [m.kind for m in found]
    assert case.kind in kinds, f"kind {kinds}, expected {case.kind}\n{describe(x)}"


SIDELINES = (
    "On the sidelines of the Shangri-La Dialogue in Singapore on Sunday, Japanese Defense Minister "
    "Minoru Kihara held talks with South Korean Defense Minister Shin Won-sik. It was the first "
    "meeting of the two ministers in Singapore since 2019."
)


def test_bilateral_on_sidelines_is_its_own_meeting() -> None:
    x = run(SIDELINES, date(2024, 6, 3))
    pair = keys("minoru-kihara", "shin-won-sik")
    bilateral = [m for m in x.meetings if sorted(m.participants) == sorted(pair)]
    # EXPECT: a bilateral Meeting of exactly Kihara and Shin (not a Conference)
    assert bilateral, describe(x)
    assert bilateral[0].kind == "Meeting", describe(x)
    # EXPECT: held on Sunday 2 June 2024
    assert bilateral[0].date == date(2024, 6, 2), describe(x)


SEVERAL = (
    "On Monday, German Defence Minister Boris Pistorius met French Armed Forces Minister Sébastien "
    "Lecornu in Paris. The following day, Pistorius held a telephone call with UK Defence Secretary "
    "Grant Shapps. On Wednesday he received Dutch Defence Minister Kajsa Ollongren in Berlin."
)


def test_several_meetings_stay_apart() -> None:
    x = run(SEVERAL, date(2024, 3, 15))
    pistorius, lecornu, shapps = keys("boris-pistorius", "sebastien-lecornu", "grant-shapps")
    # EXPECT: three meetings
    assert len(x.meetings) == 3, describe(x)
    with_lecornu = [m for m in x.meetings if lecornu in m.participants]
    with_shapps = [m for m in x.meetings if shapps in m.participants]
    # EXPECT: Paris meeting (Pistorius, Lecornu) on Monday 11 March, without Shapps
    assert len(with_lecornu) == 1 and pistorius in with_lecornu[0].participants, describe(x)
    assert shapps not in with_lecornu[0].participants, describe(x)
    assert with_lecornu[0].kind == "Meeting" and with_lecornu[0].date == date(2024, 3, 11), describe(x)
    # EXPECT: telephone call (Pistorius, Shapps) the following day, 12 March, without Lecornu
    assert len(with_shapps) == 1 and pistorius in with_shapps[0].participants, describe(x)
    assert lecornu not in with_shapps[0].participants, describe(x)
    assert with_shapps[0].kind == "TelephoneTalk" and with_shapps[0].date == date(2024, 3, 12), describe(x)
    # EXPECT: Berlin meeting with Ollongren (unlisted) on Wednesday 13 March
    third = [m for m in x.meetings if m not in with_lecornu and m not in with_shapps]
    assert third and any("Ollongren" in name_of(x, k) for k in third[0].participants), describe(x)
    assert pistorius in third[0].participants and third[0].date == date(2024, 3, 13), describe(x)


@dataclass(frozen=True)
class PlannedCase:
    id: str
    text: str
    published: date
    participants: list[str]


PLANNED = [
    PlannedCase(
        "will-hold-talks-next-week",
        "U.S. Secretary of Defense Lloyd Austin will hold talks with Indian Defence Minister Rajnath "
        "Singh in New Delhi next week, the Pentagon said on Monday.",
        date(2023, 11, 6), ["lloyd-austin", "rajnath-singh"]),
    PlannedCase(
        "is-set-to-meet-on-friday",
        "Secretary of Defense Pete Hegseth is set to meet Philippine Defense Secretary Gilberto Teodoro "
        "in Manila on Friday, officials said.",
        date(2025, 3, 25), ["pete-hegseth", "gilberto-teodoro"]),
    PlannedCase(
        "plans-to-visit",
        "Australian Defence Minister Richard Marles plans to visit Tokyo on Thursday to meet Japanese "
        "Defense Minister Gen Nakatani, his office announced.",
        date(2025, 2, 18), ["richard-marles", "gen-nakatani"]),
    PlannedCase(
        "scheduled-to-hold-call",
        "South Korean Defense Minister Shin Won-sik is scheduled to hold a phone call with Canadian "
        "Defence Minister Bill Blair on Tuesday.",
        date(2024, 5, 31), ["shin-won-sik", "bill-blair"]),
]


@pytest.mark.parametrize("case", PLANNED, ids=lambda c: c.id)
def test_planned_meeting(case: PlannedCase) -> None:
    x = run(case.text, case.published)
    wanted = keys(*case.participants)
    found = [m for m in x.meetings if all(k in m.participants for k in wanted)]
    # EXPECT: the meeting is found, with status planned
    assert found, f"no meeting with {names(x, wanted)}\n{describe(x)}"
    meeting = found[0]
    assert meeting.planned, describe(x)
    # EXPECT: never dated to a weekday already past at publication
    assert meeting.date is None or meeting.date >= case.published, describe(x)
    # EXPECT: it is not also reported as a held meeting
    assert not any(not m.planned for m in found), describe(x)


NO_MEETING = [
    ("told-reporters",
     "Speaking to reporters in Canberra on Wednesday, Defence Minister Richard Marles said Australia "
     "would continue to work closely with the United States and Japan. He declined to comment on the "
     "submarine timetable.",
     date(2024, 6, 6)),
    ("press-conference-statement",
     "At a press conference in Tokyo on Friday, Defense Minister Minoru Kihara told reporters that "
     "Chinese vessels had entered Japanese waters near the Senkaku Islands 30 times this year.",
     date(2024, 5, 25)),
    ("white-paper",
     "Japan's Ministry of Defense released its annual white paper on Friday, describing China's "
     "military build-up as the greatest strategic challenge the country has ever faced. The paper "
     "also warned of North Korea's missile programme.",
     date(2024, 7, 13)),
    ("interview-statement",
     "In an interview with a French newspaper, Armed Forces Minister Sébastien Lecornu said France "
     "would increase its naval presence in the Indo-Pacific. He criticised Russia's nuclear rhetoric.",
     date(2024, 3, 2)),
    ("past-background-only-statement",
     "Indian Defence Minister Rajnath Singh inaugurated a new ammunition plant in Kanpur on Sunday. "
     "Singh said the facility would reduce India's dependence on imports.",
     date(2024, 2, 26)),
]


@pytest.mark.parametrize(("text", "published"), [c[1:] for c in NO_MEETING], ids=[c[0] for c in NO_MEETING])
def test_text_without_meeting(text: str, published: date) -> None:
    x = run(text, published)
    # EXPECT: no meeting at all (statements, press conferences, interviews are not meetings)
    assert x.meetings == [], describe(x)


MIXED = (
    "Australian Defence Minister Richard Marles met Philippine Defense Secretary Gilberto Teodoro in "
    "Manila on Monday. Marles will travel to Tokyo next month to hold talks with Japanese Defense "
    "Minister Gen Nakatani."
)


def test_held_and_planned_meetings_in_one_text() -> None:
    x = run(MIXED, date(2025, 2, 5))
    marles, teodoro, nakatani = keys("richard-marles", "gilberto-teodoro", "gen-nakatani")
    held = [m for m in x.meetings if teodoro in m.participants]
    planned = [m for m in x.meetings if nakatani in m.participants]
    # EXPECT: the Manila meeting (Marles, Teodoro), held on Monday 3 February 2025, without Nakatani
    assert len(held) == 1 and marles in held[0].participants, describe(x)
    assert not held[0].planned and held[0].date == date(2025, 2, 3), describe(x)
    assert nakatani not in held[0].participants, describe(x)
    # EXPECT: the Tokyo talks (Marles, Nakatani), planned, undated, without Teodoro
    assert len(planned) == 1 and marles in planned[0].participants, describe(x)
    assert planned[0].planned and planned[0].date is None, describe(x)
    assert teodoro not in planned[0].participants, describe(x)
