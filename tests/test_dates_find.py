"""find_dates: spans, resolution against a publication date and an earlier date, non-dates."""

from __future__ import annotations

import datetime

import pytest

from kg.extract.dates import DateMention, find_dates

D = datetime.date
WEDNESDAY_2_MARCH_2022 = D(2022, 3, 2)


def only(text: str, published: datetime.date | None = None,
         previous: DateMention | None = None) -> DateMention:
    mentions = find_dates(text, published=published, previous=previous)
    assert len(mentions) == 1, mentions
    return mentions[0]


def parts(mention: DateMention) -> tuple[int | None, int | None, int | None]:
    return mention.year, mention.month, mention.day


# --- absolute dates with a year -------------------------------------------------------------

@pytest.mark.parametrize(("text", "written", "expected"), [
    ("They met on 4 May 2022 in Manila.", "on 4 May 2022", D(2022, 5, 4)),
    ("They met May 4, 2022, in Manila.", "May 4, 2022", D(2022, 5, 4)),
    ("Issued 2022-05-04.", "2022-05-04", D(2022, 5, 4)),
    ("The talks were held on Feb. 4, 2017 at the ministry.", "on Feb. 4, 2017", D(2017, 2, 4)),
    ("Signed on the 4th of May 2022.", "on the 4th of May 2022", D(2022, 5, 4)),
    ("Signed the 4th of May, 2022.", "the 4th of May, 2022", D(2022, 5, 4)),
    ("ON 12 OCTOBER 2019 the ministers", "ON 12 OCTOBER 2019", D(2019, 10, 12)),
    ("On Sept. 30, 2021, Canberra said", "On Sept. 30, 2021", D(2021, 9, 30)),
    ("On Monday, 14 March 2022, they spoke.", "On Monday, 14 March 2022", D(2022, 3, 14)),
    ("Tuesday, March 15, 2022: a call", "Tuesday, March 15, 2022", D(2022, 3, 15)),
])
def test_absolute_dates_with_year(text: str, written: str, expected: datetime.date) -> None:
    for published in (None, D(2024, 1, 1)):
        mention = only(text, published=published)
        assert mention.text == written
        assert text[mention.start:mention.end] == written
        assert mention.date == expected
        assert not mention.relative and not mention.vague


def test_leap_day_with_year_and_impossible_dates() -> None:
    assert only("on 29 February 2024").date == D(2024, 2, 29)
    assert find_dates("on 29 February 2023") == []
    assert find_dates("on 31 April 2021") == []
    assert find_dates("on 2021-13-01") == []


def test_day_ranges_give_the_first_day() -> None:
    assert only("held on 14-15 March 2022 in Seoul").date == D(2022, 3, 14)
    assert only("held March 14-15, 2022 in Seoul").date == D(2022, 3, 14)
    assert only("held on 7 and 8 June 2023").date == D(2023, 6, 7)


# --- month and year only --------------------------------------------------------------------

@pytest.mark.parametrize(("text", "written", "month", "year"), [
    ("The pact was signed in January 2023.", "in January 2023", 1, 2023),
    ("JapanDefenseFocus No.102 August 2018", "August 2018", 8, 2018),
    ("since Dec. 2019 the drills", "Dec. 2019", 12, 2019),
])
def test_month_and_year(text: str, written: str, month: int, year: int) -> None:
    mention = only(text, published=D(2024, 5, 5))
    assert (mention.text, mention.year, mention.month, mention.day) == (written, year, month, None)
    assert mention.date is None
    assert not mention.relative


# --- no year --------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "written", "month", "day"), [
    ("from 9:15am on February 4th.", "on February 4th", 2, 4),
    ("On June 29th, the ministers met.", "On June 29th", 6, 29),
    ("a telephone call on 14 March.", "on 14 March", 3, 14),
    ("It happened on the 14th of March, officials said.", "on the 14th of March", 3, 14),
    ("Dec 30 talks", "Dec 30", 12, 30),
])
def test_no_year_without_publication_date_keeps_year_unknown(
        text: str, written: str, month: int, day: int) -> None:
    mention = only(text)
    assert (mention.text, mention.year, mention.month, mention.day) == (written, None, month, day)
    assert mention.date is None
    assert mention.relative


