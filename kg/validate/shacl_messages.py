"""The messages pyshacl gives a result whose shape has no sh:message, so that both engines agree.

pyshacl writes terms of the shapes graph with that graph's prefixes (plus sh:) and data terms with
the data graph's: rdflib's default prefixes, since the PyshaclEngine validates a fresh rdflib
Graph. Literals come out as `Literal("lexical" = value, datatype=xsd:...)`, blank nodes of the
shapes graph as a Turtle-like description of their triples. The blank nodes of the data are not
at hand on Oxigraph: they are written `[ ]`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.term import Node

from kg.namespaces import SH

# A generic message, given the focus node and the value node of one result.
MessageMaker = Callable[[Node, Node | None], str]

# pyshacl stops describing nested blank nodes this deep.
MAX_DEPTH = 12


class Names:
    """Writes the terms of one graph (the shapes) with its prefixes, as pyshacl's stringify_node."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.prefixes = NamespaceManager(Graph(), bind_namespaces="none")
        for prefix, namespace in graph.namespaces():
            self.prefixes.bind(prefix, namespace, override=True, replace=True)
        self.prefixes.bind("sh", SH, override=False, replace=False)

    def term(self, node: Node, depth: int = 0) -> str:
        if isinstance(node, Literal):
            return literal_text(node, self.prefixes)
        if isinstance(node, BNode):
            return self._blank(node, depth + 1)
        if isinstance(node, URIRef):
            return iri_text(node, self.prefixes)
        return str(node)

    def members(self, lists: list[Node]) -> str:
        """The members of sh:or / sh:and / sh:xone lists, joined as pyshacl joins them."""
        if len(lists) == 1:
            return " , ".join(self.term(m) for m in self.graph.items(lists[0]))
        return " and ".join("({})".format(" , ".join(self.term(m) for m in self.graph.items(lst)))
                            for lst in lists)

    def _blank(self, node: BNode, depth: int) -> str:
        if depth >= MAX_DEPTH:
            return "<http://recursion.too.deep>"
        predicates = list(self.graph.predicates(node))
        if not predicates:
            return "[ ]"
        if RDF.first in predicates:
            return "( {} )".format(" ".join(self.term(item, depth) for item in self.graph.items(node)))
        described: dict[str, str] = {}
        for predicate in predicates:
            objects = sorted(self.term(o, depth) for o in self.graph.objects(node, predicate))
            described[iri_text(predicate, self.prefixes)] = ", ".join(objects)
        return "[ {} ]".format(" ; ".join(f"{p} {o}" for p, o in sorted(described.items())))


@cache
def _data_prefixes() -> NamespaceManager:
    return Graph().namespace_manager


def data_term(node: Node | None) -> str:
    """A data term as pyshacl writes it in a message."""
    if isinstance(node, Literal):
        return literal_text(node, _data_prefixes())
    if isinstance(node, URIRef):
        return iri_text(node, _data_prefixes())
    return "[ ]" if isinstance(node, BNode) else str(node)


def iri_text(node: Node, prefixes: NamespaceManager) -> str:
    try:
        return node.n3(namespace_manager=prefixes)
    except Exception:  # rdflib refuses some IRIs as qnames; pyshacl then writes them bare
        return str(node)


def literal_text(node: Literal, prefixes: NamespaceManager) -> str:
    value = None if node.value is None else str(node.value)
    if value is not None and " object at 0x" in value:
        value = value[: value.find(" object at 0x")]
    lexical = str(node)
    text = f'"{lexical}" = {value}' if value is not None and value != lexical else f'"{lexical}"'
    if node.language:
        text += f", lang={node.language}"
    if node.datatype:
        text += f", datatype={iri_text(node.datatype, prefixes)}"
    return f"Literal({text})"


def fixed(text: str) -> MessageMaker:
    return lambda _focus, _value: text


def templated(template: str) -> MessageMaker:
    """`template` with {focus} and {value} standing for the result's focus and value nodes."""
    return lambda focus, value: template.replace("{focus}", data_term(focus)).replace(
        "{value}", data_term(value))
