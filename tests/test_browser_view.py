"""The HTML view in headless Chromium, used as a person would: it draws, it finds, it shows evidence.

Needs Debian's chromium and chromium-driver (scripts/test-deps.sh installs them) and selenium; a
missing piece makes these tests skip with the reason.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import HOSTILE_NAME, assert_ran_no_markup_from_data, missing_browser, start_browser
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from kg.export import export_html, screenshot_html
from kg.export.browser import CHROMEDRIVER, chromium_flags, find_chromium

pytestmark = pytest.mark.browser

SAMPLE = Path(__file__).parent / "data" / "sample-graph.ttl"
ID = "https://w3id.org/readout-kg/id/"
HOSTILE = '</script><img src=x onerror="window.pwned=1"><script>window.pwned=2</script>'


@pytest.fixture(scope="module")
def page_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    graph = Graph().parse(SAMPLE, format="turtle")
    graph.set((URIRef(f"{ID}meeting/5555555555555555"), RDFS.label, Literal(HOSTILE)))
    return export_html(graph, tmp_path_factory.mktemp("view") / "view.html")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    reason = missing_browser()
    if reason:
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = find_chromium() or ""
    for flag in chromium_flags(tmp_path_factory.mktemp("profile")):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # an explicit driver path, so selenium-manager never tries to download one
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(driver: Any, script: str, timeout_s: float = 20.0) -> Any:
    """Poll the page until `script` returns something truthy (the page settles by itself)."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout_s, poll_frequency=0.1).until(lambda d: d.execute_script(script))


@pytest.fixture(scope="module")
def loaded(browser: Any, page_file: Path) -> Any:
    browser.get(page_file.as_uri())
    wait_for(browser, "return window.kgView && window.kgView.ready")
    return browser


def test_no_console_errors_and_no_injected_script(loaded: Any) -> None:
    severe = [e for e in loaded.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == []
    assert loaded.execute_script("return window.pwned === undefined")
    assert loaded.find_elements("css selector", "img") == []


def test_the_nodes_are_drawn(loaded: Any) -> None:
    assert loaded.execute_script("return window.kgView.network.body.nodeIndices.length") == 16
    painted = loaded.execute_script("""
        const canvas = document.querySelector('#network canvas');
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) painted++; }
        return painted;""")
    assert painted > 1000


def test_a_search_finds_an_official(loaded: Any) -> None:
    from selenium.webdriver.common.keys import Keys

    box = loaded.find_element("id", "search")
    box.clear()
    box.send_keys("brandt", Keys.ENTER)
    panel = loaded.find_element("id", "panel")
    assert panel.find_element("tag name", "h2").text == "Liesl Brandt"
    assert "Germany" in panel.text
    selected = loaded.execute_script("return window.kgView.network.getSelectedNodes()")
    assert selected == [f"{ID}person/liesl-brandt"]


def test_a_click_on_a_meeting_shows_its_evidence(loaded: Any) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    meeting = f"{ID}meeting/1111111111111111"
    point = loaded.execute_script("""
        const net = window.kgView.network;
        net.fit({animation: false});
        net.unselectAll();
        const p = net.canvasToDOM(net.getPosition(arguments[0]));
        return net.getNodeAt(p) === arguments[0] ? p : null;""", meeting)
    assert point is not None, "the meeting is hidden under another node"
    canvas = loaded.find_element("css selector", "#network canvas")
    size = canvas.size
    ActionChains(loaded).move_to_element_with_offset(
        canvas, int(point["x"] - size["width"] / 2), int(point["y"] - size["height"] / 2)).click().perform()
    panel = loaded.find_element("id", "panel")
    wait_for(loaded, "return document.querySelector('#panel h2') !== null")
    assert "Telephone talk of Hana Moriyama and Daniel Okafor" in panel.text
    quote = "Secretary Okafor stated that Article V of the Treaty applies to the Senkaku Islands."
    assert quote in panel.text
    link = panel.find_element("css selector", "div.source a")
    assert link.get_attribute("href") == "https://example.org/readouts/alpha"


def test_filters_hide_meetings_of_other_years(loaded: Any) -> None:
    from selenium.webdriver.support.ui import Select

    Select(loaded.find_element("id", "filter-year")).select_by_value("2022")
    assert loaded.find_element("id", "counts").text == "1 of 6 meetings"
    shown = loaded.execute_script("return window.kgView.shownIds()")
    assert f"{ID}meeting/5555555555555555" in shown and f"{ID}meeting/1111111111111111" not in shown
    assert f"{ID}person/au-tolland" not in shown
    Select(loaded.find_element("id", "filter-year")).select_by_value("")


def test_screenshot_of_the_view(page_file: Path, tmp_path: Path) -> None:
    if find_chromium() is None:
        pytest.skip("chromium is not installed")
    started = time.monotonic()
    assert screenshot_html(page_file, tmp_path / "view.png")
    assert (tmp_path / "view.png").read_bytes()[:4] == b"\x89PNG"
    assert time.monotonic() - started < 90


# -- an official whose name is markup, exported by `kg export --format html` ---------------------

@pytest.fixture(scope="module")
def hostile_official_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample graph with an official named HOSTILE_NAME, written as Turtle and exported by the CLI.

    Built as a graph, not extracted: the point is what the view does with any label it is given.
    """
    from click.testing import CliRunner

    from kg.cli import cli

    folder = tmp_path_factory.mktemp("hostile-view")
    graph = Graph().parse(SAMPLE, format="turtle")
    graph.set((URIRef(f"{ID}person/daniel-okafor"), RDFS.label, Literal(HOSTILE_NAME)))
    graph.serialize(folder / "graph.ttl", format="turtle")
    result = CliRunner().invoke(cli, ["export", "--format", "html", "--graph", str(folder / "graph.ttl"),
                                      "-o", str(folder / "view.html")])
    assert result.exit_code == 0, result.output
    return folder / "view.html"


@pytest.fixture(scope="module")
def own_browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A browser of its own, so the page the other tests share stays loaded."""
    reason = missing_browser()
    if reason:
        pytest.skip(reason)
    driver = start_browser(tmp_path_factory.mktemp("profile-hostile"))
    try:
        yield driver
    finally:
        driver.quit()


def test_an_official_named_with_markup_shows_as_text(own_browser: Any, hostile_official_page: Path) -> None:
    data = hostile_official_page.read_text(encoding="utf-8").split('id="kg-data">')[1].split("</script>")[0]
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in data and "<" not in data
    own_browser.get(hostile_official_page.as_uri())
    wait_for(own_browser, "return window.kgView && window.kgView.ready")
    assert own_browser.execute_script("return window.kgView.search('onerror')") == f"{ID}person/daniel-okafor"
    heading = own_browser.find_element("css selector", "#panel h2")
    assert heading.text == HOSTILE_NAME
    assert_ran_no_markup_from_data(own_browser)
    # The meetings the official took part in list the name too, as text.
    own_browser.execute_script("window.kgView.select(arguments[0])", f"{ID}meeting/1111111111111111")
    assert HOSTILE_NAME in own_browser.find_element("id", "panel").text
    assert_ran_no_markup_from_data(own_browser)
