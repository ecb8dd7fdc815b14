"""Officials: every common way a readout names an official resolves to the right person, country
and ministry; unlisted officials get their country (and ministry where the reference has one);
later mentions by surname are the same person; the press is never a meeting participant.

All texts are written for these tests. EXPECT: lines state what a careful analyst reads out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from extract_helpers import (
    all_participants,
    country_iri,
    describe,
    ministries_of,
    ministry_iri,
    name_of,
    person_by_key,
    person_iri,
    person_named,
    reference,
    run,
)


def defence_ministry_of(iso2: str) -> str | None:
    """The reference's defence ministry of a country, if it has one."""
    country = country_iri(iso2)
    return next((m.iri for m in reference().ministries.values()
                 if m.country == country and m.kind == "defence"), None)


@dataclass(frozen=True)
class KnownCase:
    id: str
    text: str
    published: date | None
    person: str          # reference slug
    country: str         # ISO2
    ministry: str        # ministry slug


KNOWN = [
    KnownCase(
        "adjective-title-full-name",
        "Japanese Defense Minister Nobuo Kishi welcomed the commander of U.S. Indo-Pacific Command to "
        "Tokyo on Tuesday. The two discussed the security situation around Japan.",
        date(2021, 6, 10), "nobuo-kishi", "JP", "jp-defence"),
    KnownCase(
        "title-then-surname-only",
        "Minister of Defense Onodera received a courtesy call from the U.S. Ambassador at the Ministry "
        "of Defense on Tuesday. Onodera expressed his gratitude for U.S. support.",
        date(2018, 3, 8), "itsunori-onodera", "JP", "jp-defence"),
    KnownCase(
        "us-secretary-with-initial-and-suffix",
        "U.S. Secretary of Defense Lloyd J. Austin III spoke by phone with German Defence Minister Boris "
        "Pistorius on Thursday about support for Ukraine.",
        date(2023, 5, 12), "lloyd-austin", "US", "us-defence"),
    KnownCase(
        "au-deputy-pm-hon-mp",
        "The Deputy Prime Minister and Minister for Defence, the Hon Richard Marles MP, today met the "
        "Indian Minister of Defence, Shri Rajnath Singh, in New Delhi.",
        date(2023, 6, 22), "richard-marles", "AU", "au-defence"),
    KnownCase(
        "in-shri-honorific",
        "The Deputy Prime Minister and Minister for Defence, the Hon Richard Marles MP, today met the "
        "Indian Minister of Defence, Shri Rajnath Singh, in New Delhi.",
        date(2023, 6, 22), "rajnath-singh", "IN", "in-defence"),
    KnownCase(
        "title-name-of-country",
        "U.S. Secretary of Defense Lloyd Austin welcomed Defense Minister Lee Jong-sup of South Korea to "
        "the Pentagon on Tuesday for talks on extended deterrence.",
        date(2023, 3, 1), "lee-jong-sup", "KR", "kr-defence"),
    KnownCase(
        "his-philippine-counterpart",
        "Secretary of Defense Lloyd J. Austin III spoke by phone with his Philippine counterpart Gilberto "
        "Teodoro on Thursday. The two leaders discussed recent incidents in the South China Sea.",
        date(2024, 4, 12), "gilberto-teodoro", "PH", "ph-defence"),
    KnownCase(
        "family-name-first-caps",
        "Minister of Defense KIHARA Minoru held a video teleconference with Secretary of Defense Lloyd "
        "J. Austin III. Minister KIHARA explained Japan's new defense buildup plan.",
        date(2024, 2, 1), "minoru-kihara", "JP", "jp-defence"),
    KnownCase(
        "particle-von-der",
        "German Defence Minister Ursula von der Leyen hosted her British counterpart Gavin Williamson in "
        "Berlin on Monday. Von der Leyen said both countries would deepen cooperation.",
        date(2018, 2, 14), "ursula-von-der-leyen", "DE", "de-defence"),
    KnownCase(
        "accented-name",
        "French Minister for the Armed Forces Sébastien Lecornu met Australian Defence Minister Richard "
        "Marles in Paris on Friday. Lecornu welcomed the renewed partnership.",
        date(2023, 1, 30), "sebastien-lecornu", "FR", "fr-defence"),
    KnownCase(
        "accent-dropped",
        "Sebastien Lecornu, France's armed forces minister, spoke with Japanese Defense Minister Yasukazu "
        "Hamada by telephone on Wednesday.",
        date(2023, 3, 17), "sebastien-lecornu", "FR", "fr-defence"),
    KnownCase(
        "uk-defence-secretary",
        "Defence Secretary Grant Shapps travelled to Warsaw on Monday, where he met Polish officials. "
        "Mr Shapps said the UK stood with its allies.",
        date(2024, 2, 7), "grant-shapps", "GB", "gb-defence"),
    KnownCase(
        "surname-only-resolved-by-term",
        "Defense Minister Kono met the commander of U.S. Forces Japan in Tokyo on Wednesday. Kono "
        "asked for continued cooperation on the relocation of Futenma.",
        date(2020, 3, 5), "taro-kono", "JP", "jp-defence"),
    KnownCase(
        "surname-only-two-posts-picks-foreign",
        "Foreign Minister Hayashi received a courtesy call from the Australian Ambassador in Tokyo on "
        "Thursday.",
        date(2022, 6, 10), "yoshimasa-hayashi", "JP", "jp-foreign"),
    KnownCase(
        "korean-surname-only-resolved-by-term",
        "South Korean Defense Minister Lee told lawmakers on Tuesday that the military was ready to "
        "respond to any provocation.",
        date(2022, 10, 5), "lee-jong-sup", "KR", "kr-defence"),
    KnownCase(
        "dr-known-official-title-of-country",
        "Dr. S. Jaishankar, Minister of External Affairs of India, received the Australian Foreign "
        "Minister in New Delhi on Monday.",
        date(2023, 2, 15), "s-jaishankar", "IN", "in-foreign"),
    KnownCase(
        "ca-minister-of-national-defence",
        "The Honourable Bill Blair, Minister of National Defence, met Philippine Defense Secretary "
        "Gilberto Teodoro in Ottawa on Monday.",
        date(2024, 3, 20), "bill-blair", "CA", "ca-defence"),
]


