"""Document metadata given as a mapping (YAML front matter, a JSON line) → Document fields."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date

from kg.errors import InputError
from kg.model import Document
from kg.read.dates import parse_published

# Keys that become Document fields; every other key is kept, as text, in Document.meta.
FIELD_KEYS = ("title", "source", "published", "language")


def build_document(identifier: str, text: str, path: str, metadata: Mapping[str, object],
                   meta: Mapping[str, str]) -> Document:
    """A Document whose fields come from `metadata`; an unreadable `published` is noted, not fatal.

    A bad date loses only the anchor for relative dates, so the document is still worth reading;
    meta["published_error"] says why the date is absent. InputError when a value is not Unicode
    text (JSON's "\\ud800" escapes give lone surrogates, which no graph can hold).
    """
    all_meta = dict(meta)
    all_meta.update({str(k): _as_text(v) for k, v in metadata.items() if k not in FIELD_KEYS and k != "text"})
    language = _optional_text(metadata.get("language"))
    published: date | None = None
    raw_published = metadata.get("published")
    if raw_published is not None:
        all_meta["published_text"] = _as_text(raw_published)
        try:
            published = parse_published(raw_published, language)
        except ValueError as error:
            all_meta["published_error"] = str(error)
    document = Document(identifier=identifier, text=text, path=path,
                        title=_optional_text(metadata.get("title")),
                        source=_optional_text(metadata.get("source")),
                        published=published, language=language, meta=all_meta)
    _require_unicode(document, path)
    return document


def _require_unicode(document: Document, path: str) -> None:
    values = {"text": document.text, "title": document.title, "source": document.source,
              "language": document.language, **document.meta}
    for key, value in values.items():
        try:
            (value or "").encode("utf-8")
        except UnicodeEncodeError as error:
            bad = (value or "")[error.start]
            raise InputError(path, f"the {key!r} holds U+{ord(bad):04X}, a lone surrogate, "
                                   "not Unicode text") from error


def _optional_text(value: object) -> str | None:
    if value is None:
        return None
    text = _as_text(value).strip()
    return text or None


def _as_text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)
