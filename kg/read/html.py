"""HTML pages: the main text via trafilatura (no menus, share buttons, ads, comments, repeated
captions), title and publication date from the page's metadata. Never touches the network: the
page is parsed from the file, and htmldate is given a parsed tree, never a URL.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from configparser import ConfigParser
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from lxml import etree
from lxml import html as lxml_html

from kg.errors import InputError
from kg.model import Document
from kg.read.base import Reader
from kg.read.dates import parse_published
from kg.read.decode import decode, html_charset, normalise_newlines, read_bytes

_DATA = Path(__file__).resolve().parent / "data"
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# Shorter lines ("Share", "Photo", a dateline) may rightly repeat in an article.
_MIN_REPEATED_LINE = 30


@cache
def _meta_sources() -> dict[str, list[str]]:
    with (_DATA / "html_meta.yaml").open(encoding="utf-8") as handle:
        loaded: dict[str, list[str]] = yaml.safe_load(handle)
    return loaded


@cache
def _trafilatura_config() -> ConfigParser:
    config = ConfigParser()
    config.read(_DATA / "trafilatura.cfg", encoding="utf-8")
    return config


class HtmlReader(Reader):
    """`.html`/`.htm`: Document.text is the extracted main text; offsets index that text."""

    name = "html"
    suffixes = (".html", ".htm")

    def read(self, path: str | Path) -> Iterator[Document]:
        data = read_bytes(path, self.max_bytes)
        decoded = decode(data, path, declared=html_charset(data))
        page = _XML_DECLARATION.sub("", decoded.text, count=1)
        tree = _parse(page, path)
        meta = {"format": self.name, **decoded.meta}
        cut = _cut_at_depth(tree)
        if cut:
            meta["html_note"] = cut
        text = _main_text(page, path, cut)
        tags = _meta_values(tree)
        published = _published(tree, tags, meta)
        yield Document(identifier=Path(path).name, text=text, path=str(path), title=_title(tree, tags),
                       source=_source(tree, tags), published=published, language=_language(tree, tags),
                       meta=meta)


def _parse(page: str, path: str | Path) -> Any:
    try:
        return lxml_html.document_fromstring(page)
    except Exception as error:    # lxml raises several unrelated types for unparsable markup
        raise InputError(path, f"malformed HTML: {error}") from error


@cache
def _parser_depth_limit() -> int | None:
    """How deep libxml2's HTML parser nests elements (255 by default); None if it has no limit.

    Measured rather than assumed: the limit depends on the libxml2 build, and trafilatura parses
    with the same library."""
    probe = 4 * 1024
    tree = lxml_html.document_fromstring("<div>" * probe + "x")
    depth = int(tree.xpath("count(//*[not(*)][1]/ancestor::*)"))
    return depth if depth < probe else None


def _cut_at_depth(tree: Any) -> str | None:
    """Why part of the page is missing, when it nests elements deeper than the parser reads.

    The parser drops what lies below its depth limit instead of recursing into it (a page of
    10,000 nested elements cannot exhaust the stack); the reader says so, rather than return a
    text that silently lacks that part."""
    limit = _parser_depth_limit()
    if limit is None or not _at_depth(limit)(tree):
        return None
    return f"the page nests elements more than {limit} deep; the HTML parser drops what lies deeper"


@cache
def _at_depth(ancestors: int) -> etree.XPath:
    """Whether an element has `ancestors` ancestors: one step per level, so each element is
    visited once (count(ancestor::*) on every element would walk up from each)."""
    return etree.XPath("boolean(/" + "/".join(["*"] * (ancestors + 1)) + ")")


def _main_text(page: str, path: str | Path, cut: str | None = None) -> str:
    import trafilatura

    # trafilatura's own deduplication is off: its cache is shared between pages (text one page
    # repeats would vanish from the next) and it sees a segment twice when it falls back to a
    # second extractor, dropping it from short pages.
    text = trafilatura.extract(
        page, output_format="txt", include_comments=False, include_images=False, include_links=False,
        include_formatting=False, include_tables=True, favor_precision=True, with_metadata=False,
        deduplicate=False, config=_trafilatura_config())
    if not text or not text.strip():
        raise InputError(path, "empty: no main text found in the HTML page" + (f" ({cut})" if cut else ""))
    return _drop_repeated_lines(normalise_newlines(text))


def _drop_repeated_lines(text: str) -> str:
    """Keep the first of identical lines (photo captions, "share this" blocks repeated on a page)."""
    seen: set[str] = set()
    kept: list[str] = []
    for line in text.split("\n"):
        key = " ".join(line.split())
        if len(key) >= _MIN_REPEATED_LINE:
            if key in seen:
                continue
            seen.add(key)
        kept.append(line)
    return "\n".join(kept)


def _meta_values(tree: Any) -> dict[str, str]:
    """The first non-empty `content` of each <meta> key (property, name or itemprop), lower-cased."""
    values: dict[str, str] = {}
    for element in tree.iter("meta"):
        content = (element.get("content") or "").strip()
        if not content:
            continue
        for attribute in ("property", "name", "itemprop", "http-equiv"):
            key = (element.get(attribute) or "").strip().lower()
            if key:
                values.setdefault(key, content)
    return values


def _first_meta(tags: dict[str, str], source_key: str) -> str | None:
    return next((tags[k] for k in _meta_sources()[source_key] if k in tags), None)


def _title(tree: Any, tags: dict[str, str]) -> str | None:
    found = _first_meta(tags, "title")
    if found is None:
        title_element = tree.find(".//title")
        found = title_element.text_content() if title_element is not None else None
    if found is None:
        found = _first_jsonld(tree, "jsonld_title")
    cleaned = " ".join(found.split()) if found else ""
    return cleaned or None


def _source(tree: Any, tags: dict[str, str]) -> str | None:
    for link in tree.iter("link"):
        if (link.get("rel") or "").lower() == "canonical" and link.get("href"):
            return str(link.get("href")).strip()
    return _first_meta(tags, "source") or _first_meta(tags, "publisher")


def _language(tree: Any, tags: dict[str, str]) -> str | None:
    found = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    found = found or _first_meta(tags, "language")
    return found.strip().replace("_", "-") if found and found.strip() else None


def _published(tree: Any, tags: dict[str, str], meta: dict[str, str]) -> date | None:
    """The first candidate that is a full date; where each came from is noted in meta."""
    for origin, candidate in _date_candidates(tree, tags):
        try:
            found = parse_published(candidate)
        except ValueError:
            continue
        meta["published_text"], meta["published_from"] = candidate, origin
        return found
    return None


def _date_candidates(tree: Any, tags: dict[str, str]) -> Iterator[tuple[str, str]]:
    meta_date = _first_meta(tags, "published")
    if meta_date:
        yield "meta", meta_date
    jsonld_date = _first_jsonld(tree, "jsonld_published")
    if jsonld_date:
        yield "json-ld", jsonld_date
    for element in tree.iter("time"):
        if element.get("datetime"):
            yield "time", str(element.get("datetime"))
            break
    found = _htmldate(tree)
    if found:
        yield "htmldate", found


def _htmldate(tree: Any) -> str | None:
    from htmldate import find_date

    try:
        # A tree, not a string or URL, so htmldate has nothing to download.
        return find_date(tree, extensive_search=False, original_date=True)
    except Exception:    # htmldate is a heuristic; its failure only means "no date"
        return None


def _first_jsonld(tree: Any, source_key: str) -> str | None:
    keys = _meta_sources()[source_key]
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text_content())
            found = _find_key(data, keys)
        except (ValueError, TypeError, RecursionError):   # broken or absurdly nested JSON-LD: no metadata
            continue
        if found:
            return found
    return None


def _find_key(data: object, keys: list[str]) -> str | None:
    if isinstance(data, dict):
        for key in keys:
            value = data.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
        children: list[object] = list(data.values())
    elif isinstance(data, list):
        children = data
    else:
        return None
    return next((found for child in children if (found := _find_key(child, keys))), None)
