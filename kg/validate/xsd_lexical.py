"""When a literal of a datatype is well-formed, as a SPARQL expression that agrees with pyshacl.

sh:datatype fails an ill-typed literal ("abc"^^xsd:date). pyshacl takes rdflib's word for it:
rdflib parses the lexical form with Python (date.fromisoformat, int, Decimal ...) and checks the
ranges of the bounded integer types. On Oxigraph a cast to the datatype fails on exactly the
literals it could not parse; where the two parsers part on forms met in practice, the expression
adds rdflib's rule: Python dates have four-digit years from 0001, Decimal takes NaN and Infinity,
and the integer types have the ranges below.

Two gaps remain. Forms that only Python reads (an integer with spaces or underscores, an ISO week
date) are ill-typed here; a form that only Oxigraph reads ("24:00:00" as the next midnight) is
well-formed. And rdflib rewrites a well-typed literal to its canonical form when it parses a file,
but also some ill-typed ones ("TRUE"^^xsd:boolean becomes "true", still marked ill-typed), so
that the store receives a well-formed literal pyshacl would fail.

Oxigraph stores the integer types derived from xsd:integer (xsd:int, xsd:long ...) as xsd:integer
and xsd:dateTimeStamp as xsd:dateTime: stored_as() lets such a value pass sh:datatype of the
derived type when it is in range, since the store cannot tell the two apart.
"""

from __future__ import annotations

from rdflib import XSD, URIRef

# Datatypes whose cast function Oxigraph implements: the cast fails iff the literal is ill-typed.
CASTABLE: frozenset[URIRef] = frozenset({
    XSD.boolean, XSD.integer, XSD.decimal, XSD.float, XSD.double, XSD.date, XSD.dateTime, XSD.time,
    XSD.duration, XSD.dayTimeDuration, XSD.yearMonthDuration,
})

# rdflib's range checks of the integer types (inclusive bounds; None: unbounded).
INTEGER_RANGES: dict[URIRef, tuple[int | None, int | None]] = {
    XSD.long: (None, None),
    XSD.int: (-2147483648, 2147483647),
    XSD.short: (-32768, 32767),
    XSD.byte: (-128, 127),
    XSD.unsignedLong: (0, None),
    XSD.unsignedInt: (0, 4294967295),
    XSD.unsignedShort: (0, 65535),
    XSD.unsignedByte: (0, 255),
    XSD.nonNegativeInteger: (0, None),
    XSD.positiveInteger: (1, None),
    XSD.nonPositiveInteger: (None, 0),
    XSD.negativeInteger: (None, -1),
}

# Python's date and datetime: years 0001-9999, written with four digits, no sign.
_PYTHON_YEAR = '(REGEX(STR({v}), "^[0-9]{{4}}-") && !STRSTARTS(STR({v}), "0000"))'

# Decimal accepts these and rdflib keeps them (as "NaN", "Infinity"); XSD and Oxigraph do not.
_DECIMAL_SPECIAL = 'REGEX(STR({v}), "^[+-]?(Infinity|s?NaN)$")'


def well_formed(datatype: URIRef, var: str) -> str | None:
    """A boolean SPARQL expression, never an error: the literal in `var` (of `datatype`) is
    well-formed; None when every lexical form is (strings, IRIs, datatypes rdflib does not know)."""
    if datatype in CASTABLE:
        cast = f"COALESCE(isLiteral(<{datatype}>({var})), false)"
        if datatype in (XSD.date, XSD.dateTime):
            return f"({cast} && {_PYTHON_YEAR.format(v=var)})"
        if datatype == XSD.decimal:
            return f"({cast} || {_DECIMAL_SPECIAL.format(v=var)})"
        return cast
    if datatype in INTEGER_RANGES:
        return _integer_in_range(var, *INTEGER_RANGES[datatype])
    return None


def stored_as(datatype: URIRef, var: str) -> str | None:
    """A boolean SPARQL expression: the literal in `var` is what Oxigraph keeps of a well-formed
    literal of `datatype`; None when Oxigraph keeps such literals as they are.

    Oxigraph stores the integer types derived from xsd:integer (xsd:int, xsd:long ...) as
    xsd:integer, and xsd:dateTimeStamp as xsd:dateTime: a value of the derived type cannot be told
    from one of the base type, so the base type, in the derived type's range, passes."""
    if datatype in INTEGER_RANGES:
        in_range = _integer_in_range(var, *INTEGER_RANGES[datatype])
        return f"(isLiteral({var}) && sameTerm(DATATYPE({var}), <{XSD.integer}>) && {in_range})"
    if datatype == XSD.dateTimeStamp:
        return f"(isLiteral({var}) && sameTerm(DATATYPE({var}), <{XSD.dateTime}>) && TZ({var}) != \"\")"
    return None


def _integer_in_range(var: str, low: int | None, high: int | None) -> str:
    value = f"<{XSD.integer}>(STR({var}))"
    tests = [f"isLiteral({value})"]
    if low is not None:
        tests.append(f"{value} >= {low}")
    if high is not None:
        tests.append(f"{value} <= {high}")
    return f"COALESCE({' && '.join(tests)}, false)"
