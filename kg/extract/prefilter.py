"""Cheap tests that spare running a regular expression where it cannot match.

The rules in data/*.yaml are dozens of regular expressions run on every sentence, and most of them
cannot match most sentences; Python's `re` still tries each one at every position. Two facts read
from a pattern's syntax tree (with the parser of `re` itself, so the pattern is read exactly as `re`
reads it) say where it cannot match, and the results stay exactly those of running it everywhere:

* `required_literals`: strings of which every match contains one. A passage holding none of them
  cannot match (`Prefilter`).
* the heads of a pattern: the strings (or character classes) a match can begin with, and whether a
  word boundary comes first. `Starts.finditer` tries the pattern only where one begins, and yields
  what `pattern.finditer(text)` yields.

Literals are compared in lower case, in `fold(text)`: it has the text's length and offsets, and
equates what case-insensitive matching equates (for ASCII letters, which all literals here are).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from re import _constants as sre  # type: ignore[attr-defined]  # the opcodes of the parser below
from re import _parser  # type: ignore[attr-defined]  # the standard library's regex parser
from typing import Any, NamedTuple

# Besides upper and lower case, Python's case-insensitive matching equates these three letters
# with ASCII ones; İ is also the only character whose lower case has two characters.
_FOLD = str.maketrans({"İ": "i", "ı": "i", "ſ": "s"})
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_MAX_HEADS = 2000  # beyond this many ways to begin, a pattern is not worth filtering
_MAX_RUN = 64  # variants of one literal run ("defen[cs]e": two)
_SMALL_CLASS = 4  # a character set of at most this many letters counts as a literal's variants


def fold(text: str) -> str:
    """`text` in lower case, with the same length: where a case-insensitive ASCII literal matches
    the text, its lower case occurs in the folded text at the same offset."""
    if not text.isascii() and any(c in text for c in "İıſ"):
        text = text.translate(_FOLD)  # (slow: only for the texts that need it)
    return text.lower()


class FoldedText:
    """One text, folded once, with the offsets of the literals looked up in it (cached)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.folded = fold(text)
        self._found: dict[Any, list[int]] = {}

    def find_all(self, literal: str) -> list[int]:
        """Where `literal` (lower case) begins in the folded text, overlapping occurrences included."""
        found = self._found.get(literal)
        if found is None:
            found = []
            at = self.folded.find(literal)
            while at >= 0:
                found.append(at)
                at = self.folded.find(literal, at + 1)
            self._found[literal] = found
        return found

    def contains(self, literals: frozenset[str] | None, start: int, end: int) -> bool:
        """Whether one of `literals` occurs wholly inside text[start:end] (None: no requirement)."""
        return literals is None or any(self.folded.find(lit, start, end) >= 0 for lit in literals)

    def heads(self, head: _Head) -> list[int]:
        """Where a match beginning with `head` may begin."""
        found = self._found.get(head)
        if found is None:
            if head.literal:
                found = self.find_all(head.literal)
            else:
                assert head.char_class is not None
                found = [m.start() for m in head.char_class.finditer(self.text)]
            if head.boundary is not None:
                found = [at for at in found if head.boundary.match(self.text, at)]
            self._found[head] = found
        return found


# ---------------------------------------------------------------------------------------------
# Required literals


