"""The compiled lexicon: patterns from kg/extract/data/*.yaml plus names from the reference data.

Built once per reference-data fingerprint and reused for every document (and once per worker
process in parallel builds), because compiling matchers costs far more than applying them.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import spacy
import yaml
from spacy.attrs import IDX, LENGTH
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from kg.read.base import DEFAULT_MAX_BYTES
from kg.reference.model import ReferenceData

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class TitleInfo:
    text: str
    role: str
    ministry_kind: str | None
    countries: frozenset[str]  # country IRIs that use this title (empty: any)
    strength: int
    acting: bool = False
    participant: bool = True
    official: bool = True
    plural: bool = False


@dataclass(frozen=True)
class Trigger:
    regex: re.Pattern[str]
    kind: str
    definite: bool = False
    split: bool = False
    weak: bool = False
    named: bool = False
    bilateral: bool = False


@dataclass
class Lexicon:
    nlp: Language
    sentence_final: frozenset[str]  # the characters that end a sentence (see sentences_of)
    reference: ReferenceData
    person_matcher: PhraseMatcher
    person_labels: list[str]  # match id index -> official IRI
    title_matcher: PhraseMatcher
    titles: list[TitleInfo]
    country_matcher: PhraseMatcher
    country_labels: list[str]
    ministry_matcher: MinistryMatcher
    by_family: dict[str, list[str]]  # lower-cased family name -> official IRIs
    honorifics: frozenset[str]
    postnominals: frozenset[str]
    particles: frozenset[str]
    former: tuple[str, ...]
    not_names: frozenset[str]
    country_words: frozenset[str]
    triggers: list[Trigger]
    definite_cues: list[re.Pattern[str]]
    statement_cues: list[re.Pattern[str]]
    planned_cues: list[re.Pattern[str]]
    non_participation_after: list[re.Pattern[str]]
    non_participation_before: list[re.Pattern[str]]
    participant_references: list[re.Pattern[str]]
    treaty: dict[str, Any] = field(default_factory=dict)
    places: dict[str, Any] = field(default_factory=dict)
    ministries_by_country_kind: dict[tuple[str, str], str] = field(default_factory=dict)
    ministry_names: dict[str, str] = field(default_factory=dict)
    title_modifiers: frozenset[str] = frozenset()
    junior_modifiers: frozenset[str] = frozenset()
    post_roles: dict[tuple[str, str], str] = field(
        default_factory=dict
    )  # (title lower, country) -> post kind      # kind -> "Ministry of Defence of {country}"
    country_capitals: re.Pattern[str] | None = None  # see _capitals


def load_yaml(name: str) -> dict[str, Any]:
    with (DATA / name).open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return data if isinstance(data, dict) else {}


def _continues_line() -> frozenset[str]:
    with (DATA / "segmentation.yaml").open(encoding="utf-8") as fh:
        return frozenset(yaml.safe_load(fh).get("continues_line", []))


CONTINUES_LINE = _continues_line()


@Language.component("newline_sentences")
def newline_sentences(doc: Doc) -> Doc:
    """A line break starts a sentence (headings and list items stand alone), unless the text was
    hard-wrapped there ("Secretary of / National Defense"); a blank line always does."""
    text = doc.text
    idx, length, _ = _offsets(doc)
    for i, starts in _line_rules(text, idx, length).items():
        doc[i].is_sent_start = starts
    return doc


def _offsets(doc: Doc) -> tuple[list[int], list[int], list[int]]:
    """The character offset and length of every token, and the indexes of those one character long."""
    table = doc.to_array([IDX, LENGTH])
    return table[:, 0].tolist(), table[:, 1].tolist(), np.flatnonzero(table[:, 1] == 1).tolist()


def _line_rules(text: str, idx: list[int], length: list[int]) -> dict[int, bool]:
    """What `newline_sentences` decides: token index -> whether it starts a sentence, for each
    token after a line break. spaCy keeps at most one trailing space in a token, so a line break is
    inside a whitespace token of its own: only those few tokens are looked at, found by offset."""
    rules: dict[int, bool] = {}
    at = text.find("\n")
    while at >= 0:
        j = bisect_right(idx, at) - 1  # the token holding the break
        end = idx[j] + length[j]
        i = j + 1
        if i < len(idx) and text[idx[j] : end].isspace() and not _is_space(text, idx[i], length[i]):
            breaks = text.count("\n", idx[j], end)
            w = j - 1 if j > 0 else j  # the word before the break
            word = text[idx[w] : idx[w] + length[w]]
            lower = text[idx[i] : idx[i] + 1].islower()
            wrapped = breaks == 1 and (lower or word in CONTINUES_LINE or word == ",")
            rules[i] = not wrapped
        at = text.find("\n", end)
    return rules


def _is_space(text: str, start: int, length: int) -> bool:
    return text[start : start + length].isspace()  # spaCy's IS_SPACE


def _sentencizer_starts(
    doc: Doc, text: str, idx: list[int], short: list[int], final: frozenset[str]
) -> set[int]:
    """Where spaCy's sentencizer starts sentences after token 0: at the first token after a
    sentence-final character ('.', '!', '?', ...) that is neither punctuation nor sentence-final.
    (Its loop over every token, done from the few sentence-final tokens; `short`: the tokens one
    character long.)"""
    finals = {i for i in short if text[idx[i]] in final}
    starts = set()
    for i in finals:
        k = i + 1
        while k < len(idx) and (k in finals or doc[k].is_punct):
            k += 1
        if k < len(idx):
            starts.add(k)
    return starts


class Sentence(NamedTuple):
    """A sentence by token indices and character offsets (lighter than a spaCy Span)."""

    start: int
    end: int
    start_char: int
    end_char: int


def sentences_of(doc: Doc, text: str, final: frozenset[str]) -> list[Sentence]:
    """The sentences of a tokenised text: the line rules of `newline_sentences`, then the
    sentencizer's rule where they say nothing (what the pipeline of `make_nlp()` marks, worked out
    without its two passes over every token); pieces the sentencizer cut after an abbreviation
    ("approx. 85 minutes") are joined back. `final`: the sentencizer's sentence-final characters."""
    doc.user_data["text"] = text
    idx, length, short = _offsets(doc)
    starts = {0, *_sentencizer_starts(doc, text, idx, short, final)} if idx else set()
    for i, starts_here in _line_rules(text, idx, length).items():
        if starts_here:
            starts.add(i)
        else:
            starts.discard(i)
    bounds = [*sorted(starts), len(doc)]
    sentences: list[Sentence] = []
    for a, b in itertools.pairwise(bounds):
        sentence = Sentence(a, b, idx[a], idx[b - 1] + length[b - 1])
        first = text[sentence.start_char : sentence.end_char].lstrip()[:1]
        line_break = sentences and "\n" in text[sentences[-1].end_char - 1 : sentence.start_char + 1]
        if sentences and first and (first.islower() or first.isdigit()) and not line_break:
            previous = sentences[-1]
            sentences[-1] = Sentence(previous.start, sentence.end, previous.start_char, sentence.end_char)
        else:
            sentences.append(sentence)
    return sentences


