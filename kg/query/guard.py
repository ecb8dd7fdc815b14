"""What a query may not do here: change the graph (any SPARQL Update) or call out (SERVICE).

Oxigraph runs SERVICE for real (an HTTP request from the machine answering the query) and offers
no switch to turn it off, so a query is read before it runs. The reading is lexical but complete:
strings, IRIs (with their \\u escapes), comments, variables, prefixed names and language tags are
skipped as Oxigraph's lexer skips them, so `?service`, `ex:load` or `"DROP"` are not keywords, and
a keyword cannot hide behind an escape that ends an IRI early and opens a comment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY",
                             "WITH"})

_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_TOKEN = re.compile(
    r'"""(?:[^"\\]|\\[\s\S]|"(?!""))*"""'                  # long strings first: they start like short ones
    r"|'''(?:[^'\\]|\\[\s\S]|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\[^\n\r])*"'
    r"|'(?:[^'\\\n\r]|\\[^\n\r])*'"
    rf"|<(?:[^<>\"{{}}|^`\\\x00-\x20]|{_UCHAR})*>"         # IRIREF, as SPARQL writes it
    r"|#[^\n\r]*"                                           # a comment, to the end of the line
    r"|[?$]\w+"                                             # a variable
    r"|@[A-Za-z]+(?:-[A-Za-z0-9]+)*"                        # a language tag
    r"|(?:[^\W\d][\w.\-]*)?:(?:[\w\-:.%]|\\.)*"             # a prefixed name or blank node label
    r"|(?P<word>[^\W\d]\w*)",                               # a bare word: a keyword, maybe
)

UnsafeKind = Literal["update", "service"]


@dataclass(frozen=True)
class Unsafe:
    """Why a query is refused: its kind and the keyword that makes it so."""

    kind: UnsafeKind
    keyword: str


def keywords(sparql: str) -> list[str]:
    """The bare words of a query, upper-cased, in order."""
    return [m.group("word").upper() for m in _TOKEN.finditer(sparql) if m.group("word")]


def find_unsafe(sparql: str) -> Unsafe | None:
    """The first update keyword or SERVICE in a query, or None when it only reads."""
    for word in keywords(sparql):
        if word in UPDATE_KEYWORDS:
            return Unsafe("update", word)
        if word == "SERVICE":
            return Unsafe("service", word)
    return None


def describe(unsafe: Unsafe) -> str:
    """A one-line reason for a person, without the query's own text."""
    if unsafe.kind == "service":
        return "SERVICE is refused: readout-kg never calls other endpoints while answering a query"
    return f"updates are refused: readout-kg only reads the graph here (the query holds {unsafe.keyword})"