def test_no_year_takes_the_publication_year_when_not_after_it() -> None:
    assert only("on 14 February", published=D(2022, 3, 2)).date == D(2022, 2, 14)
    assert only("on 2 March", published=D(2022, 3, 2)).date == D(2022, 3, 2)


def test_no_year_after_the_publication_date_is_the_previous_year() -> None:
    assert only("on 3 March", published=D(2022, 3, 2)).date == D(2021, 3, 3)
    assert only("on December 30", published=D(2023, 1, 2)).date == D(2022, 12, 30)


def test_no_year_leap_day_goes_back_to_the_last_leap_year() -> None:
    assert only("on February 29", published=D(2023, 6, 1)).date == D(2020, 2, 29)
    assert only("on February 29", published=D(2024, 3, 1)).date == D(2024, 2, 29)


def test_written_weekday_that_disagrees_with_the_inferred_year_drops_the_year() -> None:
    assert only("Monday, February 28", published=WEDNESDAY_2_MARCH_2022).date == D(2022, 2, 28)
    disagreeing = only("Tuesday, February 28", published=WEDNESDAY_2_MARCH_2022)
    assert parts(disagreeing) == (None, 2, 28)


# --- day only -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "written", "day"), [
    ("met in Tokyo on the 1st amid the escalating threat", "on the 1st", 1),
    ("on the morning of the 14th, Japan time", "the 14th", 14),
    ("to be held in Singapore on the 24th.", "on the 24th", 24),
    ("They spoke on the 3rd", "on the 3rd", 3),
    ("met on the 22nd at the ministry", "on the 22nd", 22),
])
def test_day_only_without_publication_date(text: str, written: str, day: int) -> None:
    mention = only(text)
    assert (mention.text, mention.year, mention.month, mention.day) == (written, None, None, day)
    assert mention.relative


def test_day_only_on_or_before_the_publication_day_is_that_month() -> None:
    assert only("on the 1st amid", published=D(2023, 6, 1)).date == D(2023, 6, 1)
    assert only("on the 1st.", published=D(2023, 6, 9)).date == D(2023, 6, 1)


def test_day_only_after_the_publication_day_is_the_previous_month() -> None:
    assert only("on the 24th.", published=D(2023, 6, 1)).date == D(2023, 5, 24)
    assert only("on the 15th.", published=D(2023, 1, 10)).date == D(2022, 12, 15)


def test_day_only_skips_months_without_that_day() -> None:
    # 2 March: February has no 31st, so the most recent 31st is in January.
    assert only("on the 31st.", published=WEDNESDAY_2_MARCH_2022).date == D(2022, 1, 31)
    assert only("on the 30th.", published=D(2021, 3, 1)).date == D(2021, 1, 30)
    assert only("on the 29th.", published=D(2024, 3, 1)).date == D(2024, 2, 29)


def test_day_only_with_weekday_checks_the_weekday() -> None:
    assert only("on Monday the 28th", published=WEDNESDAY_2_MARCH_2022).date == D(2022, 2, 28)
    assert parts(only("on Tuesday the 28th", published=WEDNESDAY_2_MARCH_2022)) == (None, None, 28)


@pytest.mark.parametrize("text", [
    "Wakamiya attended the 53rd Munich Security Conference in Germany.",
    "for the 3rd time this year",
    "the 21st century",
    "the 1st Infantry Division",
    "the 2nd round of talks",
    "the 11st day",  # a wrong suffix is not a day
    "the 32nd",
    "on the 0th",
])
def test_ordinals_that_are_not_days(text: str) -> None:
    assert [m for m in find_dates(text, published=WEDNESDAY_2_MARCH_2022) if m.day is not None] == []


# --- relative to the publication date --------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("The ministers met today in Canberra.", WEDNESDAY_2_MARCH_2022),
    ("Today, the ministers met.", WEDNESDAY_2_MARCH_2022),
    ("met at the Ministry of Defense this morning", WEDNESDAY_2_MARCH_2022),
    ("will speak tonight", WEDNESDAY_2_MARCH_2022),
    ("spoke yesterday by telephone", D(2022, 3, 1)),
    ("spoke the day before yesterday", D(2022, 2, 28)),
    ("said the day before", D(2022, 3, 1)),
])
def test_relative_days(text: str, expected: datetime.date) -> None:
    mention = only(text, published=WEDNESDAY_2_MARCH_2022)
    assert mention.date == expected
    assert mention.relative and not mention.vague


