"""Check a built graph against a test text's expectations (tests/texts/NAME.expected.yaml).

The expectation format is the answer key's (../shared/gold/seeds.yaml), for one document:

    meetings:             what a careful analyst reads out of the text
      - id: a-name        (for messages and for same_event_as)
        required: true    false: finding it is fine, missing it is fine too
        kind: TelephoneTalk | VideoConference | Conference | TwoPlusTwo | Meeting | any
        participants: ["Full Name" or "Full Name|key"]   all must be participants; the key (default:
                          the last word) must be among the words of one of the person's labels
        other_participants: [...]        may be participants without being wrong
        date: 2024-06-03 | [d1, d2] | null   null: no date may be asserted
        date_resolvable: false           the text alone does not fix the date: leaving it out is right
        status: held | planned           (default held)
        place_any: [...]                 one must be part of a location's label
        issues: [...]                    notations that must be discussed (broader closure counts)
        also_issues: [...]               may be discussed; anything else is reported, not failed
        reaffirms: [treaty-key:n]        exactly these (also_reaffirms: tolerated extras)
        same_event_as: OTHER_FILE#meeting-id   another report of the same meeting (one node)
    officials: [{name, country, ministry}]   ministry: a word of the ministry's label, or null
    not_participants: [names]              never participants of any meeting
    no_meetings: true                      the text holds no meeting at all

A JSON Lines file (NAME.jsonl, one document a line) lists one such expectation per line instead,
keyed by line number as the reader identifies the documents (NAME.jsonl#2):

    documents:
      1: {meetings: [...], officials: [...]}
      2: {no_meetings: true}

`check_document` returns one precise message per wrong fact, and the issues that were linked but
not expected (reported, not failed: the issue scheme is still growing).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS
from rdflib.term import Node

RDO = Namespace("https://w3id.org/readout-kg/ontology#")
OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA_NAME = URIRef("https://schema.org/name")
KINDS = ("TelephoneTalk", "VideoConference", "Conference", "TwoPlusTwo")
TREATY_KEYS = ("japan-us-security", "north-atlantic", "us-philippines-mdt", "us-rok-mdt", "anzus")
MEETING_KINDS = (*KINDS, "Meeting", "any")
COUNTRY_ALIASES = {
    "united states": {"united states", "u.s.", "usa", "us", "united states of america"},
    "united kingdom": {"united kingdom", "uk", "u.k.", "britain", "great britain"},
    "south korea": {"south korea", "republic of korea", "rok", "korea, republic of"},
    "north korea": {"north korea", "dprk", "democratic people's republic of korea"},
    "philippines": {"philippines", "the philippines", "republic of the philippines"},
}
MINISTRY_ALIASES = {"defense": {"defense", "defence"}, "defence": {"defense", "defence"}}
TEXTS_DIR = Path(__file__).parent / "texts"
TEXT_SUFFIXES = (".md", ".txt", ".html", ".jsonl")


# --- the expectation files --------------------------------------------------------------------

def expectation_files() -> list[Path]:
    return sorted(TEXTS_DIR.glob("*.expected.yaml"))


def load_expectation(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        loaded = yaml.safe_load(handle)
    return loaded if isinstance(loaded, dict) else {}


def text_file_for(expected_path: Path) -> Path:
    """NAME.expected.yaml → NAME.md, NAME.txt, NAME.html or NAME.jsonl, whichever exists."""
    stem = expected_path.name.removesuffix(".expected.yaml")
    for suffix in TEXT_SUFFIXES:
        candidate = expected_path.with_name(stem + suffix)
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"no {stem}.md, .txt, .html or .jsonl beside {expected_path.name}")


def expectation_per_document(expected: dict[str, Any], file_name: str) -> dict[str, dict[str, Any]]:
    """Document identifier → its expectation: a file of one document has one, keyed by the file name;
    a JSON Lines file lists one per line under `documents:`, keyed "NAME.jsonl#LINE"."""
    if "documents" not in expected:
        return {file_name: expected}
    return {f"{file_name}#{line}": each or {} for line, each in (expected["documents"] or {}).items()}


def same_event_pairs() -> list[tuple[str, str]]:
    """("FILE#meeting-id", "FILE#meeting-id") pairs of reports of the same meeting, each pair once."""
    pairs: set[tuple[str, str]] = set()
    for path in expectation_files():
        # same_event_as is read in files of one document only (not under a JSON Lines `documents:`)
        for meeting in load_expectation(path).get("meetings") or []:
            other = meeting.get("same_event_as")
            if other:
                this = f"{text_file_for(path).name}#{meeting['id']}"
                first, second = sorted((this, str(other)))
                pairs.add((first, second))
    return sorted(pairs)


# --- text normalisation -----------------------------------------------------------------------

def norm(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", str(text))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", stripped).strip().lower()


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", norm(text)))


def person_key(spec: str) -> tuple[str, str]:
    """'Full Name|key' → (name, key); the key defaults to the name's last word."""
    name, _, key = spec.partition("|")
    return name, (key or name.split()[-1]).lower()


