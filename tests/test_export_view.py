"""The HTML view (self-contained, hostile text escaped) and the matplotlib pictures."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from kg.export import export, render_html, view_data
from kg.export.view import script_json

SAMPLE = Path(__file__).parent / "data" / "sample-graph.ttl"
ID = "https://w3id.org/readout-kg/id/"
HOSTILE = '</script><img src=x onerror="window.pwned=1">&amp;<!--'
HOSTILE_SOURCE = "javascript:window.pwned=1"


def hostile_graph() -> Graph:
    graph = Graph().parse(SAMPLE, format="turtle")
    meeting = URIRef(f"{ID}meeting/1111111111111111")
    graph.set((meeting, RDFS.label, Literal(HOSTILE)))
    graph.set((URIRef(f"{ID}person/daniel-okafor"), RDFS.label, Literal(HOSTILE)))
    graph.add((URIRef(f"{ID}document/a0a0a0a0a0a0a0a0"), URIRef("http://purl.org/dc/terms/title"),
               Literal(HOSTILE)))
    graph.set((URIRef(f"{ID}document/b0b0b0b0b0b0b0b0"), URIRef("http://purl.org/dc/terms/source"),
               Literal(HOSTILE_SOURCE)))
    return graph


def test_view_data_holds_a_meetings_participants_issues_reaffirmations_and_evidence() -> None:
    data = view_data([SAMPLE])
    meeting = next(m for m in data["meetings"] if m["id"] == f"{ID}meeting/1111111111111111")
    assert meeting["date"] == "2021-03-02" and meeting["kind"] == "TelephoneTalk"
    assert sorted(meeting["participants"]) == [f"{ID}person/daniel-okafor", f"{ID}person/hana-moriyama"]
    assert f"{ID}issue/senkaku-islands" in meeting["issues"]
    assert meeting["reaffirmations"][0]["quotes"] == [
        "Secretary Okafor stated that Article V of the Treaty applies to the Senkaku Islands."]
    sources = {e["source"] for e in meeting["evidence"]}
    assert sources == {"https://example.org/readouts/alpha"}
    assert data["countries"] == ["Australia", "Germany", "Japan", "United States"]
    assert data["years"] == ["2021", "2022"]


def test_the_page_is_self_contained() -> None:
    page = render_html([SAMPLE])
    assert "vis.Network" in page and "Hana Moriyama" in page
    assert not re.search(r"""<(script|link|img)[^>]+(src|href)=["']?https?:""", page, re.I)
    assert not any(cdn in page for cdn in ("cdnjs.", "unpkg.com", "jsdelivr.net"))


def test_untrusted_text_cannot_leave_the_data_element() -> None:
    page = render_html(hostile_graph())
    assert HOSTILE not in page
    assert "<img src=x" not in page
    # three script elements: the data, vis-network, the view; nothing else closes one
    assert page.count("</script>") == 3
    data_text = page.split('<script type="application/json" id="kg-data">', 1)[1].split("</script>", 1)[0]
    data = json.loads(data_text)
    labels = {m["label"] for m in data["meetings"]}
    assert HOSTILE in labels  # the text is kept, only escaped


def test_script_json_escapes_what_could_end_a_script() -> None:
    text = script_json({"a": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><!-- & \u2028"}


def test_the_page_writes_text_only_through_textContent() -> None:
    script_file = Path(__file__).parents[1] / "kg" / "export" / "templates" / "view.js"
    script = script_file.read_text(encoding="utf-8")
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script and "document.write" not in script


def test_pictures_are_png_and_reproducible_svg(tmp_path: Path) -> None:
    png = export([SAMPLE], "png", tmp_path / "network.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    chart = export([SAMPLE], "chart", tmp_path / "meetings-per-year.png")
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    first = export([SAMPLE], "svg", tmp_path / "a.svg").read_text(encoding="utf-8")
    second = export([SAMPLE], "svg", tmp_path / "b.svg").read_text(encoding="utf-8")
    assert first == second and "<svg" in first and "Hana Moriyama" in first


def test_no_screenshot_without_chromium(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.export.browser as browser

    monkeypatch.setattr(browser, "find_chromium", lambda: None)
    page = tmp_path / "view.html"
    page.write_text("<html></html>", encoding="utf-8")
    assert browser.screenshot_html(page, tmp_path / "view.png") is False
    assert not (tmp_path / "view.png").exists()
