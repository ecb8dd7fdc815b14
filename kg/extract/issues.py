"""Issue mentions: find where a text names a concept of the SKOS issue scheme.

Every label of every concept (skos:prefLabel and skos:altLabel in `reference/issues.ttl`) is cut
into words and put into a word trie; a text is cut the same way and walked once. Both sides go
through the same normalisation (lower case, singular, American spelling, hyphens and possessives
ignored, see `data/issue_tagging.yaml`), so a label written once matches "ballistic missiles",
"defence"/"defense", "ship to ship", "North Korea’s". A dictionary walk instead of one huge regular
expression or spaCy's PhraseMatcher keeps the cost per sentence to a few dictionary look-ups per
word, whatever the size of the scheme.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from rdflib import RDF, RDFS, SKOS, Graph, URIRef
from rdflib.term import Node

from kg.errors import ReferenceDataError
from kg.reference.model import IssueConcept
from kg.resources import package_data

RULES_FILE = "extract/data/issue_tagging.yaml"

# Initialisms with dots ("U.S.", "D.P.R.K.") are one word; so is "'s"; every other symbol is a word
# of its own.
_TOKEN = re.compile(r"[A-Za-z](?:\.[A-Za-z])+\.?|['’‘`]s\b|\w+|[^\w\s]")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})
_HYPHEN_INSIDE_WORD = re.compile(r"(?<=\w)[-‐‑](?=\w)")
# Variants of one label multiply; a label with more joinable words than this keeps the first ones.
_MAX_VARIANTS = 16
_BLOCKER = ""  # the iri of a blocker phrase: it is matched, wins its span, and is never reported


@dataclass(frozen=True)
class IssueHit:
    start: int
    end: int
    text: str
    iri: str
    notation: str


class _Case(Enum):
    ANY = 0
    UPPER = 1        # an initialism: "DPRK" but not "dprk"
    CAPITAL = 2      # a capitalised word of a case-sensitive label: "North" but not "north"


class _Token(NamedTuple):  # a word of a label (sentences are read as plain lists, see find)
    start: int
    end: int
    surface: str
    key: str


@dataclass(frozen=True)
class _Entry:
    """One concept (or blocker) that a word sequence of the trie stands for."""
    iri: str
    notation: str
    cases: tuple[_Case, ...]
    name_start: bool  # reject the match when a capitalised word follows it


@dataclass(frozen=True)
class _Rules:
    skip_tokens: frozenset[str]
    spelling_words: dict[str, str]
    spelling_suffixes: tuple[tuple[str, str, int], ...]
    joinable_prefixes: tuple[str, ...]
    case_sensitive: frozenset[str]
    not_before_capitalised: frozenset[str]
    blockers: tuple[str, ...]


@cache
def _rules() -> _Rules:
    path = package_data(RULES_FILE)
    try:
        raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        return _Rules(
            skip_tokens=frozenset(raw["skip_tokens"]),
            spelling_words={str(k): str(v) for k, v in raw["spelling_words"].items()},
            spelling_suffixes=tuple((str(a), str(b), int(n)) for a, b, n in raw["spelling_suffixes"]),
            joinable_prefixes=tuple(sorted(raw["joinable_prefixes"], key=len, reverse=True)),
            case_sensitive=frozenset(raw["case_sensitive"]),
            not_before_capitalised=frozenset(raw["not_before_capitalised"]),
            blockers=tuple(raw["blockers"]),
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
        raise ReferenceDataError(f"{path}: cannot read the issue tagger's rules: {exc}") from exc


def _singular(word: str) -> str:
    if len(word) <= 3 or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "ches", "shes", "xes", "zes")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def _american(word: str, rules: _Rules) -> str:
    if word in rules.spelling_words:
        return rules.spelling_words[word]
    for british, american, shortest in rules.spelling_suffixes:
        if len(word) >= shortest and word.endswith(british):
            return word[: -len(british)] + american
    return word


@lru_cache(maxsize=1 << 18)  # a corpus's vocabulary is unbounded; its frequent words are few
def _word_key(surface: str) -> str:
    """The form under which a word is compared: lower case, singular, American, no dots; "" to skip."""
    rules = _rules()
    word = surface.translate(_APOSTROPHES).replace(".", "").lower() or surface
    if word in rules.skip_tokens or surface in rules.skip_tokens:
        return ""
    return _american(_singular(word), rules)


def _tokens(text: str) -> list[_Token]:
    """The words of a text that count for matching (skipped tokens left out), with their offsets."""
    out = []
    for match in _TOKEN.finditer(text):
        surface = match.group()
        key = _word_key(surface)
        if key:
            out.append(_Token(match.start(), match.end(), surface, key))
    return out


def _starts(text: str, tokens: list[str], count: int) -> list[int]:
    """Where each of the first `count` tokens of `text` begins. Tokens cover every character but
    whitespace, so each one is the next occurrence of its own text."""
    starts = []
    at = 0
    for token in tokens[:count]:
        at = text.find(token, at)
        starts.append(at)
        at += len(token)
    return starts


def _letters(surface: str) -> str:
    return "".join(ch for ch in surface if ch.isalpha())


def _case_of(surface: str, case_sensitive: bool) -> _Case:
    letters = _letters(surface)
    if len(letters) >= 2 and letters.isupper():
        return _Case.UPPER
    if case_sensitive and letters[:1].isupper():
        return _Case.CAPITAL
    return _Case.ANY


def _case_fits(surface: str, case: _Case) -> bool:
    if case is _Case.ANY:
        return True
    letters = _letters(surface)
    if case is _Case.UPPER:
        # a plural initialism ("ICBMs") keeps its capitals before the s
        return letters.removesuffix("s").isupper()
    return letters[:1].isupper()


def _split_prefixes(token: _Token, prefixes: Sequence[str]) -> list[list[_Token]]:
    """The token itself, and "counterterrorism" also as "counter" + "terrorism"."""
    alternatives = [[token]]
    lower = token.surface.lower()
    for prefix in prefixes:
        rest = token.surface[len(prefix):]
        if lower.startswith(prefix) and len(rest) >= 4 and rest.isalpha():
            head = _Token(token.start, token.start + len(prefix), token.surface[: len(prefix)],
                          _word_key(token.surface[: len(prefix)]))
            tail = _Token(head.end, token.end, rest, _word_key(rest))
            alternatives.append([head, tail])
            break
    return alternatives


def _label_variants(label: str, rules: _Rules) -> Iterator[list[_Token]]:
    """Word sequences a label may appear as: as written, hyphens closed up, prefixes split off."""
    spellings = {label, _HYPHEN_INSIDE_WORD.sub("", label)}
    for spelling in sorted(spellings):
        words = _tokens(spelling)
        choices = [_split_prefixes(t, rules.joinable_prefixes) for t in words]
        for combination in itertools.islice(itertools.product(*choices), _MAX_VARIANTS):
            yield [t for part in combination for t in part]


class IssueTagger:
    """Finds mentions of issue concepts in text; built once from the scheme, used on every sentence."""

    def __init__(self, concepts: Iterable[IssueConcept]) -> None:
        self._trie: dict[str, Any] = {}
        rules = _rules()
        for concept in sorted(concepts, key=lambda c: c.iri):
            for label in dict.fromkeys((concept.label, *concept.alt_labels)):
                self._add(label, concept.iri, concept.notation, rules)
        for blocker in rules.blockers:
            self._add(blocker, _BLOCKER, "", rules)

    def _add(self, label: str, iri: str, notation: str, rules: _Rules) -> None:
        sensitive = label in rules.case_sensitive
        name_start = label in rules.not_before_capitalised
        for words in _label_variants(label, rules):
            if not words:
                continue
            node = self._trie
            for word in words:
                node = node.setdefault(word.key, {})
            cases = tuple(_case_of(w.surface, sensitive) for w in words)
            entry = _Entry(iri, notation, cases, name_start)
            entries: list[_Entry] = node.setdefault("", [])
            if entry not in entries:
                entries.append(entry)

    def find(self, text: str) -> list[IssueHit]:
        """Every issue mention in `text`, by position; a longer mention hides those inside it."""
        # The words of `_tokens`, as plain lists: it is called on every sentence of a meeting's
        # passage, and most words start no mention, so their offsets are only looked up for those.
        every = _TOKEN.findall(text)
        every_key = list(map(_word_key, every))
        counted = [i for i, key in enumerate(every_key) if key]
        surfaces = [every[i] for i in counted]
        keys = [every_key[i] for i in counted]
        found = self._walk(keys, surfaces)
        if not found:
            return []
        starts = _starts(text, every, counted[max(last for _, last, _ in found)] + 1)
        candidates = [
            (starts[counted[first]], starts[counted[last]] + len(every[counted[last]]), entry)
            for first, last, entry in found
        ]
        return [
            IssueHit(start, end, text[start:end], entry.iri, entry.notation)
            for start, end, entry in _keep_longest(_merge_overlaps(candidates))
            if entry.iri != _BLOCKER
        ]

    def _walk(self, keys: Sequence[str], surfaces: Sequence[str]) -> list[tuple[int, int, _Entry]]:
        """(first word, last word, entry) of every mention: the trie walked from each word on."""
        found = []
        for first, key in enumerate(keys):
            node = self._trie.get(key)
            last = first
            while node is not None:
                for entry in node.get("", ()):
                    if self._fits(entry, surfaces, first, last):
                        found.append((first, last, entry))
                last += 1
                node = node.get(keys[last]) if last < len(keys) else None
        return found

    @staticmethod
    def _fits(entry: _Entry, surfaces: Sequence[str], first: int, last: int) -> bool:
        span = surfaces[first : last + 1]
        if not all(_case_fits(surface, case) for surface, case in zip(span, entry.cases, strict=True)):
            return False
        if entry.name_start and last + 1 < len(surfaces):
            following = surfaces[last + 1]
            return not (following[:1].isupper() and following[:1].isalpha())
        return True


def _merge_overlaps(candidates: list[tuple[int, int, _Entry]]) -> list[tuple[int, int, _Entry]]:
    """Overlapping mentions of one concept become one mention of their union.

    "unilateral attempts to change the status quo" and "change the status quo by force or coercion"
    are one mention; merged, it also hides the "coercion" inside it from other concepts.
    """
    merged: list[tuple[int, int, _Entry]] = []
    for start, end, entry in sorted(candidates, key=lambda c: (c[2].iri, c[0], -c[1])):
        if merged and merged[-1][2].iri == entry.iri and start < merged[-1][1]:
            first_start, last_end, first_entry = merged[-1]
            merged[-1] = (first_start, max(end, last_end), first_entry)
        else:
            merged.append((start, end, entry))
    return merged


def _keep_longest(candidates: list[tuple[int, int, _Entry]]) -> list[tuple[int, int, _Entry]]:
    """Longest first; a mention overlapping a longer one is dropped unless it has the same span."""
    kept: list[tuple[int, int, _Entry]] = []
    for start, end, entry in sorted(candidates, key=lambda c: (c[0] - c[1], c[0], c[2].iri)):
        same_span_or_apart = all(
            (start, end) == (s, e) or end <= s or e <= start for s, e, _ in kept
        )
        duplicate = any((start, end, entry.iri) == (s, e, k.iri) for s, e, k in kept)
        if same_span_or_apart and not duplicate:
            kept.append((start, end, entry))
    return sorted(kept, key=lambda c: (c[0], c[1], c[2].iri))


def load_issue_concepts(path: Path) -> list[IssueConcept]:
    """The skos:Concepts of a SKOS Turtle file, sorted by IRI (until kg.reference loads them)."""
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises many unrelated types for bad Turtle
        raise ReferenceDataError(f"{path}: cannot parse the issue scheme: {exc}") from exc
    concepts = [_concept(graph, node, path) for node in set(graph.subjects(RDF.type, SKOS.Concept))]
    return sorted(concepts, key=lambda c: c.iri)


def _concept(graph: Graph, node: Node, path: Path) -> IssueConcept:
    notation = graph.value(node, SKOS.notation)
    label = graph.value(node, SKOS.prefLabel) or graph.value(node, RDFS.label)
    if not isinstance(node, URIRef) or notation is None or label is None:
        raise ReferenceDataError(f"{path}: issue concept {node} lacks an IRI, skos:notation or label")
    alt_labels = sorted({str(a) for a in graph.objects(node, SKOS.altLabel)} - {str(label)})
    broader = sorted(str(b) for b in graph.objects(node, SKOS.broader))
    return IssueConcept(str(node), str(notation), str(label), tuple(alt_labels), tuple(broader))
