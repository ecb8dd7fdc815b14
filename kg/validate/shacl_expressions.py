"""SPARQL expressions for the SHACL value tests, written so that Oxigraph decides as pyshacl does.

Every expression is total: where a SPARQL function could raise an error (a comparison of
incomparable terms, a cast, a regex), it is wrapped in COALESCE, because an error in a FILTER
drops the row, which would lose a validation result without a word.

pyshacl compares literals with rdflib's Python operators, which order them much as SPARQL's
ORDER BY does: numbers by value, literals of different datatypes by their datatype IRIs, others
by value when rdflib gives both one and, when not (ill-typed, or of a datatype rdflib does not
know), by their lexical forms or not at all. range_holds and pair_holds follow that order, so that
an ill-typed literal or one of an unexpected datatype meets sh:minInclusive or sh:lessThan exactly
when it does under pyshacl.
"""

from __future__ import annotations

from collections.abc import Callable

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import ReferenceDataError
from kg.namespaces import SH
from kg.validate.xsd_lexical import stored_as, well_formed

# The literals whose Python value rdflib makes a string: pyshacl compares them (and IRIs) as strings.
STRING_TYPES = (XSD.string, XSD.normalizedString, XSD.token, XSD.language, XSD.anyURI)

# The numeric datatypes of rdflib, and all those to which it gives a Python value when the literal
# is well-formed: it compares only those by value.
RDFLIB_NUMERIC = (
    XSD.integer, XSD.decimal, XSD.double, XSD.float, XSD.byte, XSD.int, XSD.long, XSD.short,
    XSD.negativeInteger, XSD.nonNegativeInteger, XSD.nonPositiveInteger, XSD.positiveInteger,
    XSD.unsignedByte, XSD.unsignedInt, XSD.unsignedLong, XSD.unsignedShort,
)
RDFLIB_VALUED = (
    *RDFLIB_NUMERIC, XSD.boolean, XSD.date, XSD.dateTime, XSD.time, XSD.duration, XSD.dayTimeDuration,
    XSD.yearMonthDuration, XSD.hexBinary, XSD.base64Binary,
)

NODE_KINDS: dict[Node, str] = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}

# An expression that is an error: the comparisons where rdflib raises TypeError, which pyshacl
# counts as a failure.
ERROR = "(1/0 = 0)"

Breaks = Callable[[str], str]   # a boolean expression on a variable: the value breaks a constraint


class UnsupportedShapeError(ReferenceDataError):
    """A shape uses a SHACL construct the SPARQL compiler does not implement; nothing is skipped."""


# ----- terms and paths ----------------------------------------------------------------------------
def sparql_term(node: Node) -> str:
    if isinstance(node, URIRef):
        if any(c in str(node) for c in '<>"{}|^`\\ '):
            raise UnsupportedShapeError(f"the IRI {node!r} cannot be written in a SPARQL query")
        return f"<{node}>"
    if isinstance(node, Literal):
        text = sparql_string(str(node))
        if node.language:
            return f"{text}@{node.language}"
        if node.datatype is not None and node.datatype != XSD.string:
            return f"{text}^^<{node.datatype}>"
        return text
    raise UnsupportedShapeError(f"a blank node ({node!r}) cannot be named in a SPARQL query")


def sparql_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def sparql_path(shapes: Graph, path: Node) -> str:
    """A SHACL property path as a SPARQL property path."""
    if isinstance(path, URIRef):
        return sparql_term(path)
    if isinstance(path, BNode):
        if shapes.value(path, RDF.first) is not None:
            return "({})".format(" / ".join(sparql_path(shapes, p) for p in shapes.items(path)))
        for parameter, render in ((SH.inversePath, "^({})"), (SH.zeroOrMorePath, "({})*"),
                                  (SH.oneOrMorePath, "({})+"), (SH.zeroOrOnePath, "({})?")):
            inner = shapes.value(path, parameter)
            if inner is not None:
                return render.format(sparql_path(shapes, inner))
        alternatives = shapes.value(path, SH.alternativePath)
        if alternatives is not None:
            return "({})".format(" | ".join(sparql_path(shapes, p) for p in shapes.items(alternatives)))
    raise UnsupportedShapeError(f"unsupported sh:path {path!r}")


# ----- value tests --------------------------------------------------------------------------------
def not_of_datatype(datatype: URIRef) -> Breaks:
    """sh:datatype: not a literal of the datatype, or an ill-typed one."""
    if datatype == RDFS.Literal:
        return lambda v: f"!isLiteral({v})"
    if datatype == RDF.langString:
        return lambda v: f"!(isLiteral({v}) && LANG({v}) != \"\")"
    if datatype == RDFS.Datatype:
        # rdflib gives a datatype to every literal but untyped strings, which Oxigraph does not
        # tell from xsd:string ones: all literals without a language pass.
        return lambda v: f"!(isLiteral({v}) && LANG({v}) = \"\")"

    def breaks(v: str) -> str:
        checks = [f"isLiteral({v})", f"sameTerm(DATATYPE({v}), <{datatype}>)"]
        formed = well_formed(datatype, v)
        if formed is not None:
            checks.append(formed)
        matches = " && ".join(checks)
        folded = stored_as(datatype, v)
        return f"!(({matches}) || {folded})" if folded else f"!({matches})"
    return breaks


