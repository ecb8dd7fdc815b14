"""Treaty articles: every way of writing the article number, the treaty named or implied by the
participants' countries, the stance verb, what the article is said to apply to, and background
sentences that are no reaffirmation by the meeting.

All texts are written for these tests. EXPECT: lines state what a careful analyst reads out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from extract_helpers import describe, person_iri, run


@dataclass(frozen=True)
class TreatyCase:
    id: str
    text: str
    published: date
    participants: list[str]          # slugs of the meeting that reaffirms
    treaty: str
    article: int
    stance: str | None = None        # None: any stance
    applies_to: str | None = None


CASES = [
    TreatyCase(
        "article-5-arabic-named",
        "Japanese Defense Minister Nobuo Kishi met U.S. Secretary of Defense Lloyd Austin in Tokyo on "
        "Tuesday. The two ministers reaffirmed that Article 5 of the Japan-U.S. Security Treaty applies "
        "to the Senkaku Islands.",
        date(2021, 3, 18), ["nobuo-kishi", "lloyd-austin"], "japan-us-security", 5, "Reaffirmed",
        "Senkaku Islands"),
    TreatyCase(
        "article-v-roman-nato",
        "UK Defence Secretary Grant Shapps met U.S. Secretary of Defense Lloyd Austin at the Pentagon on "
        "Monday. Both reaffirmed their unwavering commitment to Article V of the North Atlantic Treaty.",
        date(2023, 12, 6), ["grant-shapps", "lloyd-austin"], "north-atlantic", 5, "Reaffirmed"),
    TreatyCase(
        "article-five-word-washington-treaty",
        "Canadian Defence Minister Bill Blair spoke by telephone with German Defence Minister Boris "
        "Pistorius on Thursday. The ministers affirmed that Article Five of the Washington Treaty "
        "remains the cornerstone of their security.",
        date(2024, 2, 3), ["bill-blair", "boris-pistorius"], "north-atlantic", 5, "Affirmed"),
    TreatyCase(
        "the-fifth-article-reconfirmed-senkakus",
        "Defense Minister Minoru Kihara held talks with Secretary of Defense Lloyd Austin in Tokyo. They "
        "reconfirmed that the fifth article of the Japan-U.S. Security Treaty covers the Senkakus.",
        date(2024, 7, 30), ["minoru-kihara", "lloyd-austin"], "japan-us-security", 5, "Reconfirmed",
        "Senkaku Islands"),
    TreatyCase(
        "mdt-article-iv-philippines",
        "Secretary of Defense Lloyd Austin spoke by phone with Philippine Defense Secretary Gilberto "
        "Teodoro on Friday. Austin reaffirmed that Article IV of the 1951 U.S.-Philippines Mutual "
        "Defense Treaty extends to armed attacks on Philippine armed forces, public vessels or aircraft "
        "anywhere in the South China Sea.",
        date(2024, 6, 24), ["lloyd-austin", "gilberto-teodoro"], "us-philippines-mdt", 4, "Reaffirmed"),
    TreatyCase(
        "mdt-implied-by-philippine-participant",
        "Defense Secretary Pete Hegseth met Secretary Gilberto Teodoro in Manila on Friday. Hegseth "
        "reaffirmed that Article IV of the Mutual Defense Treaty covers Philippine coast guard vessels.",
        date(2025, 3, 30), ["pete-hegseth", "gilberto-teodoro"], "us-philippines-mdt", 4, "Reaffirmed"),
    TreatyCase(
        "mdt-implied-by-korean-participant",
        "Secretary of Defense Lloyd Austin met Defense Minister Lee Jong-sup in Seoul on Tuesday. Austin "
        "reaffirmed the U.S. commitment under Article III of the Mutual Defense Treaty to defend the "
        "Republic of Korea.",
        date(2023, 2, 1), ["lloyd-austin", "lee-jong-sup"], "us-rok-mdt", 3, "Reaffirmed"),
    TreatyCase(
        "anzus-article-iv",
        "Deputy Prime Minister Richard Marles met Secretary of Defense Lloyd Austin in Washington on "
        "Monday. They reaffirmed the enduring commitment of both countries under Article IV of the "
        "ANZUS Treaty.",
        date(2024, 8, 8), ["richard-marles", "lloyd-austin"], "anzus", 4, "Reaffirmed"),
    TreatyCase(
        "article-5-treaty-implied-jp-us",
        "Defense Minister Yasukazu Hamada held a telephone talk with Secretary of Defense Lloyd Austin "
        "on Wednesday. The two ministers reconfirmed that Article 5 applies to the Senkaku Islands.",
        date(2023, 4, 20), ["yasukazu-hamada", "lloyd-austin"], "japan-us-security", 5, "Reconfirmed",
        "Senkaku Islands"),
    TreatyCase(
        "article-5-implied-nato",
        "German Defence Minister Boris Pistorius met UK Defence Secretary John Healey in Berlin on "
        "Thursday. The ministers reaffirmed their commitment to Article 5.",
        date(2024, 10, 26), ["boris-pistorius", "john-healey"], "north-atlantic", 5, "Reaffirmed"),
    TreatyCase(
        "stated-that-applies-diaoyu",
        "Secretary of Defense Lloyd Austin held talks with Defense Minister Nobuo Kishi at the Ministry "
        "of Defense on Tuesday. Austin stated that Article 5 of the Japan-U.S. Security Treaty applies "
        "to the islands that China calls the Diaoyu Islands.",
        date(2021, 3, 18), ["lloyd-austin", "nobuo-kishi"], "japan-us-security", 5, "StatedApplication",
        "Senkaku Islands"),
    TreatyCase(
        "reaffirmed-senkakus-short",
        "In a video call on Monday, Defense Minister Kishi and Secretary Austin reaffirmed that Article "
        "5 of the U.S.-Japan Security Treaty applies to the Senkakus.",
        date(2021, 10, 1), ["nobuo-kishi", "lloyd-austin"], "japan-us-security", 5, "Reaffirmed",
        "Senkaku Islands"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_reaffirmation(case: TreatyCase) -> None:
    x = run(case.text, case.published)
    wanted = [person_iri(s) for s in case.participants]
    found = [m for m in x.meetings if all(k in m.participants for k in wanted)]
    # EXPECT: the meeting of these participants
    assert found, describe(x)
    reaffirmations = [r for m in found for r in m.reaffirmations]
    # EXPECT: exactly one reaffirmation: this treaty's article
    got = [(r.treaty_key, r.article_number) for r in reaffirmations]
    assert got == [(case.treaty, case.article)], f"got {got}\n{describe(x)}"
    r = reaffirmations[0]
    # EXPECT: the stance verb
    if case.stance:
        assert r.stance == case.stance, describe(x)
    # EXPECT: what it applies to, under its reference name
    if case.applies_to:
        assert r.applies_to == case.applies_to, describe(x)


NO_REAFFIRMATION = [
    ("background-repeatedly-stated",
     "Defense Minister Minoru Kihara held a telephone call with Secretary of Defense Lloyd Austin on "
     "Thursday to discuss the regional security environment. The United States has repeatedly stated "
     "that Article 5 of the Japan-U.S. Security Treaty applies to the Senkaku Islands.",
     date(2024, 3, 1), ["minoru-kihara", "lloyd-austin"]),
    ("background-history-invoked",
     "Canadian Defence Minister Bill Blair met German Defence Minister Boris Pistorius in Ottawa. "
     "NATO invoked Article 5 of the North Atlantic Treaty for the first time after the attacks of "
     "11 September 2001.",
     date(2024, 5, 10), ["bill-blair", "boris-pistorius"]),
    ("article-of-other-agreement",
     "Philippine Defense Secretary Gilberto Teodoro met Australian Defence Minister Richard Marles in "
     "Canberra on Wednesday. They discussed Article 7 of the Visiting Forces Agreement.",
     date(2024, 2, 23), ["gilberto-teodoro", "richard-marles"]),
]


@pytest.mark.parametrize(("text", "published", "slugs"), [c[1:] for c in NO_REAFFIRMATION],
                         ids=[c[0] for c in NO_REAFFIRMATION])
def test_no_reaffirmation(text: str, published: date, slugs: list[str]) -> None:
    x = run(text, published)
    wanted = [person_iri(s) for s in slugs]
    found = [m for m in x.meetings if all(k in m.participants for k in wanted)]
    # EXPECT: the meeting is found ...
    assert found, describe(x)
    # EXPECT: ... but it reaffirms nothing: background and other agreements are no reaffirmation
    got = [(r.treaty_key, r.article_number) for m in x.meetings for r in m.reaffirmations]
    assert got == [], f"got {got}\n{describe(x)}"
