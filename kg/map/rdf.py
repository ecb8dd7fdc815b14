"""From extractions to RDF: one graph per document, and the slice of reference data they use."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import OWL, SKOS

from kg.extract.model import DocExtraction, Meeting, Reaffirmation, Span
from kg.map.merge import Identities, MeetingNode
from kg.map.ntriples import Statements, integer, iri, literal, xsd_date
from kg.namespaces import (
    DCTERMS,
    OA,
    ORG,
    PREFIXES,
    PROV,
    RDO,
    SCHEMA,
    TIME,
    document_iri,
    evidence_iri,
    place_iri,
    slug,
)

CONTEXT_CHARS = 32
KIND_LABELS = {
    "Meeting": "Meeting",
    "TelephoneTalk": "Telephone talk",
    "VideoConference": "Video conference",
    "Conference": "Conference",
    "TwoPlusTwo": "Two-plus-two consultation",
}


def new_graph(*, prefixes: bool = True) -> Graph:
    """A graph; with `prefixes`, the project's prefixes bound (per-document graphs skip them: a
    namespace manager per graph costs more memory than the graph's triples)."""
    graph = Graph(bind_namespaces="none")
    if not prefixes:
        return graph
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    graph.bind("skos", SKOS)
    graph.bind("owl", OWL)
    return graph


def document_statements(x: DocExtraction, index: int, ids: Identities, names: dict[URIRef, str]) -> list[str]:
    """Every fact one document states, with the IRIs merging gave its people and meetings, as
    N-Triples lines."""
    g = Statements()
    doc = _n(document_iri(x.sha256))
    _document(g, doc, x)
    for person in x.persons:
        person_node = ids.person(person.key)
        node = _n(person_node)
        if person.official:
            g.add(doc, _MENTIONS, node)
        if person.ref_iri:
            continue
        g.add(node, _TYPE, _n(RDO.Official))
        g.add(node, _LABEL, literal(person.name))
        for predicate, value in ((_GIVEN, person.given), (_FAMILY, person.family), (_TITLE, person.title)):
            if value:
                g.add(node, predicate, literal(value))
        for predicate, ref in ((_COUNTRY, person.country), (_MEMBER_OF, person.ministry)):
            if ref:
                g.add(node, predicate, iri(ref))
        if person.ministry and person.ministry_label:
            ministry = iri(person.ministry)
            g.add(ministry, _TYPE, _n(RDO.Ministry))
            g.add(ministry, _LABEL, literal(person.ministry_label))
            if person.country:
                g.add(ministry, _COUNTRY, iri(person.country))
        g.add(node, _DERIVED, doc)
    for m_index, meeting in enumerate(x.meetings):
        _meeting(g, doc, x, meeting, ids.meetings[(index, m_index)], ids, names)
    return g.lines()


def document_graph(x: DocExtraction, index: int, ids: Identities, names: dict[URIRef, str]) -> Graph:
    """The same statements as an rdflib graph (for small builds and the Python API)."""
    return graph_of(document_statements(x, index, ids, names))


def graph_of(lines: Iterable[str]) -> Graph:
    graph = new_graph(prefixes=False)
    text = "\n".join(lines)
    if text:
        graph.parse(data=text, format="nt")
    return graph


def _n(term: URIRef) -> str:
    return iri(str(term))


_TYPE, _LABEL, _DERIVED = _n(RDF.type), _n(RDFS.label), _n(PROV.wasDerivedFrom)
_MENTIONS, _COUNTRY, _MEMBER_OF, _TITLE = _n(RDO.mentions), _n(RDO.country), _n(RDO.memberOf), _n(RDO.title)
_GIVEN, _FAMILY = _n(SCHEMA.givenName), _n(SCHEMA.familyName)
_EVIDENCE, _QUOTE, _MEETING, _AGENT = _n(RDO.evidence), _n(RDO.quote), _n(RDO.meeting), _n(RDO.agent)
_PLACE, _LOCATION = _n(RDO.Place), _n(RDO.location)