def required_literals(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Lower-case strings of which every match of `pattern` contains one (as matched text, not in
    a lookaround); None when no such set is found. Prefers the set whose shortest string is longest."""
    return max(required_options(pattern), key=_selectivity, default=None)


def required_options(pattern: re.Pattern[str]) -> list[frozenset[str]]:
    """Every set of strings found of which each match contains one (see `required_literals`)."""
    return _options(_parser.parse(pattern.pattern, pattern.flags))


def _required(items: Any) -> frozenset[str] | None:
    return max(_options(items), key=_selectivity, default=None)


def _options(items: Any) -> list[frozenset[str]]:
    """Every item of a sequence is matched, so the requirement of any one of them holds; a run of
    items that match a few literal strings ("[Aa]rticle", "(?:spoke|speaks) (?:with|to)") is a
    requirement of its own."""
    options: list[frozenset[str]] = []
    run = {""}
    for op, av in items:
        strings = _strings(op, av)
        if strings is not None and len(run) * len(strings) <= _MAX_RUN:
            run = {r + c for r in run for c in strings}
            continue
        if run != {""}:
            options.append(frozenset(run))
        run = set(strings) if strings is not None else {""}
        requirement = _required_by(op, av)
        if requirement:
            options.append(requirement)
    if run != {""}:
        options.append(frozenset(run))
    return options


def _letters(op: Any, av: Any) -> frozenset[str] | None:
    """The characters (lower case) of an ASCII literal, or of a small set of them ("[Aa]", "[cs]")."""
    if op is sre.LITERAL:
        return frozenset({chr(av).lower()}) if chr(av).isascii() else None
    if op is sre.IN and all(o is sre.LITERAL and chr(c).isascii() for o, c in av):
        chars = frozenset(chr(c).lower() for _, c in av)
        return chars if len(chars) <= _SMALL_CLASS else None
    return None


def _strings(op: Any, av: Any) -> frozenset[str] | None:
    """The few strings (lower case) an item matches when it matches only literal ones: a letter or
    set of letters, or a group or alternation of such sequences; else None."""
    if op is sre.SUBPATTERN:
        return _sequence_strings(av[-1])
    if op is sre.BRANCH:
        branches = [_sequence_strings(branch) for branch in av[1]]
        if None in branches:
            return None
        union = frozenset().union(*branches)  # type: ignore[arg-type]
        return union if len(union) <= _MAX_RUN else None
    return _letters(op, av)


def _sequence_strings(items: Any) -> frozenset[str] | None:
    strings = {""}
    for op, av in items:
        item = _strings(op, av)
        if item is None or len(strings) * len(item) > _MAX_RUN:
            return None
        strings = {a + b for a in strings for b in item}
    return frozenset(strings) if strings != {""} else None


def _required_by(op: Any, av: Any) -> frozenset[str] | None:
    if op is sre.SUBPATTERN:
        return _required(av[-1])
    if op is sre.ATOMIC_GROUP:
        return _required(av)
    if op is sre.BRANCH:
        branches = [_required(branch) for branch in av[1]]
        if any(b is None for b in branches):
            return None  # one way to match needs no literal at all
        return frozenset().union(*branches)  # type: ignore[arg-type]
    if op in _REPEATS and av[0] >= 1:
        return _required(av[2])
    return None  # character sets, optional parts, anchors and lookarounds require nothing


def _selectivity(option: frozenset[str]) -> tuple[int, int]:
    return min(map(len, option)), -len(option)


def _cheapest(options: list[frozenset[str]], base: set[str]) -> frozenset[str] | None:
    """The most selective option whose every literal holds one of `base`, else the most selective."""
    held = [o for o in options if all(any(b in lit for b in base) for lit in o)]
    return max(held or options, key=_selectivity, default=None)


def literal_language(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """The strings (lower case) a case-insensitive pattern of ASCII literals and alternatives
    matches ("welcom|chair|group"); None for any other pattern."""
    if not pattern.flags & re.IGNORECASE:
        return None
    return _language(_parser.parse(pattern.pattern, pattern.flags))


def _language(items: Any) -> frozenset[str] | None:
    strings = {""}
    for op, av in items:
        if op is sre.LITERAL and chr(av).isascii():
            options: frozenset[str] | None = frozenset({chr(av).lower()})
        elif op is sre.BRANCH:
            branches = [_language(branch) for branch in av[1]]
            options = None if None in branches else frozenset().union(*branches)  # type: ignore[arg-type]
        elif op is sre.SUBPATTERN and not av[1] and not av[2]:  # a group that sets no flags
            options = _language(av[-1])
        else:
            return None
        if not options:
            return None
        strings = {a + b for a in strings for b in options}
        if len(strings) > _MAX_HEADS:
            return None
    return frozenset(strings)


class Prefilter:
    """The required literals of a list of patterns; `scan` a text once, then ask which patterns can
    match inside a passage of it."""

    def __init__(self, patterns: Sequence[re.Pattern[str]]) -> None:
        languages = [literal_language(p) for p in patterns]
        # exact[i]: pattern i matches wherever one of its literals occurs (it is only literals)
        self.exact = [language is not None for language in languages]
        # A requirement whose literals hold those of a literal pattern ("met with", "met") costs no
        # search of its own (see below), so it is preferred.
        base = {lit for language in languages if language for lit in language}
        requirements = [
            language or _cheapest(required_options(p), base)
            for p, language in zip(patterns, languages, strict=True)
        ]
        self.literals = sorted({lit for r in requirements if r for lit in r})
        ids = {lit: i for i, lit in enumerate(self.literals)}
        self.users: list[set[int]] = [set() for _ in self.literals]  # literal id -> pattern indexes
        for index, requirement in enumerate(requirements):
            for lit in requirement or ():
                self.users[ids[lit]].add(index)
        self.always = {i for i, r in enumerate(requirements) if r is None}
        # A literal holding another ("agreed", "agre") is not searched for: it is tested where the
        # longest literal it holds occurs, in the few passages asked about.
        self.searched = [
            ids[lit] for lit in self.literals if not any(o != lit and o in lit for o in self.literals)
        ]
        self._held: list[list[tuple[int, int]]] = [[] for _ in self.literals]  # by searched literal id
        for lit_id, lit in enumerate(self.literals):
            if lit_id not in self.searched:
                inner = max(
                    (i for i in self.searched if self.literals[i] in lit), key=lambda i: len(self.literals[i])
                )
                self._held[inner].append((lit_id, lit.find(self.literals[inner])))

    def scan(self, text: FoldedText) -> Occurrences:
        found = sorted(
            (at, at + len(self.literals[i]), i)
            for i in self.searched
            for at in text.find_all(self.literals[i])
        )
        return Occurrences(self, text, found)

    def chosen(self, text: FoldedText, found: tuple[int, int, int], start: int, end: int) -> set[int]:
        """The patterns whose literals occur inside text[start:end] at `found`, an occurrence
        (start, end, literal id) of a searched literal: its own, and those of the literals holding
        it there."""
        at, lit_end, found_id = found
        chosen = set(self.users[found_id]) if lit_end <= end else set()
        for lit_id, offset in self._held[found_id]:
            held = self.literals[lit_id]
            begin = at - offset
            if begin >= start and begin + len(held) <= end and text.folded.startswith(held, begin):
                chosen |= self.users[lit_id]
        return chosen


class Occurrences:
    """Where the searched literals of one Prefilter occur in one text."""

    def __init__(self, prefilter: Prefilter, text: FoldedText, found: list[tuple[int, int, int]]) -> None:
        self._prefilter = prefilter
        self._text = text
        self._starts = [start for start, _, _ in found]
        self._found = found  # (start, end, literal id), by start

    def candidates(self, start: int, end: int) -> list[int]:
        """Indexes (ascending) of the patterns that may match inside text[start:end]: those with a
        required literal wholly inside it, and those without any requirement."""
        chosen = set(self._prefilter.always)
        for k in range(bisect_left(self._starts, start), bisect_left(self._starts, end)):
            chosen |= self._prefilter.chosen(self._text, self._found[k], start, end)
        return sorted(chosen)

    def any(self, start: int, end: int) -> bool:
        """Whether any of the patterns may match inside text[start:end]."""
        if self._prefilter.always:
            return True
        k = bisect_left(self._starts, start)
        while k < len(self._found) and self._found[k][0] < end:
            if self._prefilter.chosen(self._text, self._found[k], start, end):
                return True
            k += 1
        return False


# ---------------------------------------------------------------------------------------------
# Where matches begin


class _Head(NamedTuple):  # a tuple: hashed for every look-up of where it occurs
    """A way a match begins: with `literal` (lower case), or else a character of `char_class`; when
    `boundary` is set, a word boundary (this regex) comes right before."""

    literal: str
    char_class: re.Pattern[str] | None
    boundary: re.Pattern[str] | None


class Starts:
    """A pattern, and the heads its matches begin with (None: it is not filtered)."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        tree = _parser.parse(pattern.pattern, pattern.flags)
        boundary = re.compile(r"\b", pattern.flags & re.ASCII)
        heads = _Heads(boundary).of(list(tree), False) if tree.getwidth()[0] > 0 else None
        self.heads = None if heads is None else _without_redundant(heads)

    def finditer(self, text: FoldedText, start: int = 0, end: int | None = None) -> Iterator[re.Match[str]]:
        """The matches of `pattern.finditer(text.text, start, end)`: the pattern is tried where a
        head begins, from the end of the previous match on, as finditer's own scan would find it
        there. (No match is empty, so each one ends after it begins.)"""
        end = len(text.text) if end is None else end
        if self.heads is None:
            yield from self.pattern.finditer(text.text, start, end)
            return
        heads = {at for head in self.heads for at in text.heads(head)}
        resume = start
        for at in sorted(at for at in heads if start <= at < end):
            if at < resume:
                continue
            match = self.pattern.match(text.text, at, end)
            if match is not None:
                yield match
                resume = match.end()


def _without_redundant(heads: set[_Head]) -> list[_Head]:
    """Leave out a literal head where a prefix of it is a head too ("march" after "mar"): every
    place it begins, the shorter one begins."""
    literal = {(h.literal, h.boundary) for h in heads if h.literal}
    return [
        h
        for h in heads
        if not any(
            (h.literal[:n], b) in literal for n in range(1, len(h.literal)) for b in {None, h.boundary}
        )
    ]


class _Heads:
    def __init__(self, boundary: re.Pattern[str]) -> None:
        self.boundary = boundary

    def of(self, items: list[Any], boundary: bool) -> set[_Head] | None:
        """The heads of the sequence `items`; `boundary`: a \\b comes before it. None when some
        match may begin with something other than a literal or a narrow class, or be empty."""
        for i, (op, av) in enumerate(items):
            rest = items[i + 1 :]
            if op is sre.AT:
                boundary = boundary or av is sre.AT_BOUNDARY
            elif op in (sre.ASSERT, sre.ASSERT_NOT):
                continue  # a lookaround consumes nothing: the match begins with what follows
            elif _letters(op, av) is not None or op is sre.LITERAL:
                return self._literal(items[i:], boundary)
            elif op is sre.IN:
                char_class = _char_class(av)
                if char_class is None:
                    return None
                return {_Head("", char_class, self.boundary if boundary else None)}
            elif op is sre.SUBPATTERN:
                return self.of([*av[-1], *rest], boundary)
            elif op is sre.ATOMIC_GROUP:
                return self.of([*av, *rest], boundary)
            elif op is sre.BRANCH:
                return self._union([[*branch, *rest] for branch in av[1]], boundary)
            elif op in _REPEATS:
                low, high, body = av
                ways = [[*body, *rest]] if high > 0 else []
                return self._union(ways + ([rest] if low == 0 else []), boundary)
            else:
                return None  # any character, a negated one, a back-reference ...
        return None  # the rest can match the empty string

    def _literal(self, items: list[Any], boundary: bool) -> set[_Head] | None:
        run = {""}
        for op, av in items:
            chars = _letters(op, av)
            if chars is None or len(run) * len(chars) > _MAX_RUN:
                break
            run = {r + c for r in run for c in chars}
        if run == {""}:
            return None  # a non-ASCII letter: case-insensitive matching is not only lower case
        return {_Head(r, None, self.boundary if boundary else None) for r in run}

    def _union(self, ways: list[list[Any]], boundary: bool) -> set[_Head] | None:
        heads: set[_Head] = set()
        for way in ways:
            found = self.of(way, boundary)
            if found is None:
                return None
            heads |= found
            if len(heads) > _MAX_HEADS:
                return None
        return heads


_CATEGORIES = {sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_SPACE: r"\s"}


def _char_class(items: list[tuple[Any, Any]]) -> re.Pattern[str] | None:
    """A character class of literals, ranges, digits and spaces as a regex (case-insensitive, so
    that it covers the class in any case setting); None for one that matches nearly anything."""
    parts = []
    for op, av in items:
        if op is sre.LITERAL:
            parts.append(re.escape(chr(av)))
        elif op is sre.RANGE:
            parts.append(f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}")
        elif op is sre.CATEGORY and av in _CATEGORIES:
            parts.append(_CATEGORIES[av])
        else:
            return None
    return re.compile(f"[{''.join(parts)}]", re.IGNORECASE)
