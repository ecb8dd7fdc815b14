"""Refresh officials and their terms from Wikidata (P39 position held, P580/P582 start/end).

For every post of the reference data that is tied to a Wikidata position (the post's own
`owl:sameAs wd:Q…`, or `reference/wikidata-posts.yaml`), the holders and their terms are fetched
through SPARQLWrapper and written to `reference/wikidata-officials.ttl`, every fact with its source
(the Wikidata statement). It is a separate file, not a rewrite of the curated YAML: the curated
data stays authoritative and reviewable, officials it already has are left out here, and the
refresh is one file to diff or delete. The reference loader reads every `reference/*.ttl`.

Dates are kept only at day precision; a term without a day-precise start is left out (and counted).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from kg.errors import ReferenceDataError
from kg.namespaces import DCTERMS, ID, ORG, RDO, SCHEMA, TIME, WD, slug
from kg.store.remote import RetryPolicy, query_endpoint, safe_url

WIKIDATA_ENDPOINT = "https://query.wikidata.org/sparql"
MAPPING_FILE = "wikidata-posts.yaml"
OUTPUT_FILE = "wikidata-officials.ttl"
DAY_PRECISION = 11

_HOLDERS_QUERY = """
PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
PREFIX p: <http://www.wikidata.org/prop/>
PREFIX ps: <http://www.wikidata.org/prop/statement/>
PREFIX pq: <http://www.wikidata.org/prop/qualifier/>
PREFIX pqv: <http://www.wikidata.org/prop/qualifier/value/>
PREFIX wikibase: <http://wikiba.se/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?position ?person ?statement ?label ?start ?startPrecision ?end ?endPrecision ?family ?given
WHERE {
  VALUES ?position { %s }
  ?person p:P39 ?statement .
  ?statement ps:P39 ?position .
  ?person rdfs:label ?label . FILTER(LANG(?label) = "en")
  OPTIONAL { ?statement wikibase:rank ?rank }
  FILTER(!BOUND(?rank) || ?rank != wikibase:DeprecatedRank)
  OPTIONAL { ?statement pq:P580 ?start .
             OPTIONAL { ?statement pqv:P580/wikibase:timePrecision ?startPrecision } }
  OPTIONAL { ?statement pq:P582 ?end .
             OPTIONAL { ?statement pqv:P582/wikibase:timePrecision ?endPrecision } }
  OPTIONAL { ?person wdt:P734/rdfs:label ?family . FILTER(LANG(?family) = "en") }
  OPTIONAL { ?person wdt:P735/rdfs:label ?given . FILTER(LANG(?given) = "en") }
}
ORDER BY ?position ?person ?statement ?family ?given
"""


@dataclass(frozen=True)
class PostInfo:
    iri: str
    key: str
    position: str           # Wikidata entity IRI of the position
    ministry: str | None
    country: str | None
    title: str


@dataclass
class HolderTerm:
    statement: str
    post: PostInfo
    start: date
    end: date | None


@dataclass
class Holder:
    entity: str
    label: str
    family: str | None = None
    given: str | None = None
    terms: dict[str, HolderTerm] = field(default_factory=dict)   # by statement IRI


@dataclass
class UpdateReport:
    output: Path
    posts: int = 0
    officials: int = 0
    terms: int = 0
    skipped: list[str] = field(default_factory=list)


def posts_with_positions(reference: Graph, mapping: Mapping[str, str]) -> list[PostInfo]:
    """Posts tied to a Wikidata position, by owl:sameAs in the data or by the mapping file."""
    found: list[PostInfo] = []
    for post in sorted(set(reference.subjects(RDF.type, RDO.Post)), key=str):
        key = str(post).rsplit("/", 1)[-1]
        position = next((str(o) for o in reference.objects(post, OWL.sameAs) if str(o).startswith(str(WD))),
                        None) or (str(WD[mapping[key]]) if key in mapping else None)
        if position is None:
            continue
        ministry = reference.value(post, ORG.postIn)
        country = reference.value(post, RDO.country)
        titles = sorted(str(t) for t in reference.objects(post, RDO.titleVariant))
        title = next((t for t in titles if t[0].isupper() and " of" in t), None) or str(
            reference.value(post, RDFS.label) or key)
        found.append(PostInfo(str(post), key, position, str(ministry) if ministry else None,
                              str(country) if country else None, title))
    return found


def read_mapping(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ReferenceDataError(f"{path}: not valid YAML: {exc}") from exc
    posts = data.get("posts", {}) if isinstance(data, dict) else {}
    if not isinstance(posts, dict):
        raise ReferenceDataError(f"{path}: `posts` must map post keys to Wikidata ids (Q…)")
    return {str(key): str(value) for key, value in posts.items() if value}


def fetch_holders(endpoint: str, posts: list[PostInfo], retry: RetryPolicy | None = None,
                  report: UpdateReport | None = None) -> dict[str, Holder]:
    """Holders of the posts' positions, with their day-precise terms, keyed by Wikidata entity."""
    by_position = {post.position: post for post in posts}
    values = " ".join(f"<{position}>" for position in sorted(by_position))
    result = query_endpoint(endpoint, _HOLDERS_QUERY % values, retry=retry)
    holders: dict[str, Holder] = {}
    for row in result.as_dicts():
        entity, label = str(row["person"]), str(row["label"])
        holder = holders.setdefault(entity, Holder(entity, label))
        _note_names(holder, row)
        statement = str(row["statement"])
        start = _day(row.get("start"), row.get("startPrecision"))
        if start is None:
            if report is not None and statement not in report.skipped:
                report.skipped.append(statement)
            continue
        end = _day(row.get("end"), row.get("endPrecision"))
        post = by_position[str(row["position"])]
        holder.terms.setdefault(statement, HolderTerm(statement, post, start, end))
    return holders


