"""From extractions to RDF: one graph per document, and the slice of reference data they use."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import OWL, SKOS

from kg.extract.model import DocExtraction, Meeting, Span
from kg.map.merge import Identities, MeetingNode
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


def document_graph(x: DocExtraction, index: int, ids: Identities, names: dict[URIRef, str]) -> Graph:
    """Every fact one document states, with the IRIs merging gave its people and meetings."""
    g = new_graph(prefixes=False)
    doc = document_iri(x.sha256)
    _document(g, doc, x)
    for person in x.persons:
        iri = ids.person(person.key)
        if person.official:
            g.add((doc, RDO.mentions, iri))
        if person.ref_iri:
            continue
        g.add((iri, RDF.type, RDO.Official))
        g.add((iri, RDFS.label, Literal(person.name)))
        for predicate, value in (
            (SCHEMA.givenName, person.given),
            (SCHEMA.familyName, person.family),
            (RDO.title, person.title),
        ):
            if value:
                g.add((iri, predicate, Literal(value)))
        for predicate, ref in ((RDO.country, person.country), (RDO.memberOf, person.ministry)):
            if ref:
                g.add((iri, predicate, URIRef(ref)))
        if person.ministry and person.ministry_label:
            ministry = URIRef(person.ministry)
            g.add((ministry, RDF.type, RDO.Ministry))
            g.add((ministry, RDFS.label, Literal(person.ministry_label)))
            if person.country:
                g.add((ministry, RDO.country, URIRef(person.country)))
        g.add((iri, PROV.wasDerivedFrom, doc))
    for m_index, meeting in enumerate(x.meetings):
        node = ids.meetings[(index, m_index)]
        _meeting(g, doc, x, meeting, node, ids, names)
    return g


def _document(g: Graph, doc: URIRef, x: DocExtraction) -> None:
    d = x.document
    g.add((doc, RDF.type, RDO.Document))
    g.add((doc, DCTERMS.identifier, Literal(d.identifier)))
    g.add((doc, RDFS.label, Literal(d.title or d.identifier)))
    g.add((doc, RDO.sha256, Literal(x.sha256)))
    if d.title:
        g.add((doc, DCTERMS.title, Literal(d.title)))
    if d.source:
        g.add((doc, DCTERMS.source, Literal(d.source)))
    if d.published:
        g.add((doc, DCTERMS.issued, Literal(d.published.isoformat(), datatype=XSD.date)))
    if d.language:
        g.add((doc, DCTERMS.language, Literal(d.language)))


def _evidence(g: Graph, doc: URIRef, x: DocExtraction, span: Span) -> URIRef:
    iri = evidence_iri(x.sha256, span.start, span.end)
    if (iri, RDF.type, RDO.Evidence) in g:
        return iri
    text = x.document.text
    quote = text[span.start : span.end]
    g.add((iri, RDF.type, RDO.Evidence))
    g.add((iri, RDO.quote, Literal(quote)))
    g.add((iri, OA.hasSource, doc))
    g.add((iri, PROV.wasDerivedFrom, doc))
    quote_selector, position_selector = URIRef(f"{iri}#quote"), URIRef(f"{iri}#position")
    g.add((iri, OA.hasSelector, quote_selector))
    g.add((iri, OA.hasSelector, position_selector))
    g.add((quote_selector, RDF.type, OA.TextQuoteSelector))
    g.add((quote_selector, OA.exact, Literal(quote)))
    g.add((quote_selector, OA.prefix, Literal(text[max(0, span.start - CONTEXT_CHARS) : span.start])))
    g.add((quote_selector, OA.suffix, Literal(text[span.end : span.end + CONTEXT_CHARS])))
    g.add((position_selector, RDF.type, OA.TextPositionSelector))
    g.add((position_selector, OA.start, Literal(span.start)))
    g.add((position_selector, OA.end, Literal(span.end)))
    return iri


def meeting_label(kind: str, name: str | None, people: list[str], when: str | None) -> str:
    head = name or f"{KIND_LABELS.get(kind, 'Meeting')} of " + _join(people)
    return f"{head}, {when}" if when else head


def _join(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _meeting(
    g: Graph,
    doc: URIRef,
    x: DocExtraction,
    meeting: Meeting,
    node: MeetingNode,
    ids: Identities,
    names: dict[URIRef, str],
) -> None:
    iri = node.iri
    people = [ids.person(k) for k in meeting.participants]
    g.add((iri, RDF.type, RDO[node.kind if node.kind != "Meeting" else meeting.kind]))
    g.add(
        (
            iri,
            RDFS.label,
            Literal(
                meeting_label(
                    node.kind,
                    meeting.name,
                    [names.get(p, str(p)) for p in people],
                    node.date.isoformat() if node.date else None,
                )
            ),
        )
    )
    g.add((iri, RDO.status, RDO.Planned if node.planned else RDO.Held))
    if node.date:
        g.add((iri, RDO.date, Literal(node.date.isoformat(), datatype=XSD.date)))
    if meeting.date_text:
        g.add((iri, RDO.dateText, Literal(meeting.date_text.strip())))
    if meeting.date_note:
        g.add((iri, RDO.dateNote, Literal(meeting.date_note)))
    g.add((iri, PROV.wasDerivedFrom, doc))
    for span in meeting.evidence:
        g.add((iri, RDO.evidence, _evidence(g, doc, x, span)))
    for key, person in zip(meeting.participants, people, strict=True):
        g.add((iri, RDO.participant, person))
        participation = URIRef(f"{iri}/participation/{slug(str(person).rsplit('/', 1)[-1])}")
        g.add((iri, RDO.hasParticipation, participation))
        g.add((participation, RDF.type, RDO.Participation))
        g.add((participation, RDO.agent, person))
        g.add((participation, RDO.meeting, iri))
        g.add((participation, PROV.wasDerivedFrom, doc))
        said = meeting.participant_evidence.get(key)
        if said is not None:
            g.add((participation, RDO.evidence, _evidence(g, doc, x, said)))
    if meeting.location:
        place = place_iri(meeting.location)
        g.add((iri, RDO.location, place))
        g.add((place, RDF.type, RDO.Place))
        g.add((place, RDFS.label, Literal(meeting.location)))
    for issue, passage in meeting.issues.items():
        g.add((iri, RDO.discusses, URIRef(issue)))
        discussion = URIRef(f"{iri}/discussion/{issue.rsplit('/', 1)[-1]}/{x.sha256[:8]}")
        g.add((discussion, RDF.type, RDO.Discussion))
        g.add((discussion, RDO.meeting, iri))
        g.add((discussion, RDO.issue, URIRef(issue)))
        g.add((discussion, RDO.evidence, _evidence(g, doc, x, passage)))
        g.add((discussion, PROV.wasDerivedFrom, doc))
    for r in meeting.reaffirmations:
        article = URIRef(r.article_iri)
        g.add((iri, RDO.reaffirms, article))
        # One statement per report: two governments' readouts of one call may word the stance differently.
        statement = URIRef(f"{iri}/reaffirmation/{r.treaty_key}-{r.article_number}/{x.sha256[:8]}")
        g.add((statement, RDF.type, RDO.Reaffirmation))
        g.add((statement, RDO.meeting, iri))
        g.add((statement, RDO.article, article))
        g.add((statement, RDO.stance, RDO[r.stance]))
        g.add((statement, RDO.evidence, _evidence(g, doc, x, r.evidence)))
        g.add((statement, PROV.wasDerivedFrom, doc))
        if r.applies_to:
            place = place_iri(r.applies_to)
            g.add((statement, RDO.appliesTo, place))
            g.add((place, RDF.type, RDO.Place))
            g.add((place, RDFS.label, Literal(r.applies_to)))


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


def used_references(graphs: Iterable[Graph]) -> set[URIRef]:
    """The reference IRIs that document graphs point at."""
    used: set[URIRef] = set()
    for g in graphs:
        for predicate in (
            RDO.participant,
            RDO.mentions,
            RDO.country,
            RDO.memberOf,
            RDO.reaffirms,
            RDO.discusses,
        ):
            used.update(o for o in g.objects(None, predicate) if isinstance(o, URIRef))
    return used
