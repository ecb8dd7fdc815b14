"""The interface every SHACL engine implements; one module per implementation."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from rdflib import Graph
from rdflib.term import Node

from kg.validate.report import ValidationReport


class ShaclEngine(ABC):
    """Validates a data graph against shapes, reading class hierarchy from the ontology."""

    name: str = ""

    @abstractmethod
    def validate(self, data: Graph, shapes: Graph, ontology: Graph | None = None, *,
                 focus_nodes: Sequence[Node] | None = None) -> ValidationReport:
        """Validate `data` (only `focus_nodes` when given: the rest is context, such as reference data)."""