@pytest.mark.parametrize("case", KNOWN, ids=lambda c: c.id)
def test_known_official_resolves_to_reference_person(case: KnownCase) -> None:
    x = run(case.text, case.published)
    key = person_iri(case.person)
    person = person_by_key(x, key)
    # EXPECT: the official is linked to the reference person
    assert person is not None, f"{case.person} not found\n{describe(x)}"
    # EXPECT: the right country
    assert person.country == country_iri(case.country), describe(x)
    # EXPECT: the right ministry (extracted, or through the reference person's posts)
    assert ministry_iri(case.ministry) in ministries_of(person), describe(x)
    # EXPECT: one person per reference official (the later surname mention is not a new person)
    family = person.family or case.person.split("-")[-1]
    dupes = [p.name for p in x.persons if p.key != key and family.lower() in p.name.lower()]
    assert not dupes, f"{name_of(x, key)} also extracted as {dupes}\n{describe(x)}"


@dataclass(frozen=True)
class NewCase:
    id: str
    text: str
    published: date | None
    word: str                # a word of the name, to find the person
    family: str
    given: str | None
    country: str
    ministry: str | None     # None: the country's defence ministry if the reference has one


NEW = [
    NewCase(
        "indonesian-no-ministry-in-reference",
        "Indonesian Defence Minister Budi Santoso-Wirawan hosted Australian Defence Minister Richard "
        "Marles in Jakarta on Wednesday. Santoso-Wirawan said the two countries would hold more joint "
        "exercises.",
        date(2024, 5, 23), "Santoso-Wirawan", "Santoso-Wirawan", "Budi", "ID", None),
    NewCase(
        "dr-title-at-ministry-of-country",
        "Dr. Katrin Albrecht-Neumann, State Secretary at the Federal Ministry of Defence of Germany, "
        "received a delegation from Japan in Berlin on Tuesday. Albrecht-Neumann stressed the "
        "importance of the Indo-Pacific.",
        date(2024, 4, 18), "Albrecht-Neumann", "Albrecht-Neumann", "Katrin", "DE", "de-defence"),
    NewCase(
        "dr-title-at-ministry-of-india",
        "Dr. Rohan Venkataraman, Joint Secretary at the Ministry of Defence of India, led the Indian "
        "delegation at the working-level talks in Canberra.",
        date(2024, 8, 2), "Venkataraman", "Venkataraman", "Rohan", "IN", "in-defence"),
    NewCase(
        "korean-vice-minister-family-first",
        "South Korean Vice Minister of National Defense Park Min-jae met a visiting Japanese delegation "
        "in Seoul on Thursday. Park said the two sides agreed to share missile warning data.",
        date(2024, 5, 10), "Min-jae", "Park", "Min-jae", "KR", "kr-defence"),
    NewCase(
        "japanese-state-minister-caps-family-first",
        "State Minister of Defense ONISHI Takeru visited Manila and met Philippine defense officials on "
        "Monday. State Minister ONISHI conveyed Japan's support for maritime security.",
        date(2024, 7, 3), "Takeru", "Onishi", "Takeru", "JP", "jp-defence"),
    NewCase(
        "dutch-particle-van-der",
        "Dutch Defence Minister Maarten van der Berg met UK Defence Secretary John Healey in The Hague "
        "on Friday. Van der Berg announced additional air defence systems for Ukraine.",
        date(2024, 10, 14), "Berg", "van der Berg", "Maarten", "NL", None),
    NewCase(
        "canadian-accented-associate-minister",
        "Canada's Associate Minister of National Defence, Élise Tremblay-Okafor, spoke with Philippine "
        "Defense Secretary Gilberto Teodoro on Tuesday. Tremblay-Okafor highlighted Canada's Indo-Pacific "
        "Strategy.",
        date(2024, 9, 12), "Tremblay-Okafor", "Tremblay-Okafor", "Élise", "CA", "ca-defence"),
    NewCase(
        "philippine-undersecretary",
        "Philippine Defense Undersecretary Ramon Villanueva-Santos met Australian defence officials in "
        "Canberra this week. Villanueva-Santos said Manila welcomed closer cooperation.",
        date(2024, 9, 6), "Villanueva-Santos", "Villanueva-Santos", "Ramon", "PH", "ph-defence"),
]


