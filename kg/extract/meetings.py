"""Meetings: where a text says officials met, called or conferred, and everything said of that meeting.

A sentence holding a meeting trigger ("held a telephone conversation with", "met", "two-plus-two")
yields a mention: its kind, the officials named next to the trigger, cues of status, date and place.
Mentions are merged into meetings in reading order: a back-reference ("the meeting", "the two
ministers") continues the current meeting, a mention naming the same people merges with it, others
start a new one. Every sentence up to the next meeting (or a statement to the press) is the
meeting's passage: the issues and treaty stances found there are the meeting's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cached_property

from kg.extract.dates import DateMention, explain_no_year, find_dates, years_within_terms
from kg.extract.issues import IssueHit, IssueTagger
from kg.extract.lexicon import Lexicon, Sentence, Trigger
from kg.extract.model import Meeting, Reaffirmation, Span
from kg.extract.officials import Mention, Officials
from kg.extract.prefilter import FoldedText, Occurrences, Prefilter
from kg.extract.treaties import TreatyFinder

KIND_PRIORITY = ("Meeting", "Conference", "VideoConference", "TelephoneTalk", "TwoPlusTwo")
_PRONOUN_START = re.compile(r"\s*(?:He|She)\b")
_BILATERAL_NAME = re.compile(r"\b[A-Z][\w.]*[-–][A-Z][\w.]*(?:\s|$)")
_PRONOUN_BEFORE = re.compile(r"\b(?:he|she|He|She)\s+(?:also\s+|then\s+|later\s+)?$")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass
class TriggerHit:
    start: int
    end: int
    kind: str
    definite: bool
    split: bool
    weak: bool
    named: bool
    bilateral: bool = False

    def combined(self, other: TriggerHit, kind: str) -> TriggerHit:
        """One trigger standing for both: "two-plus-two" + "talks", "hosted" + "Consultations"."""
        return TriggerHit(
            self.start,
            max(self.end, other.end),
            kind,
            self.definite or other.definite,
            self.split or other.split,
            self.weak and other.weak,
            self.named or other.named,
            self.bilateral and other.bilateral,
        )


@dataclass
class MeetingMention:
    sentence: int
    trigger: TriggerHit
    participants: list[str] = field(default_factory=list)
    spans: dict[str, Span] = field(default_factory=dict)
    positions: dict[str, int] = field(default_factory=dict)
    segment: tuple[int, int] = (0, 0)
    planned: bool = False
    name: str | None = None
    refers: bool = False  # "the two ministers": the people of the meeting being reported
    joined_by_reference: bool = False  # "the ministers agreed to hold ... with A and B"
    when: DateMention | None = None  # the first date the sentence gives
    recent: list[str] = field(default_factory=list)  # eligible people named just before, latest last
    refer_count: int | None = None


@dataclass
class Draft:
    """A meeting while mentions are being merged into it."""

    kind: str
    mentions: list[MeetingMention] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)
    spans: dict[str, Span] = field(default_factory=dict)
    sentences: list[int] = field(default_factory=list)
    context: Draft | None = None  # the conference a side meeting took place at

    def add(self, mention: MeetingMention) -> None:
        self.mentions.append(mention)
        if KIND_PRIORITY.index(mention.trigger.kind) > KIND_PRIORITY.index(self.kind):
            self.kind = mention.trigger.kind
        for key in mention.participants:
            if key not in self.participants:
                self.participants.append(key)
                self.spans[key] = mention.spans[key]

    @property
    def principal(self) -> MeetingMention:
        return next((m for m in self.mentions if m.participants), self.mentions[0])


class DocumentScan:
    """One document's text folded once, and where the literals that the finder's rules cannot
    match without occur in it (each set looked up when first needed): a sentence holding none of
    a rule's literals is not searched with it (see prefilter.py). For one document only."""

    def __init__(self, finder: MeetingFinder, text: str) -> None:
        self.text = FoldedText(text)
        self.issues: dict[str, list[IssueHit]] = {}  # the tagger's mentions, by sentence text
        self._finder = finder

    @cached_property
    def triggers(self) -> Occurrences:  # pattern 0: the trigger gate; pattern i: trigger i - 1
        return self._finder.trigger_literals.scan(self.text)

    @cached_property
    def statements(self) -> Occurrences:
        return self._finder.statement_literals.scan(self.text)

    @cached_property
    def articles(self) -> Occurrences:  # of the treaty finder's article patterns
        return self._finder.treaties.article_literals.scan(self.text)

    @cached_property
    def references(self) -> Occurrences:  # of the lexicon's participant references
        return self._finder.reference_literals.scan(self.text)

    @cached_property
    def definite(self) -> Occurrences:  # of the lexicon's definite cues
        return self._finder.definite_literals.scan(self.text)

    @cached_property
    def multilateral(self) -> Occurrences:
        return self._finder.multilateral_literals.scan(self.text)


