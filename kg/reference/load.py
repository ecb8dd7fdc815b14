"""Load the reference Turtle (``reference/*.ttl``) into :class:`kg.reference.model.ReferenceData`.

Every build calls this, so it parses with pyoxigraph (much faster than rdflib) and caches the
result per set of files and their modification times.
"""

from __future__ import annotations

import functools
import hashlib
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from kg.errors import ReferenceDataError
from kg.namespaces import ORG, RDO, SCHEMA
from kg.reference.model import (
    Country,
    IssueConcept,
    Ministry,
    Official,
    Post,
    ReferenceData,
    Term,
    Treaty,
    TreatyArticle,
)
from kg.resources import reference_dir

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ISSUE_CLASS = str(RDO.Issue)

# rdo:ministryKind classes and the short kinds kg.reference.model uses.
MINISTRY_KINDS = {
    str(RDO.DefenceMinistry): "defence",
    str(RDO.ForeignMinistry): "foreign",
    str(RDO.HeadOfGovernmentOffice): "head-of-government",
    str(RDO.HeadOfStateOffice): "head-of-state",
}

# subject IRI -> predicate IRI -> objects (IRIs as str, literals as ox.Literal)
Index = dict[str, dict[str, list[object]]]


def default_paths() -> tuple[Path, ...]:
    return tuple(sorted(reference_dir().glob("*.ttl")))


def _resolve(paths: Sequence[Path] | None) -> tuple[Path, ...]:
    resolved = tuple(sorted(Path(p).resolve() for p in paths)) if paths is not None else default_paths()
    missing = [str(p) for p in resolved if not p.is_file()]
    if missing:
        raise ReferenceDataError(f"reference data file(s) not found: {', '.join(missing)}")
    return resolved


def _stamp(paths: tuple[Path, ...]) -> tuple[tuple[Path, int, int], ...]:
    """The cache key: a file edited (or recompiled) since the last load is read again."""
    return tuple((p, p.stat().st_mtime_ns, p.stat().st_size) for p in paths)


def load_reference(paths: Sequence[Path] | None = None) -> ReferenceData:
    """The reference data in ``paths`` (default: every ``reference/*.ttl``), cached."""
    return _load_cached(_stamp(_resolve(paths)))


def reference_graph(paths: Sequence[Path] | None = None) -> Graph:
    """The union of the reference files as one rdflib graph (cached; do not modify it)."""
    return _graph_cached(_stamp(_resolve(paths)))


@functools.lru_cache(maxsize=8)
def _graph_cached(stamp: tuple[tuple[Path, int, int], ...]) -> Graph:
    graph = Graph()
    for path, _, _ in stamp:
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises several unrelated types for bad Turtle
            raise ReferenceDataError(f"{path}: cannot parse reference Turtle: {exc}") from exc
    return graph


@functools.lru_cache(maxsize=8)
def _load_cached(stamp: tuple[tuple[Path, int, int], ...]) -> ReferenceData:
    sha = hashlib.sha256()
    index: Index = defaultdict(lambda: defaultdict(list))
    for path, _, _ in stamp:
        data = path.read_bytes()
        sha.update(path.name.encode() + b"\0" + data)
        _parse_into(index, path, data)
    return _build(index, sha.hexdigest())


def _parse_into(index: Index, path: Path, data: bytes) -> None:
    try:
        for triple in ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=path.as_uri()):
            obj = triple.object
            value: object = obj.value if isinstance(obj, ox.NamedNode) else obj
            index[triple.subject.value][triple.predicate.value].append(value)
    except SyntaxError as exc:
        raise ReferenceDataError(f"{path}: cannot parse reference Turtle: {exc}") from exc


# --------------------------------------------------------------------------- index helpers


def _of_type(index: Index, cls: str) -> list[str]:
    return sorted(s for s, props in index.items() if cls in props.get(RDF_TYPE, ()))


def _texts(props: dict[str, list[object]], predicate: str) -> tuple[str, ...]:
    return tuple(sorted(o.value for o in props.get(predicate, ()) if isinstance(o, ox.Literal)))


def _text(props: dict[str, list[object]], predicate: str) -> str:
    texts = _texts(props, predicate)
    return texts[0] if texts else ""


def _iris(props: dict[str, list[object]], predicate: str) -> tuple[str, ...]:
    return tuple(sorted(o for o in props.get(predicate, ()) if isinstance(o, str)))


def _iri(props: dict[str, list[object]], predicate: str) -> str | None:
    iris = _iris(props, predicate)
    return iris[0] if iris else None


def _date(props: dict[str, list[object]], predicate: str) -> date | None:
    text = _text(props, predicate)
    return date.fromisoformat(text) if text else None


def _names(props: dict[str, list[object]]) -> tuple[str, ...]:
    label = _text(props, RDFS_LABEL)
    return tuple(dict.fromkeys([label, *_texts(props, SKOS + "altLabel")]))


