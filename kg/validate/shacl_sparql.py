"""SHACL Core shapes compiled into SPARQL SELECT queries, to validate a graph on Oxigraph.

Compilation scheme
------------------
Every shape with a target is a *root*. Its focus nodes are a graph pattern that binds a variable
(a UNION when a shape has several targets):

    sh:targetClass C        ?this rdf:type/rdfs:subClassOf* C
                            or, given the class hierarchy, VALUES ?t { C and its subclasses }
                            ?this rdf:type ?t  (the same nodes, found faster)
    sh:targetNode n         VALUES ?this { n }
    sh:targetSubjectsOf p   { SELECT DISTINCT ?this WHERE { ?this p ?x } }
    sh:targetObjectsOf p    { SELECT DISTINCT ?this WHERE { ?x p ?this } }

and a shape that is also an rdfs:Class targets its own instances. A property shape reaches its
value nodes by `?this PATH ?value`, PATH a SPARQL property path (IRI, ^inverse, sequence,
alternative, *, +, ?); a node shape's one value node is its focus node. The property shapes of a
shape (sh:property) are checked on the same focus nodes or, below a property shape, on its value
nodes: the focus pattern then grows by `?f PATH ?this`.

Each constraint compiles to a *violation pattern*, a group graph pattern with one solution per
validation result at a focus node:

    value constraints       ?this PATH ?value . FILTER (breaks(?value))
      sh:class C            NOT EXISTS { ?value rdf:type/rdfs:subClassOf* C }
      sh:datatype D         !(isLiteral(?value) && sameTerm(DATATYPE(?value), D) && well-formed)
      sh:nodeKind, sh:in, sh:pattern (REGEX with sh:flags), sh:minLength, sh:maxLength,
      sh:min/maxIn/Exclusive, sh:languageIn: the SPARQL functions of their definitions
      sh:node S, sh:not S   !conforms(S, ?value), conforms(S, ?value)
      sh:or, sh:and, sh:xone  a disjunction, conjunction, or count of the members' conforms()
    sh:minCount 1           FILTER NOT EXISTS { ?this PATH ?v }
    sh:maxCount 1           ?this PATH ?a . ?this PATH ?b . FILTER (!sameTerm(?a, ?b))
      (other counts: n pairwise distinct values, or GROUP BY ?this HAVING (COUNT(DISTINCT ?v) ...))
    sh:hasValue v           FILTER NOT EXISTS { ?this PATH v }
    sh:lessThan(OrEquals) q ?this PATH ?value . ?this q ?o . FILTER (!(?value < ?o))
    sh:equals, sh:disjoint  a value of one property missing from, or also among, the other's

and a query is `SELECT DISTINCT ?this ?value WHERE { FOCUS(?this) VIOLATION }`, without ?value
for the results that have none (counts, sh:hasValue, sh:uniqueLang). But the value constraints of
one shape, and its counts up to 1, share one query, one pass over its value nodes: each becomes a
flag, `BIND (breaks(?value) AS ?bN)`, sh:minCount 1 `!BOUND(?value)` (the values then read with
OPTIONAL), sh:maxCount 1 `EXISTS { ?this PATH ?o FILTER (!sameTerm(?o, ?value)) }`; the query
keeps the rows where some flag is true, and each true flag is a result. (On a store on disk each
pass costs index lookups per value: one pass instead of several halves the time.)

conforms(S, ?x) is a boolean SPARQL expression: the conjunction over S's constraints of
`NOT EXISTS { VIOLATION at ?x }` (or of the negated breaks() for a node shape), recursing into S's
own property shapes with fresh variables. Recursive shapes are refused. Every expression is total
(kg.validate.shacl_expressions): an error would make a FILTER drop the row, and lose a result.

Each query joins the focus pattern with index lookups on ?this (or evaluates a path from a bound
node): Oxigraph answers it in one pass over the triples involved, without a cross product, and
holds in memory only the distinct results (and, for counts above 1, one counter per focus node).

Constructs outside this set (sh:closed, sh:qualifiedValueShape, SPARQL-based targets, sh:sparql
inside sh:node or sh:or, an unknown sh: property ...) raise UnsupportedShapeError rather than be
skipped. The sh:sparql constraints of the shapes are left to kg.validate.sparql_rules, whose
SELECTs find their own focus nodes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import combinations

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.namespaces import SH
from kg.validate.shacl_expressions import (
    NODE_KINDS,
    Breaks,
    UnsupportedShapeError,
    check_regex,
    is_true,
    language_not_in,
    not_matching,
    not_of_datatype,
    pair_holds,
    range_holds,
    sparql_path,
    sparql_term,
)
from kg.validate.shacl_messages import MessageMaker, Names, fixed, templated

__all__ = ["Check", "Outcome", "UnsupportedShapeError", "classes_used", "compile_shapes"]

PREFIXES = f"PREFIX rdf: <{RDF}>\nPREFIX rdfs: <{RDFS}>\nPREFIX xsd: <{XSD}>\n"

INSTANCE_OF = "rdf:type/rdfs:subClassOf*"

# A comment line "#focus ?var" marks where the root focus nodes are bound: the engine may replace
# it with a VALUES block to check only some focus nodes.
FOCUS_MARK = "#focus "

# sh: properties of shapes that constrain nothing, or are handled elsewhere (sh:sparql).
NOT_CONSTRAINTS: frozenset[URIRef] = frozenset({
    SH.path, SH.property, SH.severity, SH.message, SH.deactivated, SH.targetClass, SH.targetNode,
    SH.targetSubjectsOf, SH.targetObjectsOf, SH.name, SH.description, SH.order, SH.group,
    SH.defaultValue, SH.flags, SH.sparql, SH.declare, SH.prefixes,
})

# Inside sh:node, sh:or ... counts are checked with pairwise distinct values, a join that grows as
# values ** count: up to this count. A shape with a target checks larger counts with GROUP BY.
PAIRWISE_LIMIT = 3

# Range constraints: the comparison that must hold (pyshacl's messages name it too).
RANGES: dict[URIRef, tuple[str, URIRef]] = {
    SH.minInclusive: (">=", SH.MinInclusiveConstraintComponent),
    SH.minExclusive: (">", SH.MinExclusiveConstraintComponent),
    SH.maxInclusive: ("<=", SH.MaxInclusiveConstraintComponent),
    SH.maxExclusive: ("<", SH.MaxExclusiveConstraintComponent),
}

# Property pairs: the comparison with the other property's values that must hold, and the
# operator pyshacl's message writes for its failure.
ORDERS: dict[URIRef, tuple[str, str, URIRef]] = {
    SH.lessThan: ("<", "<=", SH.LessThanConstraintComponent),
    SH.lessThanOrEquals: ("<=", "<", SH.LessThanOrEqualsConstraintComponent),
}


@dataclass(frozen=True)
class Outcome:
    """A constraint a query checks: a result for each row where its flag variable is true (for
    every row when it has none), with the row's ?value when the constraint's results have one."""

    component: URIRef
    message: MessageMaker
    has_value: bool
    flag: str | None = None


@dataclass(frozen=True)
class Check:
    """The constraints of one shape that one SELECT checks: rows of ?this (and of ?value, and of
    a flag per outcome, when there are several), each a validation result of the outcomes."""

    shape: Node
    severity: URIRef
    path: URIRef | None
    inverse_path: bool
    query: str
    outcomes: tuple[Outcome, ...]


Fresh = Callable[[str], str]
Focus = Callable[[str], str]   # a pattern binding the given variable to the focus nodes


@dataclass(frozen=True)
class Values:
    """How a shape reaches its value nodes from a focus node: a property path, or none (the value
    node of a node shape is its focus node)."""

    path: str | None

    def bind(self, focus: str, fresh: Fresh) -> tuple[str, str]:
        """A pattern binding a fresh variable to each value node, and that variable."""
        if self.path is None:
            return "", focus
        value = fresh("v")
        return f"{focus} {self.path} {value} .", value


@dataclass(frozen=True)
class Test:
    """One constraint: the patterns that find its violations, given a focus variable."""

    component: URIRef
    message: MessageMaker
    has_value: bool

    def violation(self, focus: str, values: Values, fresh: Fresh) -> tuple[str, str | None]:
        """A pattern with one solution per violation at `focus`, and the variable of its value."""
        raise NotImplementedError

    def query(self, focus: Focus, values: Values, fresh: Fresh) -> str:
        pattern, value = self.violation("?this", values, fresh)
        if not self.has_value or value is None:
            head = "?this"
        else:
            head = "?this ?value" if value == "?value" else f"?this ({value} AS ?value)"
        return f"{PREFIXES}SELECT DISTINCT {head} WHERE {{\n{focus('?this')}\n{pattern}\n}}"

    def holds(self, focus: str, values: Values, fresh: Fresh) -> str:
        """A boolean expression: the constraint holds at `focus` (for conditions in sh:node ...)."""
        pattern, _value = self.violation(focus, values, fresh)
        return f"NOT EXISTS {{ {pattern} }}"


@dataclass(frozen=True)
class ValueTest(Test):
    """A constraint each value node meets or breaks on its own (sh:class, sh:datatype ...)."""

    breaks: Callable[[str], str]

    def violation(self, focus: str, values: Values, fresh: Fresh) -> tuple[str, str | None]:
        if values.path is None:
            return f"FILTER ({self.breaks(focus)})", focus
        return f"{focus} {values.path} ?value .\nFILTER ({self.breaks('?value')})", "?value"

    def holds(self, focus: str, values: Values, fresh: Fresh) -> str:
        if values.path is None:
            return f"!({self.breaks(focus)})"
        bound, value = values.bind(focus, fresh)
        return f"NOT EXISTS {{ {bound} FILTER ({self.breaks(value)}) }}"


@dataclass(frozen=True)
class CountTest(Test):
    """sh:minCount / sh:maxCount: how many distinct value nodes a focus node has."""

    bound: int
    minimum: bool

    def _distinct(self, focus: str, values: Values, fresh: Fresh, count: int) -> str:
        # `count` pairwise distinct values: the join grows as values ** count, so kept small.
        if count > PAIRWISE_LIMIT:
            raise UnsupportedShapeError(f"a count of {count} is only supported in a shape with a target")
        names = [fresh("n") for _ in range(count)]
        triples = " ".join(f"{focus} {values.path} {n} ." for n in names)
        different = " && ".join(f"!sameTerm({a}, {b})" for a, b in combinations(names, 2))
        return triples + (f" FILTER ({different})" if different else "")

    def violation(self, focus: str, values: Values, fresh: Fresh) -> tuple[str, str | None]:
        if self.minimum:
            return f"FILTER NOT EXISTS {{ {self._distinct(focus, values, fresh, self.bound)} }}", None
        return self._distinct(focus, values, fresh, self.bound + 1), None

    def query(self, focus: Focus, values: Values, fresh: Fresh) -> str:
        if self.bound <= 1:
            return super().query(focus, values, fresh)
        # GROUP BY keeps one counter per focus node: no join that grows with the count.
        value = fresh("v")
        reach = f"{'OPTIONAL ' if self.minimum else ''}{{ ?this {values.path} {value} }}"
        having = f"COUNT(DISTINCT {value}) {'<' if self.minimum else '>'} {self.bound}"
        return (f"{PREFIXES}SELECT ?this WHERE {{\n{focus('?this')}\n{reach}\n}}\n"
                f"GROUP BY ?this HAVING ({having})")

    def holds(self, focus: str, values: Values, fresh: Fresh) -> str:
        if self.minimum:
            return f"EXISTS {{ {self._distinct(focus, values, fresh, self.bound)} }}"
        return f"NOT EXISTS {{ {self._distinct(focus, values, fresh, self.bound + 1)} }}"

    def breaks_at(self, value: str, values: Values, fresh: Fresh) -> str | None:
        """For a row of the shape's value query (?this, and ?value or none: the OPTIONAL): a
        boolean expression, the focus node breaks the count; None for counts above 1."""
        if self.minimum:
            return f"!BOUND({value})" if self.bound == 1 else None
        if self.bound == 0:
            return f"BOUND({value})"
        if self.bound == 1:
            other = fresh("o")
            return (f"(BOUND({value}) && EXISTS {{ ?this {values.path} {other} "
                    f"FILTER (!sameTerm({other}, {value})) }})")
        return None


@dataclass(frozen=True)
class HasValueTest(Test):
    """sh:hasValue: some value node is the given term."""

    term: str

    def violation(self, focus: str, values: Values, fresh: Fresh) -> tuple[str, str | None]:
        if values.path is None:
            return f"FILTER (!sameTerm({focus}, {self.term}))", None
        return f"FILTER NOT EXISTS {{ {focus} {values.path} {self.term} }}", None


@dataclass(frozen=True)
class UniqueLangTest(Test):
    """sh:uniqueLang true: no two value nodes share a language tag."""

    def violation(self, focus: str, values: Values, fresh: Fresh) -> tuple[str, str | None]:
        a, b = fresh("l"), fresh("l")
        return (f"{focus} {values.path} {a} . {focus} {values.path} {b} . "
                f"FILTER (!sameTerm({a}, {b}) && isLiteral({a}) && isLiteral({b}) && LANG({a}) != \"\""
                f" && LCASE(LANG({a})) = LCASE(LANG({b})))"), None


@dataclass(frozen=True)
class PairTest(Test):
    """sh:lessThan, sh:lessThanOrEquals, sh:equals, sh:disjoint against another property."""

    other: str
    relation: str          # "<", "<=", "missing" (a value not among the other's), "in-other",
                           # "extra" (the other's value not among the values)

    def violation(self, focus: str, values: Values, fresh: Fresh) -> tuple[str, str | None]:
        if self.relation == "extra":
            value = fresh("o")
            absent = (f"!sameTerm({value}, {focus})" if values.path is None
                      else f"NOT EXISTS {{ {focus} {values.path} {value} }}")
            return f"{focus} {self.other} {value} . FILTER ({absent})", value
        bound, value = values.bind(focus, fresh)
        if self.relation == "missing":
            return f"{bound} FILTER NOT EXISTS {{ {focus} {self.other} {value} }}", value
        if self.relation == "in-other":
            return f"{bound} {focus} {self.other} {value} .", value
        other = fresh("o")
        holds = pair_holds(value, self.relation, other)
        return f"{bound} {focus} {self.other} {other} . FILTER (!{holds})", value


Hierarchy = Mapping[URIRef, Iterable[URIRef]]   # a class -> itself and all its subclasses


def compile_shapes(shapes: Graph, hierarchy: Hierarchy | None = None) -> list[Check]:
    """Every constraint of the shapes graph reachable from a target, in queries.

    With the `hierarchy` of the classes that the shapes name (classes_used()), instances are
    found by their rdf:type among the subclasses, which Oxigraph does faster than the property
    path rdf:type/rdfs:subClassOf*; the queries are then valid only for data with that hierarchy.
    """
    return ShapeCompiler(shapes, hierarchy).compile()


def classes_used(shapes: Graph) -> set[URIRef]:
    """The classes whose instances the shapes look for (sh:class, sh:targetClass, implicit)."""
    found = {c for c in shapes.objects(None, SH["class"]) if isinstance(c, URIRef)}
    found |= {c for c in shapes.objects(None, SH.targetClass) if isinstance(c, URIRef)}
    for shape in roots(shapes):
        found |= {c for c in implicit_classes(shapes, shape) if isinstance(c, URIRef)}
    return found


class ShapeCompiler:
    """Walks the shapes graph from its roots; holds the counter of fresh variable names."""

    def __init__(self, shapes: Graph, hierarchy: Hierarchy | None = None) -> None:
        self.g = shapes
        self.hierarchy = {c: sorted(set(subs) | {c}) for c, subs in (hierarchy or {}).items()}
        self.names = Names(shapes)
        self._variables = 0
        self._open: list[Node] = []     # shapes being compiled into conditions (recursion guard)

    def fresh(self, stem: str) -> str:
        self._variables += 1
        return f"?{stem}{self._variables}"

    def compile(self) -> list[Check]:
        checks: list[Check] = []
        for root in roots(self.g):
            checks.extend(self._checks(root, self._targets(root), ()))
        return checks

    # ----- roots and focus nodes ------------------------------------------------------------------
    def _targets(self, shape: Node) -> Focus:
        classes = sorted({*self.g.objects(shape, SH.targetClass), *implicit_classes(self.g, shape)}, key=str)
        nodes = sorted(self.g.objects(shape, SH.targetNode), key=str)
        subjects_of = sorted(self.g.objects(shape, SH.targetSubjectsOf), key=str)
        objects_of = sorted(self.g.objects(shape, SH.targetObjectsOf), key=str)

        def focus(var: str) -> str:
            parts = [self.instance(var, c) for c in classes]
            if nodes:
                parts.append(f"VALUES {var} {{ {' '.join(self.term(n) for n in nodes)} }}")
            # DISTINCT: a subject with many values would be a focus node many times over.
            for p in subjects_of:
                triple = f"{var} {self.term(p)} {self.fresh('x')}"
                parts.append(f"{{ SELECT DISTINCT {var} WHERE {{ {triple} }} }}")
            for p in objects_of:
                triple = f"{self.fresh('x')} {self.term(p)} {var}"
                parts.append(f"{{ SELECT DISTINCT {var} WHERE {{ {triple} }} }}")
            body = parts[0] if len(parts) == 1 else " UNION ".join(f"{{ {p} }}" for p in parts)
            return f"{FOCUS_MARK}{var}\n{body}"
        return focus

    # ----- checks ---------------------------------------------------------------------------------
    def _checks(self, shape: Node, focus: Focus, seen: tuple[Node, ...]) -> Iterator[Check]:
        if shape in seen:
            raise self.error(shape, "sh:property leads back to the shape itself")
        if is_deactivated(self.g, shape):
            return
        values = self.values(shape)
        path, inverse = result_path(self.g, shape)

        def check(query: str, outcomes: list[Outcome]) -> Check:
            return Check(shape=shape, severity=severity(self.g, shape), path=path, inverse_path=inverse,
                         query=query, outcomes=tuple(outcomes))
        merged: list[tuple[Test, str]] = []      # a test, and its flag expression on ?value
        alone: list[Test] = []
        for test in self.tests(shape):
            flag = self._flag(test, values)
            if flag is None:
                alone.append(test)
            else:
                merged.append((test, flag))
        if merged:
            query, flags = self._value_query(merged, focus, values)
            yield check(query, [Outcome(t.component, self._message(shape, t), t.has_value, f)
                                for (t, _), f in zip(merged, flags, strict=True)])
        for test in alone:
            yield check(test.query(focus, values, self.fresh),
                        [Outcome(test.component, self._message(shape, test), test.has_value)])
        below = focus if values.path is None else self._through(focus, values)
        for prop in sorted(self.g.objects(shape, SH.property), key=str):
            yield from self._checks(prop, below, (*seen, shape))

    def _flag(self, test: Test, values: Values) -> str | None:
        """The test as a boolean expression on a row of the shape's value query (?this, ?value),
        when it can be one: value tests, and counts up to 1 of a property shape."""
        value = "?this" if values.path is None else "?value"
        if isinstance(test, ValueTest):
            # BOUND first: a row without a value (the OPTIONAL) breaks no value test.
            guard = "" if values.path is None else "BOUND(?value) && "
            return f"COALESCE({guard}{test.breaks(value)}, false)"
        if isinstance(test, CountTest) and values.path is not None:
            return test.breaks_at(value, values, self.fresh)
        return None

    def _value_query(self, tests: list[tuple[Test, str]], focus: Focus,
                     values: Values) -> tuple[str, list[str]]:
        """One query for the value tests of a shape and its counts up to 1: one pass over its
        value nodes (an OPTIONAL one when a value may be missing), a flag variable per test,
        true where the row breaks it."""
        if values.path is None:
            head, reach = "?this (?this AS ?value)", ""
        else:
            head = "?this ?value"
            reach = f"?this {values.path} ?value ."
            if any(isinstance(t, CountTest) and t.minimum for t, _ in tests):
                reach = f"OPTIONAL {{ {reach} }}"
        flags = [self.fresh("b") for _ in tests]
        binds = [f"BIND ({expression} AS {flag})" for (_, expression), flag in zip(tests, flags, strict=True)]
        body = "\n".join([focus("?this"), reach, *binds, f"FILTER ({' || '.join(flags)})"])
        return f"{PREFIXES}SELECT DISTINCT {head} {' '.join(flags)} WHERE {{\n{body}\n}}", flags

    def instance(self, var: str, cls: Node) -> str:
        """A pattern: the node in `var` is an instance of `cls` (or of one of its subclasses)."""
        subclasses = self.hierarchy.get(cls) if isinstance(cls, URIRef) else None
        if subclasses is None:
            return f"{var} {INSTANCE_OF} {self.term(cls)} ."
        if len(subclasses) == 1:
            return f"{var} rdf:type {self.term(subclasses[0])} ."
        kind = self.fresh("t")
        return f"VALUES {kind} {{ {' '.join(self.term(c) for c in subclasses)} }} {var} rdf:type {kind} ."

    def _through(self, focus: Focus, values: Values) -> Focus:
        def value_nodes(var: str) -> str:
            parent = self.fresh("f")
            return f"{focus(parent)}\n{parent} {values.path} {var} ."
        return value_nodes

    def _message(self, shape: Node, test: Test) -> MessageMaker:
        given = sorted(str(m) for m in self.g.objects(shape, SH.message))
        return fixed(" ".join(given)) if given else test.message

    # ----- conditions: a shape as a boolean expression on a node ---------------------------------
    def conforms(self, shape: Node, var: str) -> str:
        """A boolean SPARQL expression: the node in `var` conforms to `shape`."""
        if shape in self._open:
            raise self.error(shape, "recursive shapes are not supported by the SPARQL compiler")
        if is_deactivated(self.g, shape):
            return "true"
        if (shape, SH.sparql, None) in self.g:
            raise self.error(shape, "sh:sparql in a shape used by sh:node, sh:or ... is not supported")
        self._open.append(shape)
        try:
            values = self.values(shape)
            parts = [test.holds(var, values, self.fresh) for test in self.tests(shape)]
            for prop in sorted(self.g.objects(shape, SH.property), key=str):
                if values.path is None:
                    parts.append(self.conforms(prop, var))
                else:
                    bound, value = values.bind(var, self.fresh)
                    parts.append(f"NOT EXISTS {{ {bound} FILTER (!({self.conforms(prop, value)})) }}")
        finally:
            self._open.pop()
        return " && ".join(f"({p})" for p in parts) if parts else "true"

    # ----- reading a shape ------------------------------------------------------------------------
    def values(self, shape: Node) -> Values:
        path = self.g.value(shape, SH.path)
        return Values(None if path is None else sparql_path(self.g, path))

    def tests(self, shape: Node) -> list[Test]:
        present = {p for p in self.g.predicates(shape)
                   if isinstance(p, URIRef) and str(p).startswith(str(SH)) and p not in NOT_CONSTRAINTS}
        builders = self._builders()
        unknown = present - {p for parameters, _build in builders for p in parameters}
        if unknown:
            names = ", ".join(sorted(map(self.names.term, unknown)))
            raise self.error(shape, f"{names}: not supported by the SPARQL compiler of SHACL shapes")
        tests: list[Test] = []
        for parameters, build in builders:
            if present.intersection(parameters):
                tests.extend(build(shape))
        return tests

    def _builders(self) -> list[tuple[tuple[URIRef, ...], Callable[[Node], list[Test]]]]:
        # Parameters that one builder reads together (sh:minCount with sh:maxCount ...) share a row.
        return [
            ((SH["class"],), self._class), ((SH.datatype,), self._datatype),
            ((SH.nodeKind,), self._node_kind), ((SH["in"],), self._in), ((SH.hasValue,), self._has_value),
            ((SH.pattern,), self._pattern),
            ((SH.minLength, SH.maxLength), self._length), (tuple(RANGES), self._range),
            ((SH.languageIn,), self._language_in), ((SH.uniqueLang,), self._unique_lang),
            ((SH.minCount, SH.maxCount), self._count), (tuple(ORDERS), self._order),
            ((SH.equals,), self._equals), ((SH.disjoint,), self._disjoint), ((SH.node,), self._node),
            ((SH["not"],), self._not), ((SH["or"], SH["and"], SH.xone), self._logical),
            ((SH.closed,), self._closed),
        ]

    def _one(self, shape: Node, parameter: URIRef) -> Node:
        found = list(self.g.objects(shape, parameter))
        if len(found) != 1:
            raise self.error(shape, f"{len(found)} values of {self.names.term(parameter)}, expected one")
        return found[0]

    def _count_value(self, shape: Node, parameter: URIRef) -> int:
        found = self._one(shape, parameter)
        if not isinstance(found, Literal) or not isinstance(found.value, int) or found.value < 0:
            raise self.error(shape, f"{self.names.term(parameter)} must be a non-negative integer")
        return found.value

    def _class(self, shape: Node) -> list[Test]:
        classes = sorted(self.g.objects(shape, SH["class"]), key=str)
        if len(classes) == 1:
            message = f"Value does not have class {self.names.term(classes[0])}"
        else:
            message = "Value class is not in classes ({})".format(", ".join(map(self.names.term, classes)))
        return [ValueTest(SH.ClassConstraintComponent, fixed(message), True, self._not_instance(c))
                for c in classes]

    def _not_instance(self, cls: Node) -> Breaks:
        return lambda v: f"NOT EXISTS {{ {self.instance(v, cls)} }}"

    def _datatype(self, shape: Node) -> list[Test]:
        datatype = self._iri(shape, self._one(shape, SH.datatype))
        message = f"Value is not Literal with datatype {self.names.term(datatype)}"
        return [ValueTest(SH.DatatypeConstraintComponent, fixed(message), True, not_of_datatype(datatype))]

    def _node_kind(self, shape: Node) -> list[Test]:
        kind = self._one(shape, SH.nodeKind)
        if kind not in NODE_KINDS:
            raise self.error(shape, f"unknown sh:nodeKind {kind}")
        test = NODE_KINDS[kind]
        message = f"Value is not of Node Kind {self.names.term(kind)}"
        return [ValueTest(SH.NodeKindConstraintComponent, fixed(message), True,
                          lambda v: f"!{test.format(v=v)}")]

    def _in(self, shape: Node) -> list[Test]:
        members = list(self.g.items(self._one(shape, SH["in"])))
        same = [f"sameTerm({{v}}, {self.term(m)})" for m in members]
        # pyshacl lists the members in the order of a Python set: give such shapes a sh:message.
        message = templated(f"Value {{value}} not in list {[self.names.term(m) for m in members]}")
        return [ValueTest(SH.InConstraintComponent, message, True,
                          lambda v: "!({})".format(" || ".join(t.format(v=v) for t in same) or "false"))]

    def _has_value(self, shape: Node) -> list[Test]:
        wanted = sorted(self.g.objects(shape, SH.hasValue), key=str)
        listed = str([self.names.term(w) for w in wanted])
        path = self.g.value(shape, SH.path)
        message = (f"Node {{focus}}->{self.names.term(path)} does not contain a value in the set: {listed}"
                   if path is not None else f"Node {{focus}} value is not a in the set of values: {listed}")
        return [HasValueTest(SH.HasValueConstraintComponent, templated(message), False, self.term(w))
                for w in wanted]

    def _pattern(self, shape: Node) -> list[Test]:
        patterns = sorted(self.g.objects(shape, SH.pattern), key=str)
        # pyshacl honours the i and m flags only.
        flags = "".join(f for f in str(self.g.value(shape, SH.flags) or "").lower() if f in "im")
        for pattern in patterns:
            if not isinstance(pattern, Literal):
                raise self.error(shape, "sh:pattern must be a literal")
            if not check_regex(str(pattern), flags):
                raise self.error(shape, f"sh:pattern {str(pattern)!r} is not a regular expression that "
                                        "Oxigraph (Rust regex syntax) understands")
        if len(patterns) == 1:
            message = f"Value does not match pattern '{patterns[0]}'"
        else:
            message = "Value does not match every pattern in ('{}')".format("', '".join(map(str, patterns)))
        return [ValueTest(SH.PatternConstraintComponent, fixed(message), True, not_matching(str(p), flags))
                for p in patterns]

    def _length(self, shape: Node) -> list[Test]:
        tests: list[Test] = []
        for parameter, component, op, text in ((SH.minLength, SH.MinLengthConstraintComponent, "<", ">="),
                                               (SH.maxLength, SH.MaxLengthConstraintComponent, ">", "<=")):
            if (shape, parameter, None) not in self.g:
                continue
            limit = self._count_value(shape, parameter)
            if parameter == SH.minLength and limit == 0:
                continue     # every node, even a blank one, has a length of 0 or more
            message = f"String length not {text} {self.names.term(self._one(shape, parameter))}"
            tests.append(ValueTest(component, fixed(message), True, _length_breaks(op, limit)))
        return tests

    def _range(self, shape: Node) -> list[Test]:
        tests: list[Test] = []
        for parameter, (op, component) in RANGES.items():
            limits = sorted(self.g.objects(shape, parameter), key=str)
            if len(limits) == 1:
                message = f"Value is not {op} {self.names.term(limits[0])}"
            else:
                message = "Value is not {} in ({})".format(op, ", ".join(map(self.names.term, limits)))
            for limit in limits:
                if not isinstance(limit, Literal):
                    raise self.error(shape, f"{self.names.term(parameter)} must be a literal")
                tests.append(ValueTest(component, fixed(message), True, _range_breaks(op, limit)))
        return tests

    def _language_in(self, shape: Node) -> list[Test]:
        listed = self._one(shape, SH.languageIn)
        message = f"String language is not in {self.names.term(listed)}"
        return [ValueTest(SH.LanguageInConstraintComponent, fixed(message), True,
                          language_not_in([str(m) for m in self.g.items(listed)]))]

    def _unique_lang(self, shape: Node) -> list[Test]:
        if not is_true(self._one(shape, SH.uniqueLang)):
            return []
        self._require_path(shape, SH.uniqueLang)
        return [UniqueLangTest(SH.UniqueLangConstraintComponent,
                               fixed("More than one String shares the same Language"), False)]

    def _count(self, shape: Node) -> list[Test]:
        tests: list[Test] = []
        path = self._require_path(shape, SH.minCount)
        for parameter, minimum, component, text in (
                (SH.minCount, True, SH.MinCountConstraintComponent, "Less than"),
                (SH.maxCount, False, SH.MaxCountConstraintComponent, "More than")):
            if (shape, parameter, None) not in self.g:
                continue
            bound = self._count_value(shape, parameter)
            if minimum and bound == 0:
                continue
            message = f"{text} {bound} values on {{focus}}->{self.names.term(path)}"
            tests.append(CountTest(component, templated(message), False, bound, minimum))
        return tests

    def _order(self, shape: Node) -> list[Test]:
        self._require_path(shape, SH.lessThan)
        tests: list[Test] = []
        for parameter, (op, failed, component) in ORDERS.items():
            others = sorted(self.g.objects(shape, parameter), key=str)
            message = self._pair_message(others, failed)
            tests.extend(PairTest(component, message, True, self.term(self._iri(shape, o)), op)
                         for o in others)
        return tests

    def _equals(self, shape: Node) -> list[Test]:
        others = sorted(self.g.objects(shape, SH.equals), key=str)
        message = self._pair_message(others, "!=")
        return [PairTest(SH.EqualsConstraintComponent, message, True, self.term(self._iri(shape, o)),
                         relation) for o in others for relation in ("missing", "extra")]

    def _disjoint(self, shape: Node) -> list[Test]:
        others = sorted(self.g.objects(shape, SH.disjoint), key=str)
        message = self._pair_message(others, "==")
        return [PairTest(SH.DisjointConstraintComponent, message, True, self.term(self._iri(shape, o)),
                         "in-other") for o in others]

    def _pair_message(self, others: list[Node], op: str) -> MessageMaker:
        return templated(f"Value of {{focus}}->{', '.join(map(self.names.term, others))} {op} {{value}}")

    def _node(self, shape: Node) -> list[Test]:
        targets = sorted(self.g.objects(shape, SH.node), key=str)
        if len(targets) == 1:
            message = f"Value does not conform to Shape {self.names.term(targets[0])}."
        else:
            message = "Value must conform to every Shape in ('{}').".format(
                "', '".join(map(self.names.term, targets)))
        message += " See details for more information."
        return [ValueTest(SH.NodeConstraintComponent, fixed(message), True, self._breaks_shape(t))
                for t in targets]

    def _breaks_shape(self, shape: Node) -> Breaks:
        return lambda v: f"!({self.conforms(shape, v)})"

    def _not(self, shape: Node) -> list[Test]:
        negated = sorted(self.g.objects(shape, SH["not"]), key=str)
        if len(negated) == 1:
            template = f"Node {{value}} must not conform to shape {self.names.term(negated[0])}"
        else:
            template = "Node {{value}} must not conform to any shapes in {}".format(
                " , ".join(map(self.names.term, negated)))
        return [ValueTest(SH.NotConstraintComponent, templated(template), True, self._meets_shape(n))
                for n in negated]

    def _meets_shape(self, shape: Node) -> Breaks:
        return lambda v: f"({self.conforms(shape, v)})"

    def _logical(self, shape: Node) -> list[Test]:
        tests: list[Test] = []
        for parameter, component, words in ((SH["or"], SH.OrConstraintComponent, "one or more shapes"),
                                            (SH["and"], SH.AndConstraintComponent, "all shapes"),
                                            (SH.xone, SH.XoneConstraintComponent, "exactly one shape")):
            lists = sorted(self.g.objects(shape, parameter), key=str)
            if lists:
                message = templated(f"Node {{value}} must conform to {words} in {self.names.members(lists)}")
                tests.extend(ValueTest(component, message, True,
                                       self._combination(parameter, list(self.g.items(m)))) for m in lists)
        return tests

    def _combination(self, parameter: URIRef, shapes: list[Node]) -> Breaks:
        def breaks(v: str) -> str:
            each = [f"({self.conforms(s, v)})" for s in shapes]
            if parameter == SH["or"]:
                return "!({})".format(" || ".join(each) or "false")
            if parameter == SH["and"]:
                return "!({})".format(" && ".join(each) or "true")
            return "(({}) != 1)".format(" + ".join(f"IF({c}, 1, 0)" for c in each) or "0")
        return breaks

    def _closed(self, shape: Node) -> list[Test]:
        if is_true(self._one(shape, SH.closed)):
            raise self.error(shape, "sh:closed is not supported by the SPARQL compiler of SHACL shapes")
        return []

    # ----- terms and errors -----------------------------------------------------------------------
    def term(self, node: Node) -> str:
        return sparql_term(node)

    def _iri(self, shape: Node, node: Node) -> URIRef:
        if not isinstance(node, URIRef):
            raise self.error(shape, f"expected an IRI, got {node!r}")
        return node

    def _require_path(self, shape: Node, parameter: URIRef) -> Node:
        path = self.g.value(shape, SH.path)
        if path is None:
            raise self.error(shape, f"{self.names.term(parameter)} needs a property shape (sh:path)")
        return path

    def error(self, shape: Node, problem: str) -> UnsupportedShapeError:
        path = self.g.value(shape, SH.path)
        if isinstance(shape, BNode) and path is not None:
            name = f"the property shape of sh:path {self.names.term(path)}"
        else:
            name = self.names.term(shape)
        return UnsupportedShapeError(f"{name}: {problem}")


# ----- shapes graph helpers -----------------------------------------------------------------------
def roots(shapes: Graph) -> list[Node]:
    """The shapes with a target, in a stable order."""
    found: set[Node] = set()
    for target in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
        found.update(shapes.subjects(target, None))
    for shape in {*shapes.subjects(RDF.type, SH.NodeShape), *shapes.subjects(RDF.type, SH.PropertyShape)}:
        if implicit_classes(shapes, shape):
            found.add(shape)
    if (None, SH.target, None) in shapes:
        raise UnsupportedShapeError("sh:target (SPARQL-based targets) is not supported by the SPARQL "
                                    "compiler of SHACL shapes")
    return sorted(found, key=str)


def implicit_classes(shapes: Graph, shape: Node) -> set[Node]:
    """The shape itself when it is also a class (an implicit class target), as pyshacl decides."""
    classes = {RDFS.Class, *shapes.subjects(RDFS.subClassOf, RDFS.Class)}
    return {shape} if any(t in classes for t in shapes.objects(shape, RDF.type)) else set()


def is_deactivated(shapes: Graph, shape: Node) -> bool:
    return any(is_true(v) for v in shapes.objects(shape, SH.deactivated))


def severity(shapes: Graph, shape: Node) -> URIRef:
    found = shapes.value(shape, SH.severity)
    return found if isinstance(found, URIRef) else SH.Violation


def result_path(shapes: Graph, shape: Node) -> tuple[URIRef | None, bool]:
    """The sh:resultPath as a ValidationResult holds it: an IRI, or the IRI of ^IRI; else none."""
    return path_term(shapes, shapes.value(shape, SH.path))


def path_term(graph: Graph, path: Node | None) -> tuple[URIRef | None, bool]:
    """A SHACL path node as (IRI, inverse?) when it is an IRI or ^IRI; else (None, False)."""
    if isinstance(path, URIRef):
        return path, False
    if path is not None:
        inverse = graph.value(path, SH.inversePath)
        if isinstance(inverse, URIRef):
            return inverse, True
    return None, False


def _length_breaks(op: str, limit: int) -> Breaks:
    # A blank node has no string form: it breaks sh:minLength and sh:maxLength alike.
    return lambda v: f"(isBlank({v}) || STRLEN(STR({v})) {op} {limit})"


def _range_breaks(op: str, limit: Literal) -> Breaks:
    return lambda v: f"!{range_holds(v, op, limit)}"