def has_key(labels: list[str], key: str) -> bool:
    key_words = words(key)
    return any(key_words <= words(label) for label in labels)


# --- reading the graph ------------------------------------------------------------------------

def labels(graph: Graph, node: Node) -> list[str]:
    if not isinstance(node, URIRef):
        return [str(node)]
    predicates = (RDFS.label, SKOS.prefLabel, SKOS.altLabel, SCHEMA_NAME)
    return [str(o) for p in predicates for o in graph.objects(node, p)]


def class_names(graph: Graph, node: Node) -> set[str]:
    """Local names of the node's classes and all their superclasses."""
    classes: set[Node] = set()
    for cls in graph.objects(node, RDF.type):
        classes |= {c for c in graph.transitive_objects(cls, RDFS.subClassOf) if c is not None}
    return {str(c).rsplit("#", 1)[-1].rsplit("/", 1)[-1] for c in classes}


def instances(graph: Graph, class_name: str) -> list[Node]:
    subjects = set(graph.subjects(RDF.type, None))
    return sorted((s for s in subjects if class_name in class_names(graph, s)), key=str)


def document_identifiers(graph: Graph, node: Node) -> set[str]:
    return {str(i) for d in graph.objects(node, PROV.wasDerivedFrom)
            for i in graph.objects(d, DCTERMS.identifier)}


def issue_notations_up(graph: Graph, issue: Node) -> set[str]:
    return {str(n) for a in graph.transitive_objects(issue, SKOS.broader)
            for n in graph.objects(a, SKOS.notation)}


def treaty_key(graph: Graph, treaty: Node) -> str:
    for key in graph.objects(treaty, RDO.treatyKey):
        return str(key)
    tail = str(treaty).rstrip("/").rsplit("/", 1)[-1]
    if tail in TREATY_KEYS:
        return tail
    text = norm(" ".join(labels(graph, treaty)))
    guesses = {"north atlantic": "north-atlantic", "anzus": "anzus", "philippines": "us-philippines-mdt",
               "korea": "us-rok-mdt", "japan": "japan-us-security"}
    return next((key for words_, key in guesses.items() if words_ in text), tail or "other")


def article_keys(graph: Graph, article: Node) -> set[str]:
    numbers = {str(n) for n in graph.objects(article, RDO.articleNumber)}
    if not numbers and "/article/" in str(article):
        numbers = {str(article).rsplit("/", 1)[-1]}
    treaties = list(graph.objects(article, RDO.ofTreaty))
    if not treaties and "/article/" in str(article):
        treaties = [URIRef(str(article).split("/article/")[0])]
    return {f"{treaty_key(graph, t)}:{n}" for t in treaties for n in numbers or {"?"}}


