"""Officials: who is named in a document, in which capacity, and every later mention of them.

Three passes over the document: (1) names from the reference data and names introduced by a title
("Japanese Defense Minister Nobuo Kishi", "Dr. Katrin Suder, Secretary of State at the Federal
Ministry of Defence of Germany"); (2) family names alone ("Austin", "Secretary Mattis") of the people
found in pass 1; (3) merging of the short forms into the full names.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan
from spacy.util import filter_spans

from kg.extract.lexicon import Lexicon, Sentence, TitleInfo
from kg.extract.model import Person
from kg.namespaces import ministry_iri, slug

ROLE_PRIORITY = (
    "defence-minister",
    "foreign-minister",
    "head-of-government",
    "head-of-state",
    "deputy-head-of-state",
    "deputy-head-of-government",
    "state-minister-of-defence",
    "deputy-defence-minister",
    "deputy-foreign-minister",
    "other-official",
    "minister",
    "spokesperson",
    "press",
    "counterpart",
)
FAMILY_FIRST_COUNTRIES = frozenset({"KR", "KP", "CN", "TW", "VN", "HK", "MO", "MN"})
ROLE_FAMILIES = {
    "head-of-state": "leader",
    "head-of-government": "leader",
    "deputy-head-of-state": "leader",
    "deputy-head-of-government": "leader",
    "defence-minister": "defence",
    "deputy-defence-minister": "defence",
    "state-minister-of-defence": "defence",
    "foreign-minister": "foreign",
    "deputy-foreign-minister": "foreign",
}
_UPPER = "A-Z\u00c0-\u00d6\u00d8-\u00de\u0100-\u017f"
_WORD = rf"(?:[{_UPPER}][\w'\-]*|[{_UPPER}]\.)"
_COMPLEMENT = re.compile(
    rf"\s+(?:for|of)\s+(?:the\s+)?[{_UPPER}][\w'-]*(?:\s+(?:and|of|for|the|&)?\s*[{_UPPER}][\w'-]*)*(?=\s*,)"
)
ORGANISATION_WORDS = frozenset(
    {
        "Navy",
        "Army",
        "Air",
        "Force",
        "Coast",
        "Guard",
        "Marine",
        "Corps",
        "Ministry",
        "Embassy",
        "government",
        "Government",
        "military",
        "Military",
        "Defense",
        "Defence",
        "Foreign",
        "Staff",
        "Self-Defense",
        "Forces",
    }
)


@dataclass
class Mention:
    key: str
    start: int
    end: int
    sentence: int
    former: bool = False
    blocked: bool = False  # a context that says the person is not taking part
    title: TitleInfo | None = None


@dataclass
class Officials:
    persons: dict[str, Person] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)

    def in_sentence(self, index: int) -> list[Mention]:
        return [m for m in self.mentions if m.sentence == index]

    def by_sentence(self, count: int) -> list[list[Mention]]:
        """`in_sentence(i)` for every sentence i < count, in one pass over the mentions."""
        grouped: list[list[Mention]] = [[] for _ in range(count)]
        for mention in self.mentions:
            if 0 <= mention.sentence < count:
                grouped[mention.sentence].append(mention)
        return grouped


@lru_cache(maxsize=4)
def _name_patterns(
    particles: frozenset[str], honorifics: frozenset[str]
) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """A name, the honorifics before it, and a name in apposition ("Kim, the minister"); built
    once, not once per document."""
    particle = "|".join(sorted(map(re.escape, particles), key=len, reverse=True))
    name = re.compile(rf"(?:(?:{particle})\s+)*{_WORD}(?:\s+(?:(?:{particle})\s+)*{_WORD}){{0,4}}")
    honor = "|".join(sorted(map(re.escape, honorifics), key=len, reverse=True))
    lead = re.compile(rf"(?:\s*,)?\s*(?:(?:{honor})\s+)*")
    apposition = re.compile(rf"({name.pattern})\s*,\s*(?:(?:the|a|an|his|her)\s+)?$")
    return name, lead, apposition


def _norm_name(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[\s.\-]+", " ", text.lower()).strip()


class OfficialFinder:
    """Finds the officials of one document; keyword-only settings come from the lexicon data."""

    def __init__(
        self,
        lex: Lexicon,
        *,
        published: date | None = None,
        home_country: str | None = None,
        home_ministry: str | None = None,
    ) -> None:
        self.lex = lex
        self.published = published
        self.home_ministry = home_ministry
        # The country whose government published the text: an unlisted official it names without a
        # nationality ("Defence Secretary Dr Ajay Kumar" in an Indian release) serves it.
        self.home_country = home_country
        self.name_index = _cached_name_index(lex)
        self.name_re, self.lead_re, self.apposition_re = _name_patterns(lex.particles, lex.honorifics)
        self._pending: list[Person] = []

    # ----- pass 1 -------------------------------------------------------------------------------
    def find(
        self, doc: Doc, sentences: list[Sentence], model_names: list[tuple[int, int]] | None = None
    ) -> Officials:
        found = Officials()
        sent_of_token = _sentence_index(doc, sentences)
        countries = self._country_hits(doc)
        ministries = self.lex.ministry_matcher(doc)
        person_spans = self._person_hits(doc)
        titles = self._title_hits(doc, person_spans)
        covered: list[tuple[int, int]] = []
        for title_group in _group_titles(doc, titles):
            title_group = _counterpart_role(title_group, titles, sent_of_token)
            if title_group[-1][1].plural:
                new = self._plural_mentions(doc, title_group[-1], countries, person_spans, sent_of_token)
            else:
                one = self._title_mention(
                    doc, title_group, countries, ministries, person_spans, sent_of_token
                )
                new = [one] if one is not None else []
            for mention in new:
                found.mentions.append(mention)
                covered.append((mention.start, mention.end))
        for span, iri in person_spans:
            if not any(s <= span.start_char < e for s, e in covered):
                self._add_reference_mention(found, span, iri, sent_of_token[span.start])
                covered.append((span.start_char, span.end_char))
        for start, end in model_names or []:
            if not any(s < end and start < e for s, e in covered):
                self._add_model_mention(doc, found, start, end, sent_of_token)
                covered.append((start, end))
        self._find_family_mentions(doc, sentences, found)
        _merge_short_forms(found)
        self._mark_contexts(doc, sentences, found)
        found.mentions.sort(key=lambda m: (m.start, m.end))
        return found

    def _person_hits(self, doc: Doc) -> list[tuple[SpacySpan, str]]:
        spans = [
            SpacySpan(doc, s, e, label=self.lex.person_labels[int(doc.vocab.strings[m])])
            for m, s, e in self.lex.person_matcher(doc)
        ]
        return [(span, span.label_) for span in filter_spans(spans)]

    def _title_hits(
        self, doc: Doc, persons: list[tuple[SpacySpan, str]]
    ) -> list[tuple[SpacySpan, TitleInfo]]:
        spans = [SpacySpan(doc, s, e, label=doc.vocab.strings[m]) for m, s, e in self.lex.title_matcher(doc)]
        taken = {i for span, _ in persons for i in range(span.start, span.end)}
        hits = []
        for span in filter_spans(spans):
            if taken.intersection(range(span.start, span.end)):
                continue
            info = self.lex.titles[int(span.label_)]
            if (
                info.strength <= 1
                and not span.text[0].isupper()
                and info.role not in ("press", "spokesperson", "counterpart")
            ):
                continue  # a lower-case "minister" or "secretary" introduces no name
            hits.append((span, info))
        return hits

    def _country_hits(self, doc: Doc) -> dict[int, tuple[int, str]]:
        """End token index -> (start token index, country IRI)."""
        spans = [
            SpacySpan(doc, s, e, label=self.lex.country_labels[int(doc.vocab.strings[m])])
            for m, s, e in self.lex.country_matcher(doc)
        ]
        return {span.end: (span.start, span.label_) for span in filter_spans(spans)}

    def _title_mention(
        self,
        doc: Doc,
        group: list[tuple[SpacySpan, TitleInfo]],
        countries: dict[int, tuple[int, str]],
        ministries: list[tuple[int, int, str]],
        persons: list[tuple[SpacySpan, str]],
        sent_of_token: list[int],
    ) -> Mention | None:
        first, last = group[0][0], group[-1][0]
        info = _best_title(group)
        sentence = sent_of_token[first.start]
        sent_start = _sentence_start_char(doc, sent_of_token, sentence)
        country, acting, former, left_char = self._left_context(doc, first.start, countries, sent_of_token)
        left_ministry = _ministry_before(doc, first.start, ministries)
        if left_ministry and not country:
            country = self.lex.reference.ministries[left_ministry].country
        title_text = _text_of(doc)[first.start_char : last.end_char]
        if self._modifiers:
            title_text = " ".join(self._modifiers) + " " + title_text
            if self.lex.junior_modifiers.intersection(self._modifiers) and info.role in ROLE_FAMILIES:
                family = ROLE_FAMILIES[info.role]
                if family in ("defence", "foreign"):
                    info = replace(info, role=f"deputy-{family}-minister", strength=2)
        if acting and not title_text.lower().startswith("acting"):
            title_text = "Acting " + title_text
        ministry, ministry_end = _ministry_after(doc, last.end, ministries)
        ministry = ministry or left_ministry
        after_title = ministry_end if ministry_end is not None else last.end_char
        complement = _COMPLEMENT.match(_text_of(doc), after_title)
        if complement and ministry_end is None:
            # "Deputy Secretary for Strategy and Policy, Halvard ...": the post's remit is part of the title
            after_title = complement.end()
            title_text += complement.group(0)
            if info.ministry_kind is None:
                kind = (
                    "defence"
                    if re.search(r"Defen[cs]e", complement.group(0))
                    else ("foreign" if "Foreign" in complement.group(0) else None)
                )
                info = replace(info, ministry_kind=kind) if kind else info
        name_start, name_end, name = self._name_after(_text_of(doc), after_title)
        if name is None:
            name_start, name_end, name = self._name_before(_text_of(doc), sent_start, left_char)
        if name is None:
            return None
        ref_iri = _person_overlapping(persons, name_start, name_end)
        country = (
            country
            or self._country_after(doc, after_title, countries)
            or self._country_after(doc, name_end, countries)
            or _parenthetical_country(doc, name_start, sent_start, countries)
        )
        if ministry and not country:
            country = self.lex.reference.ministries[ministry].country
        hint = next(iter(info.countries)) if country is None and len(info.countries) == 1 else None
        if country is None and hint is not None and (not self.home_country or self._names_listed(name, hint)):
            country = hint  # a title one country uses, and no home country or a listed holder of it
        post_role = self.lex.post_roles.get((title_text.lower().removeprefix("acting "), country or ""))
        if (
            post_role and post_role != info.role
        ):  # France's "Minister for the Armed Forces" leads the ministry
            info = replace(
                info, role=post_role, ministry_kind=_ministry_kind_of(post_role) or info.ministry_kind
            )
        person = self._resolve(name, info, country, ministry, ref_iri, title_text)
        return Mention(person.key, name_start, name_end, sentence, former=former, title=info)

    def _plural_mentions(
        self,
        doc: Doc,
        hit: tuple[SpacySpan, TitleInfo],
        countries: dict[int, tuple[int, str]],
        persons: list[tuple[SpacySpan, str]],
        sent_of_token: list[int],
    ) -> list[Mention]:
        """ "his Japanese and Italian counterparts, Minoru Kihara and Guido Crosetto": one person each."""
        span, info = hit
        sentence = sent_of_token[span.start]
        nationalities: list[str] = []
        i = span.start
        while i > 0 and sent_of_token[i - 1] == sentence:
            if i in countries:
                c_start, iri = countries[i]
                nationalities.insert(0, iri)
                i = c_start
            elif doc[i - 1].lower_ in ("and", ",", "&"):
                i -= 1
            else:
                break
        mentions: list[Mention] = []
        pos = span.end_char
        while True:
            start, end, name = self._name_after(_text_of(doc), pos)
            if name is None:
                break
            country = nationalities[len(mentions)] if len(mentions) < len(nationalities) else None
            ref_iri = _person_overlapping(persons, start, end)
            person = self._resolve(name, info, country, None, ref_iri, "")
            mentions.append(Mention(person.key, start, end, sentence, title=info))
            link = re.match(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+)", _text_of(doc)[end : end + 8])
            if not link:
                break
            pos = end + link.end()
        return mentions

    def _left_context(
        self, doc: Doc, start: int, countries: dict[int, tuple[int, str]], sent_of_token: list[int]
    ) -> tuple[str | None, bool, bool, int]:
        country: str | None = None
        acting = former = False
        self._modifiers: list[str] = []
        i = start
        left_char = doc[start].idx
        while i > 0 and sent_of_token[i - 1] == sent_of_token[start] and start - i < 6:
            token = doc[i - 1]
            if i in countries and country is None:
                c_start, iri = countries[i]
                country, i = iri, c_start
                left_char = doc[i].idx
                continue
            lower = token.lower_
            if token.text in ORGANISATION_WORDS and country is None:
                i -= 1
                continue  # "Philippine Navy spokesperson": the country comes before the service
            if token.text in self.lex.title_modifiers and country is None:
                self._modifiers.insert(0, token.text)
                i -= 1
                left_char = doc[i].idx
                continue  # "Joint Secretary", "Associate Minister": part of the title
            if lower in ("acting",):
                acting = True
            elif lower in ("former", "then", "ex", "late", "outgoing", "previous") or lower.rstrip("-") in (
                "ex",
                "then",
            ):
                former = True
            elif lower not in (
                "the",
                "’s",
                "'s",
                "'",
                "’",
                "-",
                "his",
                "her",
                "their",
                "its",
                "new",
                "newly",
                "appointed",
            ):
                break
            i -= 1
            left_char = doc[i].idx
        return country, acting, former, left_char

    def _name_after(self, text: str, pos: int) -> tuple[int, int, str | None]:
        lead = self.lead_re.match(text, pos)
        start = lead.end() if lead else pos
        match = self.name_re.match(text, start)
        if not match:
            return start, start, None
        name = self._clean_name(match.group(0))
        if not name:
            return start, start, None
        return start, start + len(name), name

    def _name_before(self, text: str, sent_start: int, left_char: int) -> tuple[int, int, str | None]:
        window = text[sent_start:left_char]
        match = self.apposition_re.search(window)
        if not match:
            return left_char, left_char, None
        raw = match.group(1)
        raw_start = sent_start + match.start(1)
        lead = self.lead_re.match(raw)
        offset = lead.end() if lead else 0
        name = self._clean_name(raw[offset:])
        if not name:
            return left_char, left_char, None
        return raw_start + offset, raw_start + offset + len(name), name

    def _clean_name(self, raw: str) -> str | None:
        words = raw.split()
        while words and (
            words[0] in self.lex.honorifics or words[0].rstrip(".") + "." in self.lex.honorifics
        ):
            words = words[1:]
        cut = len(words)
        for i, word in enumerate(words):
            bare = word.rstrip(".,")
            if bare in self.lex.not_names or bare in self.lex.country_words or word in self.lex.postnominals:
                cut = i
                break
        words = words[:cut]
        while words and (words[-1] in self.lex.particles):
            words = words[:-1]
        if not words or all(w in self.lex.particles for w in words):
            return None
        name = " ".join(words)
        name = re.sub(r"(?:'s|’s)$", "", name).rstrip(".,") if not re.search(r"\b[A-Z]\.$", name) else name
        if len(name) < 2 or (not any(c.islower() for c in name) and len(name) <= 3):
            return None
        return name

    def _country_after(self, doc: Doc, name_end: int, countries: dict[int, tuple[int, str]]) -> str | None:
        """ "Defense Minister Lee Jong-sup of South Korea", "... of the Republic of the Philippines"."""
        match = re.match(r"\s*,?\s*of\s+", _text_of(doc)[name_end : name_end + 40])
        if not match:
            return None
        target = name_end + match.end()
        targets = {target, target + 4} if _text_of(doc)[target : target + 4] == "the " else {target}
        for start, iri in countries.values():
            if doc[start].idx in targets:
                return iri
        return None

    # ----- resolution ---------------------------------------------------------------------------
    def _names_listed(self, name: str, country: str) -> bool:
        _given, family = self._split_name(name, country)
        return bool(
            self.name_index.get(_norm_name(name))
            or any(
                self.lex.reference.officials[c].country == country
                for c in self.lex.by_family.get(family.lower(), [])
            )
        )

    def _resolve(
        self,
        name: str,
        info: TitleInfo,
        country: str | None,
        ministry: str | None,
        ref_iri: str | None,
        title_text: str,
    ) -> Person:
        given, family = self._split_name(name, country)
        iri = (
            ref_iri or self.name_index.get(_norm_name(name)) or self._by_family(given, family, info, country)
        )
        role = info.role
        if iri:
            official = self.lex.reference.officials[iri]
            person = Person(
                key=iri,
                name=official.label,
                ref_iri=iri,
                given=official.given,
                family=official.family,
                country=official.country,
            )
        else:
            country = country or self.home_country
            if ministry is None and info.ministry_kind is None and country and country == self.home_country:
                ministry = self.home_ministry  # an unlisted official of the ministry that published the text
            key = self._new_key(given, family, country)
            person = Person(
                key=key,
                name=name if not given else f"{given} {family}",
                given=given,
                family=family,
                country=country,
            )
            if ministry is None and info.ministry_kind and country:
                ministry = self.lex.ministries_by_country_kind.get((country, info.ministry_kind))
                if ministry is None:
                    ministry, person.ministry_label = self._unlisted_ministry(country, info.ministry_kind)
            person.ministry = ministry
        person.title = title_text if info.strength > 0 else None
        person.title_strength = info.strength
        person.role = role
        person.official = info.official
        person.may_participate = info.participant
        self._pending.append(person)
        return person

    def _unlisted_ministry(self, country: str, kind: str) -> tuple[str | None, str | None]:
        """A ministry the reference data does not list, named after its kind: Italy's defence ministry."""
        template = self.lex.ministry_names.get(kind)
        record = self.lex.reference.countries.get(country)
        if not template or record is None:
            return None, None
        return str(ministry_iri(f"{record.iso2.lower()}-{kind}")), template.format(country=record.label)

    def _split_name(self, name: str, country: str | None) -> tuple[str | None, str]:
        words = name.split()
        if len(words) == 1:
            return None, words[0]
        if words[0].isupper() and len(words[0]) > 1 and not words[1].isupper():
            return " ".join(words[1:]), words[0].capitalize()
        iso = self.lex.reference.countries[country].iso2 if country in self.lex.reference.countries else ""
        if iso in FAMILY_FIRST_COUNTRIES:
            return " ".join(words[1:]), words[0]
        for i, word in enumerate(words[:-1]):
            if word in self.lex.particles:
                return " ".join(words[:i]) or None, " ".join(words[i:])
        tail = [w for w in words if w.rstrip(".") not in ("Jr", "Sr", "III", "II", "IV")]
        given = " ".join(w for w in tail[:-1] if not re.fullmatch(r"[A-Z]\.", w)) or None
        return given, tail[-1]

    def _by_family(self, given: str | None, family: str, info: TitleInfo, country: str | None) -> str | None:
        candidates = list(self.lex.by_family.get(family.lower(), []))
        if given and not candidates and given[:1].isupper():
            # "Le Drian", "De Mistura", "Van Hollen": a family name of two capitalised words
            candidates = list(self.lex.by_family.get(f"{given} {family}".lower(), []))
            if candidates:
                given = None
        if given and not candidates:
            candidates = list(self.lex.by_family.get(given.split()[0].lower(), []))
            given = None
        officials = self.lex.reference.officials
        if given:
            candidates = [
                c for c in candidates if (officials[c].given or "").lower().startswith(given.lower()[:1])
            ]
        if country:
            candidates = [c for c in candidates if officials[c].country == country]
        if len(candidates) > 1:
            family_role = ROLE_FAMILIES.get(info.role)
            same_role = [
                c
                for c in candidates
                if family_role
                and any(
                    ROLE_FAMILIES.get(self.lex.reference.posts[t.post].kind) == family_role
                    for t in officials[c].terms
                    if t.post in self.lex.reference.posts
                )
            ]
            candidates = same_role or candidates
        if len(candidates) > 1 and self.published:
            day = self.published
            in_office = [c for c in candidates if any(t.covers(day) for t in officials[c].terms)]
            candidates = in_office or candidates
        return candidates[0] if len(candidates) == 1 else None

    def _new_key(self, given: str | None, family: str, country: str | None) -> str:
        if given:
            return "new:" + slug(f"{given} {family}")
        iso = (
            self.lex.reference.countries[country].iso2.lower()
            if country in self.lex.reference.countries
            else "xx"
        )
        return f"new:{iso}-{slug(family)}"

    def _add_reference_mention(self, found: Officials, span: SpacySpan, iri: str, sentence: int) -> None:
        official = self.lex.reference.officials[iri]
        self._pending.append(
            Person(
                key=iri,
                name=official.label,
                ref_iri=iri,
                given=official.given,
                family=official.family,
                country=official.country,
            )
        )
        found.mentions.append(Mention(iri, span.start_char, span.end_char, sentence))

    def _add_model_mention(
        self, doc: Doc, found: Officials, start: int, end: int, sent_of_token: list[int]
    ) -> None:
        """A name a statistical model found, with no title next to it: linked to the reference data
        when it names a listed official, otherwise a person of unknown post."""
        name = self._clean_name(_text_of(doc)[start:end])
        token = doc.char_span(start, end, alignment_mode="expand")
        if not name or token is None:
            return
        generic = TitleInfo("", "minister", None, frozenset(), 0)
        person = self._resolve(name, generic, None, None, None, "")
        found.mentions.append(Mention(person.key, start, start + len(name), sent_of_token[token.start]))

    # ----- pass 2: family names alone -----------------------------------------------------------
    def _find_family_mentions(self, doc: Doc, sentences: list[Sentence], found: Officials) -> None:
        for person in self._pending:
            existing = found.persons.get(person.key)
            found.persons[person.key] = _better(existing, person) if existing else person
        self._pending = []
        taken = [(m.start, m.end) for m in found.mentions]
        for person in list(found.persons.values()):
            if not person.family or len(person.family) < 3:
                continue
            forms = {person.family, person.family.upper(), person.family[:1].upper() + person.family[1:]}
            alternatives = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
            pattern = re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")
            for index in _sentences_holding(_text_of(doc), forms, sentences):
                sentence = sentences[index]
                for match in pattern.finditer(_text_of(doc), sentence.start_char, sentence.end_char):
                    start, end = match.span()
                    if any(s <= start < e for s, e in taken) or _looks_like_date_or_place(
                        _text_of(doc), start, end
                    ):
                        continue
                    found.mentions.append(Mention(person.key, start, end, index))
                    taken.append((start, end))

    def _mark_contexts(self, doc: Doc, sentences: list[Sentence], found: Officials) -> None:
        for mention in found.mentions:
            sentence = sentences[mention.sentence]
            after = _text_of(doc)[mention.end : min(mention.end + 60, sentence.end_char)]
            before = _text_of(doc)[max(sentence.start_char, mention.start - 60) : mention.start]
            if any(p.search(after) for p in self.lex.non_participation_after) or any(
                p.search(before) for p in self.lex.non_participation_before
            ):
                mention.blocked = True
            if any(before.rstrip().endswith(word) for word in self.lex.former if word.strip()):
                mention.former = True


