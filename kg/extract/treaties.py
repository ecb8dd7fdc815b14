"""Treaty articles and the stance a meeting takes on them ("reaffirmed that Article V applies")."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from kg.extract.lexicon import Lexicon
from kg.extract.prefilter import FoldedText, Occurrences, Prefilter, Starts

ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}


@dataclass(frozen=True)
class ArticleHit:
    start: int
    end: int
    number: int


@dataclass(frozen=True)
class StanceHit:
    start: int
    end: int
    stance: str
    supporting: bool


def roman_to_int(text: str) -> int | None:
    if not text or any(c not in ROMAN for c in text):
        return None
    total = 0
    for i, char in enumerate(text):
        value = ROMAN[char]
        total += -value if i + 1 < len(text) and ROMAN[text[i + 1]] > value else value
    return total


def _flexible(name: str) -> str:
    """A regex for a treaty name that tolerates hyphen/dash and U.S./US spelling differences."""
    escaped = re.escape(name)
    escaped = re.sub(r"\\-|–|—", r"[-–—]\\s?", escaped)
    escaped = escaped.replace(r"U\.S\.", r"U\.?S\.?")
    return escaped.replace(r"\ ", r"\s+")


class TreatyFinder:
    def __init__(self, lex: Lexicon) -> None:
        data = lex.treaty
        self.reference = lex.reference
        self.article_res = [re.compile(p) for p in data.get("article_patterns", [])]
        # Most sentences name no article: a pattern runs only where its literals ("article") occur.
        self.article_literals = Prefilter(self.article_res)
        self.number_words: dict[str, int] = data.get("number_words", {})
        self.ordinal_words: dict[str, int] = data.get("ordinal_words", {})
        self.stances = [
            (re.compile(s["pattern"], re.IGNORECASE), s["stance"], bool(s.get("supporting")))
            for s in data.get("stances", [])
        ]
        self.background = [re.compile(p, re.IGNORECASE) for p in data.get("background_cues", [])]
        by_key = {t.key: iri for iri, t in self.reference.treaties.items()}
        names: list[tuple[str, str]] = []
        for iri, treaty in self.reference.treaties.items():
            names += [(n, iri) for n in {treaty.label, *treaty.names}]
        for key, aliases in data.get("aliases", {}).items():
            if key in by_key:
                names += [(a, by_key[key]) for a in aliases]
        by_name: dict[str, list[str]] = {}
        for name, iri in names:
            by_name.setdefault(name, [])
            if iri not in by_name[name]:
                by_name[name].append(iri)
        ordered = sorted(by_name.items(), key=lambda item: -len(item[0]))
        self.treaty_iris = [sorted(iris) for _, iris in ordered]
        self.treaty_re = (
            Starts(re.compile("|".join(f"(?P<t{i}>{_flexible(n)})" for i, (n, _) in enumerate(ordered))))
            if ordered
            else None  # tried only where a name begins: at each position, it tries every name
        )
        # Every treaty name ends with one of these words: a cheap test before the long alternation.
        last_words = sorted({re.split(r"[\s-]+", n.strip())[-1] for n, _ in ordered})
        self.gate = re.compile("|".join(re.escape(w) for w in last_words)) if last_words else None

    def articles(self, text: str, start: int, end: int, literals: Occurrences) -> list[ArticleHit]:
        """The articles cited in text[start:end]; `literals`: `article_literals.scan` of the text."""
        hits = []
        for index in literals.candidates(start, end):
            for match in self.article_res[index].finditer(text, start, end):
                number = self._number(match)
                if number:
                    hits.append(ArticleHit(match.start(), match.end(), number))
        return sorted(set(hits), key=lambda h: h.start)

    def _number(self, match: re.Match[str]) -> int | None:
        groups = match.groupdict()
        if groups.get("ord"):
            return self.ordinal_words.get(groups["ord"].lower())
        raw = groups.get("n") or ""
        if raw.isdigit():
            return int(raw)
        return roman_to_int(raw) or self.number_words.get(raw.lower())

    def treaties_named(
        self, doc: FoldedText, start: int, end: int, countries: Iterable[str] = ()
    ) -> list[tuple[int, str]]:
        """Treaties the text names; a name several treaties share ("the Mutual Defense Treaty") is
        the one whose parties include the participants' countries."""
        if self.treaty_re is None or self.gate is None or not self.gate.search(doc.text, start, end):
            return []
        wanted = set(countries)
        found = []
        for match in self.treaty_re.finditer(doc, start, end):
            index = int(next(k for k, v in match.groupdict().items() if v is not None)[1:])
            options = self.treaty_iris[index]
            if len(options) > 1:
                options = [
                    iri for iri in options if wanted and wanted <= set(self.reference.treaties[iri].parties)
                ]
            if len(options) == 1:
                found.append((match.start(), options[0]))
        return found

    def implied_treaty(self, countries: Iterable[str], number: int) -> str | None:
        """The one treaty binding all these (at least two) countries that has this article."""
        wanted = set(countries)
        if len(wanted) < 2:
            return None
        options = [
            iri
            for iri, t in sorted(self.reference.treaties.items())
            if wanted <= set(t.parties) and (not t.articles or t.article(number))
        ]
        return options[0] if len(options) == 1 else None

    def stance_before(self, text: str, start: int, position: int, end: int) -> StanceHit | None:
        """The stance verb closest before `position` in the sentence, else the first one after it."""
        hits = [
            StanceHit(m.start(), m.end(), stance, supporting)
            for regex, stance, supporting in self.stances
            for m in regex.finditer(text, start, end)
        ]
        main = [h for h in hits if not h.supporting]
        before = [h for h in main if h.start < position]
        if before:
            return max(before, key=lambda h: h.start)
        after = [h for h in main if h.start >= position]
        if after:
            return min(after, key=lambda h: h.start)
        return None

    def is_background(self, clause: str) -> bool:
        return any(p.search(clause) for p in self.background)