@dataclass
class FoundMeeting:
    """A meeting as the graph holds it, in the terms of the expectation file."""

    node: Node
    label: str
    kind: str
    participants: dict[str, list[str]]
    dates: list[str]
    planned: bool
    places: list[str]
    issues_closure: set[str]
    issues_direct: list[set[str]]
    reaffirms: set[str]
    documents: set[str]
    evidence: list[tuple[str, int | None, int | None]] = field(default_factory=list)

    def summary(self) -> str:
        people = sorted((lbls[0] if lbls else node.rsplit("/", 1)[-1])
                        for node, lbls in self.participants.items())
        status = "planned " if self.planned else ""
        return f"{status}{self.kind} {people} dates={self.dates} places={self.places}"


def describe(graph: Graph, meeting: Node) -> FoundMeeting:
    kinds = [k for k in KINDS if k in class_names(graph, meeting)]
    issues = list(graph.objects(meeting, RDO.discusses))
    return FoundMeeting(
        node=meeting,
        label=(labels(graph, meeting) or [str(meeting)])[0],
        kind=kinds[0] if kinds else "Meeting",
        participants={str(p): labels(graph, p) for p in graph.objects(meeting, RDO.participant)},
        dates=sorted(str(d) for d in graph.objects(meeting, RDO.date)),
        planned=(meeting, RDO.status, RDO.Planned) in graph,
        places=[label for p in graph.objects(meeting, RDO.location) for label in labels(graph, p)],
        issues_closure=set().union(*(issue_notations_up(graph, i) for i in issues)),
        issues_direct=[issue_notations_up(graph, i) for i in issues],
        reaffirms=set().union(*(article_keys(graph, a) for a in graph.objects(meeting, RDO.reaffirms))),
        documents=document_identifiers(graph, meeting),
        evidence=[e for ev in graph.objects(meeting, RDO.evidence) for e in _evidence(graph, ev)],
    )


def _evidence(graph: Graph, evidence: Node) -> list[tuple[str, int | None, int | None]]:
    start = end = None
    for selector in graph.objects(evidence, OA.hasSelector):
        for s in graph.objects(selector, OA.start):
            start = _as_int(s)
        for e in graph.objects(selector, OA.end):
            end = _as_int(e)
    return [(str(q), start, end) for q in graph.objects(evidence, RDO.quote)]


def _as_int(node: Node) -> int | None:
    value = node.toPython() if isinstance(node, Literal) else None
    return value if isinstance(value, int) else None


# --- matching and checking --------------------------------------------------------------------

def match_meetings(expected: list[dict[str, Any]], found: list[FoundMeeting]) -> dict[str, FoundMeeting]:
    """Give each expected meeting the best unused found meeting that has all its participants.

    Required meetings go first, those naming more participants before those naming fewer (so that
    a conference listed with one participant does not take a bilateral meeting's node). Ties go to
    the right kind, no unexpected participants, the right status, the right date, fewest people.
    An optional meeting only takes a node without unexpected participants: a leftover node is
    better reported as an unexpected meeting than as a wrong optional one.
    """
    matched: dict[str, FoundMeeting] = {}
    used: set[int] = set()
    for em in sorted(expected, key=lambda m: (not m.get("required", True), -len(m["participants"]))):
        keys = [person_key(p)[1] for p in em["participants"]]
        allowed = keys + [person_key(p)[1] for p in em.get("other_participants", [])]
        best: tuple[tuple[bool, bool, bool, bool, int], int] | None = None
        for index, fm in enumerate(found):
            if index in used or not _has_all(fm, keys):
                continue
            only_allowed = not _unexpected_participants(fm, allowed)
            if not em.get("required", True) and not only_allowed:
                continue
            rank = (em.get("kind", "any") in (fm.kind, "any"), only_allowed,
                    fm.planned == (em.get("status") == "planned"),
                    bool(set(fm.dates) & set(accepted_dates(em))), -len(fm.participants))
            if best is None or rank > best[0]:
                best = (rank, index)
        if best is not None:
            used.add(best[1])
            matched[em["id"]] = found[best[1]]
    return matched


