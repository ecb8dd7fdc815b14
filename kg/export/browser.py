"""Headless Chromium: finding it, the flags it runs with, and a screenshot of the HTML view."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WINDOW = (1400, 900)


def find_chromium() -> str | None:
    """The Chromium executable on PATH, or None."""
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def chromium_flags(user_data_dir: str | Path) -> list[str]:
    """Headless, offline and quiet: no sandbox (root in CI), no GPU, no background network."""
    return [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--hide-scrollbars", f"--user-data-dir={user_data_dir}",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
    ]


def screenshot_html(html_path: str | Path, png_path: str | Path, *, timeout_s: float = 90) -> bool:
    """A PNG of the page as headless Chromium draws it; False when Chromium is missing or fails."""
    chromium = find_chromium()
    if chromium is None:
        return False
    target = Path(png_path).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kg-chromium-") as profile:
        command = [
            chromium, *chromium_flags(profile), f"--screenshot={target}",
            # virtual time lets the layout settle without the test or build waiting in real time
            "--virtual-time-budget=10000", Path(html_path).resolve().as_uri(),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=timeout_s, check=False)
        except (OSError, subprocess.TimeoutExpired):
            return False
    return target.is_file() and target.stat().st_size > 0