def _post_kind(kind_class: str | None) -> str:
    """rdo:StateMinisterOfDefencePost -> 'state-minister-of-defence'."""
    if not kind_class:
        return ""
    local = kind_class.rsplit("#", 1)[-1].removesuffix("Post")
    return "".join(f"-{c.lower()}" if c.isupper() else c for c in local).lstrip("-")


# --------------------------------------------------------------------------- building


def _build(index: Index, fingerprint: str) -> ReferenceData:
    return ReferenceData(
        countries={iri: _country(iri, index[iri]) for iri in _of_type(index, str(RDO.Country))},
        ministries={iri: _ministry(iri, index[iri]) for iri in _of_type(index, str(RDO.Ministry))},
        posts={iri: _post(iri, index[iri]) for iri in _of_type(index, str(RDO.Post))},
        officials=_officials(index),
        treaties=_treaties(index),
        issues=_issues(index),
        fingerprint=fingerprint,
    )


def _country(iri: str, props: dict[str, list[object]]) -> Country:
    return Country(
        iri=iri,
        iso2=_text(props, str(RDO.isoCode)),
        label=_text(props, RDFS_LABEL),
        names=_names(props),
        adjectives=_texts(props, str(RDO.adjective)),
    )


def _ministry(iri: str, props: dict[str, list[object]]) -> Ministry:
    kind_class = _iri(props, str(RDO.ministryKind)) or ""
    return Ministry(
        iri=iri,
        label=_text(props, RDFS_LABEL),
        names=_names(props),
        country=_iri(props, str(RDO.country)) or "",
        kind=MINISTRY_KINDS.get(kind_class, kind_class.rsplit("#", 1)[-1]),
    )


def _post(iri: str, props: dict[str, list[object]]) -> Post:
    return Post(
        iri=iri,
        label=_text(props, RDFS_LABEL),
        kind=_post_kind(_iri(props, str(RDO.postKind))),
        country=_iri(props, str(RDO.country)) or "",
        ministry=_iri(props, str(ORG.postIn)),
        titles=_texts(props, str(RDO.titleVariant)),
    )


def _terms_by_member(index: Index) -> dict[str, list[Term]]:
    terms: dict[str, list[Term]] = defaultdict(list)
    for iri in _of_type(index, str(ORG.Membership)):
        props = index[iri]
        member = _iri(props, str(ORG.member))
        if member is None:
            continue
        terms[member].append(
            Term(
                post=_iri(props, str(RDO.post)) or "",
                title=_text(props, str(RDO.title)),
                start=_date(props, str(RDO.startDate)),
                end=_date(props, str(RDO.endDate)),
                acting=_text(props, str(RDO.acting)) == "true",
                membership=iri,
            )
        )
    return terms


def _officials(index: Index) -> dict[str, Official]:
    terms = _terms_by_member(index)
    officials: dict[str, Official] = {}
    for iri in _of_type(index, str(RDO.Official)):
        props = index[iri]
        ordered = sorted(terms.get(iri, []), key=lambda t: (t.start or date.min, t.post))
        officials[iri] = Official(
            iri=iri,
            label=_text(props, RDFS_LABEL),
            given=_text(props, str(SCHEMA.givenName)),
            family=_text(props, str(SCHEMA.familyName)),
            names=_names(props),
            country=_iri(props, str(RDO.country)) or "",
            terms=tuple(ordered),
        )
    return officials


def _treaties(index: Index) -> dict[str, Treaty]:
    articles: dict[str, list[TreatyArticle]] = defaultdict(list)
    for iri in _of_type(index, str(RDO.TreatyArticle)):
        props = index[iri]
        treaty = _iri(props, str(RDO.ofTreaty))
        if treaty is not None:
            number = int(_text(props, str(RDO.articleNumber)) or 0)
            articles[treaty].append(TreatyArticle(iri=iri, number=number, label=_text(props, RDFS_LABEL)))
    treaties: dict[str, Treaty] = {}
    for iri in _of_type(index, str(RDO.Treaty)):
        props = index[iri]
        treaties[iri] = Treaty(
            iri=iri,
            key=_text(props, str(RDO.treatyKey)),
            label=_text(props, RDFS_LABEL),
            names=_names(props),
            parties=_iris(props, str(RDO.party)),
            articles=tuple(sorted(articles[iri], key=lambda a: a.number)),
        )
    return treaties


def _issues(index: Index) -> dict[str, IssueConcept]:
    concepts = set(_of_type(index, SKOS + "Concept")) | set(_of_type(index, ISSUE_CLASS))
    issues: dict[str, IssueConcept] = {}
    for iri in sorted(concepts):
        props = index[iri]
        notation = _text(props, SKOS + "notation")
        if not notation:
            continue
        issues[iri] = IssueConcept(
            iri=iri,
            notation=notation,
            label=_text(props, SKOS + "prefLabel") or _text(props, RDFS_LABEL),
            alt_labels=_texts(props, SKOS + "altLabel"),
            broader=_iris(props, SKOS + "broader"),
            implied_by=_iris(props, str(RDO.impliedByCountries)),
        )
    return issues

