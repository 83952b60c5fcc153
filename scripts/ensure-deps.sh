#!/usr/bin/env bash
# Installs the locked npm dependencies when node_modules is missing or older
# than package-lock.json, so repeated runs skip a minute of npm ci.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