@pytest.mark.parametrize("case", NEW, ids=lambda c: c.id)
def test_unlisted_official_gets_country_and_ministry(case: NewCase) -> None:
    x = run(case.text, case.published)
    found = [p for p in x.persons if case.word.lower() in p.name.lower()]
    # EXPECT: exactly one person for every mention of the unlisted official (surname mentions merge)
    assert len(found) == 1, f"{case.word}: {[p.name for p in found]}\n{describe(x)}"
    person = found[0]
    # EXPECT: not linked to some real official of the reference data
    assert person.ref_iri is None, describe(x)
    # EXPECT: family and given names split correctly (family-first, particles, hyphens, accents)
    assert (person.family or "").lower() == case.family.lower(), describe(x)
    assert (person.given or "").lower() == (case.given or "").lower(), describe(x)
    # EXPECT: the country, and the defence ministry where the reference has one
    assert person.country == country_iri(case.country), describe(x)
    expected_ministry = ministry_iri(case.ministry) if case.ministry else defence_ministry_of(case.country)
    if expected_ministry:
        assert person.ministry == expected_ministry, describe(x)
    # EXPECT: an official (not press), and seen at least twice when the text names them twice
    assert person.official and person.may_participate, describe(x)
    if case.text.count(case.word) + case.text.count(case.word.upper()) >= 2:
        assert len(person.mentions) >= 2, f"later mention not linked\n{describe(x)}"