class MeetingFinder:
    def __init__(self, lex: Lexicon, tagger: IssueTagger, treaties: TreatyFinder) -> None:
        self.lex = lex
        self.tagger = tagger
        self.treaties = treaties
        data = lex.places
        self.not_places = tuple(data.get("not_places", []))
        self.not_place_words = frozenset(data.get("not_place_words", []))
        self.applies_to = [
            (names[0], re.compile("|".join(rf"\b{re.escape(n)}\b" for n in names)))
            for names in data.get("applies_to", [])
        ]
        self.place_re = re.compile(
            r"\b(?:in|at)\s+(?:the\s+)?(?P<place>[A-Z][\w’'.\-]*(?:\s+(?:of\s+|de\s+|and\s+)?[A-Z][\w’'.\-]*)*)"
        )
        from kg.extract.lexicon import load_yaml

        meetings = load_yaml("meetings.yaml")
        self.context_re = re.compile(meetings.get("context_cues", r"$^"))
        self.reporting_re = re.compile(meetings.get("reporting_date_before", r"$^"))
        self.trigger_gate = re.compile(meetings.get("trigger_gate", "."))
        # One pattern for each list of cues: a sentence is searched once, not once per cue
        self.statement_re = _union(lex.statement_cues)
        self.planned_re = _union(lex.planned_cues)
        self.title_before_re = re.compile(meetings.get("title_before_place", r"$^"))
        self.multilateral_cues = [re.compile(p) for p in meetings.get("multilateral_cues", [])]
        self.dateline_re = re.compile(meetings.get("dateline", r"$^"))
        self.visit_re = re.compile(data.get("visit_pattern", r"$^"))
        self.topic_skip_after = [re.compile(p) for p in meetings.get("country_topic_skip_after", [])]
        self.topic_skip_before = [re.compile(p) for p in meetings.get("country_topic_skip_before", [])]
        self.country_names = frozenset(
            n.lower() for c in lex.reference.countries.values() for n in (c.label, *c.names)
        )
        self.country_adjectives = frozenset(
            n.lower() for c in lex.reference.countries.values() for n in c.adjectives
        )
        # The literals the cues run on every sentence cannot match without (see DocumentScan)
        self.trigger_literals = Prefilter([self.trigger_gate, *(t.regex for t in lex.triggers)])
        self.statement_literals = Prefilter([self.statement_re])
        self.reference_literals = Prefilter(lex.participant_references)
        self.definite_literals = Prefilter(lex.definite_cues)
        self.multilateral_literals = Prefilter(self.multilateral_cues)

    # ----- mentions -----------------------------------------------------------------------------
    def scan(self, text: str) -> DocumentScan:
        """What the other methods need to know of a document's text, for reading its sentences."""
        return DocumentScan(self, text)

    def triggers(self, text: str, start: int, end: int, scan: DocumentScan) -> list[TriggerHit]:
        candidates = scan.triggers.candidates(start, end)
        if not candidates or candidates[0] != 0:
            return []
        if not self.trigger_literals.exact[0] and not self.trigger_gate.search(text, start, end):
            return []  # (a gate of literals matches where its literals occur: no need to search)
        hits: list[TriggerHit] = []
        statements = (
            [m.span() for m in self.statement_re.finditer(text, start, end)]
            if scan.statements.any(start, end)
            else []
        )
        for index in candidates[1:]:  # in the triggers' order, which decides ties below
            trig = self.lex.triggers[index - 1]
            for match in trig.regex.finditer(text, start, end):
                s, e = match.span()
                if any(a < e and s < b for a, b in statements):
                    continue
                hits.append(self._hit(trig, s, e, text, start, scan))
        hits = _longest_first(hits)
        hits = _join_adjacent(hits, text)
        hits = _join_same_kind(hits)
        if any(h.kind != "Conference" for h in hits):
            hits = [
                h
                for h in hits
                if not (h.kind == "Conference" and self.context_re.search(text[start : h.start]))
            ]
        return hits

    def _hit(
        self, trig: Trigger, s: int, e: int, text: str, sent_start: int, scan: DocumentScan
    ) -> TriggerHit:
        window = max(sent_start, s - 40)
        definite = trig.definite or any(
            m.end() > s and m.start() < e
            for i in scan.definite.candidates(window, e + 1)
            for m in self.lex.definite_cues[i].finditer(text, window, e + 1)
        )
        kind = trig.kind
        if kind != "TwoPlusTwo" and any(
            self.multilateral_cues[i].search(text, sent_start, e + 60)
            for i in scan.multilateral.candidates(sent_start, e + 60)
        ):
            kind = "Conference"
        if trig.named and kind == "Conference" and self._bilateral_name(text[max(sent_start, s - 40) : e]):
            kind = "Meeting"  # "the China-Australia Diplomatic and Strategic Dialogue": two countries' talks
        return TriggerHit(s, e, kind, definite, trig.split, trig.weak, trig.named, trig.bilateral)

    def _bilateral_name(self, name: str) -> bool:
        for match in _BILATERAL_NAME.finditer(name):
            sides = re.split(r"[-–]", match.group(0).strip())
            known = self.country_names | self.country_adjectives
            if all(side.lower() in known for side in sides):
                return True
        return False

    def mentions(
        self,
        text: str,
        sentences: list[Sentence],
        officials: Officials,
        dates: list[DateMention] | None,
        scan: DocumentScan,
    ) -> tuple[list[MeetingMention], list[str | None]]:
        """All meeting mentions, and for each sentence that reports a statement to the press, who
        speaks (the first official named; "" when none is), None for other sentences."""
        mentions: list[MeetingMention] = []
        statement_flags: list[str | None] = []
        previous_subject: str | None = None
        recent: list[str] = []
        named = officials.by_sentence(len(sentences))
        for index, sentence in enumerate(sentences):
            s, e = sentence.start_char, sentence.end_char
            people = [m for m in named[index] if self.eligible(m, officials)]
            is_statement = scan.statements.any(s, e) and self.statement_re.search(text, s, e) is not None
            statement_flags.append((people[0].key if people else "") if is_statement else None)
            hits = self.triggers(text, s, e, scan)
            if hits:  # (most sentences report no meeting)
                found = self._hit_mentions(text, index, sentence, hits, people, dates, previous_subject)
                mentions.extend(_consolidate(self._kept(text, sentence, found, officials, recent, scan)))
            if people:
                starts_with_pronoun = bool(_PRONOUN_START.match(text, s))
                previous_subject = (
                    previous_subject if starts_with_pronoun and previous_subject else people[0].key
                )
                for person in people:
                    if person.key in recent:
                        recent.remove(person.key)
                    recent.append(person.key)
        return mentions, statement_flags

    def _hit_mentions(
        self,
        text: str,
        index: int,
        sentence: Sentence,
        hits: list[TriggerHit],
        people: list[Mention],
        dates: list[DateMention] | None,
        previous_subject: str | None,
    ) -> list[MeetingMention]:
        """A mention for each trigger of a sentence, with the people nearest to it."""
        s, e = sentence.start_char, sentence.end_char
        sentence_mentions: list[MeetingMention] = []
        for hit, assigned in _assign(hits, people):
            near = (max(s, hit.start - 120), min(e, hit.end + 120))
            planned = not hit.weak and self.planned_re.search(text, *near) is not None
            mention = MeetingMention(index, hit, planned=planned, segment=(s, e))
            mention.when = next((d for d in dates or [] if s <= d.start < e), None)
            for person in assigned:
                if person.key not in mention.participants:
                    mention.participants.append(person.key)
                    mention.spans[person.key] = _trim(text, s, e)
                    mention.positions[person.key] = person.start
            if hit.named:
                mention.name = text[hit.start : hit.end].strip()
            at_start = bool(hit is hits[0] and _PRONOUN_START.match(text, s))
            pronoun = at_start or _PRONOUN_BEFORE.search(text[max(s, hit.start - 30) : hit.start])
            # "he" is the person named earlier in the sentence, else the previous sentence's subject
            earlier = [p.key for p in people if p.end <= hit.start]
            referent = (earlier[0] if earlier and not at_start else None) or previous_subject
            if pronoun and referent and referent not in mention.participants:
                mention.participants.insert(0, referent)
                mention.spans[referent] = _trim(text, s, e)
                mention.positions[referent] = s
            sentence_mentions.extend(_split(mention) if hit.split else [mention])
        return sentence_mentions

    def _kept(
        self,
        text: str,
        sentence: Sentence,
        sentence_mentions: list[MeetingMention],
        officials: Officials,
        recent: list[str],
        scan: DocumentScan,
    ) -> list[MeetingMention]:
        """The mentions of a sentence, consolidated, that name a meeting or refer to one."""
        s, e = sentence.start_char, sentence.end_char
        kept = []
        for mention in _consolidate(sentence_mentions):
            hit = mention.trigger
            if hit.weak and len(mention.participants) < 2 and not (hit.definite and mention.participants):
                continue
            if hit.bilateral and len({officials.persons[k].country for k in mention.participants}) < 2:
                continue
            mention.refers = not mention.participants and self._refers_to_participants(scan, sentence)
            mention.joined_by_reference = bool(mention.participants) and self._refers_to_participants(
                scan, sentence
            )
            if not mention.planned and not hit.weak:  # the trigger may have changed in consolidation
                near = (max(s, hit.start - 120), min(e, hit.end + 120))
                mention.planned = self.planned_re.search(text, *near) is not None
            if mention.refers:
                mention.recent = list(recent)
                mention.refer_count = _reference_count(text[s:e])
            kept.append(mention)
        return kept

    def eligible(self, mention: Mention, officials: Officials) -> bool:
        person = officials.persons.get(mention.key)
        return bool(
            person
            and person.official
            and person.may_participate
            and not mention.former
            and not mention.blocked
        )

    # ----- merging ------------------------------------------------------------------------------
    def merge(
        self,
        text: str,
        sentences: list[Sentence],
        mentions: list[MeetingMention],
        statement_flags: list[str | None],
        speakers: list[list[str]] | None,
        scan: DocumentScan,
    ) -> list[Draft]:
        self._text = text
        drafts: list[Draft] = []
        current: Draft | None = None
        by_sentence: dict[int, list[MeetingMention]] = {}
        for mention in mentions:
            by_sentence.setdefault(mention.sentence, []).append(mention)
        for index, sentence in enumerate(sentences):
            here = by_sentence.get(index, [])
            if here:
                before = current
                for mention in here:
                    current = self._place(mention, current, drafts)
                # "they welcomed X and agreed to hold the next ...": X is the current meeting's
                agreed_next = any(m.planned and (m.refers or m.joined_by_reference) for m in here)
                moved_on = before is not None and before is not current
                keeps_sentence = moved_on and before is not None and index not in before.sentences
                if agreed_next and before is not None and keeps_sentence:
                    before.sentences.append(index)
                only_agreed = current is not None and all(
                    m.trigger.weak and m.trigger.bilateral for m in current.mentions
                )
                if current is not None and only_agreed:
                    current.sentences.append(index)
                    current = None  # "A and B agreed ...": that sentence, not what follows
            elif statement_flags[index] is not None:
                speaker = statement_flags[index]
                if current is None or speaker not in current.participants:
                    current = None  # a statement by someone else ends the meeting's passage
            elif current is None and drafts and self._refers_to_participants(scan, sentence):
                current = drafts[-1]
            elif current is not None and speakers and speakers[index]:
                named = set(speakers[index])
                if not named & set(current.participants):
                    earlier = next((d for d in reversed(drafts) if named <= set(d.participants)), None)
                    current = earlier or current  # "Wang Yi stressed ...": back to his meeting
            if current is not None and index not in current.sentences:
                current.sentences.append(index)
        return drafts

    def _refers_to_participants(self, scan: DocumentScan, sentence: Sentence) -> bool:
        """'The two ministers', 'both sides' (but not 'the ministers of Japan, Australia and India')."""
        s, e = sentence.start_char, sentence.end_char
        passage = scan.text.text[s:e]  # a slice, so that "^" is its start
        for index in scan.references.candidates(s, e):
            for match in self.lex.participant_references[index].finditer(passage):
                if not re.match(r"\s+(?:of|from)\b", passage[match.end() : match.end() + 6]):
                    return True
        return False

    def _place(self, mention: MeetingMention, current: Draft | None, drafts: list[Draft]) -> Draft:
        if mention.refers and current is not None and current.participants:
            mention.participants = list(current.participants)
            sentence_span = next(iter(current.spans.values()))
            mention.spans = {k: current.spans.get(k, sentence_span) for k in mention.participants}
            mention.positions = {k: mention.segment[0] for k in mention.participants}
        elif mention.joined_by_reference and current is not None and current.participants:
            # "The ministers agreed to hold a 2+2 together with A and B": them and A and B
            span = _trim(self._text, *mention.segment)
            for key in reversed(current.participants):
                if key not in mention.participants:
                    mention.participants.insert(0, key)
                    mention.spans[key] = span
                    mention.positions[key] = mention.segment[0]
        elif mention.refers and mention.refer_count and len(mention.recent) >= mention.refer_count:
            mention.participants = mention.recent[-mention.refer_count :]
            span = _trim(self._text, *mention.segment)
            mention.spans = {k: span for k in mention.participants}
            mention.positions = {k: mention.segment[0] for k in mention.participants}
        target = self._target(mention, current, drafts)
        if target is None:
            target = Draft(kind=mention.trigger.kind)
            if current is not None and current.kind == "Conference" and mention.trigger.kind != "Conference":
                target.context = current
            elif current is not None and current.context is not None:
                target.context = current.context
            drafts.append(target)
        target.add(mention)
        return target

    def _target(self, mention: MeetingMention, current: Draft | None, drafts: list[Draft]) -> Draft | None:
        """The meeting a mention continues, if any: the current one, or an earlier one it names again."""
        people = set(mention.participants)
        trigger = mention.trigger
        if not people:
            if current is None or not _compatible(current.kind, trigger):
                return None
            # "The next meeting will be held in Manila" is not the meeting just reported
            return None if mention.planned and not current.principal.planned else current
        candidates = ([current] if current is not None else []) + [
            d for d in reversed(drafts) if d is not current
        ]
        for draft in candidates:
            if not _compatible(draft.kind, trigger):
                continue
            is_current = draft is current
            same_status = draft.principal.planned == mention.planned and not _dates_conflict(mention, draft)
            if (
                is_current
                and people <= set(draft.participants)
                and not trigger.split
                and (same_status or trigger.definite)
            ):
                return draft
            if (
                not draft.participants
                and not trigger.weak
                and same_status
                and (is_current or trigger.definite)
            ):
                return draft
            # "the meeting" continues it; "the 2+2 Ministerial Meeting" with more people is another one
            adds_people = not people <= set(draft.participants)
            other_kind = trigger.kind not in ("Meeting", draft.kind)
            if trigger.definite and same_status and (is_current or people & set(draft.participants)) and not (
                adds_people and other_kind
            ):
                return draft
            if set(draft.participants) == people and same_status:
                return draft
            if (
                draft.kind == trigger.kind == "Conference"
                and people <= set(draft.participants)
                and (mention.name is None or mention.name in {m.name for m in draft.mentions})
            ):
                return draft
        return None

    # ----- the facts of a meeting ---------------------------------------------------------------
    def finish(
        self,
        draft: Draft,
        text: str,
        sentences: list[Sentence],
        officials: Officials,
        dates: list[DateMention],
        published: date | None,
        notes: list[str],
        scan: DocumentScan,
    ) -> Meeting | None:
        if draft.kind == "Conference" and not draft.participants:
            self._attendees_from_passage(draft, text, sentences, officials)
        if len(draft.participants) < 2 and not (
            draft.kind == "Conference"
            and any(m.participants and m.trigger.kind == "Conference" for m in draft.mentions)
        ):
            return None  # a meeting needs two sides; a conference, one attendee named as attending it
        if (
            draft.principal.planned
            and all(m.refers for m in draft.mentions if m.participants)
            and not any(m.name for m in draft.mentions)
            and self._location(draft, text, sentences, officials) is None
        ):
            return None  # "the ministers would meet again": too little to be a meeting of its own
        principal = draft.principal
        meeting = Meeting(
            kind=draft.kind, participants=list(draft.participants), participant_evidence=dict(draft.spans)
        )
        meeting.name = next((m.name for m in draft.mentions if m.name), None)
        if meeting.name and meeting.name.count("(") > meeting.name.count(")"):
            meeting.name += ")"  # "Asian Security Conference (Shangri-La Dialogue": the trigger ends early
        meeting.planned = principal.planned
        meeting.evidence = _unique(
            [
                _trim(text, sentences[m.sentence].start_char, sentences[m.sentence].end_char)
                for m in draft.mentions
                if m.participants
            ]
            or [_trim(text, sentences[principal.sentence].start_char, sentences[principal.sentence].end_char)]
        )
        self._set_date(meeting, draft, text, sentences, officials, dates, published, notes)
        meeting.location = self._location(draft, text, sentences, officials)
        if meeting.location is None and draft.context is not None:
            meeting.location = self._location(draft.context, text, sentences, officials)
        if meeting.location is None and meeting.kind not in ("TelephoneTalk", "VideoConference"):
            meeting.location = self._dateline_place(text)  # a call is not held where the report was filed
        self._set_issues(meeting, draft, text, sentences, scan)
        self._set_implied_issues(meeting, officials)
        self._set_reaffirmations(meeting, draft, scan, sentences, officials)
        return meeting

    def _attendees_from_passage(
        self, draft: Draft, text: str, sentences: list[Sentence], officials: Officials
    ) -> None:
        """ "NATO defence ministers met in Brussels. Canada's Bill Blair pressed allies ...": the
        officials a report of a conference names, in its passage, attended it."""
        for index in draft.sentences:
            for mention in officials.in_sentence(index):
                if self.eligible(mention, officials) and mention.key not in draft.participants:
                    draft.participants.append(mention.key)
                    draft.spans[mention.key] = _trim(
                        text, sentences[index].start_char, sentences[index].end_char
                    )
        if draft.participants:
            draft.mentions[0].trigger = TriggerHit(
                **{**draft.mentions[0].trigger.__dict__, "kind": "Conference"}
            )

    def _set_date(
        self,
        meeting: Meeting,
        draft: Draft,
        text: str,
        sentences: list[Sentence],
        officials: Officials,
        dates: list[DateMention],
        published: date | None,
        notes: list[str],
    ) -> None:
        ordered = [draft.principal] + [m for m in draft.mentions if m is not draft.principal]
        candidates: list[DateMention] = []
        for mention in ordered:
            s, e = sentences[mention.sentence].start_char, sentences[mention.sentence].end_char
            candidates += [d for d in dates if s <= d.start < e and d not in candidates]
        datelines = {m.start("date") for m in self.dateline_re.finditer(text)}
        candidates = [
            d
            for d in candidates
            if not self.reporting_re.search(text[max(0, d.start - 30) : d.start]) and d.start not in datelines
        ]
        if not candidates and draft.principal.sentence > 0:
            # "The UK and Germany have today signed ... . Healey and Pistorius signed it": the lead's date
            previous = [
                x for x in sentences[: draft.principal.sentence] if text[x.start_char : x.end_char].strip()
            ]
            lead = previous[-1] if previous else sentences[0]
            candidates = [
                d
                for d in dates
                if lead.start_char <= d.start < lead.end_char
                and d.start not in datelines
                and not self.reporting_re.search(text[max(0, d.start - 30) : d.start])
            ]
        if not candidates:
            return
        best = max(
            candidates,
            key=lambda d: (not d.vague, (d.year, d.month, d.day).count(None) * -1, -candidates.index(d)),
        )
        meeting.date_text = best.text
        if published is None and best.relative and not best.vague and best.date is None:
            best = self._anchor_on_dateline(best, text, meeting, officials)
        if best.vague or best.month is None or best.day is None:
            if published is None and not best.vague and best.month is None:
                notes.append(
                    f"'{best.text.strip()}' counts from a publication date the document does not give"
                )
            return
        if best.year is not None and not best.relative:
            meeting.date = best.date
        else:
            meeting.date, meeting.date_note = self._infer_year(best, meeting, officials, published)
            if meeting.date_note and meeting.date is None:
                notes.append(meeting.date_note)
        if meeting.date and meeting.planned and published and best.relative and meeting.date <= published:
            meeting.date = None  # "will meet on Monday" is not last Monday
        if meeting.date and published and meeting.date > published and best.relative is False:
            meeting.planned = True
        if (
            meeting.date
            and published
            and meeting.date > published + timedelta(days=0)
            and not meeting.planned
        ):
            meeting.planned = True

    def _anchor_on_dateline(
        self, mention: DateMention, text: str, meeting: Meeting, officials: Officials
    ) -> DateMention:
        """A report with no publication date but a dateline ("TOKYO, Jan 9 (Wire) -") was filed on that
        day; its year is the one the participants' terms allow. "On Tuesday" then resolves."""
        line = self.dateline_re.search(text)
        if not line:
            return mention
        filed = find_dates(line.group("date"))
        if not filed or filed[0].month is None or filed[0].day is None:
            return mention
        anchor, _ = self._infer_year(filed[0], meeting, officials, None)
        if anchor is None:
            return mention
        resolved = find_dates(mention.text, published=anchor)
        if not resolved or resolved[0].date is None:
            return mention
        r = resolved[0]
        return DateMention(mention.start, mention.end, mention.text, r.year, r.month, r.day, False, r.vague)

    def _infer_year(
        self, mention: DateMention, meeting: Meeting, officials: Officials, published: date | None
    ) -> tuple[date | None, str | None]:
        assert mention.month is not None and mention.day is not None
        month, day = mention.month, mention.day
        per_person: list[set[int]] = []
        named: list[tuple[str, date | None, date | None]] = []
        for key in meeting.participants:
            person = officials.persons[key]
            reference = self.lex.reference.officials.get(person.ref_iri or "")
            if reference is None or not reference.terms:
                continue
            terms = list(reference.terms)
            # Nothing reported here can lie in the future of the reading; a planned meeting, a year ahead.
            cap = (published or date.today()) + timedelta(days=366 if meeting.planned else 0)
            years: set[int] = set()
            for term in terms:
                years |= set(years_within_terms(month, day, [(term.start, term.end or cap)]))
                named.append((f"{person.name}'s term as {term.title}", term.start, term.end))
            per_person.append(years)
        pub_year = mention.year if mention.relative and mention.year is not None else None
        if not per_person:
            if pub_year:
                return date(pub_year, month, day), None
            return None, (
                f"'{mention.text.strip()}' has no year, the document no publication date, and no "
                "participant's term of office in the reference data fixes one"
            )
        allowed = set.intersection(*per_person)
        weekday = next((i for i, name in enumerate(_WEEKDAYS) if name in mention.text.lower()), None)
        if weekday is not None:  # "on Tuesday, March 16": only the years where it was a Tuesday
            allowed = {y for y in allowed if date(y, month, day).weekday() == weekday}
        if pub_year is not None and pub_year in allowed:
            return date(pub_year, month, day), None
        if len(allowed) == 1:
            year = next(iter(allowed))
            return date(year, month, day), (
                f"year {year} inferred for '{mention.text.strip()}': the only year in "
                "which it falls within every participant's term of office"
            )
        if not allowed:
            return None, f"'{mention.text.strip()}' cannot be right: {explain_no_year(month, day, named)}"
        return None, (
            f"'{mention.text.strip()}' has no year and the participants' terms allow "
            f"{len(allowed)} years ({min(allowed)}–{max(allowed)})"
        )

    def _location(
        self, draft: Draft, text: str, sentences: list[Sentence], officials: Officials
    ) -> str | None:
        ordered = [draft.principal] + [m for m in draft.mentions if m is not draft.principal]
        people = [(m.start, m.end) for m in officials.mentions]
        for mention in ordered:
            s, e = sentences[mention.sentence].start_char, sentences[mention.sentence].end_char
            matches = sorted(
                [*self.place_re.finditer(text, s, e), *self.visit_re.finditer(text, s, e)],
                key=lambda m: m.start(),
            )
            found = []
            for match in matches:
                place = self._clean_place(match.group("place"))
                start = match.start("place")
                if self.title_before_re.search(text, max(s, match.start() - 30), match.start("place")):
                    continue  # "Secretary of State at the Federal Ministry of Defence": a post, not a place
                end = start + len(place or "")
                if place and not any(a < end and start < b for a, b in people):
                    found.append(place)
            if found:  # "who is in China for the dialogue, in Beijing": the city says more
                return next((p for p in found if p.lower() not in self.country_names), found[0])
        return None

    def _dateline_place(self, text: str) -> str | None:
        match = self.dateline_re.search(text)
        if not match:
            return None
        return " ".join(w.capitalize() if len(w) > 2 else w for w in match.group("place").split())

    def _clean_place(self, raw: str) -> str | None:
        place = raw.split(",")[0].strip().rstrip(".")
        place = re.sub(r"\s+\(.*$", "", place)
        place = re.sub(r"(?:’s|'s)$", "", place)
        words = [re.sub(r"(?:’s|'s)$", "", w) for w in place.split()]
        if not words or any(place.startswith(n) for n in self.not_places):
            return None
        if self.not_place_words.intersection(words):
            return None
        return place

    def _set_issues(
        self, meeting: Meeting, draft: Draft, text: str, sentences: list[Sentence], scan: DocumentScan
    ) -> None:
        for index in draft.sentences:
            s, e = sentences[index].start_char, sentences[index].end_char
            passage = text[s:e]
            if passage not in scan.issues:  # boilerplate repeats; passages may share sentences
                scan.issues[passage] = self.tagger.find(passage)
            for hit in scan.issues[passage]:
                start, end = s + hit.start, s + hit.end
                if self._actor_not_topic(text, start, end):
                    continue
                meeting.issues.setdefault(hit.iri, _trim(text, s, e))

    def _set_implied_issues(self, meeting: Meeting, officials: Officials) -> None:
        """A meeting of Japanese, American and South Korean ministers is trilateral cooperation."""
        countries = {officials.persons[k].country for k in meeting.participants}
        for concept in self.lex.reference.issues.values():
            if concept.implied_by and set(concept.implied_by) <= countries and meeting.evidence:
                meeting.issues.setdefault(concept.iri, meeting.evidence[0])

    def _actor_not_topic(self, text: str, start: int, end: int) -> bool:
        word = text[start:end].lower()
        if word in self.country_adjectives and re.match(r"\s+[A-Z]", text[end : end + 3]):
            return True  # "Chinese President": a nationality, not a topic
        if word not in self.country_names:
            return False
        after, before = text[end : end + 30], text[max(0, start - 30) : start]
        return any(p.search(after) for p in self.topic_skip_after) or any(
            p.search(before) for p in self.topic_skip_before
        )

    def _set_reaffirmations(
        self,
        meeting: Meeting,
        draft: Draft,
        scan: DocumentScan,
        sentences: list[Sentence],
        officials: Officials,
    ) -> None:
        doc = scan.text
        text = doc.text
        countries: set[str] = {c for k in meeting.participants if (c := officials.persons[k].country)}
        spans = [(sentences[i].start_char, sentences[i].end_char) for i in draft.sentences]
        cited = [self.treaties.articles(text, s, e, scan.articles) for s, e in spans]
        if not any(cited):
            return  # most passages cite no treaty article: then the treaties they name do not matter
        last_cited = max(k for k, hits in enumerate(cited) if hits)
        last_treaty: str | None = None
        participants = set(meeting.participants)
        for index, (s, e), hits in zip(draft.sentences[: last_cited + 1], spans, cited, strict=False):
            named = self.treaties.treaties_named(doc, s, e, countries)
            for hit in hits:
                treaty = (
                    _nearest_treaty(named, hit.start)
                    or last_treaty
                    or self.treaties.implied_treaty(countries, hit.number)
                )
                stance = self.treaties.stance_before(text, s, hit.start, e)
                if treaty is None or stance is None:
                    continue
                clause = text[s : max(stance.start, hit.start)]
                if self.treaties.is_background(text[s : hit.end]):
                    continue
                if not self._subject_is_participant(clause, index, s, stance.start, participants, officials):
                    continue
                self._add_reaffirmation(
                    meeting, treaty, hit.number, stance.stance, _trim(text, s, e), text[s:e]
                )
            if named:
                last_treaty = named[-1][1]

    def _subject_is_participant(
        self, clause: str, index: int, s: int, stance_start: int, participants: set[str], officials: Officials
    ) -> bool:
        if any(p.search(clause) for p in self.lex.participant_references):
            return True
        if re.search(r"\b(?:he|she|they|we|the meeting|the call|the talks)\b", clause, re.IGNORECASE):
            return True
        for key in participants:
            country = self.lex.reference.countries.get(officials.persons[key].country or "")
            if country and any(
                re.search(rf"(?<![\w.]){re.escape(n)}(?![\w])", clause)
                for n in (country.label, *country.names, *country.adjectives)
            ):
                return True  # "The United States reaffirmed": a participant's government
        return any(
            m.key in participants and s <= m.start < stance_start for m in officials.in_sentence(index)
        )

    def _add_reaffirmation(
        self, meeting: Meeting, treaty_iri: str, number: int, stance: str, evidence: Span, sentence_text: str
    ) -> None:
        treaty = self.lex.reference.treaties[treaty_iri]
        article = treaty.article(number)
        if article is None:
            return
        if any(r.article_iri == article.iri for r in meeting.reaffirmations):
            return
        applies = next((label for label, regex in self.applies_to if regex.search(sentence_text)), None)
        meeting.reaffirmations.append(
            Reaffirmation(treaty_iri, treaty.key, article.iri, number, stance, evidence, applies)
        )


