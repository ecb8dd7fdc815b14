"""Publication dates from metadata: a date, a datetime, or a string; right or absent, never guessed."""

from __future__ import annotations

import re
from datetime import date, datetime

# Both numbers could be the month ("03/04/2023"): the order is a convention we cannot know.
_AMBIGUOUS_NUMERIC = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})\s*$")
_DATEPARSER_SETTINGS = {
    "REQUIRE_PARTS": ["day", "month", "year"],
    "STRICT_PARSING": True,
    "RETURN_AS_TIMEZONE_AWARE": False,
}


def parse_published(value: object, language: str | None = None) -> date:
    """The calendar date of `value`; ValueError saying why when it does not fix day, month and year.

    A datetime keeps the date as written in its own time zone, not converted to UTC: the
    publisher's local date is what "yesterday" in the text is relative to.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"not a date: {value!r}")
    return _parse_date_string(value.strip(), language)


def _parse_date_string(text: str, language: str | None) -> date:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    numeric = _AMBIGUOUS_NUMERIC.match(text)
    if numeric and int(numeric[1]) <= 12 and int(numeric[2]) <= 12 and numeric[1] != numeric[2]:
        raise ValueError(f"ambiguous date {text!r}: day and month order unknown (write it as YYYY-MM-DD)")
    languages = ["en"] if not language or language.startswith("en") else [language.split("-")[0], "en"]
    import dateparser  # imported here: it takes a second to load and most inputs are ISO dates

    try:
        parsed = dateparser.parse(text, languages=languages, settings=_DATEPARSER_SETTINGS)
    except (ValueError, TypeError):
        parsed = None
    if parsed is None:
        raise ValueError(f"not a full date (day, month and year): {text!r}")
    return parsed.date()