def test_yesterday_across_a_year_boundary() -> None:
    assert only("yesterday", published=D(2023, 1, 1)).date == D(2022, 12, 31)


@pytest.mark.parametrize("text", ["today", "this morning", "yesterday", "on Monday", "next Friday",
                                  "the day before", "the following day"])
def test_relative_without_any_anchor_keeps_only_the_text(text: str) -> None:
    mention = only(f"They met {text}.")
    assert mention.text == text
    assert parts(mention) == (None, None, None)
    assert mention.relative


# --- weekdays -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("met on Monday", D(2022, 2, 28)),
    ("a source said Saturday.", D(2022, 2, 26)),
    ("talks last Tuesday", D(2022, 3, 1)),
    ("on Wednesday", D(2022, 3, 2)),  # a report filed on a Wednesday means that day
    ("last Wednesday", D(2022, 2, 23)),  # "last": strictly the week before
    ("next Monday", D(2022, 3, 7)),
    ("this coming Friday", D(2022, 3, 4)),
    ("next Wednesday", D(2022, 3, 9)),
    ("on Thursday", D(2022, 2, 24)),
])
def test_weekdays(text: str, expected: datetime.date) -> None:
    mention = only(text, published=WEDNESDAY_2_MARCH_2022)
    assert mention.date == expected
    assert mention.relative


def test_weekday_across_a_month_and_year_boundary() -> None:
    assert only("on Friday", published=D(2023, 1, 2)).date == D(2022, 12, 30)


def test_weekday_in_a_name_is_not_a_date() -> None:
    assert find_dates("the Good Friday Agreement", published=WEDNESDAY_2_MARCH_2022) == []


# --- relative to an earlier date ------------------------------------------------------------

def test_following_day_uses_the_previous_mention() -> None:
    previous = only("On 6 March 2017")
    mention = only("Abe and Trump agreed the following day that", previous=previous)
    assert mention.date == D(2017, 3, 7)


def test_following_day_chains_within_one_text() -> None:
    text = "On March 6, missiles flew. The leaders agreed the following day that it was a challenge."
    first, second = find_dates(text, published=D(2017, 3, 18))
    assert first.date == D(2017, 3, 6)
    assert (second.text, second.date) == ("the following day", D(2017, 3, 7))


def test_next_day_across_a_year_boundary() -> None:
    assert only("the next day", previous=only("on 31 December 2021")).date == D(2022, 1, 1)


def test_following_day_of_a_yearless_date_keeps_month_and_day() -> None:
    _first, second = find_dates("On June 29th they met; the next day they flew home.")
    assert parts(second) == (None, 6, 30)
    # 28 February + 1 depends on the year: nothing is set.
    _first, after_feb_28 = find_dates("On 28 February they met; the next day they flew home.")
    assert parts(after_feb_28) == (None, None, None)


def test_following_day_without_a_full_previous_date_sets_nothing() -> None:
    assert parts(only("the following day", previous=only("in January 2023"))) == (None, None, None)
    assert parts(only("the following day", published=WEDNESDAY_2_MARCH_2022)) == (None, None, None)


def test_day_before_prefers_the_previous_date() -> None:
    previous = only("on 10 May 2021")
    assert only("the day before", previous=previous, published=D(2021, 6, 1)).date == D(2021, 5, 9)
    assert only("the previous day", published=D(2021, 6, 1)).date == D(2021, 5, 31)


def test_that_day_is_the_previous_date() -> None:
    text = "They met in Tokyo on the 1st. At the meeting that day, they discussed missiles."
    first, second = find_dates(text, published=D(2023, 6, 1))
    assert second.text == "that day"
    assert second.date == first.date == D(2023, 6, 1)


