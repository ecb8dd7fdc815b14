"""years_within_terms and explain_no_year: the year of a year-less date from terms of office."""

from __future__ import annotations

import datetime
import time

import pytest

from kg.extract.dates import explain_no_year, find_dates, years_within_terms

D = datetime.date


def test_one_year_fits_both_terms() -> None:
    windows = [(D(2016, 8, 3), D(2017, 7, 28)), (D(2017, 1, 20), D(2019, 1, 1))]
    assert years_within_terms(2, 4, windows) == [2017]


def test_no_year_fits_both_terms() -> None:
    windows = [(D(2020, 9, 16), D(2021, 10, 4)), (D(2020, 11, 9), D(2021, 1, 20))]
    assert years_within_terms(3, 14, windows) == []
    assert years_within_terms(11, 14, windows) == [2020]


def test_long_overlapping_terms_give_several_years() -> None:
    windows = [(D(2012, 12, 26), D(2020, 9, 16)), (D(2014, 5, 1), D(2019, 3, 31))]
    assert years_within_terms(6, 29, windows) == [2014, 2015, 2016, 2017, 2018]
    assert years_within_terms(4, 15, windows) == [2015, 2016, 2017, 2018]


def test_window_edges_are_inclusive() -> None:
    windows = [(D(2018, 6, 29), D(2019, 6, 29))]
    assert years_within_terms(6, 29, windows) == [2018, 2019]
    assert years_within_terms(6, 28, windows) == [2019]
    assert years_within_terms(6, 30, windows) == [2018]


def test_leap_day_only_in_leap_years() -> None:
    windows = [(D(2015, 1, 1), D(2021, 12, 31))]
    assert years_within_terms(2, 29, windows) == [2016, 2020]
    assert years_within_terms(2, 29, [(D(2021, 1, 1), D(2023, 12, 31))]) == []


def test_one_open_end_is_fixed_by_another_window() -> None:
    still_in_office = (D(2022, 8, 10), None)
    counterpart = (D(2021, 1, 22), D(2023, 6, 1))
    assert years_within_terms(3, 1, [still_in_office, counterpart]) == [2023]
    assert years_within_terms(1, 1, [(None, D(2023, 6, 1)), counterpart]) == [2022, 2023]


def test_open_ended_on_either_side_fixes_no_year() -> None:
    assert years_within_terms(3, 1, [(D(2022, 8, 10), None)]) == []
    assert years_within_terms(3, 1, [(None, D(2022, 8, 10))]) == []
    assert years_within_terms(3, 1, [(D(2022, 8, 10), None), (D(2020, 1, 1), None)]) == []
    assert years_within_terms(3, 1, [(None, None)]) == []
    assert years_within_terms(3, 1, []) == []


def test_disjoint_windows_and_impossible_days() -> None:
    assert years_within_terms(5, 5, [(D(2010, 1, 1), D(2011, 1, 1)), (D(2015, 1, 1), D(2016, 1, 1))]) == []
    assert years_within_terms(4, 31, [(D(2010, 1, 1), D(2020, 1, 1))]) == []


def test_a_single_closed_window() -> None:
    assert years_within_terms(12, 31, [(D(2020, 12, 31), D(2022, 12, 30))]) == [2020, 2021]


def test_year_less_mention_feeds_term_inference() -> None:
    mention = find_dates("had a meeting at the MOD from 9:15am on February 4th.")[0]
    assert mention.month is not None and mention.day is not None
    windows = [(D(2016, 8, 3), D(2017, 7, 28)), (D(2017, 1, 20), D(2019, 1, 1))]
    assert years_within_terms(mention.month, mention.day, windows) == [2017]


# --- explain_no_year ------------------------------------------------------------------------

def test_explanation_names_both_windows() -> None:
    text = explain_no_year(3, 14, [
        ("Christopher Miller's term as Acting Secretary of Defense", D(2020, 11, 9), D(2021, 1, 20)),
        ("Nobuo Kishi's term as Minister of Defense", D(2020, 9, 16), D(2021, 10, 4)),
    ])
    assert text == ("no year puts 14 March inside both Christopher Miller's term as Acting Secretary of "
                    "Defense (2020-11-09 to 2021-01-20) and Nobuo Kishi's term as Minister of Defense "
                    "(2020-09-16 to 2021-10-04)")


def test_explanation_for_one_and_three_windows_and_open_ends() -> None:
    one = explain_no_year(2, 29, [("A's term as Minister", D(2021, 1, 1), D(2023, 12, 31))])
    assert one == "no year puts 29 February inside A's term as Minister (2021-01-01 to 2023-12-31)"
    three = explain_no_year(7, 4, [
        ("A's term", D(2020, 1, 1), None),
        ("B's term", None, D(2021, 1, 1)),
        ("C's term", D(2019, 5, 1), D(2020, 6, 1)),
    ])
    assert three == ("no year puts 4 July inside all of A's term (from 2020-01-01), "
                     "B's term (until 2021-01-01) and C's term (2019-05-01 to 2020-06-01)")


def test_explanation_without_windows() -> None:
    assert "1 January" in explain_no_year(1, 1, [])


@pytest.mark.parametrize("month", range(1, 13))
def test_explanation_spells_every_month(month: int) -> None:
    text = explain_no_year(month, 1, [("X's term", D(2000, 1, 1), D(2000, 1, 2))])
    assert text.startswith(f"no year puts 1 {datetime.date(2000, month, 1):%B} inside X's term")


# --- speed ----------------------------------------------------------------------------------

def test_thousands_of_sentences_per_second() -> None:
    sentences = [
        "Minister of Defense Inada and Secretary Mattis met for 85 minutes from 9:15am on February 4th.",
        "The Ministers exchanged views on the regional situation and the alliance.",
        "They met in Tokyo on the 1st amid the escalating missile threat from North Korea.",
        "Japan plans to propose the dialogue late next month, a government source said Saturday.",
        "Both sides reaffirmed Article 5 of the Japan-U.S. Security Treaty.",
    ] * 200
    find_dates("warm up on 1 May 2020")
    began = time.perf_counter()
    for sentence in sentences:
        find_dates(sentence, published=D(2017, 2, 5))
    elapsed = time.perf_counter() - began
    # The aim is > 5,000 sentences/s; the bound leaves room for a loaded test machine.
    assert len(sentences) / elapsed > 1_000
