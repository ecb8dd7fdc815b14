"""Typed validation results, and the report graph written next to a built graph."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.term import Node

from kg.namespaces import ID, PREFIXES, SH, digest

VIOLATION = SH.Violation
WARNING = SH.Warning
INFO = SH.Info

# Worst first: the order in which the text report lists the groups.
SEVERITY_ORDER: tuple[URIRef, ...] = (VIOLATION, WARNING, INFO)
SEVERITY_NAMES: dict[URIRef, str] = {VIOLATION: "Violation", WARNING: "Warning", INFO: "Info"}

REPORT_IRI = ID["validation/report"]


@dataclass(frozen=True, order=True)
class ValidationResult:
    """One broken constraint: which node, along which path, with which value, and what to fix."""

    severity: URIRef
    focus_node: Node
    path: URIRef | None
    value: Node | None
    message: str
    source_shape: Node | None
    constraint: URIRef | None = None
    inverse_path: bool = False   # the path is ^path (e.g. ^rdo:hasParticipation)

    @property
    def severity_name(self) -> str:
        return SEVERITY_NAMES.get(self.severity, str(self.severity))

    def iri(self) -> URIRef:
        """A content-derived IRI, so that the same graph always yields the same report graph."""
        key = [str(x) for x in (self.severity, self.focus_node, self.path, self.value, self.message,
                                self.source_shape, self.constraint, self.inverse_path)]
        return ID[f"validation/result/{digest(*key)}"]

    def text(self, graph: Graph | None = None) -> str:
        def short(node: Node | None) -> str:
            if node is None:
                return ""
            if graph is not None and isinstance(node, URIRef):
                return node.n3(graph.namespace_manager)
            return node.n3()

        path = ("^" if self.inverse_path else "") + short(self.path) if self.path is not None else "-"
        value = f" value {short(self.value)}" if self.value is not None else ""
        return f"{short(self.focus_node)} {path}{value}: {self.message}"


@dataclass
class ValidationReport:
    """All results of validating one graph; conforms when no result is a violation."""

    results: list[ValidationResult] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not self.violations

    @property
    def violations(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == VIOLATION]

    @property
    def warnings(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == WARNING]

    def counts(self) -> Counter[str]:
        return Counter(r.severity_name for r in self.results)

    def extend(self, results: Iterable[ValidationResult]) -> None:
        """Add results, skipping ones already present (validating overlapping graphs repeats some)."""
        seen = set(self.results)
        for result in results:
            if result not in seen:
                seen.add(result)
                self.results.append(result)

    def sorted_results(self) -> list[ValidationResult]:
        rank = {s: i for i, s in enumerate(SEVERITY_ORDER)}
        return sorted(self.results, key=lambda r: (rank.get(r.severity, 99), str(r.focus_node),
                                                   str(r.path), r.message, str(r.value)))

    def text(self) -> str:
        """A readable report: a summary line, then the results grouped by severity, worst first."""
        names = _namespaced_graph()
        counts = self.counts()
        summary = ", ".join(f"{counts[SEVERITY_NAMES[s]]} {SEVERITY_NAMES[s].lower()}(s)"
                            for s in SEVERITY_ORDER if counts[SEVERITY_NAMES[s]])
        lines = [f"Conforms: {'yes' if self.conforms else 'no'}" + (f" ({summary})" if summary else "")]
        for severity in SEVERITY_ORDER:
            group = [r for r in self.sorted_results() if r.severity == severity]
            if group:
                lines.append("")
                lines.append(f"{SEVERITY_NAMES[severity]}s ({len(group)}):")
                lines.extend(f"  - {r.text(names)}" for r in group)
        return "\n".join(lines) + "\n"

    def graph(self) -> Graph:
        """The report as a SHACL validation report graph, without blank nodes (deterministic)."""
        g = _namespaced_graph()
        g.add((REPORT_IRI, RDF.type, SH.ValidationReport))
        g.add((REPORT_IRI, SH.conforms, Literal(self.conforms, datatype=XSD.boolean)))
        for result in self.sorted_results():
            _add_result(g, result)
        return g


def _add_result(g: Graph, result: ValidationResult) -> None:
    node = result.iri()
    g.add((REPORT_IRI, SH.result, node))
    g.add((node, RDF.type, SH.ValidationResult))
    g.add((node, SH.resultSeverity, result.severity))
    g.add((node, SH.focusNode, result.focus_node))
    g.add((node, SH.resultMessage, Literal(result.message)))
    if result.path is not None:
        if result.inverse_path:
            path_node = URIRef(f"{node}#path")
            g.add((path_node, SH.inversePath, result.path))
            g.add((node, SH.resultPath, path_node))
        else:
            g.add((node, SH.resultPath, result.path))
    if result.value is not None:
        g.add((node, SH.value, result.value))
    if isinstance(result.source_shape, URIRef):
        g.add((node, SH.sourceShape, result.source_shape))
    if result.constraint is not None:
        g.add((node, SH.sourceConstraintComponent, result.constraint))


def _namespaced_graph() -> Graph:
    g = Graph()
    for prefix, namespace in PREFIXES.items():
        g.bind(prefix, namespace)
    g.bind("sh", SH)
    g.bind("shape", "https://w3id.org/readout-kg/shapes#")
    return g