def _text_of(doc: Doc) -> str:
    """The document's text; spaCy rebuilds `doc.text` from the tokens on every access."""
    text = doc.user_data.get("text")
    if text is None:
        text = doc.user_data["text"] = doc.text
    return str(text)


_NAME_INDEXES: dict[int, dict[str, str]] = {}


def _cached_name_index(lex: Lexicon) -> dict[str, str]:
    """Built once per lexicon, not once per document."""
    if id(lex) not in _NAME_INDEXES:
        _NAME_INDEXES[id(lex)] = _name_index(lex)
    return _NAME_INDEXES[id(lex)]


def _name_index(lex: Lexicon) -> dict[str, str]:
    index: dict[str, str] = {}
    ambiguous: set[str] = set()
    for iri, official in sorted(lex.reference.officials.items()):
        for name in {official.label, *official.names}:
            key = _norm_name(name)
            if key in index and index[key] != iri:
                ambiguous.add(key)
            index.setdefault(key, iri)
    for key in ambiguous:
        index.pop(key, None)
    return index


def _sentences_holding(text: str, forms: set[str], sentences: list[Sentence]) -> list[int]:
    """The indexes of the sentences in which one of `forms` occurs: a pattern of alternatives of
    them can match only there (and searching every sentence with it is what costs)."""
    starts = [sentence.start_char for sentence in sentences]
    found = set()
    for form in forms:
        at = text.find(form)
        while at >= 0:
            index = bisect_right(starts, at) - 1
            if index >= 0 and at + len(form) <= sentences[index].end_char:
                found.add(index)
            at = text.find(form, at + 1)
    return sorted(found)


