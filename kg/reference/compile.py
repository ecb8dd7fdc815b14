"""Compile the YAML sources in ``reference/src`` into the reference Turtle in ``reference/``.

The YAML is written for people (one row per term of office, names derived where a rule can do it);
the Turtle is what the rest of the tool reads. Output is deterministic: the same YAML gives the
same bytes, so the committed Turtle can be checked against a fresh compile.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from rdflib import OWL, RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import Namespace

from kg.errors import ReferenceDataError
from kg.namespaces import (
    DCTERMS,
    ELI,
    ID,
    ORG,
    PREFIXES,
    RDO,
    SCHEMA,
    TIME,
    WD,
    article_iri,
    country_iri,
    slug,
    treaty_iri,
)

OUTPUT_FILES = ("countries", "ministries", "posts", "officials", "treaties")

# Ministry kinds (the `kind` of ministries.yaml) and the ontology classes they stand for.
MINISTRY_KIND_CLASSES: dict[str, URIRef] = {
    "defence": RDO.DefenceMinistry,
    "foreign": RDO.ForeignMinistry,
    "head-of-government": RDO.HeadOfGovernmentOffice,
    "head-of-state": RDO.HeadOfStateOffice,
}

# Name suffixes that follow the family name ("Lloyd J. Austin III", "Teodoro Locsin Jr.").
NAME_SUFFIXES = frozenset({"Jr.", "Jr", "Sr.", "Sr", "II", "III", "IV"})

ISO_SOURCE = "https://www.iso.org/obp/ui/#iso:code:3166:{iso2}"


def post_kind_class(kind: str) -> URIRef:
    """'state-minister-of-defence' -> rdo:StateMinisterOfDefencePost."""
    return RDO["".join(part.capitalize() for part in kind.split("-")) + "Post"]


def ministry_key(iso2: str, kind: str) -> str:
    return f"{iso2.lower()}-{kind}"


def membership_iri(person: str, post: str, start: date) -> URIRef:
    return ID[f"membership/{person}/{post}/{start.isoformat()}"]


def plain(text: str) -> Literal:
    return Literal(text)


def xsd_date(day: date) -> Literal:
    return Literal(day.isoformat(), datatype=XSD.date)


# --------------------------------------------------------------------------- reading the YAML


def read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except FileNotFoundError as exc:
        raise ReferenceDataError(f"{path}: reference source missing") from exc
    except yaml.YAMLError as exc:
        raise ReferenceDataError(f"{path}: not valid YAML: {exc}") from exc
    except ValueError as exc:  # PyYAML builds dates itself and fails on "2005-13-01"
        raise ReferenceDataError(f"{path}: a date is not a real YYYY-MM-DD day: {exc}") from exc


def as_date(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ReferenceDataError(f"{where}: {value!r} is not a YYYY-MM-DD date") from exc


def country_code(value: Any, where: str) -> str:
    # YAML 1.1 reads an unquoted NO (Norway) as false: insist on a two-letter string.
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]{2}", value):
        raise ReferenceDataError(f"{where}: {value!r} is not an ISO 3166 alpha-2 code (quote \"NO\")")
    return value.upper()


def require(entry: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in entry or entry[key] in (None, ""):
        raise ReferenceDataError(f"{where}: missing {key!r} in {dict(entry)!r}")
    return entry[key]


# --------------------------------------------------------------------------- names


@dataclass(frozen=True)
class NameStyle:
    family_first: bool = False      # the English label puts the family name first ("Lee Jong-sup")
    reversed_variants: bool = False  # texts also write the other order and "KISHI Nobuo"


@dataclass(frozen=True)
class PersonName:
    label: str
    given: str
    family: str
    suffix: str


def split_name(label: str, style: NameStyle, family: str | None, given: str | None) -> PersonName:
    words = label.split()
    suffix = words.pop() if len(words) > 2 and words[-1] in NAME_SUFFIXES else ""
    if family is None:
        family = words[0] if style.family_first else words[-1]
    if given is None:
        rest = " ".join(words)
        given = (rest[len(family):] if style.family_first else rest[: len(rest) - len(family)]).strip()
    return PersonName(label=label, given=given, family=family, suffix=suffix)


def given_spellings(given: str) -> list[str]:
    """Korean given names appear hyphenated, spaced and joined: 'Jong-sup', 'Jong Sup', 'Jongsup'."""
    parts = re.split(r"[- ]", given)
    if len(parts) != 2 or not all(parts):
        return [given]
    first, second = parts
    return [f"{first}-{second.lower()}", f"{first} {second.capitalize()}", f"{first}{second.lower()}"]


def name_variants(name: PersonName, style: NameStyle, aliases: Iterable[str]) -> list[str]:
    """Every other way texts write the name (the label itself excluded)."""
    variants: set[str] = set(aliases)
    if not name.given:
        return sorted(variants - {name.label})
    givens = given_spellings(name.given) if style.family_first else [name.given]
    for given in givens:
        variants.add(f"{given} {name.family}")
        if style.family_first or style.reversed_variants:
            variants.add(f"{name.family} {given}")
            variants.add(f"{name.family.upper()} {given}")
    if name.suffix:
        variants.add(f"{name.given} {name.family} {name.suffix}")
    return sorted(variants - {name.label, ""})


# --------------------------------------------------------------------------- the compiler


@dataclass
class Compiler:
    src: Path
    graphs: dict[str, Graph] = field(default_factory=dict)
    styles: dict[str, NameStyle] = field(default_factory=dict)
    ministries: set[str] = field(default_factory=set)
    posts: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.graphs = {name: new_graph() for name in OUTPUT_FILES}

    def run(self) -> dict[str, Graph]:
        self.countries(read_yaml(self.src / "countries.yaml"))
        self.ministries_of(read_yaml(self.src / "ministries.yaml"))
        self.posts_of(read_yaml(self.src / "posts.yaml"))
        for path in sorted((self.src / "officials").glob("*.yaml")):
            self.officials(path, read_yaml(path) or {})
        self.treaties(read_yaml(self.src / "treaties.yaml"))
        return self.graphs

    # countries ---------------------------------------------------------------------------

    def countries(self, entries: list[dict[str, Any]]) -> None:
        g = self.graphs["countries"]
        for entry in entries:
            iso2 = country_code(require(entry, "iso2", "countries.yaml"), "countries.yaml")
            node = country_iri(iso2)
            g.add((node, RDF.type, RDO.Country))
            g.add((node, RDFS.label, plain(require(entry, "label", "countries.yaml"))))
            g.add((node, RDO.isoCode, plain(iso2)))
            for name in entry.get("names", []):
                g.add((node, SKOS.altLabel, plain(name)))
            for adjective in entry.get("adjectives", []):
                g.add((node, RDO.adjective, plain(adjective)))
            if entry.get("wikidata"):
                g.add((node, OWL.sameAs, WD[entry["wikidata"]]))
            g.add((node, DCTERMS.source, URIRef(entry.get("source") or ISO_SOURCE.format(iso2=iso2))))
            order = entry.get("name_order", "given-first")
            self.styles[iso2] = NameStyle(
                family_first=order == "family-first",
                reversed_variants=order in ("family-first", "given-first-reversible"),
            )

    # ministries --------------------------------------------------------------------------

    def ministries_of(self, entries: list[dict[str, Any]]) -> None:
        g = self.graphs["ministries"]
        for entry in entries:
            where = f"ministries.yaml {entry.get('label')!r}"
            iso2 = country_code(require(entry, "country", where), where)
            kind = require(entry, "kind", where)
            if kind not in MINISTRY_KIND_CLASSES:
                raise ReferenceDataError(f"{where}: unknown kind {kind!r}")
            self.check_country(iso2, where)
            key = ministry_key(iso2, kind)
            node = ID[f"ministry/{key}"]
            g.add((node, RDF.type, RDO.Ministry))
            g.add((node, RDFS.label, plain(require(entry, "label", where))))
            for name in entry.get("names", []):
                g.add((node, SKOS.altLabel, plain(name)))
            g.add((node, RDO.country, country_iri(iso2)))
            g.add((node, RDO.ministryKind, MINISTRY_KIND_CLASSES[kind]))
            g.add((node, DCTERMS.source, URIRef(require(entry, "source", where))))
            self.ministries.add(key)

    # posts ---------------------------------------------------------------------------------

    def posts_of(self, entries: list[dict[str, Any]]) -> None:
        g = self.graphs["posts"]
        for entry in entries:
            where = f"posts.yaml {entry.get('label')!r}"
            iso2 = country_code(require(entry, "country", where), where)
            kind = require(entry, "kind", where)
            ministry = ministry_key(iso2, require(entry, "ministry", where))
            if ministry not in self.ministries:
                raise ReferenceDataError(f"{where}: no ministry {ministry!r} in ministries.yaml")
            key = f"{iso2.lower()}-{kind}"
            node = ID[f"post/{key}"]
            g.add((node, RDF.type, RDO.Post))
            g.add((node, RDFS.label, plain(require(entry, "label", where))))
            g.add((node, RDO.postKind, post_kind_class(kind)))
            g.add((node, ORG.postIn, ID[f"ministry/{ministry}"]))
            g.add((node, RDO.country, country_iri(iso2)))
            for title in [require(entry, "title", where), *entry.get("titles", [])]:
                g.add((node, RDO.titleVariant, plain(title)))
            g.add((node, DCTERMS.source, URIRef(require(entry, "source", where))))
            self.posts[key] = {**entry, "iri": node, "ministry_iri": ID[f"ministry/{ministry}"]}

    # officials -----------------------------------------------------------------------------

    def officials(self, path: Path, data: Mapping[str, Any]) -> None:
        iso2 = path.stem.upper()
        self.check_country(iso2, str(path))
        people: Mapping[str, Any] = data.get("people") or {}
        terms_by_person: dict[str, list[dict[str, Any]]] = {}
        for post_kind, rows in (data.get("terms") or {}).items():
            post_key = f"{iso2.lower()}-{post_kind}"
            if post_key not in self.posts:
                raise ReferenceDataError(f"{path}: no post {post_key!r} in posts.yaml")
            for row in rows:
                term = self.parse_term(path, post_key, row)
                terms_by_person.setdefault(term["label"], []).append(term)
        unknown = set(people) - set(terms_by_person)
        if unknown:
            raise ReferenceDataError(f"{path}: people without terms: {sorted(unknown)}")
        for label, terms in sorted(terms_by_person.items()):
            self.official(path, iso2, label, people.get(label) or {}, terms)

    def parse_term(self, path: Path, post_key: str, row: Any) -> dict[str, Any]:
        where = f"{path} {post_key} {row!r}"
        if not isinstance(row, list) or len(row) not in (3, 4):
            raise ReferenceDataError(f"{where}: a term is [name, start, end or null, {{options}}]")
        options: dict[str, Any] = row[3] if len(row) == 4 else {}
        post = self.posts[post_key]
        acting = bool(options.get("acting", False))
        default_title = ("Acting " if acting else "") + post["title"]
        start = as_date(row[1], where)
        end = as_date(row[2], where) if row[2] is not None else None
        if end is not None and end < start:
            raise ReferenceDataError(f"{where}: ends before it starts")
        return {
            "label": str(row[0]),
            "post": post_key,
            "start": start,
            "end": end,
            "acting": acting,
            "title": options.get("title", default_title),
            "source": options.get("source", post["source"]),
        }

    def official(
        self, path: Path, iso2: str, label: str, person: Mapping[str, Any], terms: list[dict[str, Any]]
    ) -> None:
        g = self.graphs["officials"]
        style = self.styles[iso2]
        if "name_order" in person:
            style = NameStyle(family_first=person["name_order"] == "family-first", reversed_variants=True)
        name = split_name(label, style, person.get("family"), person.get("given"))
        # The IRI is the label without a suffix: "Lloyd Austin", "Lee Jong-sup", "Benigno Aquino".
        person_slug = slug(label.removesuffix(f" {name.suffix}") if name.suffix else label)
        node = ID[f"person/{person_slug}"]
        if (node, RDF.type, RDO.Official) in g:
            raise ReferenceDataError(f"{path}: {label!r} clashes with another official's IRI")
        terms.sort(key=lambda t: (t["start"], t["post"]))
        g.add((node, RDF.type, RDO.Official))
        g.add((node, RDFS.label, plain(label)))
        if name.given:
            g.add((node, SCHEMA.givenName, plain(name.given)))
        g.add((node, SCHEMA.familyName, plain(name.family)))
        for variant in name_variants(name, style, person.get("aliases", [])):
            g.add((node, SKOS.altLabel, plain(variant)))
        g.add((node, RDO.country, country_iri(iso2)))
        # The latest full term names the official: a prime minister who stood in as foreign
        # minister for a week is still "Prime Minister".
        full_terms = [t for t in terms if not t["acting"]] or terms
        g.add((node, RDO.title, plain(full_terms[-1]["title"])))
        if person.get("wikidata"):
            g.add((node, OWL.sameAs, WD[person["wikidata"]]))
        g.add((node, DCTERMS.source, URIRef(person.get("source") or terms[0]["source"])))
        for term in terms:
            post = self.posts[term["post"]]
            g.add((node, RDO.memberOf, post["ministry_iri"]))
            g.add((node, ORG.holds, post["iri"]))
            self.membership(node, person_slug, term)

    def membership(self, person: URIRef, person_slug: str, term: Mapping[str, Any]) -> None:
        g = self.graphs["officials"]
        post = self.posts[term["post"]]
        node = membership_iri(person_slug, term["post"], term["start"])
        interval = URIRef(f"{node}#interval")
        g.add((node, RDF.type, ORG.Membership))
        g.add((node, ORG.member, person))
        g.add((node, ORG.organization, post["ministry_iri"]))
        g.add((node, RDO.post, post["iri"]))
        g.add((node, RDO.title, plain(term["title"])))
        g.add((node, RDO.acting, Literal(term["acting"])))
        g.add((node, RDO.startDate, xsd_date(term["start"])))
        g.add((node, ORG.memberDuring, interval))
        g.add((node, DCTERMS.source, URIRef(term["source"])))
        g.add((interval, RDF.type, TIME.Interval))
        self.instant(interval, TIME.hasBeginning, URIRef(f"{node}#start"), term["start"])
        if term["end"] is not None:
            g.add((node, RDO.endDate, xsd_date(term["end"])))
            self.instant(interval, TIME.hasEnd, URIRef(f"{node}#end"), term["end"])

    def instant(self, interval: URIRef, link: URIRef, node: URIRef, day: date) -> None:
        g = self.graphs["officials"]
        g.add((interval, link, node))
        g.add((node, RDF.type, TIME.Instant))
        g.add((node, TIME.inXSDDate, xsd_date(day)))

    # treaties ------------------------------------------------------------------------------

    def treaties(self, entries: list[dict[str, Any]]) -> None:
        g = self.graphs["treaties"]
        for entry in entries:
            where = f"treaties.yaml {entry.get('key')!r}"
            key = require(entry, "key", where)
            node = treaty_iri(key)
            g.add((node, RDF.type, RDO.Treaty))
            g.add((node, RDFS.label, plain(require(entry, "label", where))))
            g.add((node, RDO.treatyKey, plain(key)))
            for name in entry.get("names", []):
                g.add((node, SKOS.altLabel, plain(name)))
            for code in require(entry, "parties", where):
                iso2 = country_code(code, where)
                self.check_country(iso2, where)
                g.add((node, RDO.party, country_iri(iso2)))
            g.add((node, DCTERMS.date, xsd_date(as_date(require(entry, "date", where), where))))
            for source in require(entry, "sources", where):
                g.add((node, DCTERMS.source, URIRef(source)))
            self.articles(entry, node, where)

    def articles(self, entry: Mapping[str, Any], treaty: URIRef, where: str) -> None:
        g = self.graphs["treaties"]
        key, short = entry["key"], require(entry, "short", where)
        notes: Mapping[int, str] = entry.get("article_notes") or {}
        for number in range(1, int(require(entry, "articles", where)) + 1):
            node = article_iri(key, number)
            g.add((node, RDF.type, RDO.TreatyArticle))
            g.add((node, RDFS.label, plain(f"Article {number} of the {short}")))
            g.add((node, RDO.articleNumber, Literal(number)))
            g.add((node, RDO.ofTreaty, treaty))
            g.add((node, ELI.is_part_of, treaty))
            if number in notes:
                g.add((node, RDFS.comment, plain(notes[number])))

    def check_country(self, iso2: str, where: str) -> None:
        if iso2 not in self.styles:
            raise ReferenceDataError(f"{where}: country {iso2!r} is not in countries.yaml")


def new_graph() -> Graph:
    g = Graph()
    for prefix, namespace in {**PREFIXES, "skos": SKOS, "owl": OWL, "rdfs": RDFS, "xsd": XSD}.items():
        g.bind(prefix, Namespace(str(namespace)), override=True)
    return g


# --------------------------------------------------------------------------- writing


HEADER = "# Generated by `kg reference compile` from reference/src/*.yaml: edit the YAML, not this file.\n"


def serialise(graph: Graph) -> str:
    return HEADER + graph.serialize(format="turtle")


def compile_reference(src: Path, out: Path) -> dict[str, Path]:
    """Compile ``src`` (the YAML folder) into ``out/{countries,ministries,...}.ttl``; the paths written."""
    texts = {name: serialise(graph) for name, graph in Compiler(src).run().items()}
    written: dict[str, Path] = {}
    for name, text in texts.items():
        target = out / f"{name}.ttl"
        write_atomically(target, text)
        written[name] = target
    return written


def compile_to_strings(src: Path) -> dict[str, str]:
    """The Turtle each output file would get, without writing anything (for tests and checks)."""
    return {name: serialise(graph) for name, graph in Compiler(src).run().items()}


def write_atomically(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