def _document(g: Statements, doc: str, x: DocExtraction) -> None:
    d = x.document
    g.add(doc, _TYPE, _n(RDO.Document))
    g.add(doc, _n(DCTERMS.identifier), literal(d.identifier))
    g.add(doc, _LABEL, literal(d.title or d.identifier))
    g.add(doc, _n(RDO.sha256), literal(x.sha256))
    if d.title:
        g.add(doc, _n(DCTERMS.title), literal(d.title))
    if d.source:
        g.add(doc, _n(DCTERMS.source), literal(d.source))
    if d.published:
        g.add(doc, _n(DCTERMS.issued), xsd_date(d.published))
    if d.language:
        g.add(doc, _n(DCTERMS.language), literal(d.language))


def _evidence(g: Statements, doc: str, x: DocExtraction, span: Span) -> str:
    node = _n(evidence_iri(x.sha256, span.start, span.end))
    if f"{node} {_TYPE} {_n(RDO.Evidence)} ." in g:
        return node
    text = x.document.text
    quote = literal(text[span.start : span.end])
    g.add(node, _TYPE, _n(RDO.Evidence))
    g.add(node, _QUOTE, quote)
    g.add(node, _n(OA.hasSource), doc)
    g.add(node, _DERIVED, doc)
    quote_selector, position_selector = f"{node[:-1]}#quote>", f"{node[:-1]}#position>"
    g.add(node, _n(OA.hasSelector), quote_selector)
    g.add(node, _n(OA.hasSelector), position_selector)
    g.add(quote_selector, _TYPE, _n(OA.TextQuoteSelector))
    g.add(quote_selector, _n(OA.exact), quote)
    g.add(quote_selector, _n(OA.prefix), literal(text[max(0, span.start - CONTEXT_CHARS) : span.start]))
    g.add(quote_selector, _n(OA.suffix), literal(text[span.end : span.end + CONTEXT_CHARS]))
    g.add(position_selector, _TYPE, _n(OA.TextPositionSelector))
    g.add(position_selector, _n(OA.start), integer(span.start))
    g.add(position_selector, _n(OA.end), integer(span.end))
    return node


def meeting_label(kind: str, name: str | None, people: list[str], when: str | None) -> str:
    head = name or f"{KIND_LABELS.get(kind, 'Meeting')} of " + _join(people)
    return f"{head}, {when}" if when else head


