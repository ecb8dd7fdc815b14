"""Date expressions: find them in text, resolve them against a publication date, and infer the year
of a year-less date from the terms of office of the people involved.

Dates are right or absent: a part that the text and its anchors do not establish stays None, and
nothing is ever resolved against today's date. Span detection is our own precompiled regular
expressions built from `data/dates.yaml`; the arithmetic is plain `datetime` (dateparser's search
is slow and noisy, and every rule here is a few lines of calendar arithmetic).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

import yaml

from kg.extract.prefilter import FoldedText, Starts
from kg.resources import package_data

DATA_FILE = "extract/data/dates.yaml"
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
# A year-less date repeats every year, and 29 February at worst every eight years.
_MAX_YEARS_BACK = 8


@dataclass(frozen=True)
class DateMention:
    """One date expression. `relative` is True when the text alone does not fix the date: a
    year-less or day-only date, a weekday, "yesterday", "the following day", "next month"; the
    parts it has were then taken from the publication date or the previous mention, when given."""

    start: int
    end: int
    text: str
    year: int | None
    month: int | None
    day: int | None
    relative: bool
    vague: bool

    @property
    def date(self) -> datetime.date | None:
        """The day, only when year, month and day are all established."""
        if self.year is None or self.month is None or self.day is None:
            return None
        return _safe_date(self.year, self.month, self.day)


@dataclass(frozen=True)
class _Anchors:
    published: datetime.date | None
    previous: DateMention | None


# One pattern and the function that turns its match into a mention (None: not a date after all).
_Resolver = Callable[[re.Match[str], _Anchors], DateMention | None]


# ---------------------------------------------------------------------------------------------
# Calendar arithmetic


def _safe_date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _is_valid_month_day(month: int, day: int) -> bool:
    # 2000 is a leap year, so 29 February counts as a real month-day.
    return _safe_date(2000, month, day) is not None


def _shift_month(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def most_recent_year(month: int, day: int, published: datetime.date) -> int | None:
    """The year of the most recent `day month` not after `published`."""
    for year in range(published.year, published.year - _MAX_YEARS_BACK - 1, -1):
        candidate = _safe_date(year, month, day)
        if candidate is not None and candidate <= published:
            return year
    return None


def most_recent_month_with_day(day: int, published: datetime.date) -> tuple[int, int] | None:
    """(year, month) of the most recent day-of-month `day` on or before `published`."""
    for back in range(13):
        year, month = _shift_month(published.year, published.month, -back)
        candidate = _safe_date(year, month, day)
        if candidate is not None and candidate <= published:
            return year, month
    return None


def _weekday_before(weekday: int, published: datetime.date, *, strictly: bool = False) -> datetime.date:
    """The latest such weekday on or before the publication day: a report filed on a Friday that says
    "on Friday" means that day; "last Friday" means the week before."""
    back = (published.weekday() - weekday) % 7
    if back == 0 and strictly:
        back = 7
    return published - datetime.timedelta(days=back)


def _weekday_after(weekday: int, published: datetime.date) -> datetime.date:
    ahead = (weekday - published.weekday()) % 7 or 7
    return published + datetime.timedelta(days=ahead)


# ---------------------------------------------------------------------------------------------
# Lexicon and patterns


@dataclass(frozen=True)
class _Lexicon:
    months: dict[str, int]
    weekdays: dict[str, int]
    weekday_name_prefixes: frozenset[str]
    weekday_past: frozenset[str]
    weekday_future: frozenset[str]
    relative_to_published: dict[str, int]
    relative_to_previous: dict[str, int]
    relative_to_previous_or_published: dict[str, int]
    period_deixis: dict[str, int]
    period_units: tuple[str, ...]
    period_qualifiers: tuple[str, ...]
    vague_phrases: tuple[str, ...]
    day_ordinal_followers: frozenset[str]


def _with_upper(names: Iterable[str], values: dict[str, int]) -> dict[str, int]:
    table = {name: values[name] for name in names}
    table.update({name.upper(): values[name] for name in names})
    return table


def _lower_keys(table: dict[str, int]) -> dict[str, int]:
    return {key.lower(): value for key, value in table.items()}


@cache
def _lexicon() -> _Lexicon:
    with package_data(DATA_FILE).open(encoding="utf-8") as handle:
        raw: dict[str, Any] = yaml.safe_load(handle)
    return _Lexicon(
        months=_with_upper(raw["months"], raw["months"]),
        weekdays=_with_upper(raw["weekdays"], raw["weekdays"]),
        weekday_name_prefixes=frozenset(raw["weekday_name_prefixes"]),
        weekday_past=frozenset(m.lower() for m in raw["weekday_past_modifiers"]),
        weekday_future=frozenset(m.lower() for m in raw["weekday_future_modifiers"]),
        relative_to_published=_lower_keys(raw["relative_to_published"]),
        relative_to_previous=_lower_keys(raw["relative_to_previous"]),
        relative_to_previous_or_published=_lower_keys(raw["relative_to_previous_or_published"]),
        period_deixis=_lower_keys(raw["period_deixis"]),
        period_units=tuple(raw["period_units"]),
        period_qualifiers=tuple(raw["period_qualifiers"]),
        vague_phrases=tuple(raw["vague_phrases"]),
        day_ordinal_followers=frozenset(w.lower() for w in raw["day_ordinal_followers"]),
    )


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation, longest first so that "June" wins over "Jun"; spaces match any blank."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)


# Shared pieces. A day or year must not touch other digits, times ("9:15") or decimals.
_NOT_AFTER_NUMBER = r"(?<![\w:./-])"
_NOT_BEFORE_NUMBER = r"(?!\w|[:./-]\d)"
_ORDINAL = r"(?:st|nd|rd|th)?"
# "14-15 March", "14 and 15 March": a range or pair of days; the mention holds the first.
_DAY = rf"(?P<day>[0-3]?\d){_ORDINAL}(?:\s*(?:-|–|\band\b|\bto\b)\s*[0-3]?\d{_ORDINAL})?"
_YEAR = r"(?P<year>(?:1[89]|2\d)\d\d)"
_ON = r"(?:\b(?i:on)\s+)?"


def _month_group(lex: _Lexicon) -> str:
    # Only an abbreviation takes a full stop ("Feb. 4"); after "March" it ends the sentence.
    full = [name for name in lex.months if name.capitalize() in MONTH_NAMES]
    abbreviations = [name for name in lex.months if name.capitalize() not in MONTH_NAMES]
    return rf"\b(?P<month>(?:{_alternation(full)})\b|(?:{_alternation(abbreviations)})\b\.?)"


def _weekday_prefix(lex: _Lexicon) -> str:
    # "Monday, 14 March" is one date: the weekday is part of the mention, not a second one.
    return rf"(?:\b(?P<weekday>{_alternation(lex.weekdays)}),?\s+(?:\bthe\s+)?)?"


def _day_month_year(lex: _Lexicon) -> str:
    # "4 May 2022", "on the 14th of March", "4th of May, 2022"
    return (rf"{_ON}{_weekday_prefix(lex)}(?:\bthe\s+)?{_NOT_AFTER_NUMBER}{_DAY}(?:\s+of)?\s+"
            rf"{_month_group(lex)}(?:,?\s+{_YEAR}{_NOT_BEFORE_NUMBER})?")


def _month_day_year(lex: _Lexicon) -> str:
    # "May 4, 2022", "on Feb. 4, 2017", "June 29th"
    return (rf"{_ON}{_weekday_prefix(lex)}{_month_group(lex)}\s+{_DAY}{_NOT_BEFORE_NUMBER}"
            rf"(?:,?\s+{_YEAR}{_NOT_BEFORE_NUMBER})?")


def _month_year(lex: _Lexicon) -> str:
    # "in January 2023", "January of 2023"
    return rf"(?:\b(?i:in)\s+)?{_month_group(lex)}(?:\s+of)?\s+{_YEAR}{_NOT_BEFORE_NUMBER}"


_ISO = (rf"{_ON}{_NOT_AFTER_NUMBER}(?P<year>\d{{4}})-(?P<month>[01]\d)-(?P<day>[0-3]\d)"
        rf"{_NOT_BEFORE_NUMBER}")


def _day_only(lex: _Lexicon) -> str:
    # "on the 3rd", "the 14th", "on Monday the 14th": the suffix is required; whether it is a day
    # depends on what follows.
    return rf"{_ON}{_weekday_prefix(lex)}\b(?i:the)\s+(?P<day>[0-3]?\d)(?P<suffix>st|nd|rd|th)\b"


def _weekday_pattern(lex: _Lexicon) -> str:
    modifiers = _alternation(lex.weekday_past | lex.weekday_future)
    return rf"(?:\b(?P<modifier>(?i:{modifiers}))\s+)?\b(?P<weekday>{_alternation(lex.weekdays)})\b"


def _phrase_pattern(phrases: Iterable[str]) -> str:
    return rf"\b(?i:(?P<phrase>{_alternation(phrases)}))\b"


def _period_pattern(lex: _Lexicon) -> str:
    qualifiers = _alternation(lex.period_qualifiers)
    # "over the last month" is a rolling period, not the previous calendar month.
    return (rf"(?<![Tt]he )\b(?i:(?:in\s+)?(?:(?P<qualifier>{qualifiers})[\s-]+)?(?:in\s+)?"
            rf"(?P<deixis>{_alternation(lex.period_deixis)})\s+(?P<unit>{_alternation(lex.period_units)}))\b")


# ---------------------------------------------------------------------------------------------
# Resolvers: one per pattern


def _mention(match: re.Match[str], **fields: Any) -> DateMention:
    values: dict[str, Any] = {"year": None, "month": None, "day": None, "relative": False, "vague": False}
    values.update(fields)
    return DateMention(start=match.start(), end=match.end(), text=match.group(0), **values)


def _from_date(match: re.Match[str], day: datetime.date | None, **fields: Any) -> DateMention:
    if day is None:
        return _mention(match, **fields)
    return _mention(match, year=day.year, month=day.month, day=day.day, **fields)


def _weekday_agrees(match: re.Match[str], resolved: datetime.date | None) -> bool:
    """False when the text names a weekday ("Monday, 14 March") that the resolved date is not:
    then the anchor chose the wrong month or year, and the part it supplied is dropped."""
    written = match.groupdict().get("weekday")
    if written is None or resolved is None:
        return True
    return _lexicon().weekdays[written] == resolved.weekday()


def _month_number(written: str) -> int:
    """The month of "March", "Feb." or an ISO "03"."""
    return _lexicon().months.get(written.rstrip(".")) or int(written)


def _resolve_calendar(match: re.Match[str], anchors: _Anchors) -> DateMention | None:
    """Day and month written, year written or taken from the publication date."""
    month = _month_number(match.group("month"))
    day = int(match.group("day"))
    if not _is_valid_month_day(month, day):
        return None
    if match.group("year"):
        year = int(match.group("year"))
        if _safe_date(year, month, day) is None:
            return None
        return _mention(match, year=year, month=month, day=day)
    year_found = None if anchors.published is None else most_recent_year(month, day, anchors.published)
    if year_found is not None and not _weekday_agrees(match, _safe_date(year_found, month, day)):
        year_found = None
    return _mention(match, year=year_found, month=month, day=day, relative=True)


def _resolve_month_year(match: re.Match[str], anchors: _Anchors) -> DateMention | None:
    month = _month_number(match.group("month"))
    return _mention(match, year=int(match.group("year")), month=month)


def _is_day_context(text: str, end: int) -> bool:
    """An ordinal is a day unless a word other than a known follower comes next ("53rd Munich")."""
    rest = text[end:end + 40].lstrip()
    if not rest[:1].isalpha():
        return True  # punctuation, a number or the end of the text
    word = re.match(r"[A-Za-z]+", rest)
    return word is not None and word.group(0).lower() in _lexicon().day_ordinal_followers


def _ordinal_suffix_fits(day: int, suffix: str) -> bool:
    expected = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return suffix.lower() == expected


def _resolve_day_only(match: re.Match[str], anchors: _Anchors) -> DateMention | None:
    day = int(match.group("day"))
    if not 1 <= day <= 31 or not _ordinal_suffix_fits(day, match.group("suffix")):
        return None
    if not _is_day_context(match.string, match.end()):
        return None
    found = None if anchors.published is None else most_recent_month_with_day(day, anchors.published)
    if found is None or not _weekday_agrees(match, _safe_date(found[0], found[1], day)):
        return _mention(match, day=day, relative=True)
    return _mention(match, year=found[0], month=found[1], day=day, relative=True)


def _resolve_weekday(match: re.Match[str], anchors: _Anchors) -> DateMention | None:
    lex = _lexicon()
    before = match.string[max(0, match.start() - 12):match.start()].split()
    if before and before[-1] in lex.weekday_name_prefixes:
        return None
    modifier = " ".join((match.group("modifier") or "on").lower().split())
    weekday = lex.weekdays[match.group("weekday")]
    if anchors.published is None:
        return _mention(match, relative=True)
    if modifier in lex.weekday_future:
        return _from_date(match, _weekday_after(weekday, anchors.published), relative=True)
    strictly = modifier.startswith("last") or modifier.startswith("past")
    return _from_date(match, _weekday_before(weekday, anchors.published, strictly=strictly), relative=True)


def _phrase_key(match: re.Match[str]) -> str:
    return " ".join(match.group("phrase").lower().split())


def _offset(base: datetime.date | None, days: int) -> datetime.date | None:
    return None if base is None else base + datetime.timedelta(days=days)


def _resolve_relative_to_published(match: re.Match[str], anchors: _Anchors) -> DateMention | None:
    days = _lexicon().relative_to_published[_phrase_key(match)]
    return _from_date(match, _offset(anchors.published, days), relative=True)


def _shift_previous(match: re.Match[str], previous: DateMention | None, days: int) -> DateMention:
    """`days` from the previous mention: from its full date, or from its month and day when only
    the year is missing and every year gives the same answer (not so around 29 February)."""
    if previous is None or previous.month is None or previous.day is None:
        return _mention(match, relative=True)
    if previous.year is not None:
        return _from_date(match, _offset(previous.date, days), relative=True)
    in_leap_year = _offset(_safe_date(2000, previous.month, previous.day), days)
    in_common_year = _offset(_safe_date(2001, previous.month, previous.day), days)
    if in_leap_year is None or in_common_year is None:
        return _mention(match, relative=True)
    if (in_leap_year.month, in_leap_year.day) != (in_common_year.month, in_common_year.day):
        return _mention(match, relative=True)
    return _mention(match, month=in_leap_year.month, day=in_leap_year.day, relative=True)


def _resolve_relative_to_previous(match: re.Match[str], anchors: _Anchors) -> DateMention | None:
    days = _lexicon().relative_to_previous[_phrase_key(match)]
    return _shift_previous(match, anchors.previous, days)


def _resolve_previous_or_published(match: re.Match[str], anchors: _Anchors) -> DateMention | None:
    """"The day before": of the date just mentioned when there is one, else of the publication."""
    days = _lexicon().relative_to_previous_or_published[_phrase_key(match)]
    if anchors.previous is not None:
        return _shift_previous(match, anchors.previous, days)
    return _from_date(match, _offset(anchors.published, days), relative=True)


def _resolve_vague_phrase(match: re.Match[str], anchors: _Anchors) -> DateMention | None:
    return _mention(match, relative=True, vague=True)


def _resolve_period(match: re.Match[str], anchors: _Anchors) -> DateMention | None:
    shift = _lexicon().period_deixis[match.group("deixis").lower()]
    unit = match.group("unit").lower()
    published = anchors.published
    if published is None or unit == "week":
        return _mention(match, relative=True, vague=True)
    if unit == "year":
        return _mention(match, year=published.year + shift, relative=True, vague=True)
    year, month = _shift_month(published.year, published.month, shift)
    return _mention(match, year=year, month=month, relative=True, vague=True)


@cache
def _gate() -> re.Pattern[str]:
    """A cheap test that a text may hold a date at all: a digit, a month or weekday name, or the
    last word of a relative phrase. Most sentences hold none, and then no pattern needs to run."""
    lex = _lexicon()
    phrases = [*lex.relative_to_published, *lex.relative_to_previous,
               *lex.relative_to_previous_or_published, *lex.vague_phrases, *lex.period_units]
    last_words = {phrase.split()[-1] for phrase in phrases}
    names = [*lex.months, *lex.weekdays]
    return re.compile(rf"\d|\b(?:{_alternation(names)})|\b(?i:{_alternation(last_words)})\b")


@cache
def _patterns() -> tuple[tuple[Starts, _Resolver], ...]:
    """All patterns, most specific first: on equal spans the earlier one wins. Each is tried only
    where one of its matches can begin (a month name, "on", "the", a digit ...): most positions of
    a text begin none, and scanning all of them with eleven patterns is what costs."""
    lex = _lexicon()
    table: list[tuple[str, _Resolver]] = [
        (_ISO, _resolve_calendar),
        (_day_month_year(lex), _resolve_calendar),
        (_month_day_year(lex), _resolve_calendar),
        (_month_year(lex), _resolve_month_year),
        (_day_only(lex), _resolve_day_only),
        (_phrase_pattern(lex.relative_to_published), _resolve_relative_to_published),
        (_phrase_pattern(lex.relative_to_previous), _resolve_relative_to_previous),
        (_phrase_pattern(lex.relative_to_previous_or_published), _resolve_previous_or_published),
        (_phrase_pattern(lex.vague_phrases), _resolve_vague_phrase),
        (_period_pattern(lex), _resolve_period),
        (_weekday_pattern(lex), _resolve_weekday),
    ]
    return tuple((Starts(re.compile(pattern)), resolver) for pattern, resolver in table)


# ---------------------------------------------------------------------------------------------
# Public API


def _candidates(text: str) -> list[tuple[int, int, int, re.Match[str], _Resolver]]:
    found: list[tuple[int, int, int, re.Match[str], _Resolver]] = []
    if _gate().search(text) is None:
        return found
    folded = FoldedText(text)
    for rank, (pattern, resolver) in enumerate(_patterns()):
        for match in pattern.finditer(folded):
            found.append((match.start(), -match.end(), rank, match, resolver))
    found.sort(key=lambda c: (c[0], c[1], c[2]))
    return found


def find_dates(text: str, *, published: datetime.date | None = None,
               previous: DateMention | None = None) -> list[DateMention]:
    """All date expressions in `text`, in order, resolved against `published` and `previous`.

    Each mention found in `text` (but "the day before", a look back) becomes the `previous` of the
    expressions after it, so "On 6 March ... the following day" resolves within one text.
    """
    mentions: list[DateMention] = []
    anchors = _Anchors(published=published, previous=previous)
    taken_until = 0
    for start, _neg_end, _rank, match, resolver in _candidates(text):
        if start < taken_until:
            continue
        mention = resolver(match, anchors)
        if mention is None:
            if resolver is _resolve_calendar:
                # "29 February 2023" is no date, and "February 2023" inside it is no month either.
                taken_until = match.end()
            continue
        mentions.append(mention)
        taken_until = mention.end
        # "the day before" is a look back: a later "that day" still means the date of the story.
        if resolver is not _resolve_previous_or_published:
            anchors = replace(anchors, previous=mention)
    return mentions


def years_within_terms(month: int, day: int,
                       windows: Sequence[tuple[datetime.date | None, datetime.date | None]]) -> list[int]:
    """The years Y such that date(Y, month, day) lies inside every window (inclusive; None = open).

    When the windows together are open on either side, no finite set of years is fixed: [].
    """
    starts = [start for start, _end in windows if start is not None]
    ends = [end for _start, end in windows if end is not None]
    if not windows or not starts or not ends:
        return []
    earliest, latest = max(starts), min(ends)
    years = []
    for year in range(earliest.year, latest.year + 1):
        candidate = _safe_date(year, month, day)
        if candidate is not None and earliest <= candidate <= latest:
            years.append(year)
    return years


def _describe_window(name: str, start: datetime.date | None, end: datetime.date | None) -> str:
    if start is not None and end is not None:
        return f"{name} ({start.isoformat()} to {end.isoformat()})"
    if start is not None:
        return f"{name} (from {start.isoformat()})"
    if end is not None:
        return f"{name} (until {end.isoformat()})"
    return f"{name} (dates unknown)"


def _join_names(parts: list[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        return f"both {parts[0]} and {parts[1]}"
    return f"all of {', '.join(parts[:-1])} and {parts[-1]}"


def day_month_text(month: int, day: int) -> str:
    """'14 March': the day as written in the explanations."""
    return f"{day} {MONTH_NAMES[month - 1]}"


def explain_no_year(month: int, day: int,
                    named_windows: Sequence[tuple[str, datetime.date | None, datetime.date | None]]) -> str:
    """One sentence saying that no year puts the day inside every named window, naming each."""
    described = [_describe_window(name, start, end) for name, start, end in named_windows]
    if not described:
        return f"no term of office is known to fix the year of {day_month_text(month, day)}"
    return f"no year puts {day_month_text(month, day)} inside {_join_names(described)}"