def _dates_conflict(mention: MeetingMention, draft: Draft) -> bool:
    """ "Last year, the two ministers met in Seoul": another meeting than today's, same people."""
    ours = mention.when
    theirs = next((m.when for m in draft.mentions if m.when is not None), None)
    if ours is None or theirs is None:
        return False
    if ours.date is not None and theirs.date is not None:
        return ours.date != theirs.date
    if ours.vague or theirs.vague:
        return ours.vague != theirs.vague or ours.text.strip().lower() != theirs.text.strip().lower()
    # compare only what both say: "on the 14th" agrees with "14 March"
    return any(
        a is not None and b is not None and a != b
        for a, b in ((ours.year, theirs.year), (ours.month, theirs.month), (ours.day, theirs.day))
    )


def _union(patterns: list[re.Pattern[str]]) -> re.Pattern[str]:
    if not patterns:
        return re.compile("$^")
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), re.IGNORECASE)


def _longest_first(hits: list[TriggerHit]) -> list[TriggerHit]:
    chosen: list[TriggerHit] = []
    for hit in sorted(hits, key=lambda h: (-(h.end - h.start), h.start)):
        if not any(c.start < hit.end and hit.start < c.end for c in chosen):
            chosen.append(hit)
    return sorted(chosen, key=lambda h: h.start)