def _unexpected_participants(fm: FoundMeeting, allowed: list[str]) -> list[str]:
    return [lbls[0] if lbls else node for node, lbls in fm.participants.items()
            if not any(has_key(lbls, k) for k in allowed)]


def _has_all(fm: FoundMeeting, keys: list[str]) -> bool:
    return all(any(has_key(lbls, k) for lbls in fm.participants.values()) for k in keys)


def accepted_dates(em: dict[str, Any]) -> list[str]:
    value = em.get("date")
    values = value if isinstance(value, list) else [value]
    return [v.isoformat() if isinstance(v, date) else str(v) for v in values if v is not None]


@dataclass
class CheckResult:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)   # unexpected issues: reported, not failed


def check_document(graph: Graph, expected: dict[str, Any], identifier: str, text: str) -> CheckResult:
    """Every fact of `expected` that the graph gets wrong for the document `identifier`."""
    result = CheckResult()
    meetings = [describe(graph, m) for m in instances(graph, "Meeting")]
    found = [fm for fm in meetings if identifier in fm.documents]
    for fm in meetings:
        if not fm.documents:
            result.problems.append(f"meeting {fm.summary()} names no document (prov:wasDerivedFrom)")
    expected_meetings = expected.get("meetings") or []
    matched = match_meetings(expected_meetings, found)
    for em in expected_meetings:
        match = matched.get(em["id"])
        if match is not None:
            _check_meeting(em, match, text, result)
        elif em.get("required", True):
            result.problems.append(_not_found(em, found))
    matched_nodes = {fm.node for fm in matched.values()}
    for fm in found:
        if fm.node not in matched_nodes:
            result.problems.append(f"unexpected meeting: {fm.summary()} ({fm.label})")
    _check_officials(graph, expected, result)
    _check_not_participants(expected, found, result)
    return result


def _not_found(em: dict[str, Any], found: list[FoundMeeting]) -> str:
    wanted = f"{em.get('kind', 'any')} with {em['participants']}"
    seen = "; ".join(fm.summary() for fm in found) or "none"
    return f"meeting {em['id']} not found (wanted a {wanted}); meetings found: {seen}"


def _check_meeting(em: dict[str, Any], fm: FoundMeeting, text: str, result: CheckResult) -> None:
    mid, problems = em["id"], result.problems
    allowed = [person_key(p)[1] for p in em["participants"] + em.get("other_participants", [])]
    for extra in _unexpected_participants(fm, allowed):
        problems.append(f"{mid}: extra participant {extra}")
    if em.get("kind", "any") != "any" and fm.kind != em["kind"]:
        problems.append(f"{mid}: kind is {fm.kind}, expected {em['kind']}")
    want_planned = em.get("status") == "planned"
    if fm.planned != want_planned:
        problems.append(f"{mid}: status is {'planned' if fm.planned else 'held'}, "
                        f"expected {'planned' if want_planned else 'held'}")
    date_problem = _date_problem(em, fm)
    if date_problem:
        problems.append(f"{mid}: {date_problem}")
    if em.get("place_any") and not any(norm(w) in norm(p) for p in fm.places for w in em["place_any"]):
        problems.append(f"{mid}: location {fm.places or 'missing'}, expected one of {em['place_any']}")
    for notation in em.get("issues", []):
        if notation not in fm.issues_closure:
            problems.append(f"{mid}: issue {notation} missing (found {sorted(fm.issues_closure)})")
    _check_reaffirms(em, fm, problems)
    _check_evidence(mid, fm, text, problems)
    ok_issues = set(em.get("issues", [])) | set(em.get("also_issues", []))
    for ups in fm.issues_direct:
        if not ups & ok_issues:
            result.notes.append(f"{mid}: unexpected issue {sorted(ups)}")