def sentence_final(nlp: Language) -> frozenset[str]:
    """The characters after which the pipeline's sentencizer ends a sentence."""
    chars = frozenset(nlp.get_pipe("sentencizer").punct_chars)  # type: ignore[attr-defined]
    if any(len(c) != 1 for c in chars):  # sentences_of looks for them among one-character tokens
        raise ValueError(f"sentence-final marks must be single characters: {sorted(chars)}")
    return chars


def make_nlp() -> Language:
    nlp = spacy.blank("en")
    # spaCy's limit guards its parser's memory; a blank pipeline of rule components needs none of
    # that, so any document the readers accept (kg.read's size limit) is taken whole.
    nlp.max_length = DEFAULT_MAX_BYTES
    nlp.add_pipe("newline_sentences")
    nlp.add_pipe("sentencizer")
    return nlp


def _compile(patterns: list[str], flags: int = re.IGNORECASE) -> list[re.Pattern[str]]:
    return [re.compile(p, flags) for p in patterns]


def _name_variants(given: str, family: str) -> set[str]:
    variants = {
        f"{given} {family}",
        f"{family} {given}",
        f"{family.upper()} {given}",
        f"{given} {family.upper()}",
    }
    if "-" in given:
        spaced = given.replace("-", " ")
        joined = given.replace("-", "").capitalize()
        variants |= {f"{family} {spaced}", f"{family} {joined}", f"{spaced} {family}", f"{joined} {family}"}
    return {v for v in variants if v.strip()}


