"""Every shape in ontology/shapes.ttl against its examples under tests/shapes/<ShapeName>/.

Each example is added to tests/shapes/_base.ttl (a small conforming graph). `ok*.ttl` must yield no
result at all; `bad*.ttl` names in `# expect: FOCUS PATH SHAPE [SEVERITY]` lines the results it must
yield, and every result it yields must be about an expected focus node.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from kg.namespaces import SH
from kg.validate import ValidationReport, load_ontology, load_shapes, validate_graph

EXAMPLES = Path(__file__).parent / "shapes"
BASE = EXAMPLES / "_base.ttl"


@dataclass(frozen=True)
class Expected:
    focus: URIRef
    path: URIRef
    inverse: bool
    shape: URIRef
    severity: URIRef


@cache
def shapes() -> Graph:
    return load_shapes()


@cache
def ontology() -> Graph:
    return load_ontology()


def example_graph(path: Path) -> Graph:
    graph = Graph()
    graph.parse(BASE, format="turtle")
    graph.parse(path, format="turtle")
    return graph


def expectations(path: Path) -> list[Expected]:
    names = Graph().parse(path, format="turtle").namespace_manager
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# expect:"):
            focus, path_text, shape, *severity = line.removeprefix("# expect:").split()
            found.append(Expected(
                focus=URIRef(names.expand_curie(focus)),
                path=URIRef(names.expand_curie(path_text.lstrip("^"))),
                inverse=path_text.startswith("^"),
                shape=URIRef(names.expand_curie(shape)),
                severity=SH[severity[0]] if severity else SH.Violation,
            ))
    return found


def examples(prefix: str) -> list[Path]:
    return sorted(EXAMPLES.glob(f"*/{prefix}*.ttl"))


def validate(path: Path) -> ValidationReport:
    return validate_graph(example_graph(path), shapes=shapes(), ontology=ontology())


def test_base_graph_conforms_without_warnings() -> None:
    report = validate_graph(Graph().parse(BASE), shapes=shapes(), ontology=ontology())
    assert report.results == [], report.text()


@pytest.mark.parametrize("path", examples("ok"), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_conforming_example(path: Path) -> None:
    report = validate(path)
    assert report.conforms and report.results == [], report.text()


@pytest.mark.parametrize("path", examples("bad"), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_violating_example(path: Path) -> None:
    expected = expectations(path)
    assert expected, f"{path} has no '# expect:' line"
    report = validate(path)
    for want in expected:
        assert any(r.focus_node == want.focus and r.path == want.path and r.inverse_path == want.inverse
                   and r.source_shape == want.shape and r.severity == want.severity
                   for r in report.results), f"{want} not in:\n{report.text()}"
    assert {r.focus_node for r in report.results} <= {w.focus for w in expected}, report.text()
    if all(w.severity == SH.Warning for w in expected):
        assert report.conforms and report.warnings
    else:
        assert not report.conforms


def test_every_targeted_shape_has_ok_and_bad_examples() -> None:
    targeted = {s for s in shapes().subjects(SH.targetClass, None) if isinstance(s, URIRef)}
    for shape in targeted:
        name = str(shape).rsplit("#", 1)[1]
        folder = EXAMPLES / name
        assert list(folder.glob("ok*.ttl")), f"no conforming example for {name}"
        assert list(folder.glob("bad*.ttl")), f"no violating example for {name}"


def test_every_property_shape_has_a_message() -> None:
    g = shapes()
    for prop in g.subjects(SH.path, None):
        if isinstance(prop, URIRef):
            constraints = [prop, *g.objects(prop, SH.sparql)]
            messages = [g.value(c, SH.message) for c in constraints]
            assert any(m is not None for m in messages), f"{prop} has no sh:message"