def _join(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _meeting(
    g: Statements,
    doc: str,
    x: DocExtraction,
    meeting: Meeting,
    node: MeetingNode,
    ids: Identities,
    names: dict[URIRef, str],
) -> None:
    m = _n(node.iri)
    people = [ids.person(k) for k in meeting.participants]
    g.add(m, _TYPE, _n(RDO[node.kind if node.kind != "Meeting" else meeting.kind]))
    label = meeting_label(
        node.kind, meeting.name, [names.get(p, str(p)) for p in people],
        node.date.isoformat() if node.date else None,
    )
    g.add(m, _LABEL, literal(label))
    g.add(m, _n(RDO.status), _n(RDO.Planned if node.planned else RDO.Held))
    if node.date:
        g.add(m, _n(RDO.date), xsd_date(node.date))
    if meeting.date_text:
        g.add(m, _n(RDO.dateText), literal(meeting.date_text.strip()))
    if meeting.date_note:
        g.add(m, _n(RDO.dateNote), literal(meeting.date_note))
    g.add(m, _DERIVED, doc)
    for span in meeting.evidence:
        g.add(m, _EVIDENCE, _evidence(g, doc, x, span))
    for key, person in zip(meeting.participants, people, strict=True):
        _participation(g, doc, x, m, node, person, meeting.participant_evidence.get(key))
    if meeting.location:
        g.add(m, _LOCATION, _place(g, meeting.location))
    for issue, passage in meeting.issues.items():
        _discussion(g, doc, x, m, node, issue, passage)
    for r in meeting.reaffirmations:
        _reaffirmation(g, doc, x, m, node, r)


def _participation(
    g: Statements, doc: str, x: DocExtraction, m: str, node: MeetingNode, person: URIRef, said: Span | None
) -> None:
    agent = _n(person)
    g.add(m, _n(RDO.participant), agent)
    participation = iri(f"{node.iri}/participation/{slug(str(person).rsplit('/', 1)[-1])}")
    g.add(m, _n(RDO.hasParticipation), participation)
    g.add(participation, _TYPE, _n(RDO.Participation))
    g.add(participation, _AGENT, agent)
    g.add(participation, _MEETING, m)
    g.add(participation, _DERIVED, doc)
    if said is not None:
        g.add(participation, _EVIDENCE, _evidence(g, doc, x, said))


def _place(g: Statements, label: str) -> str:
    place = _n(place_iri(label))
    g.add(place, _TYPE, _PLACE)
    g.add(place, _LABEL, literal(label))
    return place


def _discussion(
    g: Statements, doc: str, x: DocExtraction, m: str, node: MeetingNode, issue: str, passage: Span
) -> None:
    g.add(m, _n(RDO.discusses), iri(issue))
    discussion = iri(f"{node.iri}/discussion/{issue.rsplit('/', 1)[-1]}/{x.sha256[:8]}")
    g.add(discussion, _TYPE, _n(RDO.Discussion))
    g.add(discussion, _MEETING, m)
    g.add(discussion, _n(RDO.issue), iri(issue))
    g.add(discussion, _EVIDENCE, _evidence(g, doc, x, passage))
    g.add(discussion, _DERIVED, doc)


def _reaffirmation(
    g: Statements, doc: str, x: DocExtraction, m: str, node: MeetingNode, r: Reaffirmation
) -> None:
    article = iri(r.article_iri)
    g.add(m, _n(RDO.reaffirms), article)
    # One statement per report: two governments' readouts of one call may word the stance differently.
    statement = iri(f"{node.iri}/reaffirmation/{r.treaty_key}-{r.article_number}/{x.sha256[:8]}")
    g.add(statement, _TYPE, _n(RDO.Reaffirmation))
    g.add(statement, _MEETING, m)
    g.add(statement, _n(RDO.article), article)
    g.add(statement, _n(RDO.stance), _n(RDO[r.stance]))
    g.add(statement, _EVIDENCE, _evidence(g, doc, x, r.evidence))
    g.add(statement, _DERIVED, doc)
    if r.applies_to:
        g.add(statement, _n(RDO.appliesTo), _place(g, r.applies_to))


def used_in(x: DocExtraction) -> set[URIRef]:
    """The reference IRIs a document's statements point at: its people, their countries and
    ministries, the articles and issues of its meetings."""
    used = {URIRef(p.ref_iri) for p in x.persons if p.ref_iri}
    used |= {URIRef(ref) for p in x.persons for ref in (p.country, p.ministry) if ref}
    for meeting in x.meetings:
        used |= {URIRef(r.article_iri) for r in meeting.reaffirmations}
        used |= {URIRef(issue) for issue in meeting.issues}
    return used


def reference_subset(reference: Graph, used: Iterable[URIRef]) -> Graph:
    """The reference data a graph uses: its officials with their terms, ministries, posts, countries,
    the treaties it cites with all their articles, and the whole issue scheme."""
    out = new_graph()
    todo = list(used)
    seen: set[URIRef] = set()
    for concept in reference.subjects(SKOS.inScheme, None):
        todo.append(concept)  # type: ignore[arg-type]
    for scheme in reference.subjects(RDF.type, SKOS.ConceptScheme):
        todo.append(scheme)  # type: ignore[arg-type]
    follow = (
        RDO.country,
        RDO.memberOf,
        ORG.holds,
        RDO.post,
        ORG.organization,
        ORG.postIn,
        ORG.memberDuring,
        TIME.hasBeginning,
        TIME.hasEnd,
        RDO.ofTreaty,
        RDO.party,
    )
    while todo:
        node = todo.pop()
        if node in seen or not isinstance(node, URIRef):
            continue
        seen.add(node)
        for triple in reference.triples((node, None, None)):
            out.add(triple)
            if triple[1] in follow:
                todo.append(triple[2])  # type: ignore[arg-type]
        for membership in reference.subjects(ORG.member, node):
            todo.append(membership)  # type: ignore[arg-type]
        for article in reference.subjects(RDO.ofTreaty, node):
            todo.append(article)  # type: ignore[arg-type]
    return out
