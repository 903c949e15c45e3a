#!/usr/bin/env bash
# The page's end-to-end test: installs playwright-core (npm) here if missing, then drives
# the page in headless Chromium (`/usr/bin/chromium`, Debian's package; `.ci/run` installs it).
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -d node_modules/playwright-core ]; then
  npm install --no-audit --no-fund --quiet
fi
node page.test.mjs