def _sentence_index(doc: Doc, sentences: list[Sentence]) -> list[int]:
    index = [0] * len(doc)
    for i, sentence in enumerate(sentences):
        index[sentence.start : sentence.end] = [i] * (sentence.end - sentence.start)
    return index


def _sentence_start_char(doc: Doc, sent_of_token: list[int], sentence: int) -> int:
    first = sent_of_token.index(sentence)
    return int(doc[first].idx)


def _group_titles(
    doc: Doc, titles: list[tuple[SpacySpan, TitleInfo]]
) -> list[list[tuple[SpacySpan, TitleInfo]]]:
    """Titles joined by "and" ("Deputy Prime Minister and Minister for Defence") describe one person."""
    groups: list[list[tuple[SpacySpan, TitleInfo]]] = []
    for span, info in titles:
        if groups:
            previous = groups[-1][-1][0]
            between = _text_of(doc)[previous.end_char : span.start_char]
            if re.fullmatch(r"\s*(?:and|&)\s*", between):
                groups[-1].append((span, info))
                continue
        groups.append([(span, info)])
    return groups


def _ministry_kind_of(role: str) -> str | None:
    family = ROLE_FAMILIES.get(role)
    return {"defence": "defence", "foreign": "foreign"}.get(family or "") or (
        role if role in ("head-of-government", "head-of-state") else None
    )


