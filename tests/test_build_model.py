"""`kg build --model NAME`: a statistical model's entity recogniser adds person names; nothing needs it."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from kg.errors import KGError
from kg.pipeline import build

TEXT = """---
title: Defence ministers meet
published: 2025-05-12
---
Japanese Defense Minister Gen Nakatani met Alexei Volkov in Tokyo on Monday to discuss maritime security.
"""


@pytest.fixture()
def model_dir(tmp_path: Path) -> Path:
    """A stand-in for an installed model: a pipeline whose entity ruler knows one name."""
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PERSON", "pattern": "Alexei Volkov"}])  # type: ignore[attr-defined]
    folder = tmp_path / "model"
    nlp.to_disk(folder)
    return folder


def participants(result_graph: object) -> set[str]:
    from rdflib import RDFS, Graph

    from kg.namespaces import RDO

    assert isinstance(result_graph, Graph)
    return {str(result_graph.value(p, RDFS.label)) for p in result_graph.objects(None, RDO.participant)}


def test_without_a_model_an_untitled_name_is_not_found(tmp_path: Path) -> None:
    (tmp_path / "d.md").write_text(TEXT, encoding="utf-8")
    result = build([tmp_path / "d.md"], validate=False)
    assert "Alexei Volkov" not in participants(result.graph)


def test_a_model_adds_the_names_it_recognises(tmp_path: Path, model_dir: Path) -> None:
    (tmp_path / "d.md").write_text(TEXT, encoding="utf-8")
    result = build([tmp_path / "d.md"], validate=False, model=str(model_dir))
    assert {"Gen Nakatani", "Alexei Volkov"} <= participants(result.graph)


def test_a_model_that_cannot_load_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "d.md").write_text(TEXT, encoding="utf-8")
    with pytest.raises(KGError, match="cannot load the spaCy model"):
        build([tmp_path / "d.md"], validate=False, model=str(tmp_path / "no-such-model"))