def _join_adjacent(hits: list[TriggerHit], text: str) -> list[TriggerHit]:
    """ "two-plus-two talk", "telephone conversation ... call": adjacent triggers name one meeting."""
    joined: list[TriggerHit] = []
    for hit in hits:
        if joined and re.fullmatch(r"[\s”\"’'“]*(?:\w+[\s”\"’'“]+)?", text[joined[-1].end : hit.start]):
            last = joined[-1]
            joined[-1] = last.combined(hit, max(last.kind, hit.kind, key=KIND_PRIORITY.index))
        else:
            joined.append(hit)
    return joined


def _consolidate(mentions: list[MeetingMention]) -> list[MeetingMention]:
    """Triggers of one sentence that name one event ("hosted X and Y ... for the Ministerial
    Consultations") become one mention; a definite back-reference without people stays apart."""
    result: list[MeetingMention] = []
    for mention in sorted(mentions, key=lambda m: -len(m.participants)):
        if not mention.participants and mention.trigger.definite:
            result.append(mention)
            continue
        host = next(
            (
                r
                for r in result
                if r.participants
                and not (r.trigger.split and len(r.participants) > 2)
                and _compatible(r.trigger.kind, mention.trigger)
                and (len(mention.participants) < 2 or len(r.participants) < 2)
            ),
            None,
        )
        if host is None or (mention.trigger.split and len(mention.participants) > 1):
            result.append(mention)
            continue
        for key in mention.participants:
            if key not in host.participants:
                host.participants.append(key)
                host.spans[key] = mention.spans[key]
                host.positions[key] = mention.positions[key]
        other = mention.trigger
        host.trigger = replace(
            host.trigger,
            kind=max(host.trigger.kind, other.kind, key=KIND_PRIORITY.index),
            weak=host.trigger.weak and other.weak,
            named=host.trigger.named or other.named,
            bilateral=host.trigger.bilateral and other.bilateral,
        )
        host.name = host.name or mention.name
    return sorted(result, key=lambda m: m.trigger.start)