def _counterpart_role(
    group: list[tuple[SpacySpan, TitleInfo]],
    titles: list[tuple[SpacySpan, TitleInfo]],
    sent_of_token: list[int],
) -> list[tuple[SpacySpan, TitleInfo]]:
    """A counterpart holds the post of the official named before it in the sentence: "Defence Secretary
    Grant Shapps met his Italian counterpart" is Italy's defence minister."""
    span, info = group[-1]
    if info.role != "counterpart":
        return group
    sentence = sent_of_token[span.start]
    before = [
        i
        for s, i in titles
        if s.start < span.start
        and sent_of_token[s.start] == sentence
        and i.role not in ("counterpart", "press", "spokesperson", "minister", "other-official")
    ]
    if not before:
        return group
    model = before[-1]
    return [*group[:-1], (span, replace(info, role=model.role, ministry_kind=model.ministry_kind))]


def _best_title(group: list[tuple[SpacySpan, TitleInfo]]) -> TitleInfo:
    def rank(item: tuple[SpacySpan, TitleInfo]) -> tuple[int, int]:
        info = item[1]
        priority = ROLE_PRIORITY.index(info.role) if info.role in ROLE_PRIORITY else len(ROLE_PRIORITY)
        return (-info.strength, priority)

    return sorted(group, key=rank)[0][1]