def _build_person_matcher(nlp: Language, ref: ReferenceData) -> tuple[PhraseMatcher, list[str]]:
    matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
    labels: list[str] = []
    for iri, official in sorted(ref.officials.items()):
        names = set(official.names) | {official.label}
        if official.given and official.family:
            names |= _name_variants(official.given, official.family)
        labels.append(iri)
        matcher.add(str(len(labels) - 1), [nlp.make_doc(n) for n in sorted(names) if len(n) > 3])
    return matcher, labels


def _title_infos(ref: ReferenceData, data: dict[str, Any]) -> list[TitleInfo]:
    countries_by_title: dict[str, set[str]] = defaultdict(set)
    roles_by_title: dict[str, str] = {}
    for post in ref.posts.values():
        for title in post.titles:
            countries_by_title[title.lower()].add(post.country)
            roles_by_title.setdefault(title.lower(), post.kind)
    infos: list[TitleInfo] = []
    seen: set[str] = set()
    for entry in data.get("titles", []):
        for phrase in entry["phrases"]:
            key = phrase.lower()
            if key in seen:
                continue
            seen.add(key)
            hinted = entry.get("country")
            countries = countries_by_title.get(key, set())
            if hinted:
                countries = {c for c in ref.countries if ref.countries[c].iso2 == hinted} | countries
            infos.append(
                TitleInfo(
                    phrase,
                    entry["role"],
                    entry.get("ministry"),
                    frozenset(countries),
                    int(entry.get("strength", 1)),
                    bool(entry.get("acting", False)),
                    bool(entry.get("participant", True)),
                    bool(entry.get("official", True)),
                    bool(entry.get("plural", False)),
                )
            )
    for key, countries in sorted(countries_by_title.items()):
        if key not in seen:
            role = roles_by_title[key]
            infos.append(TitleInfo(key, role, _ministry_kind_of_role(role), frozenset(countries), 3))
    return infos


def _ministry_kind_of_role(role: str) -> str | None:
    for kind in ("defence", "foreign", "head-of-government", "head-of-state"):
        if kind in role:
            return kind
    return None


def _phrase_matcher(
    nlp: Language, attr: str, entries: list[tuple[str, str]]
) -> tuple[PhraseMatcher, list[str]]:
    matcher = PhraseMatcher(nlp.vocab, attr=attr)
    labels: list[str] = []
    grouped: dict[str, set[str]] = defaultdict(set)
    for phrase, label in entries:
        grouped[label].add(phrase)
    for label, phrases in sorted(grouped.items()):
        labels.append(label)
        matcher.add(str(len(labels) - 1), [nlp.make_doc(p) for p in sorted(phrases)])
    return matcher, labels


def _country_entries(ref: ReferenceData) -> list[tuple[str, str]]:
    entries = []
    for iri, country in ref.countries.items():
        for name in {country.label, *country.names, *country.adjectives}:
            entries.append((name, iri))
            if name.startswith("the "):
                entries.append((name[4:], iri))
    return entries


def _capitals(names: list[str]) -> re.Pattern[str] | None:
    """The capital letters of `names` as a character class, when every name has one (else None):
    a text with none of them names none of them (a source that is a lower-case URL)."""
    if not names or not all(any(c.isupper() for c in name) for name in names):
        return None
    capitals = sorted({c for name in names for c in name if c.isupper()})
    return re.compile("[" + "".join(map(re.escape, capitals)) + "]")


def _ministry_entries(ref: ReferenceData, short: bool) -> list[tuple[str, str]]:
    entries = []
    for iri, ministry in ref.ministries.items():
        for name in {ministry.label, *ministry.names}:
            is_short = name.isupper() or len(name) <= 5
            if is_short == short:
                entries.append((name, iri))
    return entries