def _date_problem(em: dict[str, Any], fm: FoundMeeting) -> str | None:
    accepted = accepted_dates(em)
    if not fm.dates:
        if accepted and em.get("date_resolvable", True):
            return f"date missing, expected {accepted[0] if len(accepted) == 1 else accepted}"
        return None
    if len(fm.dates) > 1:
        return f"several dates {fm.dates}"
    if not accepted:
        return f"date {fm.dates[0]} asserted where no date may be (the text does not fix it)"
    if fm.dates[0] not in accepted:
        return f"date {fm.dates[0]}, expected {accepted[0] if len(accepted) == 1 else accepted}"
    return None


def _check_reaffirms(em: dict[str, Any], fm: FoundMeeting, problems: list[str]) -> None:
    expected = set(em.get("reaffirms", []))
    tolerated = expected | set(em.get("also_reaffirms", []))
    for key in sorted(expected - fm.reaffirms):
        problems.append(f"{em['id']}: reaffirmation {key} missing")
    for key in sorted(fm.reaffirms - tolerated):
        problems.append(f"{em['id']}: wrong reaffirmation {key}")


def _check_evidence(mid: str, fm: FoundMeeting, text: str, problems: list[str]) -> None:
    if not fm.evidence:
        problems.append(f"{mid}: no evidence quote")
        return
    for quote, start, end in fm.evidence:
        if quote not in text:
            problems.append(f"{mid}: evidence quote is not verbatim in the text: {quote[:80]!r}")
        elif start is not None and end is not None and text[start:end] != quote:
            problems.append(f"{mid}: evidence offsets {start}-{end} do not select the quote "
                            f"(they select {text[start:end][:60]!r})")


def _check_officials(graph: Graph, expected: dict[str, Any], result: CheckResult) -> None:
    officials = instances(graph, "Official")
    for spec in expected.get("officials", []):
        name, key = person_key(spec["name"])
        nodes = [o for o in officials if has_key(labels(graph, o), key)]
        if not nodes:
            result.problems.append(f"official {name} not found")
            continue
        if not any(_country_ok(graph, o, spec["country"]) for o in nodes):
            countries = [labels(graph, c)[:1] for o in nodes for c in graph.objects(o, RDO.country)]
            result.problems.append(f"official {name}: country {countries or 'missing'}, "
                                   f"expected {spec['country']}")
        if spec.get("ministry") and not any(_ministry_ok(graph, o, spec["ministry"]) for o in nodes):
            ministries = [labels(graph, m)[:1] for o in nodes for m in graph.objects(o, RDO.memberOf)]
            result.problems.append(f"official {name}: ministry {ministries or 'missing'}, "
                                   f"expected one whose label has {spec['ministry']!r}")


def _country_ok(graph: Graph, official: Node, country: str) -> bool:
    names = COUNTRY_ALIASES.get(country.lower(), {country.lower()})
    return any(norm(label) in names or norm(country) in norm(label)
               for c in graph.objects(official, RDO.country) for label in labels(graph, c))


def _ministry_ok(graph: Graph, official: Node, word: str) -> bool:
    options = MINISTRY_ALIASES.get(word.lower(), {word.lower()})
    return any(o in norm(label) for m in graph.objects(official, RDO.memberOf)
               for label in labels(graph, m) for o in options)


def _check_not_participants(expected: dict[str, Any], found: list[FoundMeeting], result: CheckResult) -> None:
    for spec in expected.get("not_participants", []):
        name, key = person_key(spec)
        for fm in found:
            if any(has_key(lbls, key) for lbls in fm.participants.values()):
                result.problems.append(f"{name} is not a participant, but is one of {fm.summary()}")


def meeting_node(graph: Graph, expected: dict[str, Any], identifier: str, meeting_id: str) -> Node | None:
    """The node matched to the expected meeting `meeting_id` of the document `identifier`."""
    described = (describe(graph, m) for m in instances(graph, "Meeting"))
    found = [fm for fm in described if identifier in fm.documents]
    matched = match_meetings(expected.get("meetings") or [], found).get(meeting_id)
    return matched.node if matched else None