def _ministry_after(
    doc: Doc, token_end: int, ministries: list[tuple[int, int, str]]
) -> tuple[str | None, int | None]:
    """ "Secretary of State at the Federal Ministry of Defence (of Germany)": the ministry named with
    the title."""
    if token_end >= len(doc):
        return None, None
    tail = _text_of(doc)[doc[token_end - 1].idx + len(doc[token_end - 1].text) :][:30]
    match = re.match(r"\s*(?:at|of|in)\s+(?:the\s+)?", tail)
    if not match:
        return None, None
    target = doc[token_end - 1].idx + len(doc[token_end - 1].text) + match.end()
    for start, end, iri in ministries:
        if doc[start].idx == target:
            end_char = doc[end - 1].idx + len(doc[end - 1].text)
            country_tail = re.match(
                r"\s+of\s+(?:the\s+)?[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*", _text_of(doc)[end_char : end_char + 40]
            )
            return iri, end_char + (country_tail.end() if country_tail else 0)
    return None, None


def _ministry_before(doc: Doc, token_start: int, ministries: list[tuple[int, int, str]]) -> str | None:
    """ "Pentagon spokesperson ...", "DND spokesperson ...": the ministry right before a title."""
    for _start, end, iri in ministries:
        if end == token_start or (end == token_start - 1 and doc[end].text in ("’s", "'s")):
            return iri
    return None


