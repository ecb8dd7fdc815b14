"""Saved queries: `queries/*.rq`, each opening with a comment header that names and documents it.

    # title: Meetings reaffirming a treaty article
    # description: One row per meeting that reaffirmed the article, with ...
    # param: article = 5 (xsd:integer) — the article number
    # param: official (iri) — the official; every official when left out

A parameter with no `= default` is optional: left out, its variable stays free.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import QueryError
from kg.query.params import QueryParam
from kg.resources import queries_dir

_FIELD = re.compile(r"^#\s*(?P<key>[A-Za-z]+)\s*:\s*(?P<value>.*)$")
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_]\w*)\s*(?:=\s*(?P<default>.+?))?\s*\((?P<type>[\w:]+)\)\s*"
    r"(?:[—–-]+\s*(?P<description>.*))?$"
)


@dataclass(frozen=True)
class SavedQuery:
    """A query file and what its header says about it."""

    name: str
    text: str
    title: str = ""
    description: str = ""
    params: tuple[QueryParam, ...] = field(default_factory=tuple)
    path: Path | None = None

    def param(self, name: str) -> QueryParam | None:
        return next((p for p in self.params if p.name == name), None)


def parse_saved_query(text: str, name: str, path: Path | None = None) -> SavedQuery:
    """Read the header of a query text; a query with no header gets its name as the title."""
    fields: dict[str, str] = {}
    params: list[QueryParam] = []
    last_key = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        match = _FIELD.match(stripped)
        if match and match.group("key").lower() in ("title", "description", "param"):
            last_key = match.group("key").lower()
            if last_key == "param":
                params.append(_parse_param(match.group("value"), name))
            else:
                fields[last_key] = match.group("value").strip()
        elif last_key == "description":
            # an indented comment line continues the description
            fields["description"] += " " + stripped.lstrip("#").strip()
    return SavedQuery(name=name, text=text, title=fields.get("title", name),
                      description=fields.get("description", "").strip(), params=tuple(params), path=path)


def _parse_param(spec: str, query_name: str) -> QueryParam:
    match = _PARAM.match(spec.strip())
    if not match:
        raise QueryError(f"{query_name}: cannot read the parameter line {spec!r}; "
                         "expected 'name = default (type) — description'")
    default = match.group("default")
    return QueryParam(name=match.group("name"), type=match.group("type"),
                      default=default.strip() if default else None,
                      description=(match.group("description") or "").strip())


def load_query_file(path: str | Path) -> SavedQuery:
    """A query from a file anywhere; QueryError naming the file when it cannot be read."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"{file}: cannot read the query ({exc})") from None
    return parse_saved_query(text, file.stem, file)


def saved_queries(folder: Path | None = None) -> list[SavedQuery]:
    """Every saved query, sorted by name."""
    directory = folder or queries_dir()
    return [load_query_file(path) for path in sorted(directory.glob("*.rq"))]


def find_saved_query(name_or_path: str, folder: Path | None = None) -> SavedQuery:
    """A saved query by name ('meetings-reaffirming-article'), or a query file by path."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".rq" and candidate.is_file():
        return load_query_file(candidate)
    directory = folder or queries_dir()
    file = directory / f"{candidate.stem if candidate.suffix == '.rq' else name_or_path}.rq"
    if file.is_file():
        return load_query_file(file)
    known = ", ".join(q.name for q in saved_queries(directory))
    raise QueryError(f"no saved query {name_or_path!r} (looked in {directory}); known: {known}")