def _note_names(holder: Holder, row: Mapping[str, object]) -> None:
    family, given = row.get("family"), row.get("given")
    if family is not None and holder.family is None and str(family) in holder.label:
        holder.family = str(family)
    if given is not None and holder.given is None and str(given) in holder.label:
        holder.given = str(given)


def _day(value: object, precision: object) -> date | None:
    """A date only when Wikidata holds it to the day: a year alone is not a date."""
    if value is None or (precision is not None and int(str(precision)) < DAY_PRECISION):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def officials_graph(holders: Mapping[str, Holder], known: Graph) -> Graph:
    """Turtle-ready graph of the holders the curated reference data does not already have."""
    graph = Graph()
    for name, namespace in (("rdo", RDO), ("org", ORG), ("time", TIME), ("schema", SCHEMA), ("wd", WD),
                            ("dcterms", DCTERMS), ("skos", SKOS), ("owl", OWL)):
        graph.bind(name, namespace)
    curated_entities = {str(o) for o in known.objects(None, OWL.sameAs)}
    for holder in sorted(holders.values(), key=lambda h: h.entity):
        person = ID[f"person/{slug(holder.label)}"]
        if not holder.terms or holder.entity in curated_entities or (person, RDF.type, RDO.Official) in known:
            continue
        _add_official(graph, person, holder)
    return graph


def _add_official(graph: Graph, person: URIRef, holder: Holder) -> None:
    terms = sorted(holder.terms.values(), key=lambda t: (t.start, t.post.iri))
    graph.add((person, RDF.type, RDO.Official))
    graph.add((person, RDFS.label, Literal(holder.label)))
    family = holder.family or holder.label.split()[-1]
    given = holder.given or holder.label[: holder.label.rfind(family)].strip() or None
    graph.add((person, SCHEMA.familyName, Literal(family)))
    if given:
        graph.add((person, SCHEMA.givenName, Literal(given)))
        graph.add((person, SKOS.altLabel, Literal(f"{family} {given}")))
    graph.add((person, OWL.sameAs, URIRef(holder.entity)))
    graph.add((person, DCTERMS.source, URIRef(holder.entity)))
    graph.add((person, RDO.title, Literal(terms[-1].post.title)))
    for term in terms:
        if term.post.country:
            graph.add((person, RDO.country, URIRef(term.post.country)))
        if term.post.ministry:
            graph.add((person, RDO.memberOf, URIRef(term.post.ministry)))
        graph.add((person, ORG.holds, URIRef(term.post.iri)))
        _add_membership(graph, person, term)


def _add_membership(graph: Graph, person: URIRef, term: HolderTerm) -> None:
    node = ID[f"membership/{str(person).rsplit('/', 1)[-1]}/{term.post.key}/{term.start.isoformat()}"]
    interval = URIRef(f"{node}#interval")
    graph.add((node, RDF.type, ORG.Membership))
    graph.add((node, ORG.member, person))
    if term.post.ministry:
        graph.add((node, ORG.organization, URIRef(term.post.ministry)))
    graph.add((node, RDO.post, URIRef(term.post.iri)))
    graph.add((node, RDO.title, Literal(term.post.title)))
    graph.add((node, RDO.acting, Literal(False)))
    graph.add((node, RDO.startDate, Literal(term.start.isoformat(), datatype=XSD.date)))
    graph.add((node, ORG.memberDuring, interval))
    graph.add((node, DCTERMS.source, URIRef(term.statement)))
    graph.add((interval, RDF.type, TIME.Interval))
    _add_instant(graph, interval, TIME.hasBeginning, URIRef(f"{node}#start"), term.start)
    if term.end is not None:
        graph.add((node, RDO.endDate, Literal(term.end.isoformat(), datatype=XSD.date)))
        _add_instant(graph, interval, TIME.hasEnd, URIRef(f"{node}#end"), term.end)


def _add_instant(graph: Graph, interval: URIRef, link: URIRef, node: URIRef, day: date) -> None:
    graph.add((interval, link, node))
    graph.add((node, RDF.type, TIME.Instant))
    graph.add((node, TIME.inXSDDate, Literal(day.isoformat(), datatype=XSD.date)))


def update_reference(reference_dir: Path, endpoint: str = WIKIDATA_ENDPOINT, output: Path | None = None,
                     retry: RetryPolicy | None = None) -> UpdateReport:
    """Fetch the holders of the mapped posts and (re)write `reference/wikidata-officials.ttl`."""
    target = output or reference_dir / OUTPUT_FILE
    curated = Graph()
    for path in sorted(reference_dir.glob("*.ttl")):
        if path.resolve() != target.resolve():
            curated.parse(path, format="turtle")
    posts = posts_with_positions(curated, read_mapping(reference_dir / MAPPING_FILE))
    report = UpdateReport(output=target, posts=len(posts))
    if not posts:
        raise ReferenceDataError(f"{reference_dir}: no post is tied to a Wikidata position "
                                 f"(give posts owl:sameAs wd:Q… or list them in {MAPPING_FILE})")
    graph = officials_graph(fetch_holders(endpoint, posts, retry, report), curated)
    report.officials = len(set(graph.subjects(RDF.type, RDO.Official)))
    report.terms = len(set(graph.subjects(RDF.type, ORG.Membership)))
    header = (f"# Generated by `kg reference update` from {safe_url(endpoint)} (Wikidata P39 position held, "
              "P580/P582).\n# Officials the curated reference/src data already has are left out. "
              "Do not edit: rerun the update.\n")
    _write_atomically(target, header + graph.serialize(format="turtle"))
    return report


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(temporary, path)