def _person_overlapping(persons: list[tuple[SpacySpan, str]], start: int, end: int) -> str | None:
    for span, iri in persons:
        if span.start_char < end and start < span.end_char:
            return iri
    return None


def _parenthetical_country(
    doc: Doc, start: int, sent_start: int, countries: dict[int, tuple[int, str]]
) -> str | None:
    """ "Germany (Chancellor Merkel and Minister of Defence von der Leyen)": the country before the
    bracket."""
    before = _text_of(doc)[sent_start:start]
    depth = 0
    for i in range(len(before) - 1, -1, -1):
        char = before[i]
        if char == ")":
            depth += 1
        elif char == "(":
            if depth == 0:
                anchor = sent_start + len(before[:i].rstrip())
                for end, (_c_start, iri) in countries.items():
                    if doc[end - 1].idx + len(doc[end - 1].text) == anchor:
                        return iri
                return None
            depth -= 1
    return None


def _better(a: Person, b: Person) -> Person:
    """Keep one Person per key, with the fullest name and the strongest title seen."""
    keep = a
    if b.title_strength > a.title_strength and b.title:
        keep.title, keep.title_strength, keep.role = b.title, b.title_strength, b.role
    if len(b.name) > len(a.name) and not a.ref_iri:
        keep.name, keep.given, keep.family = b.name, b.given, b.family
    keep.country = keep.country or b.country
    if not keep.ministry and b.ministry:
        keep.ministry, keep.ministry_label = b.ministry, b.ministry_label
    keep.official = a.official and b.official
    keep.may_participate = a.may_participate and b.may_participate
    return keep


def _merge_short_forms(found: Officials) -> None:
    """ "Wakamiya" (new, surname only) is the same person as "Kenji Wakamiya" named elsewhere."""
    full = {p.family.lower(): p for p in found.persons.values() if p.given and p.family}
    for key, person in list(found.persons.items()):
        if person.given or not person.family:
            continue
        target = full.get(person.family.lower())
        if (
            target is None
            or target.key == key
            or (person.country and target.country and person.country != target.country)
        ):
            continue
        merged = _better(target, person)
        found.persons[target.key] = merged
        del found.persons[key]
        for mention in found.mentions:
            if mention.key == key:
                mention.key = target.key


def _looks_like_date_or_place(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 8) : start].lower()
    after = text[end : end + 4]
    return bool(
        re.search(r"\b(?:in|on|since|until|by|last|next|of)\s+$", before) and re.match(r"\s*\d", after)
    )
