#!/usr/bin/env bash
# Installs what the tests need beyond Python packages, when it is missing and we may install it.
# Best effort: never fails the build; the tests that need a missing tool skip with the reason.
set -u
# --- headless Chromium for the browser test (tests/test_browser*.py) and the view screenshot ---
install_chromium() {
    if command -v chromium >/dev/null 2>&1 && [ -x /usr/bin/chromedriver ]; then
        return 0
    fi
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "test-deps: chromium or chromedriver missing and cannot apt-get install them; the browser test will skip" >&2
        return 0
    fi
    echo "test-deps: installing chromium and chromium-driver" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver) \
        >/dev/null 2>&1 || echo "test-deps: could not install chromium; the browser test will skip" >&2
}
install_chromium
# --- end of headless Chromium ---

# --- SPARQL servers for the store tests (tests/test_push*.py, tests/test_wikidata*.py) ---
# The Oxigraph server comes with the `oxigraph` Python package (pyproject.toml). Virtuoso is
# optional: Debian's virtuoso-opensource, started by the tests with a private ini; without it the
# Virtuoso tests skip with the reason.
install_virtuoso() {
    if command -v virtuoso-t >/dev/null 2>&1; then
        return 0
    fi
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "test-deps: virtuoso-t missing and cannot apt-get install it; the Virtuoso tests will skip" >&2
        return 0
    fi
    echo "test-deps: installing virtuoso-opensource" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq \
        --no-install-recommends virtuoso-opensource) >/dev/null 2>&1 \
        || echo "test-deps: could not install virtuoso-opensource; the Virtuoso tests will skip" >&2
}
install_virtuoso
# --- end of SPARQL servers ---

exit 0
