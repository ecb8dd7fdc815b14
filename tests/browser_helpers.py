"""Headless Chromium through selenium for the browser tests, and the checks that a page ran no markup
from the data: the hostile official's name is shown as text, no element came from it, no alert fired."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kg.export.browser import CHROMEDRIVER, chromium_flags, find_chromium

# How a document might name an official, if the extractor or a hand-written graph let it through.
HOSTILE_NAME = "<img src=x onerror=alert(1)>"

# Runs before any script of every page the driver opens: an alert (or a prompt) is recorded, not shown.
_ALERT_TRAP = """
window.__alerts = [];
window.alert = window.confirm = window.prompt = function (message) { window.__alerts.push(String(message)); };
"""


def missing_browser() -> str | None:
    """Why the selenium tests cannot run here, or None."""
    if find_chromium() is None:
        return "chromium is not installed (scripts/test-deps.sh installs it)"
    if not CHROMEDRIVER.is_file():
        return f"{CHROMEDRIVER} is missing (apt-get install chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[dev]')"
    return None


def start_browser(profile: Path) -> Any:
    """A headless Chromium driven by selenium, offline, with alerts trapped on every page."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = find_chromium() or ""
    for flag in chromium_flags(profile):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # an explicit driver path, so selenium-manager never tries to download one
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": _ALERT_TRAP})
    return driver


def wait_for(driver: Any, script: str, timeout_s: float = 20.0) -> Any:
    """Poll the page until `script` returns something truthy (the page settles by itself)."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout_s, poll_frequency=0.1).until(lambda d: d.execute_script(script))


def assert_ran_no_markup_from_data(driver: Any) -> None:
    """No element made from the hostile name, no alert, and the name itself in the page's text."""
    assert driver.execute_script("return window.__alerts") == []
    assert driver.execute_script("return document.querySelectorAll('img, [onerror]').length") == 0
    assert HOSTILE_NAME in driver.execute_script("return document.body.textContent")