# --- vague periods --------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "year", "month"), [
    ("during the security dialogue late next month", 2022, 4),
    ("early next month", 2022, 4),
    ("next month", 2022, 4),
    ("last month", 2022, 2),
    ("earlier this month", 2022, 3),
    ("by the end of this month", 2022, 3),
    ("early next year", 2023, None),
    ("last year", 2021, None),
    ("last week", None, None),
    ("next week", None, None),
    ("in recent months", None, None),
    ("in the coming weeks", None, None),
])
def test_vague_periods(text: str, year: int | None, month: int | None) -> None:
    mention = only(text, published=WEDNESDAY_2_MARCH_2022)
    assert (mention.year, mention.month, mention.day) == (year, month, None)
    assert mention.vague and mention.relative
    assert mention.date is None
    without_anchor = only(text)
    assert parts(without_anchor) == (None, None, None) and without_anchor.vague


def test_next_month_across_a_year_boundary() -> None:
    mention = only("late next month", published=D(2016, 12, 20))
    assert (mention.year, mention.month) == (2017, 1)
    assert mention.text == "late next month"


def test_vague_period_is_not_a_previous_date_for_anaphora() -> None:
    mentions = find_dates("Talks are set for next month. The following day", published=D(2022, 3, 2))
    assert parts(mentions[1]) == (None, None, None)


# --- things that are not dates --------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "approx. 85 minutes from 9:15am",
    "The meeting lasted 35 minutes.",
    "a two-day visit",
    "Saudi Vision 2030 and the 2030 Agenda",
    "JapanDefenseFocus No.102",
    "North Korea conducted more than 20 ballistic missile tests",
    "Article 5 of the treaty",
    "Mar-a-Lago in Florida",
    "They may meet again.",
    "troops march 14 kilometres",
    "at 10:30 on",
    "Resolution 2375",
])
def test_not_dates(text: str) -> None:
    assert find_dates(text, published=WEDNESDAY_2_MARCH_2022) == []


def test_time_next_to_a_date_is_left_out_of_the_span() -> None:
    mention = only("had a meeting for approx. 85 minutes from 9:15am on February 4th.")
    assert mention.text == "on February 4th"


def test_sentence_full_stop_after_a_month_is_not_part_of_it() -> None:
    assert only("a telephone call on 14 March. The meeting").text == "on 14 March"
    assert only("on Feb. 4 they met").text == "on Feb. 4"


# --- several mentions, offsets, order -------------------------------------------------------

def test_several_mentions_in_order_with_true_offsets() -> None:
    text = ("Kono spoke on June 15 at the ministry; Abe spoke on June 16. On the 14th, talks lasted "
            "35 minutes, and a dialogue is planned late next month.")
    mentions = find_dates(text, published=D(2020, 6, 17))
    assert [m.text for m in mentions] == ["on June 15", "on June 16", "On the 14th", "late next month"]
    assert all(text[m.start:m.end] == m.text for m in mentions)
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)
    assert [m.date for m in mentions[:3]] == [D(2020, 6, 15), D(2020, 6, 16), D(2020, 6, 14)]


def test_empty_and_dateless_texts() -> None:
    assert find_dates("") == []
    assert find_dates("The ministers discussed the alliance.", published=D(2022, 1, 1)) == []


def test_never_uses_today_by_default() -> None:
    for text in ("on 14 March", "on the 3rd", "on Monday", "yesterday", "next month"):
        mention = only(text)
        assert mention.year is None, text


def test_words_ending_in_on_or_in_are_not_prefixes() -> None:
    assert only("Washington 4 May 2022").text == "4 May 2022"
    assert only("Canberra, Berlin March 2022").text == "March 2022"
    assert only("Marathon Monday", published=WEDNESDAY_2_MARCH_2022).text == "Monday"


def test_rolling_periods_are_not_calendar_periods() -> None:
    assert find_dates("over the last month", published=WEDNESDAY_2_MARCH_2022) == []
    assert find_dates("in the past year", published=WEDNESDAY_2_MARCH_2022) == []


def test_a_look_back_does_not_move_the_date_of_the_story() -> None:
    text = ("The ministers met in Canberra on the 9th. A drone had crashed the day before, Marles said. "
            "At the talks that day, they agreed on patrols.")
    meeting, look_back, that_day = find_dates(text, published=D(2024, 10, 10))
    assert meeting.date == D(2024, 10, 9)
    assert look_back.date == D(2024, 10, 8)
    assert that_day.date == D(2024, 10, 9)