def not_matching(pattern: str, flags: str) -> Breaks:
    """sh:pattern: a blank node, or a string form the regular expression does not find."""
    return lambda v: (f"(isBlank({v}) || "
                      f"!COALESCE(REGEX(STR({v}), {sparql_string(pattern)}, {sparql_string(flags)}), false))")


def check_regex(pattern: str, flags: str) -> bool:
    """Whether Oxigraph compiles the regular expression (Rust syntax: no look-around, no
    back-references); one it does not would fail on every value."""
    import pyoxigraph

    probe = f"SELECT (REGEX(\"\", {sparql_string(pattern)}, {sparql_string(flags)}) AS ?ok) {{}}"
    solutions = pyoxigraph.Store().query(probe)
    assert isinstance(solutions, pyoxigraph.QuerySolutions)
    return next(iter(solutions))["ok"] is not None


def stringish(var: str) -> str:
    """An IRI or a literal whose rdflib value is a string: pyshacl compares those as strings."""
    strings = ", ".join(f"<{t}>" for t in STRING_TYPES)
    return f"(isIRI({var}) || (isLiteral({var}) && (LANG({var}) != \"\" || DATATYPE({var}) IN ({strings}))))"


def _by_value(a: str, op: str, b: str) -> str:
    # SPARQL does not order booleans; their canonical lexical forms are in value order.
    return f"IF(sameTerm(DATATYPE({a}), <{XSD.boolean}>), STR({a}) {op} STR({b}), {a} {op} {b})"


def range_holds(v: str, op: str, limit: Literal) -> str:
    """`v op limit` (sh:minInclusive ...) as pyshacl decides it, with rdflib's compare_literal."""
    bound = sparql_term(limit)
    if isinstance(limit.value, str):
        return f"({stringish(v)} && !isIRI({v}) && COALESCE(STR({v}) {op} STR({bound}), false))"
    numeric = "true" if limit.datatype in RDFLIB_NUMERIC else "false"
    datatype = limit.datatype or XSD.string
    # The same datatype without values to compare (ill-typed, or unknown to rdflib): rdflib
    # raises, and pyshacl fails the value, unless the lexical forms are equal.
    same = _by_value(v, op, bound) if datatype in RDFLIB_VALUED else ERROR
    order = (f"IF(isNumeric({v}) && {numeric}, {v} {op} {bound}, "
             f"IF(!sameTerm(DATATYPE({v}), <{datatype}>), "
             f"STR(DATATYPE({v})) {op} {sparql_string(str(datatype))}, "
             f"IF(sameTerm({v}, {bound}), 0 {op} 0, {same})))")
    return f"COALESCE(isLiteral({v}) && !{stringish(v)} && {order}, false)"


def pair_holds(a: str, op: str, b: str) -> str:
    """`a op b` (op: < or <=) as pyshacl decides sh:lessThan and sh:lessThanOrEquals: a string (or
    IRI) and a non-string never compare, strings compare as strings, other terms with rdflib's
    `<` and `<=`."""
    strings = f"COALESCE(STR({a}) {op} STR({b}), false)"
    valued = "DATATYPE({}) IN ({})".format(a, ", ".join(f"<{t}>" for t in RDFLIB_VALUED))
    # The same datatype without values: rdflib's `<` then falls back to `b > a` on the lexical
    # forms, and its `<=` answers NotImplemented, which Python takes for true.
    unvalued = f"IF(STR({a}) = STR({b}), false, STR({b}) > STR({a}))" if op == "<" else "true"
    same = f"COALESCE(IF({valued}, {_by_value(a, op, b)}, {ERROR}), {unvalued})"
    literals = (f"IF(isNumeric({a}) && isNumeric({b}), {a} {op} {b}, "
                f"IF(!sameTerm(DATATYPE({a}), DATATYPE({b})), STR(DATATYPE({a})) < STR(DATATYPE({b})), "
                f"{same}))")
    return (f"COALESCE(IF({stringish(a)} != {stringish(b)}, false, IF({stringish(a)}, {strings}, "
            f"isLiteral({a}) && isLiteral({b}) && {literals})), false)")


def language_not_in(languages: list[str]) -> Breaks:
    """sh:languageIn, as pyshacl matches: the whole tag or its first subtag, case-insensitively."""
    if "*" in languages:
        return lambda v: f"!(isLiteral({v}) && LANG({v}) != \"\")"
    wanted = ", ".join(sparql_string(lang.lower()) for lang in languages) or '""'

    def breaks(v: str) -> str:
        tag = f"LCASE(LANG({v}))"
        return (f"!(isLiteral({v}) && LANG({v}) != \"\" && ({tag} IN ({wanted})"
                f" || STRBEFORE({tag}, \"-\") IN ({wanted})))")
    return breaks


def is_true(node: Node | None) -> bool:
    return isinstance(node, Literal) and node.value is True