NUMBER_WORDS = {"two": 2, "both": 2, "pair": 2, "three": 3, "four": 4, "five": 5, "six": 6}


def _reference_count(sentence: str) -> int | None:
    """How many people "the two ministers", "both sides", "the four Ministers" refer to."""
    match = re.search(r"\b(?:the )?(two|three|four|five|six|both|pair)\b(?!-)", sentence, re.IGNORECASE)
    return NUMBER_WORDS[match.group(1).lower()] if match else None


def _join_same_kind(hits: list[TriggerHit]) -> list[TriggerHit]:
    """Two triggers of one specific kind in a sentence ("the Security Consultative Committee ("2+2")")
    name one meeting."""
    joined: list[TriggerHit] = []
    for hit in hits:
        if joined and hit.kind == joined[-1].kind and hit.kind != "Meeting":
            joined[-1] = joined[-1].combined(hit, hit.kind)
        else:
            joined.append(hit)
    return joined


def _assign(hits: list[TriggerHit], people: list[Mention]) -> list[tuple[TriggerHit, list[Mention]]]:
    """Each person goes to the nearest trigger of the sentence."""
    if not hits:
        return []
    assigned: dict[int, list[Mention]] = {i: [] for i in range(len(hits))}
    for person in people:

        def distance(i: int, p: Mention = person) -> int:
            hit = hits[i]
            if p.end <= hit.start:
                return hit.start - p.end
            if p.start >= hit.end:
                return p.start - hit.end
            return 0

        nearest = min(range(len(hits)), key=lambda i: (distance(i), -i))
        assigned[nearest].append(person)
    return [(hits[i], assigned[i]) for i in range(len(hits))]