class MinistryMatcher:
    """Long ministry names match case-insensitively, acronyms ("MOD", "DoD") only as written."""

    def __init__(self, nlp: Language, ref: ReferenceData) -> None:
        self.long, self.long_labels = _phrase_matcher(nlp, "LOWER", _ministry_entries(ref, short=False))
        self.short, self.short_labels = _phrase_matcher(nlp, "ORTH", _ministry_entries(ref, short=True))

    def __call__(self, doc: Doc) -> list[tuple[int, int, str]]:
        found = [(s, e, self.long_labels[int(doc.vocab.strings[m])]) for m, s, e in self.long(doc)]
        found += [(s, e, self.short_labels[int(doc.vocab.strings[m])]) for m, s, e in self.short(doc)]
        return found


def build_lexicon(ref: ReferenceData) -> Lexicon:
    nlp = make_nlp()
    titles_data = load_yaml("titles.yaml")
    meetings_data = load_yaml("meetings.yaml")
    person_matcher, person_labels = _build_person_matcher(nlp, ref)
    titles = _title_infos(ref, titles_data)
    title_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    for i, info in enumerate(titles):
        title_matcher.add(str(i), [nlp.make_doc(info.text)])
    country_matcher, country_labels = _phrase_matcher(nlp, "ORTH", _country_entries(ref))
    ministry = MinistryMatcher(nlp, ref)
    by_family: dict[str, list[str]] = defaultdict(list)
    for iri, official in sorted(ref.officials.items()):
        if official.family:
            by_family[official.family.lower()].append(iri)
    country_words = frozenset(w for name, _ in _country_entries(ref) for w in name.split())
    triggers = [
        Trigger(
            re.compile(t["pattern"], 0 if t.get("case") else re.IGNORECASE),
            t["kind"],
            bool(t.get("definite")),
            bool(t.get("split")),
            bool(t.get("weak")),
            bool(t.get("named")),
            bool(t.get("bilateral")),
        )
        for t in meetings_data["triggers"]
    ]
    by_country_kind = {(m.country, m.kind): iri for iri, m in sorted(ref.ministries.items())}
    lex = Lexicon(
        nlp=nlp,
        sentence_final=sentence_final(nlp),
        reference=ref,
        person_matcher=person_matcher,
        person_labels=person_labels,
        title_matcher=title_matcher,
        titles=titles,
        country_matcher=country_matcher,
        country_labels=country_labels,
        ministry_matcher=ministry,
        by_family=dict(by_family),
        honorifics=frozenset(titles_data.get("honorifics", [])),
        postnominals=frozenset(titles_data.get("postnominals", [])),
        particles=frozenset(titles_data.get("name_particles", [])),
        former=tuple(titles_data.get("former", [])),
        not_names=frozenset(titles_data.get("not_names", [])),
        country_words=country_words,
        triggers=triggers,
        definite_cues=_compile(meetings_data["definite_cues"]),
        statement_cues=_compile(meetings_data["statement_cues"]),
        planned_cues=_compile(meetings_data["planned_cues"]),
        non_participation_after=_compile(meetings_data["non_participation_after"]),
        non_participation_before=_compile(meetings_data["non_participation_before"]),
        participant_references=_compile(meetings_data["participant_references"]),
        treaty=load_yaml("treaties.yaml"),
        places=load_yaml("places.yaml"),
        ministries_by_country_kind=by_country_kind,
        ministry_names=titles_data.get("unlisted_ministries", {}),
        title_modifiers=frozenset(titles_data.get("title_modifiers", [])),
        junior_modifiers=frozenset(titles_data.get("junior_modifiers", [])),
        post_roles={(t.lower(), post.country): post.kind for post in ref.posts.values() for t in post.titles},
        country_capitals=_capitals([name for name, _ in _country_entries(ref)]),
    )
    return lex


_CACHE: dict[str, Lexicon] = {}


def lexicon_for(ref: ReferenceData) -> Lexicon:
    """The lexicon for this reference data, built on first use."""
    key = ref.fingerprint or str(id(ref))
    if key not in _CACHE:
        _CACHE[key] = build_lexicon(ref)
    return _CACHE[key]


@lru_cache(maxsize=1)
def shared_nlp() -> Language:
    return make_nlp()
