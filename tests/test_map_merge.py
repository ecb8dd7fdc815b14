"""Cross-document merging on hand-made extractions: one node per real meeting, never two on one IRI."""

from __future__ import annotations

from datetime import date

from kg.extract.model import DocExtraction, Meeting, Person
from kg.map.merge import identities, merge_view
from kg.model import Document

A = "https://w3id.org/readout-kg/id/person/a-official"
B = "https://w3id.org/readout-kg/id/person/b-official"


def report(name: str, *meetings: Meeting) -> DocExtraction:
    document = Document(identifier=name, text=f"text of {name}")
    people = [Person(key=iri, name=iri.rsplit("/", 1)[-1], ref_iri=iri) for iri in (A, B)]
    return DocExtraction(document, document.sha256, people, list(meetings))


def meeting(kind: str, day: date, *, planned: bool = False) -> Meeting:
    return Meeting(kind=kind, participants=[A, B], planned=planned, date=day)


def test_the_same_call_reported_a_day_apart_is_one_node() -> None:
    ids = identities([report("one", meeting("TelephoneTalk", date(2024, 3, 5))),
                      report("two", meeting("Meeting", date(2024, 3, 6)))])
    assert ids.meetings[(0, 0)].iri == ids.meetings[(1, 0)].iri


def test_meetings_that_do_not_merge_never_share_an_iri() -> None:
    day = date(2024, 3, 5)
    ids = identities([
        report("call", meeting("TelephoneTalk", day)),
        report("visit", meeting("TwoPlusTwo", day)),
        report("plan", meeting("Meeting", day, planned=True)),
    ])
    iris = [ids.meetings[(d, 0)].iri for d in range(3)]
    assert len(set(iris)) == 3
    again = identities([report("plan", meeting("Meeting", day, planned=True)),
                        report("visit", meeting("TwoPlusTwo", day)),
                        report("call", meeting("TelephoneTalk", day))])
    assert {again.meetings[(d, 0)].iri for d in range(3)} == set(iris)  # whatever the order


def test_a_lone_meeting_keeps_the_iri_of_its_people_and_date() -> None:
    alone = identities([report("call", meeting("TelephoneTalk", date(2024, 3, 5)))])
    with_other_day = identities([report("call", meeting("TelephoneTalk", date(2024, 3, 5))),
                                 report("visit", meeting("TwoPlusTwo", date(2024, 4, 9)))])
    assert alone.meetings[(0, 0)].iri == with_other_day.meetings[(0, 0)].iri


def test_the_merge_view_drops_text_and_passages_but_keeps_what_merging_reads() -> None:
    x = report("one", meeting("TelephoneTalk", date(2024, 3, 5)))
    view = merge_view(x)
    assert view.document.text == "" and view.sha256 == x.sha256
    assert identities([view]).meetings[(0, 0)].iri == identities([x]).meetings[(0, 0)].iri