def _split(mention: MeetingMention) -> list[MeetingMention]:
    """ "X held informal talks with A and B": one meeting of X with each of them."""
    subject = [k for k in mention.participants if mention.positions[k] < mention.trigger.start]
    others = [k for k in mention.participants if k not in subject]
    if not subject or len(others) < 2:
        return [mention]
    result = []
    for other in others:
        keys = [*subject, other]
        part = MeetingMention(
            mention.sentence,
            mention.trigger,
            keys,
            {k: mention.spans[k] for k in keys},
            {k: mention.positions[k] for k in keys},
            mention.segment,
            mention.planned,
        )
        result.append(part)
    return result


def _compatible(kind: str, trigger: TriggerHit) -> bool:
    if kind == trigger.kind:
        return True
    if "Conference" in (kind, trigger.kind):
        return trigger.definite and trigger.kind == "Meeting"
    return "Meeting" in (kind, trigger.kind)


def _nearest_treaty(named: list[tuple[int, str]], position: int) -> str | None:
    if not named:
        return None
    return min(named, key=lambda item: abs(item[0] - position))[1]


def _trim(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end)


def _unique(spans: list[Span]) -> list[Span]:
    seen: list[Span] = []
    for span in spans:
        if span not in seen:
            seen.append(span)
    return seen
