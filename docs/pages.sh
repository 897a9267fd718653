#!/usr/bin/env bash
# Regenerates docs/pages/: a screenshot of every page (the widget, the frame, the console,
# the admin page) in Arabic and English, at 1366×900 and 390×844, taken by the browser
# test that also checks them with axe-core. Needs chromium, chromium-driver and axe-core
# (npm install --no-save --no-package-lock axe-core@4), as `.ci/run` installs them.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf docs/pages
RAQIB_PAGE_SCREENSHOTS=docs/pages cargo test --test browser pages:: -- --nocapture
ls docs/pages