SURNAME_LATER = [
    ("jp-kishi",
     "Japanese Defense Minister Nobuo Kishi held talks with U.S. Secretary of Defense Lloyd Austin in "
     "Tokyo. Kishi said the alliance was stronger than ever, and Austin agreed.",
     date(2021, 3, 17), ["nobuo-kishi", "lloyd-austin"]),
    ("kr-lee-then-minister-lee",
     "Defense Minister Lee Jong-sup met Australian Deputy Prime Minister Richard Marles in Seoul. "
     "Minister Lee said North Korea's provocations threatened the region. Marles agreed.",
     date(2022, 12, 6), ["lee-jong-sup", "richard-marles"]),
    ("ph-secretary-teodoro",
     "Philippine Defense Secretary Gilberto Teodoro Jr. met French Armed Forces Minister Sébastien "
     "Lecornu in Manila on Friday. Secretary Teodoro welcomed France's plans. Mr. Lecornu said France "
     "would send a frigate.",
     date(2023, 12, 2), ["gilberto-teodoro", "sebastien-lecornu"]),
]


@pytest.mark.parametrize(("text", "published", "slugs"), [c[1:] for c in SURNAME_LATER],
                         ids=[c[0] for c in SURNAME_LATER])
def test_later_surname_mentions_are_the_same_person(text: str, published: date, slugs: list[str]) -> None:
    x = run(text, published)
    keys = [person_iri(s) for s in slugs]
    for key in keys:
        person = person_by_key(x, key)
        # EXPECT: each official found once, with the later surname mention counted as theirs
        assert person is not None, f"{key} missing\n{describe(x)}"
        assert len(person.mentions) >= 2, f"{person.name}: {len(person.mentions)} mention(s)\n{describe(x)}"
    # EXPECT: no other persons at all
    others = [p.name for p in x.persons if p.key not in keys and p.official]
    assert not others, f"unexpected persons {others}\n{describe(x)}"


PRESS = [
    ("pentagon-press-secretary",
     "Pentagon Press Secretary Pat Ryder told reporters that Secretary of Defense Lloyd Austin met "
     "Japanese Defense Minister Minoru Kihara at the Pentagon on Thursday.",
     date(2024, 1, 6), ["lloyd-austin", "minoru-kihara"], ["Ryder"]),
    ("journalist-and-photographer",
     "Defence Minister Richard Marles met his Indian counterpart Rajnath Singh in Canberra on Tuesday, "
     "the ABC's defence correspondent Andrew Greene reported. (Photo: Corporal Jessica de Rouw)",
     date(2023, 10, 11), ["richard-marles", "rajnath-singh"], ["Greene", "Rouw"]),
    ("spokesperson-said",
     "Department of National Defense spokesperson Carla Mendoza-Reyes said Secretary Gilberto Teodoro "
     "spoke by phone with Japanese Defense Minister Minoru Kihara on Monday.",
     date(2024, 3, 6), ["gilberto-teodoro", "minoru-kihara"], ["Mendoza-Reyes"]),
    ("byline-and-analyst",
     "By Hannah Whitcombe, Reuters. Canadian Defence Minister Bill Blair met South Korean Defense "
     "Minister Shin Won-sik in Seoul on Wednesday. Analyst Graham Oduya of the Lowy Institute said "
     "the visit was overdue.",
     date(2024, 4, 19), ["bill-blair", "shin-won-sik"], ["Whitcombe", "Oduya"]),
]


@pytest.mark.parametrize(("text", "published", "slugs", "press"), [c[1:] for c in PRESS],
                         ids=[c[0] for c in PRESS])
def test_press_and_spokespeople_are_not_participants(text: str, published: date, slugs: list[str],
                                                      press: list[str]) -> None:
    x = run(text, published)
    participants = all_participants(x)
    # EXPECT: the officials who met are participants of one meeting
    keys = [person_iri(s) for s in slugs]
    assert any(all(k in m.participants for k in keys) for m in x.meetings), describe(x)
    # EXPECT: journalists, photographers, analysts, spokespeople never take part
    for word in press:
        wrong = [name_of(x, k) for k in participants if word.lower() in name_of(x, k).lower()]
        assert not wrong, f"{word} is a participant\n{describe(x)}"
        person = person_named(x, word)
        if person is not None:
            assert not person.may_participate, describe(x)