# --- the corpus itself ------------------------------------------------------------------------

MEETING_KEYS = {"id", "required", "kind", "participants", "other_participants", "date", "date_resolvable",
                "status", "place_any", "issues", "also_issues", "reaffirms", "also_reaffirms",
                "same_event_as"}
TOP_KEYS = {"meetings", "officials", "not_participants", "no_meetings"}
MIN_WORDS, MAX_WORDS = 80, 400


def corpus_problems(expected: dict[str, Any], text: str, notations: set[str] | None,
                    raw: str | None = None) -> list[str]:
    """Mistakes in an expectation file itself: unknown keys, notations or treaties, names that are
    not in the text, a text too short or too long. `notations`: the known issue notations, if known;
    `raw`: the file as written, where not_participants may stand outside the text (an HTML comment
    block that the reader drops)."""
    problems = [f"unknown key {k!r}" for k in sorted(set(expected) - TOP_KEYS)]
    count = len(text.split())
    if not MIN_WORDS <= count <= MAX_WORDS:
        problems.append(f"{count} words, expected {MIN_WORDS}-{MAX_WORDS}")
    meetings = expected.get("meetings") or []
    if expected.get("no_meetings") and meetings:
        problems.append("no_meetings is true but meetings are listed")
    if not expected.get("no_meetings") and not meetings:
        problems.append("no meetings listed and no_meetings is not true")
    ids = [m.get("id") for m in meetings]
    if len(set(ids)) != len(ids):
        problems.append(f"meeting ids repeat: {ids}")
    for meeting in meetings:
        problems += [f"{meeting.get('id')}: {p}" for p in _meeting_problems(meeting, text, notations)]
    for spec in expected.get("officials", []):
        problems += _name_problems(spec.get("name", ""), text, "official")
        if not spec.get("country"):
            problems.append(f"official {spec.get('name')}: no country")
    participants = {person_key(p)[1] for m in meetings for p in m.get("participants", [])}
    for name in expected.get("not_participants", []):
        problems += _name_problems(name, raw or text, "not_participant")
        if person_key(name)[1] in participants:
            problems.append(f"{name} is both a participant and a not_participant")
    return problems


def _meeting_problems(meeting: dict[str, Any], text: str, notations: set[str] | None) -> list[str]:
    problems = [f"unknown key {k!r}" for k in sorted(set(meeting) - MEETING_KEYS)]
    if meeting.get("kind", "any") not in MEETING_KINDS:
        problems.append(f"unknown kind {meeting.get('kind')!r}")
    if meeting.get("status", "held") not in ("held", "planned"):
        problems.append(f"unknown status {meeting.get('status')!r}")
    if not meeting.get("participants"):
        problems.append("no participants")
    for name in meeting.get("participants", []) + meeting.get("other_participants", []):
        problems += _name_problems(name, text, "participant")
    for value in accepted_dates(meeting):
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            problems.append(f"date {value!r} is not YYYY-MM-DD")
    for key in meeting.get("reaffirms", []) + meeting.get("also_reaffirms", []):
        treaty, _, number = str(key).partition(":")
        if treaty not in TREATY_KEYS or not number.isdigit():
            problems.append(f"reaffirms {key!r} is not treaty-key:number with a key of {TREATY_KEYS}")
    if notations is not None:
        for notation in meeting.get("issues", []) + meeting.get("also_issues", []):
            if notation not in notations:
                problems.append(f"issue {notation!r} is not in the issue scheme")
    return problems


def _name_problems(spec: str, text: str, role: str) -> list[str]:
    name, key = person_key(spec)
    if not words(key) <= words(text):
        return [f"{role} {name}: key {key!r} does not occur in the text"]
    return []
